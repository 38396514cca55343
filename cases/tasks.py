from celery import shared_task

from cases.access import expired_grants_remove


@shared_task(name="cases.tasks.expired_grants_remove")
def expired_grants_remove_task() -> int:
    """Scheduled daily: remove grants whose period has passed (they already count for nothing)."""
    return expired_grants_remove()


@shared_task(name="cases.tasks.agreements_overdue_notify")
def agreements_overdue_notify_task() -> int:
    """Scheduled daily: remind owners and procesregisseurs of agreements past their due date."""
    from cases.plans import agreements_overdue_notify

    return agreements_overdue_notify()
