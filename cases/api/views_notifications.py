"""Notifications API: your own notifications, and marking them as read; the same selectors and services
as the Meldingen screen. Someone else's notification answers 404, as one that does not exist."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from cases import notifications
from cases.api import serializers_notifications as s
from cases.api.views_procesregie import NOT_FOUND
from cases.models import Notification


class NotificationEndpoint(generics.GenericAPIView):
    # Every role receives notifications; each user only ever reaches his own.
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[type] = []
    serializer_class = s.NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications.notifications_for(self.request.user)


class NotificationListView(NotificationEndpoint, generics.ListAPIView):
    """Your notifications, newest first. One about a case you may no longer see comes without its text
    and case (`case_visible` false)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        notifications.notifications_shown(request, page, detail="api")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadView(NotificationEndpoint):
    """Mark one of your notifications as read. Read already: nothing changes, and the answer is the same."""

    @extend_schema(request=None, responses={200: s.NotificationSerializer, 404: NOT_FOUND})
    def post(self, request: Request, pk: int) -> Response:
        try:
            notification = notifications.notification_read(user=request.user, pk=pk)
        except Notification.DoesNotExist:
            raise notifications.notification_refused(request, pk) from None
        notifications.notifications_shown(request, [notification], detail=f"api notification {pk}")
        return Response(s.NotificationSerializer(notification).data)


class NotificationsReadAllView(NotificationEndpoint):
    """Mark all your unread notifications as read."""

    serializer_class = s.NotificationsReadSerializer

    @extend_schema(request=None, responses={200: s.NotificationsReadSerializer})
    def post(self, request: Request) -> Response:
        marked = notifications.notifications_read_all(user=request.user)
        return Response(s.NotificationsReadSerializer({"marked": marked}).data)
