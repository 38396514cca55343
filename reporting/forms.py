"""The period a manager asks figures for: a year, and optionally a part of it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from reporting.figures import Period
from reporting.services import FIRST_YEAR
from zvhd.forms import NLDSFormMixin


def default_year() -> int:
    """The last complete year: the annual report is about the year that ended."""
    return timezone.localdate().year - 1


class PeriodForm(NLDSFormMixin, forms.Form):
    """`?year=2023` for a whole year; `&first=2023-01-01&last=2023-06-30` for a part of it."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    first = forms.DateField(label=_("From"), required=False, widget=DateInput())
    last = forms.DateField(label=_("Up to and including"), required=False, widget=DateInput())

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("year"):
            data["year"] = str(default_year())
        super().__init__(data, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year, first, last = cleaned.get("year"), cleaned.get("first"), cleaned.get("last")
        if year is None:
            return cleaned
        for name, day in (("first", first), ("last", last)):
            if day is not None and day.year != year:
                self.add_error(name, _("Choose a date in %(year)s.") % {"year": year})
        if first and last and first > last and not self.errors:
            self.add_error("last", _("The end of the period lies before its start."))
        return cleaned

    def period(self) -> Period:
        """The chosen period; only call on a valid form."""
        year = self.cleaned_data["year"]
        whole = Period.year(year)
        return Period(
            self.cleaned_data.get("first") or whole.first, self.cleaned_data.get("last") or whole.last
        )

    def query(self) -> str:
        """The period as a query string, for links that keep it (drill-down lists, exports)."""
        period = self.period()
        if period.is_whole_year:
            return f"year={period.first.year}"
        return f"year={period.first.year}&first={period.first:%Y-%m-%d}&last={period.last:%Y-%m-%d}"
