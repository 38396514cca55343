from __future__ import annotations

from datetime import datetime

from django.db import DatabaseError, connection
from django.db.models import Max

from zvhd.health.models import WorkerHeartbeat


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def worker_last_seen() -> datetime | None:
    return WorkerHeartbeat.objects.aggregate(last=Max("last_seen"))["last"]
