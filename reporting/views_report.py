"""Screens of the annual report: the reports and their PDFs, the manager's editor, "PDF maken" with a
status page that follows the worker, and the download of a stored PDF (logged as an export).

Thin adapters between reporting/forms_report.py, reporting/services.py and reporting/report_selectors.py.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms import Saved, apply_service_errors, save_posted, without_validation
from reporting import report_selectors, services
from reporting.forms_report import ReportEditor, ReportStartForm, default_report_year
from reporting.models import AnnualReport, ReportRendering
from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.accounts.decorators import capability_required, screen_refused_record
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.audit.services import audit_request

SHA256_PREFIX = 12


@require_http_methods(["GET", "POST"])
@capability_required(Capability.FIGURES)
def report_list(request: HttpRequest) -> HttpResponse:
    """The years with a report and their generated PDFs; the manager starts the report of a year here."""
    may_write = user_has_capability(request.user, Capability.ANNUAL_REPORT)
    form = None
    if may_write:
        form = ReportStartForm(request.POST or None, initial={"year": default_report_year()})
    if request.method == "POST":
        if form is None:
            screen_refused_record(request)
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.annual_report_start(year=form.cleaned_data["year"], by=request.user)
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                return redirect("reporting-report-edit", year=report.year)
    context = {
        "reports": report_selectors.annual_reports_with_renderings(),
        "form": form,
        "may_write": may_write,
    }
    return render(request, "reporting/report_list.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.ANNUAL_REPORT)
def report_edit(request: HttpRequest, year: int) -> HttpResponse:
    report = report_selectors.annual_report_for_year(year)
    if request.method == "POST" and request.POST.get("add_row"):
        editor = ReportEditor.with_extra_row(request.POST, report=report, prefix=request.POST["add_row"])
        without_validation(*editor.all)
        return _editor_page(request, report, editor, conflict=False)
    editor = ReportEditor(request.POST if request.method == "POST" else None, report=report)
    saved = save_posted(
        request,
        editor.all,
        lambda: services.annual_report_save(
            report=report, data=editor.to_data(), version=editor.version(), by=request.user
        ),
        success=_("The draft of the annual report has been saved."),
        show_errors=editor.show_service_errors,
    )
    if saved is Saved.YES:
        return redirect("reporting-report-edit", year=report.year)
    if saved is Saved.CONFLICT:
        report = report_selectors.annual_report_for_year(year)
        # Keep his input; the form now carries the newer version, so saving again applies it.
        data = request.POST.copy()
        data["version"] = str(report.version)
        editor = ReportEditor(data, report=report)
        for item in editor.all:
            item.is_valid()
    return _editor_page(request, report, editor, conflict=saved is Saved.CONFLICT)


def _editor_page(
    request: HttpRequest, report: AnnualReport, editor: ReportEditor, *, conflict: bool
) -> HttpResponse:
    context = {
        "report": report,
        "editor": editor,
        "form": editor.form,
        "conflict": conflict,
        "renderings": report_selectors.report_renderings(report),
    }
    return render(request, "reporting/report_edit.html", context)


@require_POST
@capability_required(Capability.ANNUAL_REPORT)
def report_generate(request: HttpRequest, year: int) -> HttpResponse:
    """ "PDF maken": queue a PDF of the saved draft and follow it on the status page."""
    report = report_selectors.annual_report_for_year(year)
    rendering = services.report_rendering_request(report=report, by=request.user)
    return redirect("reporting-rendering-status", pk=rendering.pk)


@require_GET
@capability_required(Capability.FIGURES)
def rendering_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of one PDF; the fragment polls itself (htmx) until the PDF is ready or failed."""
    rendering = report_selectors.rendering_for_status(pk)
    context = {
        "rendering": rendering,
        "report": rendering.report,
        "may_write": user_has_capability(request.user, Capability.ANNUAL_REPORT),
    }
    template = "reporting/_rendering_status.html" if request.htmx else "reporting/report_rendering.html"
    return render(request, template, context)


@require_GET
@capability_required(Capability.FIGURES)
def rendering_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF, byte for byte as it was made; every download is logged as an export."""
    rendering = report_selectors.rendering_for_download(pk)
    content = bytes(rendering.pdf)
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT,
        object_type="annual_report",
        object_id=rendering.pk,
        # Aggregated figures and the manager's texts: no personal data, so no legal basis applies.
        data_category=AuditEvent.DataCategory.STATISTICS,
        legal_basis=LegalBasis.NONE,
        detail=f"{rendering.report.year}, pdf sha256 {rendering.sha256[:SHA256_PREFIX]}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{rendering_filename(rendering)}"'
    return response


def rendering_filename(rendering: ReportRendering) -> str:
    return f"jaarverslag-{rendering.report.year}-v{rendering.report_version}.pdf"
