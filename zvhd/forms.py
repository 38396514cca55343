"""House-wide form presentation: NL Design System (Utrecht) classes on every widget."""

from typing import Any

from django import forms
from django.forms.widgets import Input
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (Input, "utrecht-textbox utrecht-textbox--html-input"),
]


def nlds_classes(form: forms.BaseForm) -> None:
    """Component classes on every widget; required fields announced to assistive technology.

    The browser's own validation is off (forms are validated on the server, with Dutch messages at the
    field), so `required` is not rendered and `aria-required` says it instead.
    """
    for field in form.fields.values():
        for widget_type, css in _WIDGET_CLASSES:
            if isinstance(field.widget, widget_type):
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{existing} {css}".strip()
                break
        if field.required and not isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            field.widget.attrs["aria-required"] = "true"
        if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
            field.empty_label = _("Choose…")


class NLDSFormMixin:
    use_required_attribute = False
    # Filter forms leave every field optional; marking each one "(optional)" would only be noise.
    show_optional_marker = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nlds_classes(self)  # type: ignore[arg-type]


class NLDSForm(NLDSFormMixin, forms.Form):
    """Base form for django-filter filter sets."""

    show_optional_marker = False


def posted_version(request: HttpRequest) -> int:
    """The record version a form was filled in against (hidden field `version`); 0 when missing or
    garbled, which no record has, so the save is refused as a concurrent edit instead of applied."""
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return 0
