"""The privacy officer's screens on the access log, under /privacy/."""

from django.urls import path

from zvhd.audit import views

urlpatterns = [
    path("", views.privacy_index, name="privacy-index"),
    path("medewerkers/", views.employee_access_history, name="audit-employee-history"),
    path("logketen/", views.chain_status, name="audit-chain-status"),
    path("logketen/controleren/", views.chain_verify_now, name="audit-chain-verify"),
]
