from celery import shared_task


@shared_task(name="aftercare.tasks.release_tasks_remind")
def release_tasks_remind_task() -> int:
    """Scheduled daily: remind the nazorgcoördinator of release tasks due or overdue (once a day)."""
    from aftercare.services import release_tasks_remind

    return release_tasks_remind()
