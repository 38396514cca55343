"""The quarterly report of privileged roles, for the privacy officer and the manager."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.accounts.models import RoleReport
from zvhd.accounts.role_reports import role_report_create, role_report_review, role_report_table
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request
from zvhd.exports import csv_response


@require_GET
@capability_required(Capability.ROLE_REPORT)
def role_reports(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/role_reports.html", {"reports": RoleReport.objects.select_related("reviewed_by")}
    )


@require_POST
@capability_required(Capability.ROLE_REPORT)
def role_report_make(request: HttpRequest) -> HttpResponse:
    report = role_report_create()
    messages.success(request, _("The report of %(quarter)s is ready.") % {"quarter": report.quarter})
    return redirect("role-report", quarter=report.quarter)


@require_GET
@capability_required(Capability.ROLE_REPORT)
def role_report(request: HttpRequest, quarter: str) -> HttpResponse:
    report = get_object_or_404(RoleReport.objects.select_related("reviewed_by"), quarter=quarter)
    exporting = request.GET.get("format") == "csv"
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT if exporting else AuditEvent.Action.READ,
        object_type="role_report",
        object_id=report.quarter,
        data_category=AuditEvent.DataCategory.IDENTIFYING,
    )
    header, rows = role_report_table(report)
    if exporting:
        return csv_response(f"rollen-{report.quarter}.csv", header, rows)
    return render(request, "accounts/role_report.html", {"report": report, "header": header, "rows": rows})


@require_POST
@capability_required(Capability.ROLE_REPORT)
def role_report_mark_reviewed(request: HttpRequest, quarter: str) -> HttpResponse:
    report = get_object_or_404(RoleReport, quarter=quarter)
    role_report_review(report=report, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("The report of %(quarter)s has been reviewed.") % {"quarter": report.quarter})
    return redirect("role-report", quarter=report.quarter)
