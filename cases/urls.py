from django.urls import path

from cases import views

urlpatterns = [
    path("", views.home, name="home"),
    path("aanmeldingen/", views.referral_list, name="referral-list"),
    path("aanmeldingen/nieuw/", views.referral_create, name="referral-create"),
    path("casussen/<int:pk>/", views.case_detail, name="case-detail"),
    path("casussen/<int:pk>/aanmelding/wijzigen/", views.referral_edit, name="referral-edit"),
]
