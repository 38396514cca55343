"""Root URL configuration. Apps are included by module path, so the foundation imports no app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from zvhd.health.views import health

api_v1 = [
    path("", include("cases.api.urls")),
    path("", include("triage.api.urls")),
    path("", include("aftercare.api.urls")),
    path("", include("reporting.api.urls")),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", include("cases.urls")),
    path("", include("triage.urls")),
    path("", include("aftercare.urls")),
    path("", include("reporting.urls")),
    path("", include("zvhd.accounts.urls")),
    path("privacy/", include("zvhd.audit.urls")),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("beheer/", admin.site.urls),
    path("health/", health, name="health"),
]
