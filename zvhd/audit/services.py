"""Writing the access log. Every service and view that touches personal data calls `audit_record`."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from zvhd.accounts.models import Role, User
from zvhd.audit.chain import chain_append, chain_verify
from zvhd.audit.models import AuditChainCheck, AuditEvent, LegalBasis

logger = logging.getLogger(__name__)


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
    fields = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if is_user else None,
        "actor_username": actor.username if is_user else "",
        "actor_role": actor.role if is_user else "",
        "actor_organisation": actor.organisation_label if is_user else "",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "case_id": case_id,
        "data_category": data_category,
        "result": result,
        "emergency": emergency,
        "ip_address": ip_address,
        "legal_basis": legal_basis,
        "detail": detail[:200],
    }
    with transaction.atomic():
        return chain_append(fields, sorted(set(person_ids)))


def audit_request(request: HttpRequest, **fields: object) -> AuditEvent:
    """`audit_record` for the user and origin of a web or API request."""
    return audit_record(actor=request.user, ip_address=client_ip(request), **fields)  # type: ignore[arg-type]


def audit_chain_check() -> AuditChainCheck:
    """Verify the whole chain and keep the outcome.

    A broken chain is logged as an error and mailed to the privacy officers.
    """
    result = chain_verify()
    check = AuditChainCheck.objects.create(
        intact=result.intact,
        records=result.records,
        first_broken_sequence=result.first_broken_sequence,
        problem=result.problem[:300],
    )
    if not result.intact:
        logger.error("Audit log chain broken at record %s: %s", result.first_broken_sequence, result.problem)
        _notify_privacy_officers(check)
    return check


def _notify_privacy_officers(check: AuditChainCheck) -> None:
    recipients = list(
        User.objects.filter(role=Role.PRIVACY_OFFICER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    send_mail(
        subject=gettext("Access log: the hash chain is broken"),
        message=gettext(
            "The check of %(at)s found that the access log was changed: %(problem)s "
            "(from record %(sequence)s)."
        )
        % {
            "at": f"{check.checked_at:%Y-%m-%d %H:%M}",
            "problem": check.problem,
            "sequence": check.first_broken_sequence,
        },
        from_email=None,
        recipient_list=recipients,
    )
