"""Downloads of the figures of a period (?year=&first=&last=): one table as CSV, every table as an XLSX
workbook, and the key figures as JSON. For roles with the figures capability; every download is logged."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from reporting import exports
from reporting.figures import Period
from reporting.forms import PeriodForm
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required


def _period(request: HttpRequest) -> Period | HttpResponse:
    """The chosen period, or a 400 answer with the messages per field (in Dutch)."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
    return form.period()


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@capability_required(Capability.FIGURES)
def table_csv(request: HttpRequest, table: str) -> HttpResponse:
    period = _period(request)
    if isinstance(period, HttpResponse):
        return period
    document = exports.figures_document_of(period)
    try:
        content = exports.table_csv(document, table)
    except KeyError as error:
        raise Http404 from error
    exports.export_record(request, period=period, file_format="csv", table=table)
    filename = exports.export_filename(document, table, "csv")
    return _download(content, "text/csv; charset=utf-8", filename)


@require_GET
@capability_required(Capability.FIGURES)
def workbook(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    if isinstance(period, HttpResponse):
        return period
    document = exports.figures_document_of(period)
    content = exports.workbook_bytes(document)
    exports.export_record(request, period=period, file_format="xlsx")
    return _download(content, exports.XLSX_CONTENT_TYPE, exports.export_filename(document, "", "xlsx"))


@require_GET
@capability_required(Capability.FIGURES)
def key_figures_json(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    if isinstance(period, HttpResponse):
        return period
    document = exports.figures_document_of(period)
    figures: dict[str, Any] = exports.key_figures(document)
    exports.export_record(request, period=period, file_format="json")
    content = json.dumps(figures, ensure_ascii=False, indent=2)
    return _download(content, "application/json", exports.export_filename(document, "", "json"))
