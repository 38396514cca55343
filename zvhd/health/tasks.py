import socket

from celery import shared_task

from zvhd.health.services import worker_heartbeat_record


@shared_task(name="zvhd.health.tasks.worker_heartbeat")
def worker_heartbeat() -> None:
    """Scheduled by beat; idempotent: it only moves the worker's 'last seen' time forward."""
    worker_heartbeat_record(worker=socket.gethostname())
