from django.contrib import admin
from django.http import HttpRequest

from zvhd.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log can be searched, never changed."""

    list_display = [
        "occurred_at",
        "actor_username",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "result",
    ]
    list_filter = ["action", "result", "emergency", "object_type"]
    search_fields = ["actor_username", "object_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
