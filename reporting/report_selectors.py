"""Reads of the annual report screens: the reports with their generated PDFs, one rendering."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from reporting.models import AnnualReport, ReportRendering

# The PDF and the snapshot can be large: lists never load them.
_LIGHT = ("pdf", "snapshot")


def annual_reports_with_renderings() -> QuerySet[AnnualReport]:
    """Every report, newest year first, each with its renderings (newest first) and who asked for them."""
    renderings = ReportRendering.objects.select_related("requested_by").defer(*_LIGHT)
    return AnnualReport.objects.select_related("updated_by").prefetch_related(
        Prefetch("renderings", queryset=renderings)
    )


def annual_report_for_year(year: int) -> AnnualReport:
    """The report of a year (404 when it has not been started)."""
    return get_object_or_404(AnnualReport.objects.select_related("updated_by"), year=year)


def report_renderings(report: AnnualReport) -> list[ReportRendering]:
    return list(report.renderings.select_related("requested_by").defer(*_LIGHT))


def rendering_for_status(pk: int) -> ReportRendering:
    return get_object_or_404(
        ReportRendering.objects.select_related("report", "requested_by").defer(*_LIGHT), pk=pk
    )


def rendering_for_download(pk: int) -> ReportRendering:
    """A finished rendering with its PDF; one that is not done does not exist for a download (404)."""
    return get_object_or_404(
        ReportRendering.objects.select_related("report").defer("snapshot"),
        pk=pk,
        status=ReportRendering.Status.DONE,
        pdf__isnull=False,
    )
