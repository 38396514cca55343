"""The hash chain over the access log.

Each record's hash covers its own fields, the persons it names and the hash of the record before it.
Changing a record changes its hash; removing or inserting one breaks the link to its neighbour; cutting
off the newest records no longer matches the chain head. `chain_verify` walks the whole chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils.translation import gettext

from zvhd.audit.models import AuditChainHead, AuditEvent, AuditSubject

GENESIS = "0" * 64
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "actor_organisation",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "data_category",
    "result",
    "emergency",
    "ip_address",
    "legal_basis",
    "detail",
)


def record_digest(fields: dict[str, Any], person_ids: list[int], previous_hash: str) -> str:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = payload["occurred_at"].astimezone(UTC).isoformat()
    payload["person_ids"] = sorted(person_ids)
    payload["previous_hash"] = previous_hash
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the surrounding transaction ends (created on first use)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_sequence=0, last_hash=GENESIS)
    return head


def chain_append(fields: dict[str, Any], person_ids: list[int]) -> AuditEvent:
    """Write one record at the end of the chain. Call inside a transaction."""
    head = _locked_head()
    fields = fields | {"sequence": head.last_sequence + 1}
    fields["ip_address"] = AuditEvent._meta.get_field("ip_address").to_python(fields["ip_address"])
    digest = record_digest(fields, person_ids, head.last_hash)
    event = AuditEvent.objects.create(**fields, previous_hash=head.last_hash, record_hash=digest)
    AuditSubject.objects.bulk_create(AuditSubject(event=event, person_id=pid) for pid in person_ids)
    AuditChainHead.objects.filter(pk=head.pk).update(last_sequence=event.sequence, last_hash=digest)
    return event


@dataclass(frozen=True)
class ChainResult:
    intact: bool
    records: int
    first_broken_sequence: int | None = None
    problem: str = ""


def _persons_of(batch: list[AuditEvent]) -> dict[int, list[int]]:
    """The person ids of a batch of consecutive records, read by their range of sequence numbers."""
    persons: dict[int, list[int]] = {event.id: [] for event in batch}
    rows = AuditSubject.objects.filter(
        event__sequence__gte=batch[0].sequence, event__sequence__lte=batch[-1].sequence
    ).values_list("event_id", "person_id")
    for event_id, person_id in rows:
        if event_id in persons:
            persons[event_id].append(person_id)
    return persons


def _check_record(event: AuditEvent, expected_sequence: int, previous_hash: str, persons: list[int]) -> str:
    if event.sequence != expected_sequence:
        return gettext("record %(expected)s is missing (found %(found)s instead)") % {
            "expected": expected_sequence,
            "found": event.sequence,
        }
    if event.previous_hash != previous_hash:
        return gettext("record %(sequence)s does not link to the record before it") % {
            "sequence": event.sequence
        }
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    if record_digest(fields, persons, previous_hash) != event.record_hash:
        return gettext("record %(sequence)s was changed after it was written") % {"sequence": event.sequence}
    return ""


def chain_verify(batch_size: int = 2000) -> ChainResult:
    """Recompute the whole chain in order of sequence; report the first record where it breaks."""
    expected, previous_hash, checked = 1, GENESIS, 0
    last_sequence = 0
    while True:
        batch = list(AuditEvent.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size])
        if not batch:
            break
        persons = _persons_of(batch)
        for event in batch:
            problem = _check_record(event, expected, previous_hash, persons[event.id])
            if problem:
                return ChainResult(False, checked, expected, problem)
            expected, previous_hash, checked = expected + 1, event.record_hash, checked + 1
        last_sequence = batch[-1].sequence
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_sequence, head.last_hash) != (checked, previous_hash):
        return ChainResult(False, checked, checked + 1, gettext("the newest records were removed"))
    return ChainResult(True, checked)
