"""Forms of the case file. They validate input and hand plain data to the services; the rules that
hold for every channel live in the services and are called from here, so screen and API agree."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages as user_messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Participant, Person, Referral, Subject
from cases.services import (
    ConcurrentEditError,
    ReferralData,
    SubjectData,
    referral_data_errors,
    subjects_data_errors,
)
from cases.validators import validate_bsn
from zvhd.accounts.models import User
from zvhd.audit.models import LegalBasis
from zvhd.forms import NLDSFormMixin
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)

BOOLEAN_CHOICES = [("true", _("Yes")), ("false", _("No"))]


def _model_field(model: type[Model], name: str, **kwargs: Any) -> forms.Field:
    return model._meta.get_field(name).formfield(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReferralForm(NLDSFormMixin, forms.ModelForm):
    under_wet_parta = forms.BooleanField(
        label=_("Suspected radicalisation or terrorism: the Wet parta applies"),
        required=False,
        help_text=_(
            "The case then falls in a separate compartment: only people explicitly added to it can see it."
        ),
    )
    subject_informed = forms.TypedChoiceField(
        label=_("Was the subject informed about the referral?"),
        choices=BOOLEAN_CHOICES,
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Referral
        fields = [
            "received_on",
            "referrer_partner",
            "referrer_name",
            "referrer_role",
            "referrer_phone",
            "referrer_email",
            "concerns",
            "main_topic",
            "problem_areas",
            "cross_border",
            "minors_in_system",
            "subject_informed",
            "subject_not_informed_reason",
            "acceptance_criteria",
        ]
        widgets = {
            "received_on": DateInput(),
            "concerns": forms.Textarea(attrs={"rows": 6}),
            "subject_not_informed_reason": forms.Textarea(attrs={"rows": 3}),
            "problem_areas": forms.CheckboxSelectMultiple,
            "cross_border": forms.CheckboxSelectMultiple,
            "acceptance_criteria": forms.CheckboxSelectMultiple,
            "minors_in_system": forms.RadioSelect,
            "referrer_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "subject_not_informed_reason": _(
                "Required when the subject was not informed, for example a safety risk."
            ),
            "acceptance_criteria": _("Tick the criteria that, by the referral, are met."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Inactive reference rows cannot be chosen anew, but stay valid on a referral that has them.
        current = self.instance if self.instance.pk else None
        for name, model in (
            ("referrer_partner", Partner),
            ("main_topic", MainTopic),
            ("problem_areas", ProblemArea),
            ("cross_border", CrossBorderScope),
            ("acceptance_criteria", AcceptanceCriterion),
        ):
            queryset = model.objects.active()
            if current is not None:
                queryset = model.objects.filter(active=True) | model.objects.filter(
                    pk__in=self._current_pks(name)
                )
            self.fields[name].queryset = queryset.order_by("order", "name")
        self.fields["minors_in_system"].choices = Referral.MinorsInSystem.choices
        if current is not None:
            self.initial["subject_informed"] = "true" if current.subject_informed else "false"
            del self.fields["under_wet_parta"]  # the compartment is chosen once, at registration

    def _current_pks(self, name: str) -> list[int]:
        value = getattr(self.instance, name)
        if hasattr(value, "all"):
            return [item.pk for item in value.all()]
        return [value.pk] if value is not None else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self._errors:
            for field, messages in referral_data_errors(self.to_data()).items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def to_data(self) -> ReferralData:
        data = self.cleaned_data
        return ReferralData(
            received_on=data["received_on"],
            referrer_partner=data["referrer_partner"],
            referrer_name=data["referrer_name"],
            referrer_role=data.get("referrer_role", ""),
            referrer_phone=data.get("referrer_phone", ""),
            referrer_email=data.get("referrer_email", ""),
            concerns=data["concerns"],
            main_topic=data["main_topic"],
            subject_informed=data["subject_informed"],
            subject_not_informed_reason=data.get("subject_not_informed_reason", ""),
            minors_in_system=data["minors_in_system"],
            problem_areas=list(data.get("problem_areas", [])),
            cross_border=list(data.get("cross_border", [])),
            acceptance_criteria=list(data.get("acceptance_criteria", [])),
            under_wet_parta=data.get("under_wet_parta", False),
        )


class SubjectForm(NLDSFormMixin, forms.Form):
    is_primary = forms.BooleanField(label=_("Main subject"), required=False)
    first_name = _model_field(Person, "first_name")
    name_prefix = _model_field(Person, "name_prefix")
    last_name = _model_field(Person, "last_name")
    date_of_birth = _model_field(Person, "date_of_birth", widget=DateInput())
    gender = _model_field(Person, "gender")
    bsn = _model_field(
        Person,
        "bsn",
        help_text=_("Optional. Nine digits; checked with the eleven test."),
        validators=[validate_bsn],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 9}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of registration"), queryset=Municipality.objects.none()
    )
    relation = _model_field(Subject, "relation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.active().order_by("name")
        self.fields["gender"].choices = Person.Gender.choices

    def clean_bsn(self) -> str:
        return self.cleaned_data.get("bsn", "").replace(" ", "").replace(".", "")

    def to_data(self) -> SubjectData:
        data = self.cleaned_data
        return SubjectData(
            first_name=data["first_name"].strip(),
            name_prefix=data.get("name_prefix", "").strip(),
            last_name=data["last_name"].strip(),
            date_of_birth=data.get("date_of_birth"),
            gender=data["gender"],
            bsn=data.get("bsn", ""),
            municipality=data["municipality"],
            is_primary=data.get("is_primary", False),
            relation=data.get("relation", ""),
        )


class BaseSubjectFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        for key, messages in subjects_data_errors(self.to_data()).items():
            self.add_service_error(key, messages)

    def kept_forms(self) -> list[SubjectForm]:
        return [form for form in self.forms if not (self.can_delete and self._should_delete_form(form))]

    def to_data(self) -> list[SubjectData]:
        return [form.to_data() for form in self.kept_forms()]

    def add_service_error(self, key: str, messages: Sequence[str]) -> None:
        """Put an error of the service at the subject field it names ("subjects.1.bsn")."""
        parts = key.split(".")
        if len(parts) == 3:
            form = self.kept_forms()[int(parts[1])]
            for message in messages:
                form.add_error(parts[2], message)
        else:
            self._non_form_errors = (self._non_form_errors or ErrorList()) + ErrorList(list(messages))


SubjectFormSet = forms.formset_factory(
    SubjectForm,
    formset=BaseSubjectFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=20,
    validate_max=True,
    can_delete=True,
    can_delete_extra=True,
)


def apply_service_errors(
    error: ValidationError, form: forms.Form, formset: BaseSubjectFormSet | None = None
) -> None:
    """Show the errors a service raised at the fields they concern, so the user can correct them."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.message_dict.items():
        if key.startswith("subjects") and formset is not None:
            formset.add_service_error(key, errors)
        elif key in form.fields:
            for message in errors:
                form.add_error(key, message)
        else:
            for message in errors:
                form.add_error(None, message)


