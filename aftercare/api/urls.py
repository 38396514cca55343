from django.urls import path

from aftercare.api import views

CASE = "aftercare/cases/<int:pk>/"

urlpatterns = [
    path("aftercare/cases/", views.AftercareCaseListView.as_view(), name="api-aftercare-cases"),
    path(CASE, views.AftercareCaseDetailView.as_view(), name="api-aftercare-case"),
    path("aftercare/notices/", views.NoticeListCreateView.as_view(), name="api-aftercare-notices"),
    path(f"{CASE}consent/", views.ConsentView.as_view(), name="api-aftercare-consent"),
    path(f"{CASE}information/", views.InformationCreateView.as_view(), name="api-aftercare-information"),
    path(f"{CASE}conditions/<str:kind>/", views.ConditionView.as_view(), name="api-aftercare-condition"),
    path(
        f"{CASE}conditions/<str:kind>/actions/",
        views.ConditionActionCreateView.as_view(),
        name="api-aftercare-condition-actions",
    ),
    path(
        f"{CASE}actions/<int:action_id>/done/",
        views.ConditionActionDoneView.as_view(),
        name="api-aftercare-action-done",
    ),
    path(f"{CASE}release/", views.ReleaseView.as_view(), name="api-aftercare-release"),
    path(
        f"{CASE}tasks/<int:task_id>/done/",
        views.ReleaseTaskDoneView.as_view(),
        name="api-aftercare-task-done",
    ),
    path(f"{CASE}guidance/", views.GuidanceStartView.as_view(), name="api-aftercare-guidance"),
    path(
        f"{CASE}guidance/<int:episode_id>/contacts/",
        views.GuidanceContactCreateView.as_view(),
        name="api-aftercare-guidance-contacts",
    ),
    path(
        f"{CASE}guidance/<int:episode_id>/end/",
        views.GuidanceEndView.as_view(),
        name="api-aftercare-guidance-end",
    ),
    path(f"{CASE}escalate/", views.EscalateView.as_view(), name="api-aftercare-escalate"),
]
