from celery import shared_task

from zvhd.audit.services import audit_chain_check


@shared_task(name="zvhd.audit.tasks.audit_chain_verify")
def audit_chain_verify() -> bool:
    """Scheduled daily: recompute the access log's hash chain; read-only, so safe to repeat."""
    return audit_chain_check().intact
