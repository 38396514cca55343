"""Forms of the annual report editor: the five texts, and the partner quotes, finances and staffing as
rows (formsets with empty rows to fill in; a row left empty is no row, a ticked "remove" drops it).

Numbers are typed the Dutch way ("405.120,50", "6,2"); a point followed by digits also counts as a
decimal point for FTE. Amounts with only points in groups of three ("410.000") are thousands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import AnnualReport
from reporting.services import (
    FIRST_YEAR,
    AnnualReportData,
    FinanceLine,
    Quote,
    StaffingLine,
)
from zvhd.forms import NLDSFormMixin

MAX_ROWS = 50
EXTRA_ROWS = 2
QUOTES_PREFIX, FINANCES_PREFIX, STAFFING_PREFIX = "quotes", "finances", "staffing"
ROW_PREFIXES = (QUOTES_PREFIX, FINANCES_PREFIX, STAFFING_PREFIX)
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def default_report_year() -> int:
    """The last complete year: the annual report is about the year that ended."""
    return timezone.localdate().year - 1


class ReportStartForm(NLDSFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        error_messages={"invalid": _("Enter a year, for example 2023.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": timezone.localdate().year})


# --- Numbers -----------------------------------------------------------------------------------------


def amount_parse(text: str) -> str:
    """Dutch or plain notation to a plain decimal string: "€ 405.120,50" -> "405120.50"."""
    text = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        return text.replace(thousands, "").replace(decimal_mark, ".")
    if "," in text:
        return text.replace(",", ".")
    if _THOUSANDS.match(text):
        return text.replace(".", "")
    return text


class DecimalInput(forms.TextInput):
    """A number shown the Dutch way (decimal comma), typed freely."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return value.replace(".", ",")
        return super().format_value(value)


class DutchDecimalField(forms.DecimalField):
    widget = DecimalInput

    def __init__(self, *, thousands: bool, **kwargs: Any) -> None:
        self.thousands = thousands
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip()
            value = amount_parse(value) if self.thousands else value.replace(" ", "").replace(",", ".")
        return super().to_python(value)


# --- Rows --------------------------------------------------------------------------------------------


class RowForm(NLDSFormMixin, forms.Form):
    """One row of a table; every field optional, so an empty row is simply no row."""

    show_optional_marker = False
    required_when_filled: tuple[str, ...] = ()
    message_when_missing: dict[str, Any] = {}

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) not in (None, "") for name in self.fields if name != "DELETE")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank() or cleaned.get("DELETE"):
            return cleaned
        for name in self.required_when_filled:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self.message_when_missing[name])
        return cleaned


class QuoteForm(RowForm):
    text = forms.CharField(
        label=_("Quote"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    who = forms.CharField(
        label=_("Who said it"),
        required=False,
        max_length=200,
        help_text=_("For example: community police officer, Politie."),
    )
    required_when_filled = ("text",)
    message_when_missing = {"text": _("Enter the text of the quote.")}

    def to_data(self) -> Quote:
        return Quote(text=self.cleaned_data["text"], who=self.cleaned_data["who"])


class FinanceForm(RowForm):
    item = forms.CharField(label=_("Item"), required=False, max_length=200)
    budget = DutchDecimalField(
        label=_("Budget (€)"),
        thousands=True,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("Enter an amount in euros, for example 410.000 or 405120,50.")},
    )
    actual = DutchDecimalField(
        label=_("Actual (€)"),
        thousands=True,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("Enter an amount in euros, for example 410.000 or 405120,50.")},
    )
    required_when_filled = ("item", "budget", "actual")
    message_when_missing = {
        "item": _("Enter what the amounts are for."),
        "budget": _("Enter the budget in euros."),
        "actual": _("Enter the actual amount in euros."),
    }

    def to_data(self) -> FinanceLine:
        return FinanceLine(
            item=self.cleaned_data["item"],
            budget=self.cleaned_data["budget"],
            actual=self.cleaned_data["actual"],
        )


class StaffingForm(RowForm):
    function = forms.CharField(label=_("Function"), required=False, max_length=200)
    fte = DutchDecimalField(
        label=_("FTE"),
        thousands=False,
        max_digits=7,
        decimal_places=3,
        min_value=Decimal(0),
        error_messages={
            "invalid": _("Enter the FTE as a number, for example 6,2."),
            "min_value": _("The FTE cannot be negative."),
        },
    )
    required_when_filled = ("function", "fte")
    message_when_missing = {"function": _("Enter the function."), "fte": _("Enter the FTE.")}

    def to_data(self) -> StaffingLine:
        return StaffingLine(function=self.cleaned_data["function"], fte=self.cleaned_data["fte"])


class BaseRowFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[RowForm]:
        """The rows that are saved: filled in and not marked for removal."""
        return [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form)) and not form.is_blank()
        ]

    def to_data(self) -> tuple[Any, ...]:
        return tuple(form.to_data() for form in self.kept_forms())

    def add_service_error(self, index: int, name: str, messages: Sequence[str]) -> None:
        kept = self.kept_forms()
        if 0 <= index < len(kept) and name in kept[index].fields:
            for message in messages:
                kept[index].add_error(name, message)
        else:
            self._non_form_errors = (self._non_form_errors or ErrorList()) + ErrorList(list(messages))


def _row_formset(form: type[RowForm]) -> type[BaseRowFormSet]:
    return forms.formset_factory(
        form,
        formset=BaseRowFormSet,
        extra=EXTRA_ROWS,
        max_num=MAX_ROWS,
        validate_max=True,
        can_delete=True,
        can_delete_extra=False,
    )


QuoteFormSet = _row_formset(QuoteForm)
FinanceFormSet = _row_formset(FinanceForm)
StaffingFormSet = _row_formset(StaffingForm)
FORMSETS: dict[str, type[BaseRowFormSet]] = {
    QUOTES_PREFIX: QuoteFormSet,
    FINANCES_PREFIX: FinanceFormSet,
    STAFFING_PREFIX: StaffingFormSet,
}


class AnnualReportForm(NLDSFormMixin, forms.Form):
    """The five narrative sections, and the version the manager started from."""

    show_optional_marker = False
    version = forms.IntegerField(widget=forms.HiddenInput)
    foreword = forms.CharField(
        label=_("Foreword"), required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    figures_story = forms.CharField(
        label=_("The story behind the figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=40000,
    )
    signals = forms.CharField(
        label=_("Signals"), required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    developments = forms.CharField(
        label=_("Developments"), required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    closing_word = forms.CharField(
        label=_("Closing word"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


class ReportEditor:
    """The editor's forms together: the texts and the three tables of rows."""

    def __init__(self, data: QueryDict | None = None, *, report: AnnualReport) -> None:
        self.form = AnnualReportForm(data, initial=_report_initial(report))
        self.formsets: dict[str, BaseRowFormSet] = {
            prefix: formset(data, prefix=prefix, initial=_rows_initial(report, prefix))
            for prefix, formset in FORMSETS.items()
        }

    @classmethod
    def with_extra_row(cls, data: QueryDict, *, report: AnnualReport, prefix: str) -> ReportEditor:
        """The posted input with one more empty row in one table (nothing is saved)."""
        data = data.copy()
        if prefix in FORMSETS:
            key = f"{prefix}-TOTAL_FORMS"
            try:
                total = int(data.get(key, "0"))
            except ValueError:
                total = 0
            data[key] = str(max(0, min(total + 1, MAX_ROWS)))
        return cls(data, report=report)

    @property
    def all(self) -> list[forms.Form | forms.BaseFormSet]:
        return [self.form, *self.formsets.values()]

    @property
    def quotes(self) -> BaseRowFormSet:
        return self.formsets[QUOTES_PREFIX]

    @property
    def finances(self) -> BaseRowFormSet:
        return self.formsets[FINANCES_PREFIX]

    @property
    def staffing(self) -> BaseRowFormSet:
        return self.formsets[STAFFING_PREFIX]

    def error_count(self) -> int:
        return len(self.form.errors) + sum(formset.total_error_count() for formset in self.formsets.values())

    def version(self) -> int:
        return self.form.cleaned_data["version"]

    def to_data(self) -> AnnualReportData:
        texts = {name: self.form.cleaned_data[name] for name in self.form.fields if name != "version"}
        return AnnualReportData(
            **texts,
            quotes=self.quotes.to_data(),
            finances=self.finances.to_data(),
            staffing=self.staffing.to_data(),
        )

    def show_service_errors(self, error: ValidationError) -> None:
        """Put the service's refusals at the fields they name ("finances.1.budget")."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.form.add_error(None, message)
            return
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] in self.formsets and parts[1].isdigit():
                self.formsets[parts[0]].add_service_error(int(parts[1]), parts[2], messages)
            elif key in self.form.fields:
                for message in messages:
                    self.form.add_error(key, message)
            else:
                for message in messages:
                    self.form.add_error(None, message)


def _report_initial(report: AnnualReport) -> dict[str, Any]:
    return {
        "version": report.version,
        "foreword": report.foreword,
        "figures_story": report.figures_story,
        "signals": report.signals,
        "developments": report.developments,
        "closing_word": report.closing_word,
    }


def _rows_initial(report: AnnualReport, prefix: str) -> list[dict[str, Any]]:
    return [dict(row) for row in getattr(report, prefix) or [] if isinstance(row, dict)]
