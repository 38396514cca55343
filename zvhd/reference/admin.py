from django.contrib import admin
from django.http import HttpRequest

from zvhd.reference import models
from zvhd.reference.selectors import house_cache_clear


@admin.register(models.House)
class HouseAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "province"]

    def save_model(self, request: HttpRequest, obj: models.House, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        house_cache_clear()


class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]


@admin.register(models.Municipality)
class MunicipalityAdmin(ReferenceAdmin):
    list_display = ["name", "code", "cbs_code", "region", "provides_aftercare", "order", "active"]
    list_filter = ["region", "provides_aftercare", "active"]


@admin.register(models.Partner)
class PartnerAdmin(ReferenceAdmin):
    list_display = ["name", "code", "domain", "is_other_house", "order", "active"]
    list_filter = ["domain", "active"]


for model in (
    models.Region,
    models.MainTopic,
    models.ProblemArea,
    models.CrossBorderScope,
    models.AcceptanceCriterion,
    models.LifeDomain,
):
    admin.site.register(model, ReferenceAdmin)


@admin.register(models.MeetingType)
class MeetingTypeAdmin(ReferenceAdmin):
    list_display = ["name", "code", "weekday", "cutoff_days_before", "cutoff_time", "order", "active"]
    filter_horizontal = ["seated_partners"]


@admin.register(models.CaseLabel)
class CaseLabelAdmin(ReferenceAdmin):
    list_display = ["name", "code", "restricts_access", "order", "active"]
