"""The annual report as a PDF, made from a generated report's snapshot (the texts and the figures
document as they were when the report was generated), laid out by WeasyPrint (`zvhd.pdf`, which loads
only bundled files).

The PDF needs nothing but the snapshot: no database, so a stored report prints the same years later.
The order of the sections, which of them are left out (an empty text) and the numbers of the manual
tables are decided here; the template only lays them out.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reporting.charts import table_chart_svg
from zvhd.pdf import STATIC_SCHEME, document_from_html

Progress = Callable[[int, str], None]
SHORT_TABLE_ROWS = 16  # a table this short is kept on one page, with its chart


@dataclass
class Section:
    """One entry of the contents: a heading, an anchor, and what the template draws under it."""

    anchor: str
    title: str
    kind: str  # text, figures, quotes, finances, staffing, definitions
    paragraphs: list[str] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list)  # tables, quotes, rows of a manual table
    totals: dict[str, str] = field(default_factory=dict)
    new_page: bool = False


def report_pdf(snapshot: dict[str, Any], progress: Progress | None = None) -> tuple[bytes, int]:
    """The PDF of a generated report and its number of pages. `progress(percent, step)` hears how far
    it is, for a task that shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        _tell(progress, 10, _("Making charts"))
        context = report_context(snapshot)
        _tell(progress, 50, _("Laying out"))
        document = document_from_html(render_to_string("reporting/pdf/annual_report.html", context))
        _tell(progress, 90, _("Writing the PDF"))
        return document.write_pdf(), len(document.pages)


def _tell(progress: Progress | None, percent: int, step: str) -> None:
    if progress is not None:
        progress(percent, step)


def report_context(snapshot: dict[str, Any]) -> dict[str, Any]:
    report, figures = snapshot["report"], snapshot["figures"]
    year = snapshot["year"]
    sections = [
        _text("foreword", _("Foreword"), report.get("foreword", ""), new_page=True),
        _text("figures-story", _("The story behind the figures"), report.get("figures_story", "")),
        Section(
            "figures",
            _("Figures %(period)s") % {"period": year},
            "figures",
            entries=[_figure_table(table, figures["periods"]) for table in figures["tables"]],
            new_page=True,
        ),
        _text("signals", _("Signals"), report.get("signals", ""), new_page=True),
        _text("developments", _("Developments"), report.get("developments", "")),
        _quotes(report.get("quotes") or []),
        _finances(report.get("finances") or []),
        _staffing(report.get("staffing") or []),
        _text("closing-word", _("Closing word"), report.get("closing_word", "")),
        Section(
            "definitions",
            _("Appendix: definitions"),
            "definitions",
            paragraphs=paragraphs(figures.get("general_rules", "")),
            entries=[{"title": t["title"], "definition": t["definition"]} for t in figures["tables"]],
            new_page=True,
        ),
    ]
    sections = [section for section in sections if section.paragraphs or section.entries]
    _first_of_run_starts_page(sections)
    title = _("Annual report %(year)s") % {"year": year}
    return {
        "year": year,
        "title": title,
        "house": snapshot["house"],
        "running_title": _css_string(title),
        "running_house": _css_string(snapshot["house"].get("short_name") or snapshot["house"]["name"]),
        "generated_on": _generated_on(snapshot.get("generated_at")),
        "sections": sections,
        "period": figures.get("period", {}),
        "static": STATIC_SCHEME,
    }


def _first_of_run_starts_page(sections: list[Section]) -> None:
    """A text that follows the figures starts a page even when the section meant to start it is empty."""
    for before, after in itertools.pairwise(sections):
        if before.kind == "figures" and not after.new_page:
            after.new_page = True


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string for the page margins: anything but letters, digits and plain
    punctuation escaped, so no quote or `</style>` in a name can end the string or the stylesheet."""
    kept = "".join(ch if ch.isalnum() or ch in " -.,:()'" else f"\\{ord(ch):x} " for ch in text)
    return mark_safe(f'"{kept}"')


def _generated_on(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    moment = datetime.datetime.fromisoformat(value)
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def paragraphs(text: str) -> list[str]:
    """Plain text with blank lines between paragraphs, as its paragraphs (empty ones left out)."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _text(anchor: str, title: str, text: str, *, new_page: bool = False) -> Section:
    return Section(anchor, title, "text", paragraphs=paragraphs(text), new_page=new_page)


# --- The figures ----------------------------------------------------------------------------------------


