"""Every write of triage: planning meetings, the agenda, enrichment, decisions, feedback to the referrer.

Each service is one transaction that also writes the case timeline and the access log. The
werkvoorraad's services live in `triage/waiting_list.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import Case, CaseEvent
from cases.services import ConcurrentEditError, case_event_add
from cases.workflow import CaseStatus, transition_allowed
from triage.models import (
    COORDINATION_DECISIONS,
    AgendaItem,
    Decision,
    Enrichment,
    Feedback,
    Meeting,
    WaitingListEntry,
)
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_record
from zvhd.reference.models import AcceptanceCriterion, MeetingType, Partner

__all__ = ["ConcurrentEditError"]


# --- Meetings --------------------------------------------------------------------------------------


def meeting_cutoff(meeting_type: MeetingType, day: datetime.date) -> datetime.datetime:
    """Until when a referral must be complete to be proposed for the meeting on `day`."""
    moment = datetime.datetime.combine(
        day - datetime.timedelta(days=meeting_type.cutoff_days_before), meeting_type.cutoff_time
    )
    return timezone.make_aware(moment)


def _liaison_errors(meeting_type: MeetingType, liaisons: Sequence[User]) -> dict[str, list[str]]:
    seated = set(meeting_type.seated_partners.values_list("pk", flat=True))
    wrong = [
        str(user)
        for user in liaisons
        if user.role != Role.LIAISON or not user.is_active or user.organisation_id not in seated
    ]
    if wrong:
        return {
            "liaisons": [
                _("Not a liaison of an organisation seated at this meeting: %(names)s.")
                % {"names": ", ".join(wrong)}
            ]
        }
    return {}


@transaction.atomic(durable=True)
def meeting_plan(
    *,
    by: User,
    meeting_type: MeetingType,
    date: datetime.date,
    chair: User,
    liaisons: Sequence[User] = (),
    origin: str | None = None,
) -> Meeting:
    """Plan a meeting; its agenda is proposed at once (see `agenda_propose`)."""
    errors = _liaison_errors(meeting_type, liaisons)
    if date < timezone.localdate():
        errors["date"] = [_("A meeting cannot be planned in the past.")]
    if not chair.is_active or not chair.is_bureau_staff:
        errors["chair"] = [_("The chair must be an active member of the bureau.")]
    if Meeting.objects.filter(meeting_type=meeting_type, date=date).exists():
        errors["date"] = [_("There is already a %(type)s on this day.") % {"type": meeting_type.name}]
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        meeting_type=meeting_type,
        date=date,
        cutoff=meeting_cutoff(meeting_type, date),
        chair=chair,
        created_by=by,
    )
    meeting.liaisons.set(liaisons)
    _agenda_propose(meeting=meeting, by=by, origin=origin)
    return meeting


@transaction.atomic(durable=True)
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    version: int,
    chair: User,
    liaisons: Sequence[User],
    origin: str | None = None,
) -> Meeting:
    """Change the chair or the liaisons present; the liaisons' access to the agenda follows."""
    errors = _liaison_errors(meeting.meeting_type, liaisons)
    if not chair.is_active or not chair.is_bureau_staff:
        errors["chair"] = [_("The chair must be an active member of the bureau.")]
    if errors:
        raise ValidationError(errors)
    if not Meeting.objects.filter(pk=meeting.pk, version=version).update(version=F("version") + 1):
        raise ConcurrentEditError
    meeting.refresh_from_db()
    meeting.chair = chair
    meeting.save(update_fields=["chair"])
    meeting.liaisons.set(liaisons)
    for item in meeting.items.select_related("case"):
        _liaison_grants_sync(item.case)
    return meeting


# --- Completeness ------------------------------------------------------------------------------------


def referral_gaps(case: Case) -> list[str]:
    """What a referral still lacks before triage can weigh it; empty when it is complete.

    Expects the case with its referral, its subjects and the referral's problem areas loaded (the
    agenda selector prefetches them), so a list costs a fixed number of queries.
    """
    gaps = []
    referral = case.referral
    primary = next((subject for subject in case.subjects.all() if subject.is_primary), None)
    if primary is None or primary.person.date_of_birth is None:
        gaps.append(_("date of birth of the main subject"))
    if not referral.problem_areas.all():
        gaps.append(_("problem areas"))
    if referral.minors_in_system == referral.MinorsInSystem.UNKNOWN:
        gaps.append(_("whether minors are part of the system"))
    if len(referral.concerns.strip()) < 40:
        gaps.append(_("a description of the concerns (at least 40 characters)"))
    return gaps


