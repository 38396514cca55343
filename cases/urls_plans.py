"""The action plan's screens, under the case they belong to."""

from django.urls import path

from cases import views_plans

urlpatterns = [
    path(
        "casussen/<int:pk>/plan/<int:subject_pk>/doelen/nieuw/",
        views_plans.goal_add,
        name="plan-goal-add",
    ),
    path(
        "casussen/<int:pk>/plan/doelen/<int:goal_pk>/wijzigen/", views_plans.goal_edit, name="plan-goal-edit"
    ),
    path(
        "casussen/<int:pk>/plan/doelen/<int:goal_pk>/afspraken/nieuw/",
        views_plans.agreement_add,
        name="plan-agreement-add",
    ),
    path(
        "casussen/<int:pk>/plan/afspraken/<int:agreement_pk>/wijzigen/",
        views_plans.agreement_edit,
        name="plan-agreement-edit",
    ),
    path(
        "casussen/<int:pk>/plan/afspraken/<int:agreement_pk>/nagekomen/",
        views_plans.agreement_complete,
        name="plan-agreement-complete",
    ),
    path(
        "casussen/<int:pk>/plan/afspraken/<int:agreement_pk>/niet-nagekomen/",
        views_plans.agreement_not_done,
        name="plan-agreement-not-done",
    ),
    path(
        "casussen/<int:pk>/plan/<int:plan_pk>/versies/<int:version>/",
        views_plans.plan_version,
        name="plan-version",
    ),
]
