from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zvhd.accounts.models import User
from zvhd.forms import NLDSFormMixin


class DateInput(forms.DateInput):
    input_type = "date"


class EmployeeHistoryForm(NLDSFormMixin, forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=User.objects.none())
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Up to and including"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employees = self.fields["employee"]
        employees.queryset = User.objects.select_related("organisation").order_by("last_name", "first_name")
        employees.label_from_instance = lambda user: f"{user} ({user.username}, {user.organisation_label})"
