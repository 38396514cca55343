"""The nazorgcoördinator's screens; those of one case hang under the case they change."""

from django.urls import path

from aftercare import views_screens as views

urlpatterns = [
    path("nazorg/", views.caseload, name="aftercare-caseload"),
    path("nazorg/melding/nieuw/", views.notice_create, name="aftercare-notice-create"),
    path("nazorg/casussen/<int:pk>/toestemming/", views.consent_record, name="aftercare-consent"),
    path(
        "nazorg/casussen/<int:pk>/informatie/nieuw/", views.information_add, name="aftercare-information-add"
    ),
    path(
        "nazorg/casussen/<int:pk>/voorwaarden/<slug:kind>/",
        views.condition_edit,
        name="aftercare-condition-edit",
    ),
    path(
        "nazorg/casussen/<int:pk>/voorwaarden/<slug:kind>/acties/nieuw/",
        views.action_add,
        name="aftercare-action-add",
    ),
    path(
        "nazorg/casussen/<int:pk>/acties/<int:action_pk>/gedaan/",
        views.action_done,
        name="aftercare-action-done",
    ),
    path("nazorg/casussen/<int:pk>/uitstroom/", views.release_record, name="aftercare-release"),
    path(
        "nazorg/casussen/<int:pk>/uitstroomtaken/<int:task_pk>/gedaan/",
        views.task_done,
        name="aftercare-task-done",
    ),
    path(
        "nazorg/casussen/<int:pk>/trajectbegeleiding/nieuw/",
        views.guidance_start,
        name="aftercare-guidance-start",
    ),
    path(
        "nazorg/casussen/<int:pk>/trajectbegeleiding/<int:episode_pk>/contacten/nieuw/",
        views.guidance_contact_add,
        name="aftercare-guidance-contact-add",
    ),
    path(
        "nazorg/casussen/<int:pk>/trajectbegeleiding/<int:episode_pk>/beeindigen/",
        views.guidance_end,
        name="aftercare-guidance-end",
    ),
    path("nazorg/casussen/<int:pk>/opschalen/", views.escalate, name="aftercare-escalate"),
]
