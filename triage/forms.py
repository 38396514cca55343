"""Forms of the triage meeting screens. They turn input into plain values for triage/services.py, where
the rules live; the errors a service raises are shown at the fields they name (`apply_service_errors`),
so screen and API agree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Case
from triage import selectors
from triage.models import AvePhase, Decision, Enrichment, Meeting, SafetyRisk
from triage.services import DecisionData
from zvhd.accounts.models import User
from zvhd.forms import NLDSFormMixin
from zvhd.reference.models import AcceptanceCriterion, MeetingType, Partner

EMPTY_CHOICE = [("", _("Choose…"))]


def _liaison_label(user: User) -> str:
    return f"{user} ({user.organisation_label})"


def _meeting_type_label(meeting_type: MeetingType) -> str:
    return _("%(name)s, usually on %(weekday)s; seated: %(partners)s") % {
        "name": meeting_type.name,
        "weekday": meeting_type.get_weekday_display(),
        "partners": ", ".join(partner.name for partner in meeting_type.seated_partners.all()),
    }


class MeetingPlanForm(NLDSFormMixin, forms.Form):
    meeting_type = forms.ModelChoiceField(
        label=_("Meeting type"), queryset=MeetingType.objects.none(), widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())
    liaisons = forms.ModelMultipleChoiceField(
        label=_("Liaisons present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only liaisons of an organisation seated at the chosen meeting type. They see the referrals "
            "on the agenda up to and including the day of the meeting."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = selectors.meeting_types_plannable()
        self.fields["meeting_type"].label_from_instance = _meeting_type_label
        self.fields["chair"].queryset = selectors.chairs_available()
        self.fields["liaisons"].queryset = selectors.liaisons_seatable()
        self.fields["liaisons"].label_from_instance = _liaison_label


class MeetingEditForm(NLDSFormMixin, forms.Form):
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())
    liaisons = forms.ModelMultipleChoiceField(
        label=_("Liaisons present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A liaison sees the referrals on the agenda up to and including the day of the meeting."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = selectors.chairs_available()
        self.fields["liaisons"].queryset = selectors.liaisons_seatable(meeting_type=meeting.meeting_type)
        self.fields["liaisons"].label_from_instance = _liaison_label


def _case_label(case: Case) -> str:
    """A referral in a list of choices: number, municipality, topic and date, no name (need-to-know)."""
    referral = case.referral
    primary = case.primary_subjects[0] if case.primary_subjects else None
    parts = [case.number, primary.municipality.name if primary else "", referral.main_topic.name]
    parts.append(_("received %(date)s") % {"date": f"{referral.received_on:%d-%m-%Y}"})
    return " · ".join(part for part in parts if part)


class AgendaAddForm(NLDSFormMixin, forms.Form):
    case = forms.ModelChoiceField(
        label=_("Registered referral"),
        queryset=Case.objects.none(),
        help_text=_("Also a referral that is not complete yet, or that came in after the cut-off."),
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = _case_label


class AgendaMoveForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none())

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class DecisionForm(NLDSFormMixin, forms.Form):
    """The assessment and the decision on an agenda item.

    Which fields a decision needs depends on the decision (a reason when it is not taken up, a partner
    when it is referred back …); the service checks that, so no field is required here and the help
    texts say when each one is needed.
    """

    show_optional_marker = False

    criteria_met = forms.ModelMultipleChoiceField(
        label=_("Acceptance criteria met"),
        queryset=AcceptanceCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For process coordination: every one of the first criteria, or the last one alone."),
    )
    ave_phase = forms.TypedChoiceField(
        label=_("AVE phase"),
        choices=AvePhase.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    safety_risk = forms.ChoiceField(
        label=_("Safety risk"), choices=SafetyRisk.choices, required=False, widget=forms.RadioSelect
    )
    considerations = forms.CharField(
        label=_("Considerations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the meeting weighed; for the case file, not for the referrer."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, required=False, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the referral is not taken up or referred back; the referrer receives it."),
    )
    referred_to = forms.ModelChoiceField(
        label=_("Referred back to"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Required when the referral is referred back."),
    )
    coordinator = forms.ModelChoiceField(
        label=_("Process coordinator"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Who starts now. Leave empty for process coordination when nobody is free: the case then "
            "goes on the waiting list. Required for extended advice: who gives it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_met"].queryset = AcceptanceCriterion.objects.active().order_by("order", "name")
        self.fields["referred_to"].queryset = Partner.objects.active().order_by("order", "name")
        coordinators = self.fields["coordinator"]
        coordinators.queryset = selectors.coordinators_with_caseload()
        coordinators.empty_label = _("Nobody yet: the waiting list")
        coordinators.label_from_instance = lambda user: (
            _("%(name)s (%(cases)s cases, %(advice)s advice)")
            % {"name": user, "cases": user.caseload, "advice": user.advice_load}
        )

    def to_data(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(
            decision=data["decision"],
            safety_risk=data["safety_risk"],
            ave_phase=data["ave_phase"],
            criteria_met=list(data["criteria_met"]),
            considerations=data["considerations"],
            reason=data["reason"],
            referred_to=data["referred_to"],
            coordinator=data["coordinator"],
        )


class EnrichmentForm(NLDSFormMixin, forms.Form):
    known = forms.ChoiceField(
        label=_("Is the subject known to your organisation?"),
        choices=Enrichment.Known.choices,
        widget=forms.RadioSelect,
    )
    information = forms.CharField(
        label=_("Necessary information"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only what the meeting needs for its decision (need-to-know)."),
    )


class FeedbackForm(NLDSFormMixin, forms.Form):
    recipient = forms.EmailField(
        label=_("To"),
        required=False,
        help_text=_("The e-mail address of the referrer. Without one, print the letter."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))
