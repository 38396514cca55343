"""The case meetings' screens, under the case they belong to."""

from django.urls import path

from cases import views_meetings

urlpatterns = [
    path("casussen/<int:pk>/overleggen/nieuw/", views_meetings.case_meeting_plan, name="case-meeting-plan"),
    path(
        "casussen/<int:pk>/overleggen/<int:meeting_pk>/wijzigen/",
        views_meetings.case_meeting_edit,
        name="case-meeting-edit",
    ),
    path(
        "casussen/<int:pk>/overleggen/<int:meeting_pk>/verslag/",
        views_meetings.case_meeting_record,
        name="case-meeting-record",
    ),
    path(
        "casussen/<int:pk>/overleggen/<int:meeting_pk>/verslag.pdf",
        views_meetings.case_meeting_minutes,
        name="case-meeting-minutes",
    ),
]
