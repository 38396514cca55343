"""Forms of the advice screens. The rules (no personal data, no future dates) live in cases/advice.py;
the forms only read the input and show the services' errors at the fields.

The anonymous advice form has no field for a name, BSN or date of birth, by design (privacy.md §1).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import AnonymousAdvice, InformationContact
from zvhd.forms import NLDSFormMixin
from zvhd.reference.models import MainTopic, Municipality, Partner

NO_IDENTIFYING_DATA = _(
    "Do not include anything that identifies the person: no name, BSN or date of birth. "
    "Describe him or her instead, for example “a man of about 40 from Emmen”."
)


class AnonymousAdviceForm(NLDSFormMixin, forms.ModelForm):
    prefix = "advies"

    class Meta:
        model = AnonymousAdvice
        fields = [
            "asked_on",
            "partner",
            "channel",
            "municipality",
            "main_topic",
            "question",
            "advice",
            "minutes_spent",
        ]
        widgets = {
            "asked_on": DateInput(),
            "channel": forms.RadioSelect,
            "question": forms.Textarea(attrs={"rows": 4}),
            "advice": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"question": NO_IDENTIFYING_DATA, "advice": NO_IDENTIFYING_DATA}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"asked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.active()
        self.fields["municipality"].queryset = Municipality.objects.active()
        self.fields["main_topic"].queryset = MainTopic.objects.active()

    def _post_clean(self) -> None:
        """The rules live in the service (and its messages appear at the field)."""


class InformationContactForm(NLDSFormMixin, forms.ModelForm):
    prefix = "contact"

    class Meta:
        model = InformationContact
        fields = ["contacted_on", "partner", "topic", "minutes_spent"]
        widgets = {"contacted_on": DateInput()}
        help_texts = {
            "topic": _(
                "For example: connected the community police officer with the GGZ team. "
                "No BSN or date of birth."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"contacted_on": timezone.localdate(), "minutes_spent": 5})
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.active()

    def _post_clean(self) -> None:
        """The rules live in the service (and its messages appear at the field)."""


class ExtendedAdviceConcludeForm(NLDSFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary of the advice"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the bureau advised, and to whom. It is kept as the evaluation of the closed case."),
    )
