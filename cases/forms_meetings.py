"""Forms of the case meetings. They check the input's shape; the rules live in cases/case_meetings.py and
come back to the field they concern. Guests (invitees without an account) and decisions are small
formsets whose empty rows are ignored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.case_meetings import DecisionData, InviteeData, decision_goals, invitee_candidates
from cases.forms import DateInput
from cases.models import Case, CaseMeeting, CaseMeetingInvitee, Goal
from cases.plans import owner_candidates
from zvhd.accounts.models import User
from zvhd.forms import NLDSFormMixin
from zvhd.reference.models import Partner

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _partners(keep: Sequence[int] = ()) -> Any:
    partners = Partner.objects.filter(active=True) | Partner.objects.filter(pk__in=list(keep))
    return partners.distinct().order_by("order", "name")


def _label_with_organisation(user: User) -> str:
    return f"{user} ({user.organisation_label})"


class CaseMeetingForm(NLDSFormMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invitees with an account"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The case's current participants and bureau staff."),
    )

    def __init__(self, *args: Any, case: Case, meeting: CaseMeeting | None = None, **kwargs: Any) -> None:
        if meeting is not None:
            kwargs.setdefault(
                "initial",
                {
                    "starts_at": timezone.localtime(meeting.starts_at),
                    "location": meeting.location,
                    "agenda": meeting.agenda,
                    "invitees": [row.user_id for row in meeting.invitees.all() if row.user_id],
                },
            )
        super().__init__(*args, **kwargs)
        field = self.fields["invitees"]
        field.queryset = invitee_candidates(case=case)
        field.label_from_instance = _label_with_organisation

    def invitee_users(self) -> list[InviteeData]:
        return [InviteeData(user=user) for user in self.cleaned_data.get("invitees", [])]


class GuestForm(NLDSFormMixin, forms.Form):
    """Someone invited without an account; a row whose name is cleared takes him off the list."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Partner.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _partners(
            [value for value in [self.initial.get("organisation")] if value]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("organisation") and not data.get("name", "").strip():
            self.add_error("name", _("Give the name of everyone invited without an account."))
        return data


class BaseGuestFormSet(forms.BaseFormSet):
    def to_data(self) -> list[InviteeData]:
        return [
            InviteeData(name=form.cleaned_data["name"], organisation=form.cleaned_data.get("organisation"))
            for form in self.forms
            if form.cleaned_data.get("name", "").strip()
        ]


GuestFormSet = forms.formset_factory(GuestForm, formset=BaseGuestFormSet, extra=3, max_num=30)


def guest_formset(data: Any = None, *, meeting: CaseMeeting | None = None) -> BaseGuestFormSet:
    """Guests of the meeting (invitees without an account), three empty rows to add more."""
    initial = [
        {"name": row.name, "organisation": row.organisation_id}
        for row in (meeting.invitees.all() if meeting else [])
        if not row.user_id
    ]
    return GuestFormSet(data, initial=initial, prefix="guests")


ATTENDANCE_CHOICES = [("present", _("present")), ("absent", _("absent"))]


class MeetingRecordForm(NLDSFormMixin, forms.Form):
    """Attendance of every invitee (one field each, `attended_<id>`) and the minutes."""

    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args: Any, invitees: Sequence[CaseMeetingInvitee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        for invitee in self.invitees:
            who = str(invitee)
            if invitee.organisation_id:
                who = f"{who} ({invitee.organisation.name})"
            self.fields[f"attended_{invitee.pk}"] = forms.ChoiceField(
                label=who, choices=ATTENDANCE_CHOICES, widget=forms.RadioSelect
            )
        # The minutes come last on the screen, after the attendance.
        self.order_fields([f"attended_{invitee.pk}" for invitee in self.invitees] + ["minutes"])

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[f"attended_{invitee.pk}"] for invitee in self.invitees]

    def attendance(self) -> dict[int, bool]:
        return {
            invitee.pk: self.cleaned_data[f"attended_{invitee.pk}"] == "present" for invitee in self.invitees
        }


class DecisionForm(NLDSFormMixin, forms.Form):
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=Goal.objects.none())
    what = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_partner = forms.ModelChoiceField(
        label=_("Partner responsible"), queryset=Partner.objects.none(), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Person responsible"), queryset=User.objects.none(), required=False
    )
    owner_name = forms.CharField(
        label=_("Or the name of someone without an account"), max_length=200, required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        goal.queryset = decision_goals(case=case)
        goal.label_from_instance = lambda item: (
            f"{item.plan.subject.person.full_name} · {item.life_domain.name}: {item.description[:60]}"
        )
        self.fields["owner_partner"].queryset = _partners()
        owner = self.fields["owner"]
        owner.queryset = (
            User.objects.filter(pk__in=[user.pk for user in owner_candidates(case=case)])
            .select_related("organisation")
            .order_by("last_name", "first_name")
        )
        owner.label_from_instance = _label_with_organisation

    def to_data(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(
            goal=data["goal"],
            what=data["what"],
            due_date=data["due_date"],
            owner_partner=data.get("owner_partner"),
            owner=data.get("owner"),
            owner_name=data.get("owner_name", ""),
        )


class BaseDecisionFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[DecisionForm]:
        """The rows that were filled in; empty rows are ignored."""
        return [form for form in self.forms if form.has_changed()]

    def to_data(self) -> list[DecisionData]:
        return [form.to_data() for form in self.filled_forms()]

    def add_service_error(self, key: str, messages: Sequence[str]) -> None:
        """Put an error of the service at the decision field it names ("decisions.1.owner")."""
        _prefix, index, field_name = key.split(".")
        form = self.filled_forms()[int(index)]
        for message in messages:
            form.add_error(field_name if field_name in form.fields else None, message)


DecisionFormSet = forms.formset_factory(DecisionForm, formset=BaseDecisionFormSet, extra=3, max_num=30)


def decision_formset(data: Any = None, *, case: Case) -> BaseDecisionFormSet:
    return DecisionFormSet(data, prefix="decisions", form_kwargs={"case": case})
