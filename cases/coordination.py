"""Procesregie on a case: the people in the system, labels, escalation (opschalen), handover
(afschalen) and closure with evaluation; and the procesregisseur's caseload (Mijn casussen).

Every write is one durable transaction that checks `access.may_work_on`, appends the timeline event
and writes the audit record; callers pass plain data, never request objects.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, TextChoices, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access
from cases.forms_work import SystemMemberForm, TimelineFilterForm
from cases.models import Agreement, Case, CaseEvent, Escalation, Handover, SystemMember
from cases.selectors import PRIMARY_SUBJECT
from cases.services import ConcurrentEditError, case_close_within, case_event_add
from cases.workflow import FINAL
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.audit.services import audit_record
from zvhd.reference.models import CaseLabel, Partner

AVE_PHASES = range(1, 5)
EVALUATION_MIN_WORDS = 5


def _refuse_unless_working_on(user: User, case: Case) -> None:
    if not access.may_work_on(user, case):
        raise PermissionError


def _audit(
    case: Case, *, by: User, action: str, object_type: str, object_id: object, origin: str | None
) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case.pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        ip_address=origin,
    )


def _not_in_future(day: datetime.date | None, field: str) -> dict[str, list[str]]:
    if day is not None and day > timezone.localdate():
        return {field: [_("The date cannot be in the future.")]}
    return {}


# --- People in the system ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def system_member_add(
    *,
    case: Case,
    by: User,
    description: str,
    relation: str,
    is_minor: bool,
    note: str = "",
    origin: str | None = None,
) -> SystemMember:
    """Record someone in the subjects' system; he does not become a subject of the case."""
    _refuse_unless_working_on(by, case)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("Say who this is: a first name or a description.")]
    if not relation.strip():
        errors["relation"] = [_("Enter the relation to the main subject.")]
    if errors:
        raise ValidationError(errors)
    member = SystemMember.objects.create(
        case=case,
        description=description.strip(),
        relation=relation.strip(),
        is_minor=is_minor,
        note=note.strip(),
        added_by=by,
    )
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.SYSTEM_MEMBER_ADDED,
        by=by,
        payload={"system_member": member.pk, "summary": f"{member.description} ({member.relation})"},
    )
    _audit(
        case,
        by=by,
        action=AuditEvent.Action.CREATE,
        object_type="system_member",
        object_id=member.pk,
        origin=origin,
    )
    return member


@transaction.atomic(durable=True)
def system_member_remove(*, member: SystemMember, by: User, origin: str | None = None) -> None:
    """Take someone out of the system of the case (recorded in error, or no longer relevant)."""
    case = member.case
    _refuse_unless_working_on(by, case)
    removed, _per_model = SystemMember.objects.filter(pk=member.pk).delete()
    if not removed:
        return  # a double click: already removed
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.SYSTEM_MEMBER_REMOVED,
        by=by,
        payload={"system_member": member.pk, "summary": f"{member.description} ({member.relation})"},
    )
    _audit(
        case,
        by=by,
        action=AuditEvent.Action.DELETE,
        object_type="system_member",
        object_id=member.pk,
        origin=origin,
    )


# --- Labels ----------------------------------------------------------------------------------------------


def _labels_summary(added: Sequence[CaseLabel], removed: Sequence[CaseLabel]) -> str:
    parts = []
    if added:
        parts.append(_("added: %(labels)s") % {"labels": ", ".join(label.name for label in added)})
    if removed:
        parts.append(_("removed: %(labels)s") % {"labels": ", ".join(label.name for label in removed)})
    return "; ".join(parts)


@transaction.atomic(durable=True)
def case_labels_set(
    *, case: Case, by: User, labels: Iterable[CaseLabel], version: int, origin: str | None = None
) -> Case:
    """Make the case's labels exactly `labels`.

    A label that restricts access (cter) decides the compartment, and that is chosen at registration:
    it can be added or removed only on a case that already falls under the Wet parta.
    `version` is the case version the user started from; a newer one raises ConcurrentEditError.
    """
    _refuse_unless_working_on(by, case)
    wanted = {label.pk: label for label in labels}
    current = {label.pk: label for label in case.labels.all()}
    added = sorted((wanted[pk] for pk in wanted.keys() - current.keys()), key=lambda label: label.name)
    removed = sorted((current[pk] for pk in current.keys() - wanted.keys()), key=lambda label: label.name)
    restricted = [label for label in [*added, *removed] if label.restricts_access]
    if restricted and case.legal_basis != LegalBasis.PARTA:
        raise ValidationError(
            {
                "labels": [
                    _(
                        "The label %(label)s can only be changed on a case under the Wet parta. "
                        "The label does not move the case into that compartment: that is decided at "
                        "registration."
                    )
                    % {"label": restricted[0].name}
                ]
            }
        )
    if not added and not removed:
        return case  # nothing changed, so nothing to overwrite either
    if not Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    ):
        raise ConcurrentEditError
    case.labels.set(wanted.values())
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.LABELS_CHANGED,
        by=by,
        payload={
            "added": [label.code for label in added],
            "removed": [label.code for label in removed],
            "summary": _labels_summary(added, removed),
        },
    )
    _audit(
        case,
        by=by,
        action=AuditEvent.Action.UPDATE,
        object_type="case_labels",
        object_id=case.pk,
        origin=origin,
    )
    return case


