"""Forms of the action plan. They check the input's shape; the plan's rules live in cases/plans.py and
come back to the field they concern through `apply_service_errors`. The version a user started from
travels in a hidden input beside the form, as on the referral edit screen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import Agreement, Case, Goal
from cases.plans import AgreementData, GoalData, owner_candidates
from zvhd.accounts.models import User
from zvhd.forms import NLDSFormMixin
from zvhd.reference.models import LifeDomain, Partner


class GoalForm(NLDSFormMixin, forms.Form):
    life_domain = forms.ModelChoiceField(label=_("Life domain"), queryset=LifeDomain.objects.none())
    description = forms.CharField(
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What should be reached in this life domain, in concrete terms."),
    )
    achieved = forms.BooleanField(label=_("This goal has been achieved"), required=False)

    def __init__(self, *args: Any, goal: Goal | None = None, **kwargs: Any) -> None:
        if goal is not None:
            kwargs.setdefault(
                "initial",
                {
                    "life_domain": goal.life_domain_id,
                    "description": goal.description,
                    "achieved": goal.achieved,
                },
            )
        super().__init__(*args, **kwargs)
        # An inactive life domain cannot be chosen anew, but stays valid on a goal that has it.
        queryset = LifeDomain.objects.filter(active=True)
        if goal is not None:
            queryset = queryset | LifeDomain.objects.filter(pk=goal.life_domain_id)
        self.fields["life_domain"].queryset = queryset.order_by("order", "name")
        if goal is None:
            del self.fields["achieved"]

    def to_data(self) -> GoalData:
        data = self.cleaned_data
        return GoalData(
            life_domain=data["life_domain"],
            description=data["description"],
            achieved=data.get("achieved", False),
        )


class AgreementForm(NLDSFormMixin, forms.Form):
    what = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_partner = forms.ModelChoiceField(
        label=_("Partner responsible"), queryset=Partner.objects.none(), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Person responsible"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The process coordinator or a participant of the case; they get the reminders."),
    )
    owner_name = forms.CharField(
        label=_("Or the name of someone without an account"), max_length=200, required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args: Any, case: Case, agreement: Agreement | None = None, **kwargs: Any) -> None:
        if agreement is not None:
            kwargs.setdefault(
                "initial",
                {
                    "what": agreement.what,
                    "owner_partner": agreement.owner_partner_id,
                    "owner": agreement.owner_id,
                    "owner_name": agreement.owner_name,
                    "due_date": agreement.due_date,
                },
            )
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(active=True)
        if agreement is not None and agreement.owner_partner_id:
            partners = partners | Partner.objects.filter(pk=agreement.owner_partner_id)
        self.fields["owner_partner"].queryset = partners.order_by("order", "name")
        candidates = {user.pk for user in owner_candidates(case=case)}
        if agreement is not None and agreement.owner_id:
            candidates.add(agreement.owner_id)
        owner = self.fields["owner"]
        owner.queryset = (
            User.objects.filter(pk__in=candidates)
            .select_related("organisation")
            .order_by("last_name", "first_name")
        )
        owner.label_from_instance = lambda user: f"{user} ({user.organisation_label})"

    def to_data(self) -> AgreementData:
        data = self.cleaned_data
        return AgreementData(
            what=data["what"],
            due_date=data["due_date"],
            owner_partner=data.get("owner_partner"),
            owner=data.get("owner"),
            owner_name=data.get("owner_name", ""),
        )


class AgreementNotDoneForm(NLDSFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why was the agreement not done?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the agreement was not done.")},
    )
