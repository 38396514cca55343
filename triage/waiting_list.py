"""The werkvoorraad: cases accepted for procesregie that wait for a free procesregisseur.

Every week (Celery beat, `waiting_list_prioritise`) each waiting case gets a priority score with an
explainable breakdown; the ranking is stored as that ISO week's snapshot, so one can see how a case's
rank moved. Running it again in the same week changes nothing. A procesondersteuner may set a rank by
hand, with a reason; the case then keeps that rank in later weeks until it is cleared.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Referral
from cases.services import ConcurrentEditError, case_close_within, case_event_add
from cases.workflow import CaseStatus, transition_allowed
from triage.models import (
    PrioritySnapshot,
    PrioritySnapshotRow,
    PriorityWeights,
    ReferrerContact,
    SafetyRisk,
    Urgency,
    WaitingListEntry,
)
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_record

# --- The score -------------------------------------------------------------------------------------

COMPONENTS = ("safety_risk", "weeks_waiting", "minors_in_system", "escalation_signals", "partner_urgency")


@dataclass(frozen=True)
class PriorityFacts:
    """What the score of one waiting case is computed from."""

    safety_risk: str
    weeks_waiting: int
    minors_in_system: bool
    escalation_signals: int
    partner_urgency: str


@dataclass(frozen=True)
class Score:
    total: int
    breakdown: dict[str, int]


def priority_weights() -> PriorityWeights:
    """The weights in force (the admin's row, or the defaults when nobody has edited them)."""
    return PriorityWeights.objects.order_by("pk").first() or PriorityWeights()


def priority_score(facts: PriorityFacts, weights: PriorityWeights) -> Score:
    """The score of one case and the points each component adds; higher goes first."""
    risk = {
        SafetyRisk.LOW: weights.risk_low,
        SafetyRisk.MEDIUM: weights.risk_medium,
        SafetyRisk.HIGH: weights.risk_high,
    }
    urgency = {Urgency.NONE: 0, Urgency.RAISED: weights.urgency_raised, Urgency.HIGH: weights.urgency_high}
    breakdown = {
        "safety_risk": risk.get(facts.safety_risk, 0),
        "weeks_waiting": weights.per_week_waiting
        * min(max(facts.weeks_waiting, 0), weights.max_weeks_counted),
        "minors_in_system": weights.minors_in_system if facts.minors_in_system else 0,
        "escalation_signals": weights.per_escalation_signal
        * min(max(facts.escalation_signals, 0), weights.max_signals_counted),
        "partner_urgency": urgency.get(facts.partner_urgency, 0),
    }
    return Score(total=sum(breakdown.values()), breakdown=breakdown)


def weeks_between(start: datetime.date, end: datetime.date) -> int:
    return max((end - start).days // 7, 0)


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def ranking(scored: Sequence[tuple[WaitingListEntry, Score]]) -> list[WaitingListEntry]:
    """Highest score first (longest waiting first on a tie); entries with a rank set by hand are then
    put at that rank, lowest requested rank first."""
    automatic = sorted(
        (pair for pair in scored if pair[0].rank_override is None),
        key=lambda pair: (-pair[1].total, pair[0].added_on, pair[0].pk),
    )
    order = [entry for entry, _score in automatic]
    pinned = sorted(
        (entry for entry, _score in scored if entry.rank_override is not None),
        key=lambda entry: (entry.rank_override, entry.override_at or timezone.now(), entry.pk),
    )
    for entry in pinned:
        order.insert(min(entry.rank_override - 1, len(order)), entry)
    return order


# --- Reads the job needs ----------------------------------------------------------------------------


def waiting_entries() -> Iterable[WaitingListEntry]:
    """The cases on the list now, with the facts of their score, in a fixed number of queries."""
    latest_urgency = ReferrerContact.objects.filter(case=OuterRef("case_id")).order_by("-occurred_on", "-id")
    return (
        WaitingListEntry.objects.filter(left_on__isnull=True, case__status=CaseStatus.WAITING)
        .annotate(
            minors=F("case__referral__minors_in_system"),
            signals=Count(
                "case__referrer_contacts",
                filter=Q(case__referrer_contacts__escalation_signal=True)
                & Q(case__referrer_contacts__occurred_on__gte=F("added_on")),
            ),
            urgency=Subquery(latest_urgency.values("urgency")[:1]),
        )
        .order_by("pk")
    )


def entry_facts(entry: WaitingListEntry, today: datetime.date) -> PriorityFacts:
    return PriorityFacts(
        safety_risk=entry.safety_risk,
        weeks_waiting=weeks_between(entry.added_on, today),
        minors_in_system=entry.minors == Referral.MinorsInSystem.YES,
        escalation_signals=entry.signals,
        partner_urgency=entry.urgency or Urgency.NONE,
    )


# --- The weekly job ------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def waiting_list_prioritise(
    *, today: datetime.date | None = None, by: User | None = None
) -> tuple[PrioritySnapshot, bool]:
    """Rank the waiting list for the week of `today`; (snapshot, False) when that week is already done."""
    today = today or timezone.localdate()
    week = iso_week(today)
    existing = PrioritySnapshot.objects.filter(week=week).first()
    if existing is not None:
        return existing, False
    weights = priority_weights()
    try:
        with transaction.atomic():
            snapshot = PrioritySnapshot.objects.create(
                week=week,
                created_by=by,
                weights={name: value for name, value in model_to_dict(weights).items() if name != "id"},
            )
    except IntegrityError:  # a concurrent run of the same week won
        return PrioritySnapshot.objects.get(week=week), False
    entries = list(waiting_entries())
    scores = {entry.pk: priority_score(entry_facts(entry, today), weights) for entry in entries}
    ordered = ranking([(entry, scores[entry.pk]) for entry in entries])
    PrioritySnapshotRow.objects.bulk_create(
        (
            PrioritySnapshotRow(
                snapshot=snapshot,
                entry=entry,
                rank=rank,
                score=scores[entry.pk].total,
                breakdown=scores[entry.pk].breakdown,
                overridden=entry.rank_override is not None,
            )
            for rank, entry in enumerate(ordered, start=1)
        ),
        batch_size=1000,
    )
    # The entries take their rank from the week's rows in one statement (a bulk_update of 10,000 entries
    # spends seconds building CASE expressions).
    row = PrioritySnapshotRow.objects.filter(snapshot=snapshot, entry=OuterRef("pk"))
    WaitingListEntry.objects.filter(snapshot_rows__snapshot=snapshot).update(
        rank=Subquery(row.values("rank")[:1]),
        score=Subquery(row.values("score")[:1]),
        breakdown=Subquery(row.values("breakdown")[:1]),
        ranked_week=week,
    )
    snapshot.entries = len(ordered)
    snapshot.save(update_fields=["entries"])
    return snapshot, True


# --- Changes by hand ------------------------------------------------------------------------------------


def _current(entry: WaitingListEntry) -> WaitingListEntry:
    entry = WaitingListEntry.objects.select_for_update(of=("self",)).select_related("case").get(pk=entry.pk)
    if not entry.is_waiting:
        raise ValidationError(_("This case is no longer on the waiting list."))
    return entry


def _renumber(moved: WaitingListEntry, to_rank: int | None) -> None:
    """Give the ranked entries ranks 1..n again, with `moved` at `to_rank` (or out, when None)."""
    others = list(
        WaitingListEntry.objects.select_for_update()
        .filter(left_on__isnull=True, rank__isnull=False)
        .exclude(pk=moved.pk)
        .order_by("rank", "id")
    )
    if to_rank is not None:
        others.insert(min(to_rank - 1, len(others)), moved)
    changed = []
    for rank, entry in enumerate(others, start=1):
        if entry.rank != rank or entry.pk == moved.pk:
            entry.rank = rank
            changed.append(entry)
    WaitingListEntry.objects.bulk_update(changed, ["rank"], batch_size=500)


def _audit_entry(entry: WaitingListEntry, *, by: User, detail: str, origin: str | None) -> None:
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        object_type="waiting_list_entry",
        object_id=entry.pk,
        case_id=entry.case_id,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=entry.case.legal_basis,
        ip_address=origin,
        detail=detail,
    )


