"""Forms of the aftercare screens. They check the input's shape and hand plain data to
aftercare/services.py, whose refusals come back to the field they name (`cases.forms.save_posted`).
The version a user started from travels in a hidden input beside the form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftercare.models import (
    BasicCondition,
    ConditionState,
    Consent,
    ConsentChannel,
    DetentionKind,
    GuidanceContact,
    InformationSource,
)
from aftercare.selectors import CaseloadState, aftercare_municipalities
from aftercare.services import EscalationData, NoticeData, notice_data_errors
from cases.forms import DateInput
from zvhd.accounts.models import Role, User
from zvhd.forms import NLDSForm, NLDSFormMixin
from zvhd.reference.models import MainTopic, Municipality, Partner, ProblemArea


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _text(label: str, *, rows: int = 3, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _today() -> datetime.date:
    return timezone.localdate()


class NoticeForm(NLDSFormMixin, forms.Form):
    """A detention notice entered by hand: the notice and the person it is about."""

    reference = forms.CharField(
        label=_("DJI reference"), max_length=64, help_text=_("The number of the notice at DJI.")
    )
    kind = forms.ChoiceField(label=_("Type"), choices=DetentionKind.choices, widget=forms.RadioSelect)
    received_on = _date(_("Received on"))
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("For example: PI Veenhuizen."),
    )
    detention_start = _date(
        _("Start of detention"), required=False, help_text=_("Not needed for a self-reporter.")
    )
    expected_release = _date(
        _("Expected release"),
        required=False,
        help_text=_("The release tasks are dated from it."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    name_prefix = forms.CharField(label=_("Name prefix"), max_length=20, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = _date(_("Date of birth"), required=False)
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        help_text=_("Optional. Nine digits; checked with the eleven test."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of residence"), queryset=Municipality.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": _today(), "kind": DetentionKind.DETENTION})
        super().__init__(*args, **kwargs)
        # Every municipality of the house: the service names who is responsible for one it does not serve.
        self.fields["municipality"].queryset = Municipality.objects.active().order_by("name")

    def clean_bsn(self) -> str:
        return self.cleaned_data.get("bsn", "").replace(" ", "").replace(".", "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self._errors:
            for name, messages in notice_data_errors(self.to_data()).items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned

    def to_data(self) -> NoticeData:
        data = self.cleaned_data
        return NoticeData(
            reference=data["reference"].strip(),
            kind=data["kind"],
            received_on=data["received_on"],
            first_name=data["first_name"].strip(),
            name_prefix=data.get("name_prefix", "").strip(),
            last_name=data["last_name"].strip(),
            municipality=data["municipality"],
            institution=data.get("institution", ""),
            detention_start=data.get("detention_start"),
            expected_release=data.get("expected_release"),
            date_of_birth=data.get("date_of_birth"),
            bsn=data.get("bsn", ""),
        )


class ConsentForm(NLDSFormMixin, forms.Form):
    consent = forms.ChoiceField(
        label=_("Does he accept help?"),
        choices=[(Consent.GIVEN, Consent.GIVEN.label), (Consent.REFUSED, Consent.REFUSED.label)],
        widget=forms.RadioSelect,
        help_text=_("Aftercare is voluntary: without consent the case is closed."),
    )
    on = _date(_("Asked on"))
    channel = forms.ChoiceField(label=_("How was he asked?"), choices=ConsentChannel.choices)
    note = _text(_("Note"), rows=2, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": _today()})
        super().__init__(*args, **kwargs)

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "consent": data["consent"],
            "on": data["on"],
            "channel": data["channel"],
            "note": data["note"],
        }


class InformationForm(NLDSFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=InformationSource.choices, widget=forms.RadioSelect)
    received_on = _date(_("Received on"))
    content = _text(
        _("Information"),
        rows=5,
        required=False,
        help_text=_("Only what the aftercare needs."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": _today()})
        super().__init__(*args, **kwargs)

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"source": data["source"], "received_on": data["received_on"], "content": data["content"]}


def _state() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("State"), choices=ConditionState.choices)


def _situation() -> forms.CharField:
    return _text(_("Description of the situation"), rows=2, required=False)


class ConditionForm(NLDSFormMixin, forms.Form):
    """The situation of one basic condition at intake, at release and three months after release."""

    # Each pair sits in a fieldset whose legend names the moment (at intake, at release, after three months).
    at_intake = _state()
    intake_note = _situation()
    at_release = _state()
    release_note = _situation()
    after_three_months = _state()
    after_note = _situation()

    def __init__(self, *args: Any, condition: BasicCondition, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(condition, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)

    def to_data(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ActionForm(NLDSFormMixin, forms.Form):
    what = _text(_("What will be done"), required=False)
    owner_partner = forms.ModelChoiceField(
        label=_("Organisation responsible"), queryset=Partner.objects.none(), required=False
    )
    owner_name = forms.CharField(
        label=_("Person responsible"),
        max_length=200,
        required=False,
        help_text=_("An organisation, a person, or both."),
    )
    due_on = _date(_("Due date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_partner"].queryset = Partner.objects.active().order_by("order", "name")

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what": data["what"],
            "due_on": data["due_on"],
            "owner_partner": data.get("owner_partner"),
            "owner_name": data.get("owner_name", ""),
        }


class ReleaseForm(NLDSFormMixin, forms.Form):
    released_on = _date(_("Released on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"released_on": _today()})
        super().__init__(*args, **kwargs)


class GuidanceStartForm(NLDSFormMixin, forms.Form):
    worker = forms.ModelChoiceField(label=_("Guidance worker"), queryset=User.objects.none())
    reason = _text(_("Why does regular aftercare fall short?"), required=False)
    started_on = _date(_("Started on"))
    goals = _text(
        _("Goals"),
        rows=4,
        required=False,
        help_text=_("One goal per line."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"started_on": _today()})
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = User.objects.filter(
            role=Role.GUIDANCE_WORKER, is_active=True
        ).order_by("last_name", "first_name")

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "worker": data["worker"],
            "reason": data["reason"],
            "started_on": data["started_on"],
            "goals": [line.strip() for line in data["goals"].splitlines() if line.strip()],
        }


class GuidanceContactForm(NLDSFormMixin, forms.Form):
    contacted_on = _date(_("Date"))
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=GuidanceContact.Kind.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=24 * 60, initial=0)
    note = _text(_("Note"), rows=3, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"contacted_on": _today(), "minutes": 0})
        super().__init__(*args, **kwargs)

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "contacted_on": data["contacted_on"],
            "kind": data["kind"],
            "minutes": data["minutes"],
            "note": data["note"],
        }


class GuidanceEndForm(NLDSFormMixin, forms.Form):
    ended_on = _date(_("Ended on"))
    result = _text(_("Result"), rows=3, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"ended_on": _today()})
        super().__init__(*args, **kwargs)


class EscalationForm(NLDSFormMixin, forms.Form):
    """The referral for the ketenkamer: what the aftercare case does not already know."""

    concerns = _text(
        _("Concerns"),
        rows=6,
        required=False,
        help_text=_("What makes procesregie necessary now."),
    )
    main_topic = forms.ModelChoiceField(label=_("Main topic"), queryset=MainTopic.objects.none())
    referrer_partner = forms.ModelChoiceField(
        label=_("Referring organisation"),
        queryset=Partner.objects.none(),
        help_text=_("The organisation on whose behalf you refer."),
    )
    referrer_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    referrer_email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Leave empty to use your own address.")
    )
    problem_areas = forms.ModelMultipleChoiceField(
        label=_("Problem areas"),
        queryset=ProblemArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (
            ("main_topic", MainTopic),
            ("referrer_partner", Partner),
            ("problem_areas", ProblemArea),
        ):
            self.fields[name].queryset = model.objects.active().order_by("order", "name")

    def to_data(self) -> EscalationData:
        data = self.cleaned_data
        return EscalationData(
            concerns=data["concerns"],
            main_topic=data["main_topic"],
            referrer_partner=data["referrer_partner"],
            referrer_phone=data.get("referrer_phone", ""),
            referrer_email=data.get("referrer_email", ""),
            problem_areas=list(data.get("problem_areas", [])),
        )


class CaseloadFilterForm(NLDSForm):
    state = forms.ChoiceField(label=_("Cases"), choices=CaseloadState.choices, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = aftercare_municipalities()
