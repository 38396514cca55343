"""The figures of a period as files: one CSV per table, one XLSX workbook with every table, and a JSON
document of the key figures under stable keys (the basis of a national dashboard delivery).

Everything here is made from the plain document of `reporting.document` (`figures_document`), never
from the database, so a file says exactly what the dashboard and the report say. The house's name comes
from the reference data.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reporting.document import document_table, figures_document
from reporting.figures import Period, figures_compute
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.audit.services import audit_request
from zvhd.reference.models import House

KEY_FIGURES_FORMAT = "zvhd-key-figures/1"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31
COUNT_FORMAT, DECIMAL_FORMAT = "0", "0.0"
OVERVIEW_SHEET_WIDTH, DEFINITION_WIDTH = 100, 90


def figures_document_of(period: Period) -> dict[str, Any]:
    """The document every export of `period` is made from."""
    return figures_document(figures_compute(period))


def export_record(request: HttpRequest, *, period: Period, file_format: str, table: str = "") -> None:
    """The access-log record of a download. The figures are counts without personal data, so no legal
    basis applies."""
    detail = f"{file_format} {table or 'all'} {period.first.isoformat()}/{period.last.isoformat()}"
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT,
        object_type="figures",
        object_id=f"{period.first.isoformat()}/{period.last.isoformat()}",
        data_category=AuditEvent.DataCategory.STATISTICS,
        legal_basis=LegalBasis.NONE,
        detail=detail,
    )


# --- Shared pieces --------------------------------------------------------------------------------------


def _period_slug(document: dict[str, Any]) -> str:
    period = document["period"]
    if period["whole_year"]:
        return period["first"][:4]
    return f"{period['first']}-{period['last']}"


def export_filename(document: dict[str, Any], suffix: str, extension: str) -> str:
    """cijfers-2023-municipalities.csv, cijfers-2023-01-01-2023-06-30.xlsx, kerncijfers-2023.json."""
    stem = "kerncijfers" if extension == "json" else "cijfers"
    parts = [stem, _period_slug(document)] + ([suffix.replace("_", "-")] if suffix else [])
    return f"{'-'.join(parts)}.{extension}"


def _row_heading(table_key: str) -> str:
    """The heading of the column of row labels."""
    headings = {
        "municipalities": _("Municipality"),
        "pga": _("Municipality"),
        "aftercare": _("Municipality"),
        "partners": _("Partner"),
        "domains": _("Domain"),
        "main_topics": _("Main topic"),
        "problem_areas": _("Problem area"),
        "cross_border": _("Cross-border aspect"),
        "ages_referred": _("Age"),
        "ages_active": _("Age"),
    }
    return headings.get(table_key, _("Figure"))


def _column_heading(column: dict[str, Any]) -> str:
    label = column["label"]
    if column["kind"] == "percent" and "%" not in label:
        return f"{label} (%)"
    return label


def table_header(table: dict[str, Any]) -> list[str]:
    return [_row_heading(table["key"])] + [_column_heading(column) for column in table["columns"]]


def _safe_text(text: str) -> str:
    """A label a spreadsheet program would take for a formula is written as plain text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


# --- CSV ------------------------------------------------------------------------------------------------


