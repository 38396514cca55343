from django.urls import include, path

urlpatterns = [
    path("", include("aftercare.urls_screens")),
    path("", include("aftercare.urls_import")),
]