def _figure_table(table: dict[str, Any], periods: list[dict[str, Any]]) -> dict[str, Any]:
    columns = table["columns"]
    return {
        "anchor": f"table-{table['key']}",
        "title": table["title"],
        "available": table["available"],
        "unavailable_reason": table["unavailable_reason"],
        "columns": [column["label"] for column in columns],
        "rows": [
            {
                "label": row["label"],
                "total": row["total"],
                "cells": [_figure(row["cells"].get(column["key"]), column["kind"]) for column in columns],
            }
            for row in table["rows"]
        ],
        "short": len(table["rows"]) <= SHORT_TABLE_ROWS,
        "chart": table_chart_svg(table, periods) if table["available"] else "",
    }


def _figure(cell: dict[str, Any] | None, kind: str) -> str:
    value = (cell or {}).get("value")
    if value is None:
        return "\u2013"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = formats.number_format(
        value, decimal_pos=None if isinstance(value, int) else 1, force_grouping=True
    )
    return f"{shown}%" if kind == "percent" else shown


# --- The manual tables and the quotes -------------------------------------------------------------------


def amount(text: str, *, thousands: bool = True) -> Decimal | None:
    """A number as people type it, Dutch or English: "€ 12.500", "12.500,50", "12,500.50", "0,8", "1.5";
    None when it is not a number. With `thousands`, a lone dot before three digits groups thousands
    (Dutch "12.000"); without (for fte), a lone dot or comma is always the decimal sign."""
    cleaned = re.sub(r"(?i)eur|€|\s", "", text or "")
    cleaned = re.sub(r"[.,]-$", "", cleaned)  # "12.500,-": whole euros
    if not re.fullmatch(r"-?[\d.,]*\d[\d.,]*", cleaned):
        return None
    dots, commas = cleaned.count("."), cleaned.count(",")
    if dots and commas:
        decimal_sign = "." if cleaned.rfind(".") > cleaned.rfind(",") else ","
    elif commas:
        decimal_sign = "." if commas > 1 else ","
    elif dots > 1 or (thousands and re.fullmatch(r"-?\d{1,3}\.\d{3}", cleaned)):
        decimal_sign = ","
    else:
        decimal_sign = "."
    grouping = "," if decimal_sign == "." else "."
    try:
        return Decimal(cleaned.replace(grouping, "").replace(decimal_sign, "."))
    except InvalidOperation:
        return None


def euros(value: Decimal) -> str:
    whole = value == value.to_integral_value()
    number = formats.number_format(value, decimal_pos=0 if whole else 2, force_grouping=True)
    return f"\u20ac\u00a0{number}"


def _fte(value: Decimal) -> str:
    return formats.number_format(value.normalize(), force_grouping=True)


def _finances(rows: list[dict[str, str]]) -> Section:
    rows = [row for row in rows if any((row.get(key) or "").strip() for key in ("item", "budget", "actual"))]
    entries, totals = [], {}
    for key in ("budget", "actual"):
        parsed = [amount(row.get(key, "")) for row in rows]
        if rows and all(value is not None for value in parsed):
            totals[key] = euros(sum(parsed, Decimal(0)))  # type: ignore[arg-type]
    for row in rows:
        shown = {}
        for key in ("budget", "actual"):
            value = amount(row.get(key, ""))
            shown[key] = euros(value) if value is not None else row.get(key, "")
        entries.append({"item": row.get("item", ""), **shown})
    return Section("finances", _("Finances"), "finances", entries=entries, totals=totals)


def _staffing(rows: list[dict[str, str]]) -> Section:
    rows = [row for row in rows if (row.get("function") or "").strip() or (row.get("fte") or "").strip()]
    parsed = [amount(row.get("fte", ""), thousands=False) for row in rows]
    entries = [
        {"function": row.get("function", ""), "fte": _fte(value) if value is not None else row.get("fte", "")}
        for row, value in zip(rows, parsed, strict=True)
    ]
    totals = {}
    if rows and all(value is not None for value in parsed):
        totals["fte"] = _fte(sum(parsed, Decimal(0)))  # type: ignore[arg-type]
    return Section("staffing", _("Staffing"), "staffing", entries=entries, totals=totals)


def _quotes(quotes: list[dict[str, str]]) -> Section:
    entries = [
        {"paragraphs": paragraphs(quote.get("text", "")), "who": (quote.get("who") or "").strip()}
        for quote in quotes
        if (quote.get("text") or "").strip()
    ]
    return Section("quotes", _("From practice"), "quotes", entries=entries)
