"""House-wide form presentation: NL Design System (Utrecht) classes on every widget."""

from typing import Any

from django import forms
from django.forms.widgets import Input

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (Input, "utrecht-textbox utrecht-textbox--html-input"),
]


def nlds_classes(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        for widget_type, css in _WIDGET_CLASSES:
            if isinstance(field.widget, widget_type):
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{existing} {css}".strip()
                break


class NLDSFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nlds_classes(self)  # type: ignore[arg-type]


class NLDSForm(NLDSFormMixin, forms.Form):
    """Base form for django-filter filter sets."""
