from celery import shared_task

from zvhd.accounts.role_reports import role_report_create


@shared_task(name="zvhd.accounts.tasks.role_report_quarterly")
def role_report_quarterly() -> str:
    """Scheduled on the first day of each quarter; makes that quarter's report once."""
    return role_report_create().quarter
