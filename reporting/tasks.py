from celery import shared_task

from reporting.services import report_render_run


@shared_task(name="reporting.tasks.report_render")
def report_render(rendering_id: int) -> str:
    """Make the PDF of a requested annual report (queued by `report_rendering_request`); idempotent."""
    return report_render_run(rendering_id)
