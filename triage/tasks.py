from celery import shared_task

from triage.waiting_list import waiting_list_prioritise


@shared_task(name="triage.tasks.waiting_list_prioritise")
def waiting_list_prioritise_task() -> str:
    """Scheduled weekly (settings ZVHD_WAITING_LIST_*): rank the werkvoorraad; once per ISO week."""
    snapshot, created = waiting_list_prioritise()
    return f"{snapshot.week}: {snapshot.entries} ranked" if created else f"{snapshot.week}: already ranked"
