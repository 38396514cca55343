from django.urls import path

from reporting import views_dashboard, views_exports, views_report

urlpatterns = [
    path("cijfers/", views_dashboard.dashboard, name="reporting-dashboard"),
    path(
        "cijfers/lijst/<slug:table>/<slug:row>/<slug:column>/",
        views_dashboard.drilldown,
        name="reporting-drilldown",
    ),
    path("cijfers/export/<slug:table>.csv", views_exports.table_csv, name="reporting-table-csv"),
    path("cijfers/export/cijfers.xlsx", views_exports.workbook, name="reporting-workbook"),
    path("cijfers/export/kerncijfers.json", views_exports.key_figures_json, name="reporting-key-figures"),
    path("jaarverslag/", views_report.report_list, name="reporting-reports"),
    path("jaarverslag/<int:year>/", views_report.report_edit, name="reporting-report-edit"),
    path("jaarverslag/<int:year>/genereren/", views_report.report_generate, name="reporting-report-generate"),
    path("jaarverslag/weergave/<int:pk>/", views_report.rendering_status, name="reporting-rendering-status"),
    path(
        "jaarverslag/weergave/<int:pk>/pdf/",
        views_report.rendering_download,
        name="reporting-rendering-download",
    ),
]
