"""The Celery app and the one beat schedule of the house.

Embedded default: kombu's filesystem transport under `var/celery/`, so `make run` starts a real worker
with beat and no Redis. Production sets CELERY_BROKER_URL to Redis. Tasks take ids, are idempotent
and call services.
"""

import os

from celery import Celery
from celery.schedules import crontab

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
    sender.add_periodic_task(
        crontab(hour=2, minute=15),
        sender.signature("zvhd.audit.tasks.audit_chain_verify"),
        name="verify the access log's hash chain",
    )
    sender.add_periodic_task(
        crontab(hour=0, minute=5),
        sender.signature("cases.tasks.expired_grants_remove"),
        name="remove expired case grants",
    )
    sender.add_periodic_task(
        crontab(
            day_of_week=settings.ZVHD_WAITING_LIST_DAY,
            hour=settings.ZVHD_WAITING_LIST_HOUR,
            minute=settings.ZVHD_WAITING_LIST_MINUTE,
        ),
        sender.signature("triage.tasks.waiting_list_prioritise"),
        name="weekly prioritisation of the waiting list",
    )
    sender.add_periodic_task(
        crontab(hour=7, minute=0),
        sender.signature("cases.tasks.agreements_overdue_notify"),
        name="daily reminder of overdue agreements",
    )
    sender.add_periodic_task(
        crontab(hour=7, minute=5),
        sender.signature("aftercare.tasks.release_tasks_remind"),
        name="daily reminder of aftercare release tasks",
    )
    sender.add_periodic_task(
        crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
        sender.signature("zvhd.accounts.tasks.role_report_quarterly"),
        name="quarterly report of privileged roles",
    )
