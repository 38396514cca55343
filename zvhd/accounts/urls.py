"""Login, two-factor authentication and account reports.

Logging out is Django's LogoutView (POST only) in zvhd/urls.py.
"""

from django.urls import path

from zvhd.accounts import views, views_reports

urlpatterns = [
    path("inloggen/", views.login_password, name="login"),
    path("inloggen/code/", views.login_code, name="login-code"),
    path("inloggen/koppelen/", views.login_enrol, name="login-enrol"),
    path("privacy/rollen/", views_reports.role_reports, name="role-reports"),
    path("privacy/rollen/maken/", views_reports.role_report_make, name="role-report-make"),
    path("privacy/rollen/<str:quarter>/", views_reports.role_report, name="role-report"),
    path(
        "privacy/rollen/<str:quarter>/beoordelen/",
        views_reports.role_report_mark_reviewed,
        name="role-report-review",
    ),
]
