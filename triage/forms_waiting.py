"""Forms of the werkvoorraad screens. They only check the shape of the input; the rules (a reason with
a rank set by hand, no contact in the future, only an active procesregisseur) live in the services
of `triage.waiting_list`, whose messages `apply_service_errors` puts at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from triage.models import ReferrerContact
from zvhd.accounts.models import User
from zvhd.forms import NLDSFormMixin

# Far above any real list; keeps a typing slip out of the database's integer range.
RANK_MAX = 10_000


class ReferrerContactForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = ReferrerContact
        fields = ["occurred_on", "kind", "note", "escalation_signal", "urgency"]
        widgets = {
            "occurred_on": DateInput(),
            "kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "urgency": forms.RadioSelect,
        }

    def _post_clean(self) -> None:
        """The rules of a contact live in the service (and its messages appear at the field)."""


class RankForm(NLDSFormMixin, forms.Form):
    rank = forms.IntegerField(
        label=_("Rank set by hand"),
        required=False,
        max_value=RANK_MAX,
        help_text=_("Leave empty to let the case follow its score again from the next ranking."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required with a rank: why this case goes before or after what its score says."),
    )


class CoordinatorChoiceField(forms.ModelChoiceField):
    """A procesregisseur with his current caseload (annotated by `coordinators_with_caseload`)."""

    def label_from_instance(self, obj: User) -> str:
        return _("%(name)s · process coordination: %(coordination)s, extended advice: %(advice)s") % {
            "name": obj,
            "coordination": obj.caseload,
            "advice": obj.advice_load,
        }


class AssignForm(NLDSFormMixin, forms.Form):
    coordinator = CoordinatorChoiceField(
        label=_("Process coordinator"),
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("With the cases each one runs now."),
    )

    def __init__(self, *args: Any, coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators
