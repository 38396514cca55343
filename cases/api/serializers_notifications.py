"""API representation of notifications. The text of one about a case its user may no longer see is
left out (need-to-know), and so is the case."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    created_at = serializers.DateTimeField()
    case = serializers.IntegerField(
        source="case_id", allow_null=True, help_text="Null when it is about no case, or one you may not see."
    )
    case_visible = serializers.BooleanField(
        help_text="False when it is about a case you may no longer see: its text is then withheld."
    )
    text = serializers.CharField(allow_null=True, help_text="Null when `case_visible` is false.")
    read_at = serializers.DateTimeField(allow_null=True, help_text="Null while unread.")

    class Meta:
        model = Notification
        fields = ["id", "created_at", "read_at", "case", "case_visible", "text"]

    def to_representation(self, instance: Notification) -> dict[str, Any]:
        body = super().to_representation(instance)
        if not instance.case_visible:
            body["case"] = None
            body["text"] = None
        return body


class NotificationsReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread until now.")
