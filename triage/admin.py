from django.contrib import admin

from triage import models


@admin.register(models.PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    """One row: the weights of the weekly priority score. They apply from the next weekly run."""

    list_display = ["__str__", "risk_high", "per_week_waiting", "minors_in_system", "updated_at"]

    def has_add_permission(self, request: object) -> bool:
        return not models.PriorityWeights.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(models.PrioritySnapshot)
class PrioritySnapshotAdmin(admin.ModelAdmin):
    list_display = ["week", "entries", "created_at", "created_by"]
    readonly_fields = ["week", "entries", "created_at", "created_by", "weights"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
