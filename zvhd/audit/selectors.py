"""Reads of the access log for the privacy officer's reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zvhd.audit.models import AuditChainCheck, AuditEvent


def audit_events_for_person(*, person_id: int) -> QuerySet[AuditEvent]:
    """Every logged action that touched this person's data, newest first ("who looked at my data")."""
    return (
        AuditEvent.objects.filter(subjects__person_id=person_id).select_related("actor").order_by("-sequence")
    )


def audit_events_for_actor(
    *, actor_id: int, since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """Everything one employee did that the log holds, newest first."""
    events = AuditEvent.objects.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(occurred_at__date__gte=since)
    if until is not None:
        events = events.filter(occurred_at__date__lte=until)
    return events.order_by("-sequence")


def audit_chain_last_check() -> AuditChainCheck | None:
    return AuditChainCheck.objects.first()


def audit_event_table(events: Iterable[AuditEvent]) -> tuple[list[str], Iterable[Sequence[object]]]:
    """Header and rows of an access-history export; the same columns as the screens."""
    header = [
        _("Time"),
        _("Employee"),
        _("Role"),
        _("Organisation"),
        _("Action"),
        _("Object"),
        _("Case id"),
        _("Result"),
        _("Emergency access"),
        _("Legal basis"),
        _("IP address"),
    ]
    rows = (
        (
            timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
            event.actor_username,
            event.actor_role,
            event.actor_organisation,
            event.get_action_display(),
            f"{event.object_type} {event.object_id}".strip(),
            event.case_id or "",
            event.get_result_display(),
            _("yes") if event.emergency else _("no"),
            event.get_legal_basis_display(),
            event.ip_address or "",
        )
        for event in events
    )
    return header, rows
