from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from zvhd.health.models import WorkerHeartbeat


def worker_heartbeat_record(*, worker: str, at: datetime | None = None) -> WorkerHeartbeat:
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"last_seen": at or timezone.now()}
    )
    return beat
