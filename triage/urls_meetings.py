"""Triage meetings, under "overleggen/"."""

from django.urls import path

from triage import views_meetings as views

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("nieuw/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/wijzigen/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/voorstel/", views.meeting_propose, name="meeting-propose"),
    path("<int:pk>/agendapunten/", views.agenda_item_add, name="agenda-item-add"),
    path("<int:pk>/besluitenlijst.pdf", views.meeting_minutes, name="meeting-minutes"),
    path("punten/<int:pk>/besluit/", views.agenda_item_decide, name="agenda-item-decide"),
    path("punten/<int:pk>/verrijken/", views.agenda_item_enrich, name="agenda-item-enrich"),
    path("punten/<int:pk>/verplaatsen/", views.agenda_item_move, name="agenda-item-move"),
    path("punten/<int:pk>/van-agenda/", views.agenda_item_remove, name="agenda-item-remove"),
    path("punten/<int:pk>/volgorde/", views.agenda_item_reorder, name="agenda-item-reorder"),
    path("punten/<int:pk>/terugkoppeling/", views.feedback_edit, name="feedback-edit"),
    path("punten/<int:pk>/terugkoppeling/brief/", views.feedback_letter, name="feedback-letter"),
]
