from django.urls import include, path

urlpatterns = [
    path("overleggen/", include("triage.urls_meetings")),
    path("werkvoorraad/", include("triage.urls_waiting")),
]
