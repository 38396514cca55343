"""Writing the access log. Every service and view that touches personal data calls `audit_record`."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent, AuditSubject, LegalBasis


def client_ip(request: HttpRequest) -> str | None:
    """The origin address for the log.

    Behind the reverse proxy (ZVHD_BEHIND_PROXY) it is the address the proxy appended last to
    X-Forwarded-For; anything earlier in that header came from the client and may be forged.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    data_category: str,
    legal_basis: str = LegalBasis.WGS,
    object_id: object = "",
    case_id: int | None = None,
    person_ids: Iterable[int] = (),
    result: str = AuditEvent.Result.ALLOWED,
    emergency: bool = False,
    ip_address: str | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one record to the access log, together with the persons it concerns (one transaction)."""
    is_user = actor is not None and actor.is_authenticated
    with transaction.atomic():
        event = AuditEvent.objects.create(
            actor=actor if is_user else None,
            actor_username=actor.username if is_user else "",
            actor_role=actor.role if is_user else "",
            actor_organisation=actor.organisation_label if is_user else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            case_id=case_id,
            data_category=data_category,
            result=result,
            emergency=emergency,
            ip_address=ip_address,
            legal_basis=legal_basis,
            detail=detail[:200],
        )
        AuditSubject.objects.bulk_create(
            AuditSubject(event=event, person_id=pid) for pid in sorted(set(person_ids))
        )
    return event


def audit_request(request: HttpRequest, **fields: object) -> AuditEvent:
    """`audit_record` for the user and origin of a web or API request."""
    return audit_record(actor=request.user, ip_address=client_ip(request), **fields)  # type: ignore[arg-type]
