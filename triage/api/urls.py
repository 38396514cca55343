from django.urls import path

from triage.api import views

urlpatterns = [
    path("meetings/", views.MeetingListCreateView.as_view(), name="api-meeting-list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="api-meeting-detail"),
    path("meetings/<int:pk>/propose/", views.MeetingProposeView.as_view(), name="api-meeting-propose"),
    path("meetings/<int:pk>/items/", views.MeetingItemCreateView.as_view(), name="api-meeting-items"),
    path("agenda-items/<int:pk>/", views.AgendaItemDetailView.as_view(), name="api-agenda-item-detail"),
    path("agenda-items/<int:pk>/decision/", views.DecisionView.as_view(), name="api-agenda-item-decision"),
    path(
        "agenda-items/<int:pk>/enrichment/",
        views.EnrichmentView.as_view(),
        name="api-agenda-item-enrichment",
    ),
    path("waiting-list/", views.WaitingListView.as_view(), name="api-waiting-list"),
    path(
        "waiting-list/prioritise/",
        views.PrioritiseView.as_view(),
        name="api-waiting-list-prioritise",
    ),
    path("waiting-list/<int:pk>/rank/", views.RankOverrideView.as_view(), name="api-waiting-list-rank"),
    path("waiting-list/<int:pk>/assign/", views.AssignView.as_view(), name="api-waiting-list-assign"),
    path(
        "waiting-list/<int:pk>/contacts/",
        views.ReferrerContactView.as_view(),
        name="api-waiting-list-contacts",
    ),
]