class Saved(enum.Enum):
    """What became of a screen's save (see `save_posted`)."""

    NO = "no"  # not posted, or input with errors: show the form (with the errors)
    CONFLICT = "conflict"  # based on an old version: nothing changed; reload and show his input again
    YES = "yes"


def save_posted(
    request: HttpRequest,
    forms_: Sequence[forms.Form | forms.BaseFormSet],
    save: Callable[[], object],
    *,
    success: str,
    show_errors: Callable[[ValidationError], None] | None = None,
) -> Saved:
    """Run a screen's service call when the request posts valid input, the one way screens save.

    The service's refusals are shown at the fields they concern (by `show_errors`, else at the first
    form); a save based on an old version changes nothing and answers CONFLICT, so the screen reloads the
    record and shows his input again with the newer version (saving again then applies it). On success
    the message is queued for the next page.
    """
    if request.method != "POST" or not all([item.is_valid() for item in forms_]):
        return Saved.NO
    try:
        save()
    except ConcurrentEditError:
        return Saved.CONFLICT
    except ValidationError as error:
        if show_errors is None:
            apply_service_errors(error, forms_[0])
        else:
            show_errors(error)
        return Saved.NO
    user_messages.success(request, success)
    return Saved.YES


def without_validation(*forms_: forms.Form | forms.BaseFormSet) -> None:
    """Render bound forms as typed, without error messages (used when a subject row is added)."""
    for item in forms_:
        if isinstance(item, forms.BaseFormSet):
            item._errors = [ErrorDict() for _form in item.forms]
            item._non_form_errors = ErrorList()
            without_validation(*item.forms)
        else:
            item._errors = ErrorDict()


class ParticipantForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["user", "role_in_case", "start_date", "end_date", "legal_basis"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"user": _("Person")}
        help_texts = {
            "role_in_case": _("For example: case lead, practitioner, community police officer."),
            "end_date": _(
                "Leave empty while the end is not known; access ends at the latest when the case closes."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = self.fields["user"]
        users.queryset = (
            User.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("last_name", "first_name")
        )
        users.label_from_instance = lambda user: (
            f"{user} ({user.organisation_label}, {user.get_role_display()})"
        )
        self.fields["legal_basis"].choices = [
            choice for choice in LegalBasis.choices if choice[0] != LegalBasis.NONE
        ]

    def _post_clean(self) -> None:
        """The participation rules live in the service (and its messages appear at the field)."""


class ParticipantEndForm(NLDSFormMixin, forms.Form):
    end_date = forms.DateField(label=_("Last day of participation"), widget=DateInput())


class EmergencyAccessForm(NLDSFormMixin, forms.Form):
    case_number = forms.CharField(
        label=_("Case number"), max_length=20, help_text=_("For example 2026-0042.")
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you need this case now, outside your normal rights. The manager reviews every use."),
    )


class EmergencyReviewForm(NLDSFormMixin, forms.Form):
    note = forms.CharField(label=_("Review"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CaseCloseForm(NLDSFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closure"), choices=Case.ClosureReason.choices, widget=forms.RadioSelect
    )


class PersonSearchForm(NLDSFormMixin, forms.Form):
    query = forms.CharField(
        label=_("Name or BSN"), min_length=2, max_length=100, help_text=_("At least two characters.")
    )