@transaction.atomic(durable=True)
def rank_override(
    *,
    entry: WaitingListEntry,
    by: User,
    rank: int | None,
    reason: str,
    version: int,
    origin: str | None = None,
) -> WaitingListEntry:
    """Set the case's rank by hand (it keeps it in later weeks), or give it back to the score (None)."""
    entry = _current(entry)
    errors: dict[str, list[str]] = {}
    if rank is not None and rank < 1:
        errors["rank"] = [_("The rank is a whole number from 1.")]
    if rank is not None and len(reason.strip()) < 5:
        errors["reason"] = [_("Say why this case goes before or after the score.")]
    if errors:
        raise ValidationError(errors)
    if entry.version != version:
        raise ConcurrentEditError
    previous = entry.rank
    entry.rank_override, entry.override_reason = rank, reason.strip() if rank is not None else ""
    entry.override_by, entry.override_at = (by, timezone.now()) if rank is not None else (None, None)
    entry.version += 1
    entry.save(update_fields=["rank_override", "override_reason", "override_by", "override_at", "version"])
    if rank is not None:
        _renumber(entry, rank)
    case_event_add(
        case=entry.case,
        kind=CaseEvent.Kind.RANK_SET,
        by=by,
        payload={
            "from": previous,
            "to": rank,
            "summary": (
                _("rank %(from)s → %(to)s: %(reason)s")
                % {"from": previous or "-", "to": rank, "reason": entry.override_reason}
                if rank is not None
                else _("rank follows the score again")
            ),
        },
    )
    _audit_entry(entry, by=by, detail=f"rank {previous} -> {rank}", origin=origin)
    entry.refresh_from_db()
    return entry


