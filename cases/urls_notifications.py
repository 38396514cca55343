from django.urls import path

from cases import views_notifications

urlpatterns = [
    path("meldingen/", views_notifications.notification_list, name="notifications"),
    path("meldingen/aantal/", views_notifications.notifications_badge, name="notifications-badge"),
    path("meldingen/<int:pk>/gelezen/", views_notifications.notification_mark_read, name="notification-read"),
    path(
        "meldingen/alle-gelezen/",
        views_notifications.notifications_mark_all_read,
        name="notifications-read-all",
    ),
]