# --- Escalation (opschalen) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationData:
    to: str
    reason: str
    escalated_on: datetime.date
    to_detail: str = ""
    ave_before: int | None = None
    ave_after: int | None = None


def _ave_errors(**phases: int | None) -> dict[str, list[str]]:
    return {
        name: [_("An AVE phase is 1, 2, 3 or 4.")]
        for name, phase in phases.items()
        if phase is not None and phase not in AVE_PHASES
    }


@transaction.atomic(durable=True)
def escalation_record(*, case: Case, by: User, data: EscalationData, origin: str | None = None) -> Escalation:
    """The case is stuck: record to whom it was escalated, why, and the AVE phase around it."""
    _refuse_unless_working_on(by, case)
    errors = _ave_errors(ave_before=data.ave_before, ave_after=data.ave_after)
    errors |= _not_in_future(data.escalated_on, "escalated_on")
    if data.to not in Escalation.To.values:
        errors["to"] = [_("Choose to whom the case was escalated.")]
    if not data.reason.strip():
        errors["reason"] = [_("Describe why the case is escalated.")]
    if errors:
        raise ValidationError(errors)
    escalation = Escalation.objects.create(
        case=case,
        to=data.to,
        to_detail=data.to_detail.strip(),
        reason=data.reason.strip(),
        ave_before=data.ave_before,
        ave_after=data.ave_after,
        escalated_on=data.escalated_on,
        by=by,
    )
    summary = escalation.get_to_display()
    if escalation.to_detail:
        summary = f"{summary}: {escalation.to_detail}"
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.ESCALATED,
        by=by,
        payload={"escalation": escalation.pk, "summary": summary},
    )
    _audit(
        case,
        by=by,
        action=AuditEvent.Action.CREATE,
        object_type="escalation",
        object_id=escalation.pk,
        origin=origin,
    )
    return escalation


@transaction.atomic(durable=True)
def escalation_resolve(
    *,
    escalation: Escalation,
    by: User,
    version: int,
    outcome: str,
    resolved_on: datetime.date,
    ave_after: int | None = None,
    origin: str | None = None,
) -> Escalation:
    """Record how an escalation ended. `version` is the one the user started from: if someone saved the
    escalation since, nothing changes and ConcurrentEditError says so."""
    case = escalation.case
    _refuse_unless_working_on(by, case)
    errors = _ave_errors(ave_after=ave_after) | _not_in_future(resolved_on, "resolved_on")
    if resolved_on < escalation.escalated_on:
        errors["resolved_on"] = [_("The escalation cannot be resolved before it started.")]
    if not outcome.strip():
        errors["outcome"] = [_("Describe the outcome of the escalation.")]
    if errors:
        raise ValidationError(errors)
    changed = Escalation.objects.filter(pk=escalation.pk, version=version).update(
        outcome=outcome.strip(),
        resolved_on=resolved_on,
        ave_after=ave_after if ave_after is not None else F("ave_after"),
        version=F("version") + 1,
    )
    if not changed:
        raise ConcurrentEditError
    escalation.refresh_from_db()
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.ESCALATION_RESOLVED,
        by=by,
        payload={"escalation": escalation.pk, "summary": escalation.outcome[:200]},
    )
    _audit(
        case,
        by=by,
        action=AuditEvent.Action.UPDATE,
        object_type="escalation",
        object_id=escalation.pk,
        origin=origin,
    )
    return escalation


# --- Handover (afschalen) and closure ---------------------------------------------------------------


@dataclass(frozen=True)
class HandoverData:
    to: str
    receiver_name: str
    handed_over_on: datetime.date
    receiver_organisation: Partner | None = None
    note: str = ""


@transaction.atomic(durable=True)
def handover_record(*, case: Case, by: User, data: HandoverData, origin: str | None = None) -> Handover:
    """Procesregie goes to a local party. The case stays open until the procesregisseur closes it."""
    _refuse_unless_working_on(by, case)
    errors = _not_in_future(data.handed_over_on, "handed_over_on")
    if data.to not in Handover.To.values:
        errors["to"] = [_("Choose to whom the case is handed over.")]
    if not data.receiver_name.strip():
        errors["receiver_name"] = [_("Enter the name of the receiver.")]
    if errors:
        raise ValidationError(errors)
    handover = Handover.objects.create(
        case=case,
        to=data.to,
        receiver_name=data.receiver_name.strip(),
        receiver_organisation=data.receiver_organisation,
        handed_over_on=data.handed_over_on,
        note=data.note.strip(),
        by=by,
    )
    receiver = handover.receiver_name
    if handover.receiver_organisation is not None:
        receiver = f"{receiver} ({handover.receiver_organisation.name})"
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.HANDED_OVER,
        by=by,
        payload={"handover": handover.pk, "summary": f"{handover.get_to_display()}: {receiver}"},
    )
    _audit(
        case,
        by=by,
        action=AuditEvent.Action.CREATE,
        object_type="handover",
        object_id=handover.pk,
        origin=origin,
    )
    return handover