@transaction.atomic(durable=True)
def referrer_contact_add(
    *,
    case: Case,
    by: User,
    occurred_on: datetime.date,
    note: str,
    kind: str = ReferrerContact.Kind.CONTACT,
    escalation_signal: bool = False,
    urgency: str = Urgency.NONE,
    origin: str | None = None,
) -> ReferrerContact:
    """Log a contact moment with the referrer (or interim advice) while the case waits."""
    errors: dict[str, list[str]] = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    if not note.strip():
        errors["note"] = [_("Summarise the contact in a few words.")]
    if kind not in ReferrerContact.Kind.values:
        errors["kind"] = [_("Choose the kind of contact.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if errors:
        raise ValidationError(errors)
    contact = ReferrerContact.objects.create(
        case=case,
        by=by,
        occurred_on=occurred_on,
        note=note.strip(),
        kind=kind,
        escalation_signal=escalation_signal,
        urgency=urgency,
    )
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.REFERRER_CONTACT,
        by=by,
        payload={"contact": contact.pk, "summary": str(ReferrerContact.Kind(kind).label)},
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        object_type="referrer_contact",
        object_id=contact.pk,
        case_id=case.pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        ip_address=origin,
    )
    return contact


@transaction.atomic(durable=True)
def waiting_list_assign(
    *, entry: WaitingListEntry, by: User, coordinator: User, version: int, origin: str | None = None
) -> Case:
    """A procesregisseur takes the case: procesregie starts and the case leaves the list."""
    entry = _current(entry)
    if not coordinator.is_active or coordinator.role != Role.COORDINATOR:
        raise ValidationError({"coordinator": [_("Choose an active process coordinator.")]})
    if entry.version != version:
        raise ConcurrentEditError
    case = Case.objects.select_for_update().get(pk=entry.case_id)
    if not transition_allowed(case.status, CaseStatus.ACTIVE):
        raise ValidationError(_("This case is not waiting for a process coordinator."))
    case.status, case.coordinator, case.version = CaseStatus.ACTIVE, coordinator, case.version + 1
    case.save(update_fields=["status", "coordinator", "version", "updated_at"])
    _leave(entry, WaitingListEntry.LeftBecause.ASSIGNED)
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.COORDINATOR_ASSIGNED,
        by=by,
        payload={
            "coordinator": coordinator.pk,
            "summary": str(coordinator),
            "weeks_waited": weeks_between(entry.added_on, timezone.localdate()),
        },
    )
    _audit_entry(entry, by=by, detail="assigned", origin=origin)
    return case


@transaction.atomic(durable=True)
def waiting_list_close(*, entry: WaitingListEntry, by: User, reason: str, origin: str | None = None) -> Case:
    """Close a case while it waits (e.g. the problems resolved); it leaves the list."""
    entry = _current(entry)
    case = case_close_within(case=entry.case, by=by, reason=reason, origin=origin)
    _leave(entry, WaitingListEntry.LeftBecause.CLOSED)
    return case


def _leave(entry: WaitingListEntry, because: str) -> None:
    entry.left_on, entry.left_because, entry.version = timezone.localdate(), because, entry.version + 1
    entry.save(update_fields=["left_on", "left_because", "version"])
    _renumber(entry, None)