# --- Agenda --------------------------------------------------------------------------------------------


def _audit_item(item: AgendaItem, *, by: User, action: str, origin: str | None, detail: str) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="agenda_item",
        object_id=item.pk,
        case_id=item.case_id,
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=item.case.legal_basis,
        ip_address=origin,
        detail=detail,
    )


def _liaison_grants_sync(case: Case) -> None:
    """Liaisons see a referral from the day it is on their meeting's agenda until the meeting day."""
    today = timezone.localdate()
    grants: dict[User, tuple[datetime.date, datetime.date]] = {}
    items = AgendaItem.objects.filter(case=case, meeting__date__gte=today).select_related("meeting")
    for item in items:
        for liaison in item.meeting.liaisons.all():
            first, last = grants.get(liaison, (today, item.meeting.date))
            grants[liaison] = (first, max(last, item.meeting.date))
    access.liaison_access_set(case=case, grants=grants)


def _meeting_open_errors(meeting: Meeting) -> dict[str, list[str]]:
    if meeting.date < timezone.localdate():
        return {"meeting": [_("This meeting has taken place: its agenda can no longer change.")]}
    return {}


def _append(meeting: Meeting, case: Case, by: User, source: str) -> AgendaItem:
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(
        meeting=meeting, case=case, position=last + 1, source=source, added_by=by
    )


def _case_status_set(case: Case, status: str) -> None:
    if not transition_allowed(case.status, status):
        raise ValidationError(
            _("This case cannot go from '%(from)s' to this step.") % {"from": case.get_status_display()}
        )
    case.status = status
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at"])


def _agenda_add(*, meeting: Meeting, case: Case, by: User, source: str, origin: str | None) -> AgendaItem:
    previous = case.status
    _case_status_set(case, CaseStatus.TRIAGE)
    item = _append(meeting, case, by, source)
    _liaison_grants_sync(case)
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.AGENDA_ADDED,
        by=by,
        payload={"meeting": meeting.pk, "from": previous, "summary": str(meeting)},
    )
    _audit_item(item, by=by, action=AuditEvent.Action.CREATE, origin=origin, detail=source)
    return item


def _agenda_propose(*, meeting: Meeting, by: User, origin: str | None) -> list[AgendaItem]:
    from triage.selectors import agenda_candidates  # selectors import services' rules

    complete, _incomplete = agenda_candidates(user=by, meeting=meeting)
    return [
        _agenda_add(meeting=meeting, case=case, by=by, source=AgendaItem.Source.PROPOSED, origin=origin)
        for case in complete
    ]


@transaction.atomic(durable=True)
def agenda_propose(*, meeting: Meeting, by: User, origin: str | None = None) -> list[AgendaItem]:
    """Put every referral that was complete by the cut-off and is on no agenda yet on this meeting's."""
    errors = _meeting_open_errors(meeting)
    if errors:
        raise ValidationError(errors)
    return _agenda_propose(meeting=meeting, by=by, origin=origin)


@transaction.atomic(durable=True)
def agenda_add(*, meeting: Meeting, case: Case, by: User, origin: str | None = None) -> AgendaItem:
    """Put a registered referral on the agenda by hand (also one that is not complete yet)."""
    errors = _meeting_open_errors(meeting)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.REGISTERED:
        errors["case"] = [_("Only a registered referral that is on no agenda yet can be added.")]
    if errors:
        raise ValidationError(errors)
    return _agenda_add(meeting=meeting, case=case, by=by, source=AgendaItem.Source.ADDED, origin=origin)


@transaction.atomic(durable=True)
def agenda_move(*, item: AgendaItem, to: Meeting, by: User, origin: str | None = None) -> AgendaItem:
    """Move an undecided item to another meeting that has not taken place; it goes last there."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting", "case").get(pk=item.pk)
    )
    errors = _meeting_open_errors(to)
    if item.is_decided:
        errors["meeting"] = [_("A decision has been taken on this item: it can no longer be moved.")]
    elif to.pk == item.meeting_id:
        errors["meeting"] = [_("The item is already on this meeting's agenda.")]
    if errors:
        raise ValidationError(errors)
    source = item.meeting
    last = to.items.aggregate(last=Max("position"))["last"] or 0
    item.meeting, item.position, item.source = to, last + 1, AgendaItem.Source.MOVED
    item.version += 1
    item.save(update_fields=["meeting", "position", "source", "version"])
    _liaison_grants_sync(item.case)
    case_event_add(
        case=item.case,
        kind=CaseEvent.Kind.AGENDA_MOVED,
        by=by,
        payload={"from_meeting": source.pk, "meeting": to.pk, "summary": f"{source} → {to}"},
    )
    _audit_item(item, by=by, action=AuditEvent.Action.UPDATE, origin=origin, detail="moved")
    return item


@transaction.atomic(durable=True)
def agenda_remove(*, item: AgendaItem, by: User, origin: str | None = None) -> Case:
    """Take an undecided item off the agenda: the referral is registered again, awaiting a meeting."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting", "case").get(pk=item.pk)
    )
    if item.is_decided:
        raise ValidationError(_("A decision has been taken on this item: it stays on the agenda."))
    case = item.case
    _audit_item(item, by=by, action=AuditEvent.Action.DELETE, origin=origin, detail="removed")
    meeting = item.meeting
    item.delete()
    _case_status_set(case, CaseStatus.REGISTERED)
    _liaison_grants_sync(case)
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.AGENDA_REMOVED,
        by=by,
        payload={"meeting": meeting.pk, "summary": str(meeting)},
    )
    return case


