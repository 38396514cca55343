"""Forms of procesregie on the case page and of Mijn casussen. They check the shape of the input; the
rules (the cter label, AVE phases, dates, the evaluation) live in cases/coordination.py, whose messages
`apply_service_errors` puts at the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Case, CaseEvent, Escalation, Handover, SystemMember
from zvhd.forms import NLDSForm, NLDSFormMixin
from zvhd.reference.models import CaseLabel, Partner

AVE_CHOICES = [("", _("unknown"))] + [(str(phase), str(phase)) for phase in range(1, 5)]


def _ave_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=AVE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The phase of the escalation ladder (AVE), 1 to 4."),
    )


class SystemMemberForm(NLDSFormMixin, forms.ModelForm):
    # Shown on the case page beside other sections' forms: the prefix keeps its field ids apart.
    prefix = "system"

    class Meta:
        model = SystemMember
        fields = ["description", "relation", "is_minor", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"relation": _("For example: daughter, partner, neighbour.")}

    def _post_clean(self) -> None:
        """The rules live in the service (and its messages appear at the field)."""


class CaseLabelsForm(NLDSFormMixin, forms.Form):
    labels = forms.ModelMultipleChoiceField(
        label=_("Labels"),
        queryset=CaseLabel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The special approaches this case carries."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: Sequence[CaseLabel] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Inactive labels cannot be chosen anew, but stay on a case that has them.
        queryset = CaseLabel.objects.filter(active=True) | CaseLabel.objects.filter(
            pk__in=[label.pk for label in current]
        )
        self.fields["labels"].queryset = queryset.order_by("order", "name")


class EscalationForm(NLDSFormMixin, forms.ModelForm):
    ave_before = _ave_field(_("AVE phase before"))
    ave_after = _ave_field(_("AVE phase after"))

    class Meta:
        model = Escalation
        fields = ["to", "to_detail", "reason", "ave_before", "ave_after", "escalated_on"]
        widgets = {
            "to": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 4}),
            "escalated_on": DateInput(),
        }
        help_texts = {
            "to_detail": _("For example: the regional manager of the partner, or the mayor of Emmen.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = Escalation.To.choices

    def _post_clean(self) -> None:
        """The rules live in the service (and its messages appear at the field)."""


class EscalationOutcomeForm(NLDSFormMixin, forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 4}))
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())
    ave_after = _ave_field(_("AVE phase after"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class HandoverForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Handover
        fields = ["to", "receiver_name", "receiver_organisation", "handed_over_on", "note"]
        widgets = {
            "to": forms.RadioSelect,
            "handed_over_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = Handover.To.choices
        self.fields["receiver_organisation"].queryset = Partner.objects.active().order_by("order", "name")

    def _post_clean(self) -> None:
        """The rules live in the service (and its messages appear at the field)."""


class CaseCloseEvaluationForm(NLDSFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closure"), choices=Case.ClosureReason.choices, widget=forms.RadioSelect
    )
    evaluation = forms.CharField(
        label=_("Evaluation"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was achieved, what was not, and what the partners take on from here."),
    )


class TimelineFilterForm(NLDSForm):
    soort = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *CaseEvent.Kind.choices], required=False
    )


class MyCasesFilterForm(NLDSForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All"))]
        + [choice for choice in Case.Kind.choices if choice[0] != Case.Kind.UNDECIDED],
        required=False,
    )
    label = forms.ModelChoiceField(
        label=_("Label"),
        queryset=CaseLabel.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    overdue = forms.BooleanField(label=_("Only with overdue agreements"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].queryset = CaseLabel.objects.order_by("order", "name")
