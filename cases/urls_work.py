from django.urls import path

from cases import views_work

urlpatterns = [
    path("mijn-casussen/", views_work.my_cases, name="my-cases"),
    path("casussen/<int:pk>/tijdlijn/", views_work.case_timeline, name="case-timeline"),
    path("casussen/<int:pk>/systeem/", views_work.system_member_add, name="system-member-add"),
    path(
        "casussen/<int:pk>/systeem/<int:member_pk>/verwijderen/",
        views_work.system_member_remove,
        name="system-member-remove",
    ),
    path("casussen/<int:pk>/labels/", views_work.case_labels, name="case-labels"),
    path("casussen/<int:pk>/opschalen/", views_work.escalation_add, name="escalation-add"),
    path(
        "casussen/<int:pk>/opschalen/<int:escalation_pk>/uitkomst/",
        views_work.escalation_outcome,
        name="escalation-outcome",
    ),
    path("casussen/<int:pk>/afschalen/", views_work.handover_add, name="handover-add"),
    path(
        "casussen/<int:pk>/afsluiten/evaluatie/", views_work.case_close_evaluated, name="case-close-evaluated"
    ),
]