@transaction.atomic(durable=True)
def agenda_reorder(*, item: AgendaItem, up: bool) -> None:
    """Swap the item with its neighbour above (`up`) or below."""
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    siblings = AgendaItem.objects.filter(meeting_id=item.meeting_id)
    neighbour = (
        siblings.filter(position__lt=item.position).order_by("-position", "-id").first()
        if up
        else siblings.filter(position__gt=item.position).order_by("position", "id").first()
    )
    if neighbour is None:
        return
    item.position, neighbour.position = neighbour.position, item.position
    AgendaItem.objects.bulk_update([item, neighbour], ["position"])


# --- Enrichment ------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def enrichment_record(
    *,
    item: AgendaItem,
    by: User,
    known: str,
    information: str,
    version: int | None = None,
    origin: str | None = None,
) -> Enrichment:
    """A liaison records whether his organisation knows the subject, and what the meeting must know.

    `version` is the version of his organisation's enrichment he started from (None for a new one).
    """
    item = AgendaItem.objects.select_related("meeting", "case").get(pk=item.pk)
    if by.role != Role.LIAISON or not item.meeting.liaisons.filter(pk=by.pk).exists():
        raise PermissionError
    errors: dict[str, list[str]] = {}
    if known not in Enrichment.Known.values:
        errors["known"] = [_("Say whether your organisation knows the subject.")]
    if item.is_decided:
        errors["known"] = [_("A decision has been taken on this item: it can no longer be enriched.")]
    if errors:
        raise ValidationError(errors)
    existing = (
        Enrichment.objects.select_for_update(of=("self",))
        .filter(item=item, organisation=by.organisation)
        .first()
    )
    if existing is None:
        if version is not None:
            raise ConcurrentEditError  # he edited a record that has been removed in between
        try:
            with transaction.atomic():
                enrichment = Enrichment.objects.create(
                    item=item,
                    organisation=by.organisation,
                    liaison=by,
                    known=known,
                    information=information.strip(),
                )
        except IntegrityError:  # a colleague of the same organisation saved first
            raise ConcurrentEditError from None
        action = AuditEvent.Action.CREATE
    else:
        if version != existing.version:
            raise ConcurrentEditError
        existing.known, existing.information, existing.liaison = known, information.strip(), by
        existing.recorded_at, existing.version = timezone.now(), existing.version + 1
        existing.save()
        enrichment, action = existing, AuditEvent.Action.UPDATE
    audit_record(
        actor=by,
        action=action,
        object_type="enrichment",
        object_id=enrichment.pk,
        case_id=item.case_id,
        person_ids=item.case.subjects.values_list("person_id", flat=True),
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=item.case.legal_basis,
        ip_address=origin,
    )
    return enrichment


# --- Decisions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionData:
    decision: str
    safety_risk: str
    ave_phase: int | None
    criteria_met: Sequence[AcceptanceCriterion] = field(default_factory=tuple)
    considerations: str = ""
    reason: str = ""
    referred_to: Partner | None = None
    # For procesregie: the procesregisseur who starts now; none means the werkvoorraad.
    # For extended advice: the bureau member who gives it (required).
    coordinator: User | None = None


def criteria_sufficient(
    criteria: Sequence[AcceptanceCriterion], all_criteria: Sequence[AcceptanceCriterion]
) -> bool:
    """Every criterion that is not sufficient alone is met, or one that is."""
    met = {criterion.pk for criterion in criteria}
    if any(criterion.sufficient_alone for criterion in criteria):
        return True
    required = {criterion.pk for criterion in all_criteria if not criterion.sufficient_alone}
    return bool(required) and required <= met


