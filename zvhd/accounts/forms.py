"""The two steps of the login form. Checking the password and the code is for the services."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zvhd.forms import NLDSFormMixin


class PasswordForm(NLDSFormMixin, forms.Form):
    show_optional_marker = False

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
        error_messages={"required": _("Fill in your user name.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Fill in your password.")},
    )


class CodeForm(NLDSFormMixin, forms.Form):
    show_optional_marker = False

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The six digits your authenticator app shows for this account now."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
        error_messages={"required": _("Fill in the code from your authenticator app.")},
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("A code has six digits."), code="format")
        return code
