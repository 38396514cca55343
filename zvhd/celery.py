"""The Celery app and the one beat schedule of the house.

Embedded default: kombu's filesystem transport under `var/celery/`, so `make run` starts a real worker
with beat and no Redis. Production sets CELERY_BROKER_URL to Redis. Tasks take ids, are idempotent
and call services.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zvhd.settings")

app = Celery("zvhd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        settings.ZVHD_HEARTBEAT_SECONDS,
        sender.signature("zvhd.health.tasks.worker_heartbeat"),
        name="worker heartbeat",
    )