def decision_errors(data: DecisionData) -> dict[str, list[str]]:
    """The rules of a triage decision, whoever records it (screen or API)."""
    errors: dict[str, list[str]] = {}
    if data.decision not in Decision.values:
        errors["decision"] = [_("Choose a decision.")]
    if not data.safety_risk:
        errors["safety_risk"] = [_("Assess the safety risk.")]
    if data.ave_phase is None:
        errors["ave_phase"] = [_("Assess the AVE phase.")]
    if data.decision in COORDINATION_DECISIONS and not criteria_sufficient(
        data.criteria_met, list(AcceptanceCriterion.objects.active())
    ):
        errors["criteria_met"] = [
            _("Process coordination needs the acceptance criteria met: all of the first ones, or the last.")
        ]
    if data.decision in {Decision.NOT_TAKEN_UP, Decision.REFERRED_BACK} and not data.reason.strip():
        errors["reason"] = [_("Give the reason; the referrer receives it.")]
    if data.decision == Decision.REFERRED_BACK and data.referred_to is None:
        errors["referred_to"] = [_("Choose the partner the referral goes back to.")]
    if data.decision == Decision.EXTENDED_ADVICE and data.coordinator is None:
        errors["coordinator"] = [_("Choose who gives the extended advice.")]
    if data.coordinator is not None and (
        not data.coordinator.is_active or data.coordinator.role != Role.COORDINATOR
    ):
        errors["coordinator"] = [_("Choose an active process coordinator.")]
    return errors


def _decision_outcome(data: DecisionData) -> tuple[str, str, str]:
    """(case kind, intensity, status) that the decision gives the case."""
    if data.decision in COORDINATION_DECISIONS:
        intensity = (
            Case.Intensity.INTENSIVE
            if data.decision == Decision.COORDINATION_TAILORED
            else Case.Intensity.PERSON_CENTRED
        )
        status = CaseStatus.ACTIVE if data.coordinator else CaseStatus.WAITING
        return Case.Kind.COORDINATION, intensity, status
    if data.decision == Decision.EXTENDED_ADVICE:
        return Case.Kind.EXTENDED_ADVICE, "", CaseStatus.ACTIVE
    if data.decision == Decision.NOT_TAKEN_UP:
        return Case.Kind.UNDECIDED, "", CaseStatus.NOT_TAKEN_UP
    return Case.Kind.UNDECIDED, "", CaseStatus.REFERRED_BACK


