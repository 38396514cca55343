from django.urls import include, path

from cases import views, views_access

urlpatterns = [
    path("", views.home, name="home"),
    path("aanmeldingen/", views.referral_list, name="referral-list"),
    path("aanmeldingen/nieuw/", views.referral_create, name="referral-create"),
    path("casussen/<int:pk>/", views.case_detail, name="case-detail"),
    path("casussen/<int:pk>/aanmelding/wijzigen/", views.referral_edit, name="referral-edit"),
    path("casussen/<int:pk>/deelnemers/", views_access.participant_add, name="participant-add"),
    path(
        "casussen/<int:pk>/deelnemers/<int:participant_pk>/beeindigen/",
        views_access.participant_end,
        name="participant-end",
    ),
    path("casussen/<int:pk>/afsluiten/", views_access.case_close, name="case-close"),
    path("casussen/", views_access.case_overview, name="case-overview"),
    path("noodtoegang/", views_access.emergency_access, name="emergency-access"),
    path("privacy/noodtoegang/", views_access.emergency_review_list, name="emergency-review-list"),
    path("privacy/noodtoegang/<int:record_pk>/", views_access.emergency_review, name="emergency-review"),
    path("privacy/personen/", views_access.person_access_history, name="person-access-history"),
    path(
        "privacy/personen/<int:person_pk>/",
        views_access.person_access_history_detail,
        name="person-access-history-detail",
    ),
    path("", include("cases.urls_plans")),
    path("", include("cases.urls_work")),
    path("", include("cases.urls_advice")),
    path("", include("cases.urls_meetings")),
    path("", include("cases.urls_notifications")),
]