def _csv_number(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def table_csv_lines(table: dict[str, Any]) -> list[list[str]]:
    """The header and the rows of one table; an unavailable table has one line with its reason."""
    lines = [table_header(table)]
    if not table["available"]:
        return [*lines, [table["unavailable_reason"]]]
    for row in table["rows"]:
        cells = [row["cells"].get(column["key"], {}).get("value") for column in table["columns"]]
        lines.append([_safe_text(row["label"])] + [_csv_number(value) for value in cells])
    return lines


def table_csv(document: dict[str, Any], key: str) -> str:
    """One table as CSV text: BOM, semicolons and decimal commas, as spreadsheet programs in Dutch locales
    expect. Raises KeyError for a table the document does not hold."""
    table = document_table(document, key)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(table_csv_lines(table))
    return buffer.getvalue()


# --- XLSX -----------------------------------------------------------------------------------------------


def _sheet_name(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (no []:*?/\\, at most 31 characters) that no other sheet has."""
    base = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", title)).strip(" '") or "Blad"
    name, number = base[:SHEET_NAME_MAX].rstrip(), 1
    while name.lower() in used:
        number += 1
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    used.add(name.lower())
    return name


def _number_format(kind: str, value: object) -> str:
    if kind == "days" or isinstance(value, float):
        return DECIMAL_FORMAT
    return COUNT_FORMAT


def _fit_columns(sheet: Worksheet, widths: dict[int, int]) -> None:
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def _table_sheet(sheet: Worksheet, table: dict[str, Any]) -> None:
    """Title in A1, definition in A2, the header in row 4 and the rows below it."""
    header = table_header(table)
    sheet["A1"] = table["title"]
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = table["definition"]
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(len(header), 4))
    sheet.row_dimensions[2].height = 15 * (1 + len(table["definition"]) // 80)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    widths = {index: len(text) for index, text in enumerate(header, start=1)}
    if not table["available"]:
        sheet.append([table["unavailable_reason"]])
        _fit_columns(sheet, widths)
        return
    for row in table["rows"]:
        values = [row["cells"].get(column["key"], {}).get("value") for column in table["columns"]]
        sheet.append([row["label"], *values])
        line = sheet.max_row
        widths[1] = max(widths[1], len(row["label"]))
        for offset, (column, value) in enumerate(zip(table["columns"], values, strict=True), start=2):
            sheet.cell(line, offset).number_format = _number_format(column["kind"], value)
        if row["total"]:
            for cell in sheet[line]:
                cell.font = Font(bold=True)
    _fit_columns(sheet, widths)
    sheet.freeze_panes = "B5"


def _overview_sheet(
    sheet: Worksheet, document: dict[str, Any], names: list[tuple[str, dict[str, Any]]]
) -> None:
    house = House.objects.first()
    sheet["A1"] = _("Figures %(period)s") % {"period": document["period"]["label"]}
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        (_("House"), house.name if house else ""),
        (_("Period"), f"{_date(document['period']['first'])} t/m {_date(document['period']['last'])}"),
        (_("Computed at"), _moment(document["computed_at"])),
        (_("General rules"), document["general_rules"]),
    ]
    for number, (label, value) in enumerate(facts, start=3):
        sheet.cell(number, 1, label).font = Font(bold=True)
        sheet.cell(number, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[6].height = 15 * (1 + len(document["general_rules"]) // 90)
    start = len(facts) + 4
    sheet.cell(start, 1, _("Sheet")).font = Font(bold=True)
    sheet.cell(start, 2, _("Table")).font = Font(bold=True)
    for number, (name, table) in enumerate(names, start=start + 1):
        sheet.cell(number, 1, name)
        title = table["title"] if table["available"] else f"{table['title']} ({_('not available')})"
        sheet.cell(number, 2, title)
    sheet.cell(start + len(names) + 1, 1, _("Definitions"))
    sheet.cell(start + len(names) + 1, 2, _("The definition of every table"))
    sheet.column_dimensions["A"].width = max(len(name) for name, _table in names) + 4 if names else 20
    sheet.column_dimensions["B"].width = OVERVIEW_SHEET_WIDTH


def _definitions_sheet(sheet: Worksheet, document: dict[str, Any]) -> None:
    sheet.append([_("Table"), _("Definition")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([_("General rules"), document["general_rules"]])
    for table in document["tables"]:
        sheet.append([table["title"], table["definition"]])
    for row in sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        row[0].alignment = Alignment(vertical="top")
    sheet.column_dimensions["A"].width = max(len(table["title"]) for table in document["tables"]) + 2
    sheet.column_dimensions["B"].width = DEFINITION_WIDTH


def _date(iso: str) -> str:
    return f"{datetime.date.fromisoformat(iso):%d-%m-%Y}"


def _moment(iso: str) -> str:
    return f"{timezone.localtime(datetime.datetime.fromisoformat(iso)):%d-%m-%Y %H:%M}"


def workbook_bytes(document: dict[str, Any]) -> bytes:
    """Every table of the document in one workbook: Overzicht, one sheet per table, Definities."""
    book = Workbook()
    overview = book.active
    used = {_("Overview").lower(), _("Definitions").lower()}
    overview.title = _("Overview")
    names = []
    for table in document["tables"]:
        name = _sheet_name(table["title"], used)
        _table_sheet(book.create_sheet(name), table)
        names.append((name, table))
    _overview_sheet(overview, document, names)
    _definitions_sheet(book.create_sheet(_("Definitions")), document)
    moment = datetime.datetime.fromisoformat(document["computed_at"]).replace(tzinfo=None)
    book.properties.created = book.properties.modified = moment
    book.properties.title = str(overview["A1"].value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- JSON -----------------------------------------------------------------------------------------------


def _key_table(table: dict[str, Any]) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    for row in table["rows"]:
        values = {key: cell["value"] for key, cell in row["cells"].items()}
        rows[row["key"]] = {"label": row["label"], **values}
    return {
        "title": table["title"],
        "definition": table["definition"],
        "available": table["available"],
        "unavailable_reason": table["unavailable_reason"],
        "columns": [dict(column) for column in table["columns"]],
        "rows": rows,
    }


def _house() -> dict[str, str]:
    house = House.objects.first()
    if house is None:
        return {"name": "", "short_name": "", "province": ""}
    return {"name": house.name, "short_name": house.short_name, "province": house.province}


def key_figures(document: dict[str, Any]) -> dict[str, Any]:
    """The key figures under the stable keys of the document (tables, rows, columns), for another system
    to read year after year. See docs/figures-exports.md."""
    return {
        "format": KEY_FIGURES_FORMAT,
        "house": _house(),
        "period": dict(document["period"]),
        "periods": [dict(period) for period in document["periods"]],
        "computed_at": document["computed_at"],
        "general_rules": document["general_rules"],
        "figures": {table["key"]: _key_table(table) for table in document["tables"]},
    }
