from django.contrib import admin
from django.http import HttpRequest

from reporting import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """To look at, not to change: reports are written in the editor, PDFs are made by the worker."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["year", "version", "updated_at", "updated_by"]


@admin.register(models.ReportRendering)
class ReportRenderingAdmin(ReadOnlyAdmin):
    list_display = ["report", "status", "progress", "requested_by", "requested_at", "finished_at", "pages"]
    list_filter = ["status"]
    # The PDF and the snapshot are large: download the PDF from the annual report screen instead.
    exclude = ["pdf", "snapshot"]
    readonly_fields = ["sha256", "error"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("report", "requested_by").defer("pdf", "snapshot")
