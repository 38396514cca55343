from django.urls import path

from triage import views_waiting

urlpatterns = [
    path("", views_waiting.waiting_list, name="waiting-list"),
    path("prioriteren/", views_waiting.waiting_list_prioritise_now, name="waiting-list-prioritise"),
    path("<int:pk>/", views_waiting.waiting_entry, name="waiting-entry"),
    path("<int:pk>/contact/", views_waiting.waiting_contact_add, name="waiting-contact-add"),
    path("<int:pk>/positie/", views_waiting.waiting_rank, name="waiting-rank"),
    path("<int:pk>/toewijzen/", views_waiting.waiting_assign, name="waiting-assign"),
    path("<int:pk>/afsluiten/", views_waiting.waiting_close, name="waiting-close"),
]
