from django.urls import path

from cases.api import views_procesregie as views

urlpatterns = [
    path("cases/mine/", views.MyCasesView.as_view(), name="api-my-cases"),
    path("cases/<int:pk>/plan/", views.CasePlanView.as_view(), name="api-case-plan"),
    path("cases/<int:pk>/plan/goals/", views.GoalCreateView.as_view(), name="api-case-plan-goals"),
    path("goals/<int:pk>/agreements/", views.AgreementCreateView.as_view(), name="api-goal-agreements"),
    path(
        "agreements/<int:pk>/complete/",
        views.AgreementCompleteView.as_view(),
        name="api-agreement-complete",
    ),
    path(
        "agreements/<int:pk>/not-done/",
        views.AgreementNotDoneView.as_view(),
        name="api-agreement-not-done",
    ),
    path("cases/<int:pk>/meetings/", views.CaseMeetingListCreateView.as_view(), name="api-case-meetings"),
    path(
        "case-meetings/<int:pk>/record/",
        views.CaseMeetingRecordView.as_view(),
        name="api-case-meeting-record",
    ),
    path("cases/<int:pk>/escalations/", views.EscalationCreateView.as_view(), name="api-case-escalations"),
    path("cases/<int:pk>/handovers/", views.HandoverCreateView.as_view(), name="api-case-handovers"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(), name="api-case-close"),
    path(
        "anonymous-advice/",
        views.AnonymousAdviceListCreateView.as_view(),
        name="api-anonymous-advice",
    ),
    path(
        "information-contacts/",
        views.InformationContactCreateView.as_view(),
        name="api-information-contacts",
    ),
    path("advice/counts/", views.AdviceCountsView.as_view(), name="api-advice-counts"),
]
