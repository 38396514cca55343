"""The manager's dashboard of the annual figures, and the drill-down list of the cases behind a figure.

Both read the figures of the chosen period (`reporting.figures`, a fixed number of queries); the
dashboard renders their plain document (`reporting.document`), the drill-down list the case ids of one
cell, listed through the access layer with the overview's non-personal columns only.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from cases.selectors import case_overview_rows
from reporting.charts import table_chart_svg
from reporting.document import figures_document
from reporting.figures import Cell, Column, Row, Table, figures_compute
from reporting.forms import PeriodForm
from reporting.selectors import figure_cases
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request

PAGE_SIZE = 25
NO_VALUE = "\u2013"


def figure_text(value: int | float | None, kind: str) -> str:
    """A figure as the dashboard prints it: a dash for none, a decimal comma, "%" after a percentage."""
    if value is None:
        return NO_VALUE
    if isinstance(value, float) and not value.is_integer():
        text = number_format(value, 1)
    else:
        text = number_format(int(value))
    return f"{text}%" if kind == "percent" else text


def drilldown_url(table: str, row: str, column: str, query: str) -> str:
    """The drill-down list of one cell for the period in `query`; "" when the keys make no address."""
    try:
        url = reverse("reporting-drilldown", kwargs={"table": table, "row": row, "column": column})
    except NoReverseMatch:
        return ""
    return f"{url}?{query}"


def figures_table_view(
    table: dict[str, Any], *, periods: list[dict[str, Any]], query: str, drill: bool = True
) -> dict[str, Any]:
    """A table of the figures document ready for `reporting/_figures_table.html`: its cells in column
    order with their printed text and (with `drill`) the address of their drill-down list."""
    columns = table["columns"]
    body = []
    for row in table["rows"]:
        cells = []
        for column in columns:
            cell = row["cells"].get(column["key"], {"value": None, "drill": False})
            url = ""
            if drill and cell["drill"]:
                url = drilldown_url(table["key"], row["key"], column["key"], query)
            cells.append({"text": figure_text(cell["value"], column["kind"]), "url": url})
        body.append({"key": row["key"], "label": row["label"], "total": row["total"], "cells": cells})
    chart = table_chart_svg(table, periods) if table["chart"] and table["available"] else ""
    return {
        **table,
        "body": body,
        "chart_svg": chart,
        "csv_url": f"{reverse('reporting-table-csv', kwargs={'table': table['key']})}?{query}",
    }


@require_GET
@capability_required(Capability.FIGURES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        document = figures_document(figures_compute(form.period()))
        query = form.query()
        context |= {
            "document": document,
            "query": query,
            "tables": [
                figures_table_view(table, periods=document["periods"], query=query)
                for table in document["tables"]
            ],
        }
    return render(request, "reporting/dashboard.html", context)


def _figure_cell(table: Table, row_key: str, column_key: str) -> tuple[Row, Column, Cell]:
    """The row, column and cell of a figure that counts cases; 404 for any other address."""
    row = next((row for row in table.rows if row.key == row_key), None)
    column = next((column for column in table.columns if column.key == column_key), None)
    if row is None or column is None or column_key not in row.cells:
        raise Http404
    cell = row.cells[column_key]
    if cell.case_ids is None:
        raise Http404
    return row, column, cell


@require_GET
@capability_required(Capability.FIGURES)
def drilldown(request: HttpRequest, table: str, row: str, column: str) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404
    figures = figures_compute(form.period())
    try:
        found = figures.table(table)
    except KeyError:
        raise Http404 from None
    figure_row, figure_column, cell = _figure_cell(found, row, column)
    query = form.query()
    # Page the ids (newest case first), then read one page of cases through the access layer.
    page = Paginator(sorted(cell.case_ids or (), reverse=True), PAGE_SIZE).get_page(request.GET.get("page"))
    listed = figure_cases(user=request.user, case_ids=page.object_list)
    audit_request(
        request,
        action=AuditEvent.Action.READ,
        object_type="figures_drilldown",
        object_id=f"{table}/{row}/{column}",
        data_category=AuditEvent.DataCategory.CASE_FILE,
        detail=query,
    )
    return render(
        request,
        "reporting/drilldown.html",
        {
            "table": found,
            "row": figure_row,
            "column": figure_column,
            "period": figures.period,
            "value": figure_text(cell.value, figure_column.kind),
            "case_count": len(cell.case_ids or ()),
            "page": page,
            "rows": case_overview_rows(listed),
            "query": query,
            "dashboard_url": f"{reverse('reporting-dashboard')}?{query}#table-{table}",
        },
    )
