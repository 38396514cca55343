from django.urls import path

from cases.api import views_notifications as views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="api-notification-read"),
    path(
        "notifications/read-all/", views.NotificationsReadAllView.as_view(), name="api-notifications-read-all"
    ),
]