@transaction.atomic(durable=True)
def decision_record(
    *, item: AgendaItem, by: User, data: DecisionData, version: int, origin: str | None = None
) -> AgendaItem:
    """Record the assessment and decision on an item: the case gets its kind and status, waits on the
    werkvoorraad when no procesregisseur starts now, and the feedback to the referrer is written."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "case__referral")
        .get(pk=item.pk)
    )
    errors = decision_errors(data)
    if item.is_decided:
        errors["decision"] = [_("A decision has already been taken on this item.")]
    if item.meeting.date > timezone.localdate():
        errors["decision"] = [
            _("Decisions are taken in the meeting; this one is on %(date)s.")
            % {"date": f"{item.meeting.date:%d-%m-%Y}"}
        ]
    if errors:
        raise ValidationError(errors)
    if item.version != version:
        raise ConcurrentEditError
    case = Case.objects.select_for_update().get(pk=item.case_id)
    kind, intensity, status = _decision_outcome(data)
    previous = case.status
    _case_status_set(case, status)
    case.kind, case.intensity, case.decided_on = kind, intensity, item.meeting.date
    if status == CaseStatus.ACTIVE:
        case.coordinator = data.coordinator
    case.save(update_fields=["kind", "intensity", "decided_on", "coordinator"])
    item.decision, item.safety_risk, item.ave_phase = data.decision, data.safety_risk, data.ave_phase
    item.considerations, item.decision_reason = data.considerations.strip(), data.reason.strip()
    item.referred_to = data.referred_to if data.decision == Decision.REFERRED_BACK else None
    item.decided_by, item.decided_at, item.version = by, timezone.now(), item.version + 1
    item.save()
    item.criteria_met.set(data.criteria_met)
    if status == CaseStatus.WAITING:
        WaitingListEntry.objects.create(
            case=case, added_on=timezone.localdate(), added_by=by, safety_risk=data.safety_risk
        )
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.TRIAGE_DECIDED,
        by=by,
        payload={
            "decision": data.decision,
            "from": previous,
            "to": status,
            "meeting": item.meeting_id,
            "summary": str(Decision(data.decision).label),
        },
    )
    _feedback_compose(item, case)
    _audit_item(
        item, by=by, action=AuditEvent.Action.UPDATE, origin=origin, detail=f"decision {data.decision}"
    )
    return item


# --- Feedback to the referrer ------------------------------------------------------------------------


def feedback_text(item: AgendaItem, case: Case) -> tuple[str, str]:
    """Subject and body of the message to the referrer about the decision on `item`: the case number,
    no names (data minimisation). In the active language."""
    referral = case.referral
    decision = Decision(item.decision)
    outcome = {
        Decision.COORDINATION_TAILORED: _(
            "The bureau takes up process coordination (tailored approach). A process coordinator will "
            "contact you."
        ),
        Decision.COORDINATION_PGA: _(
            "The bureau takes up process coordination in the person-centred approach (PGA). A process "
            "coordinator will contact you."
        ),
        Decision.EXTENDED_ADVICE: _(
            "The bureau gives extended advice: an adviser of the bureau will contact you to join your "
            "case meeting."
        ),
        Decision.NOT_TAKEN_UP: _("The bureau does not take up this referral."),
        Decision.REFERRED_BACK: _("The referral is referred back to %(partner)s.")
        % {"partner": item.referred_to.name if item.referred_to else ""},
    }[decision]
    if case.status == CaseStatus.WAITING:
        outcome += " " + _(
            "No process coordinator is free yet: the case is on the waiting list, is prioritised every "
            "week, and we keep in touch with you meanwhile."
        )
    parts = [
        _("Dear %(name)s,") % {"name": referral.referrer_name},
        _("On %(date)s the %(meeting)s discussed your referral of %(received)s (our reference %(number)s).")
        % {
            "date": f"{item.meeting.date:%d-%m-%Y}",
            "meeting": item.meeting.meeting_type.name.lower(),
            "received": f"{referral.received_on:%d-%m-%Y}",
            "number": case.number,
        },
        outcome,
    ]
    if item.decision_reason:
        parts.append(_("Reason: %(reason)s") % {"reason": item.decision_reason})
    parts.append(_("Kind regards,\nZorg- en Veiligheidshuis"))
    subject = _("Your referral %(number)s: %(decision)s") % {
        "number": case.number,
        "decision": str(decision.label),
    }
    return subject, "\n\n".join(parts)


def _feedback_compose(item: AgendaItem, case: Case) -> Feedback:
    subject, body = feedback_text(item, case)
    return Feedback.objects.create(
        case=case, item=item, recipient=case.referral.referrer_email, subject=subject, body=body
    )


@transaction.atomic(durable=True)
def feedback_update(
    *, feedback: Feedback, by: User, version: int, recipient: str, subject: str, body: str
) -> Feedback:
    """Edit the message before it is sent."""
    errors: dict[str, list[str]] = {}
    if feedback.sent_at is not None:
        errors["body"] = [_("This message has been sent: it can no longer be changed.")]
    if not subject.strip():
        errors["subject"] = [_("Enter a subject.")]
    if not body.strip():
        errors["body"] = [_("Enter the text of the message.")]
    if errors:
        raise ValidationError(errors)
    if not Feedback.objects.filter(pk=feedback.pk, version=version).update(version=F("version") + 1):
        raise ConcurrentEditError
    Feedback.objects.filter(pk=feedback.pk).update(
        recipient=recipient.strip(), subject=subject.strip(), body=body.strip()
    )
    feedback.refresh_from_db()
    return feedback


@transaction.atomic(durable=True)
def feedback_send(*, feedback: Feedback, by: User, origin: str | None = None) -> Feedback:
    """Send the message to the referrer by e-mail (once)."""
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related("case").get(pk=feedback.pk)
    if feedback.sent_at is not None:
        raise ValidationError({"recipient": [_("This message has already been sent.")]})
    if not feedback.recipient:
        raise ValidationError(
            {"recipient": [_("The referrer has no e-mail address: enter one, or print the letter.")]}
        )
    EmailMessage(subject=feedback.subject, body=feedback.body, to=[feedback.recipient]).send()
    feedback.sent_at, feedback.sent_by = timezone.now(), by
    feedback.save(update_fields=["sent_at", "sent_by"])
    case_event_add(
        case=feedback.case,
        kind=CaseEvent.Kind.FEEDBACK_SENT,
        by=by,
        payload={"feedback": feedback.pk, "summary": feedback.recipient},
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.EXPORT,
        object_type="referrer_feedback",
        object_id=feedback.pk,
        case_id=feedback.case_id,
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=feedback.case.legal_basis,
        ip_address=origin,
        detail="e-mail",
    )
    return feedback