def _closure_errors(case: Case, reason: str, evaluation: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(evaluation.split()) < EVALUATION_MIN_WORDS:
        errors["evaluation"] = [
            _("Write an evaluation of at least %(words)s words: what was achieved, what was not, and why.")
            % {"words": EVALUATION_MIN_WORDS}
        ]
    if reason not in Case.ClosureReason.values:
        errors["reason"] = [_("Choose a reason for closing the case.")]
    elif reason == Case.ClosureReason.HANDED_OVER and not case.handovers.exists():
        errors["reason"] = [_("Record the handover first; then close the case as handed over.")]
    return errors


@transaction.atomic(durable=True)
def case_close_with_evaluation(
    *, case: Case, by: User, reason: str, evaluation: str, origin: str | None = None
) -> Case:
    """Close a case the procesregisseur ran, with his evaluation; every participant's access ends."""
    _refuse_unless_working_on(by, case)
    errors = _closure_errors(case, reason, evaluation)
    if errors:
        raise ValidationError(errors)
    case = case_close_within(case=case, by=by, reason=reason, origin=origin)
    case.closure_evaluation = evaluation.strip()
    case.save(update_fields=["closure_evaluation", "updated_at"])
    return case


# --- Reads -------------------------------------------------------------------------------------------------


def work_page_context(*, case: Case, user: User) -> dict[str, Any]:
    """What the case page's procesregie section shows (a fixed number of queries)."""
    can_work = access.may_work_on(user, case)
    context: dict[str, Any] = {
        "can_work": can_work,
        "system_members": list(case.system_members.all()),
        "case_labels": list(case.labels.all()),
        "escalations": list(case.escalations.all()),
        "handovers": list(case.handovers.select_related("receiver_organisation")),
        "timeline_form": TimelineFilterForm(),
    }
    if can_work:
        context["system_member_form"] = SystemMemberForm()
    return context


def timeline_events(*, case: Case, kind: str = "") -> list[CaseEvent]:
    """The case's timeline (from the case page's prefetch), only events of `kind` when given."""
    return [event for event in case.events.all() if not kind or event.kind == kind]


class MyCasesSort(TextChoices):
    """The orders of Mijn casussen (the `sort` parameter); ties are broken by case number."""

    NUMBER = "number", gettext_lazy("case number")
    OVERDUE = "overdue", gettext_lazy("most overdue agreements first")
    INACTIVE = "inactive", gettext_lazy("longest without activity first")
    DEADLINE = "deadline", gettext_lazy("next deadline first")


_MY_CASES_ORDER = {
    MyCasesSort.NUMBER: (F("number").asc(),),
    MyCasesSort.OVERDUE: (F("overdue_count").desc(), F("number").asc()),
    MyCasesSort.INACTIVE: (F("last_activity_at").asc(nulls_first=True), F("number").asc()),
    MyCasesSort.DEADLINE: (F("next_deadline").asc(nulls_last=True), F("number").asc()),
}


def _count_per_case(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("case").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted[:1]), Value(0))


def my_cases(
    *,
    user: User,
    sort: str = MyCasesSort.NUMBER,
    kind: str = "",
    label: CaseLabel | None = None,
    overdue_only: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Case]:
    """The cases `user` runs and that are not closed, each with the counts the caseload shows:
    `overdue_count`, `open_count`, `next_deadline`, `last_activity_at`, `escalated` (an escalation
    without outcome). Counts are subqueries, so the list costs the same queries for 3 or 300 cases."""
    today = today or timezone.localdate()
    open_agreements = Agreement.objects.filter(case=OuterRef("pk"), status=Agreement.Status.OPEN)
    cases = (
        access.cases_visible_to(user)
        .filter(coordinator=user)
        .exclude(status__in=FINAL)
        .annotate(
            overdue_count=_count_per_case(open_agreements.filter(due_date__lt=today)),
            open_count=_count_per_case(open_agreements),
            next_deadline=Subquery(open_agreements.order_by("due_date").values("due_date")[:1]),
            last_activity_at=Subquery(
                CaseEvent.objects.filter(case=OuterRef("pk"))
                .order_by("-occurred_at")
                .values("occurred_at")[:1]
            ),
            escalated=Exists(Escalation.objects.filter(case=OuterRef("pk"), resolved_on__isnull=True)),
        )
        .select_related("referral__main_topic")
        .prefetch_related(PRIMARY_SUBJECT, "labels")
    )
    if kind:
        cases = cases.filter(kind=kind)
    if label is not None:
        cases = cases.filter(labels=label)
    if overdue_only:
        cases = cases.filter(overdue_count__gt=0)
    return cases.order_by(*_MY_CASES_ORDER.get(sort, _MY_CASES_ORDER[MyCasesSort.NUMBER]))


def days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    """Whole days between `moment` (local date) and today; None without a moment."""
    if moment is None:
        return None
    return (today - timezone.localtime(moment).date()).days
