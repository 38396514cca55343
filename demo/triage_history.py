"""The ketenkamer's records around the demo case file: meetings, agendas, decisions, enrichments, feedback
to the referrers, and the werkvoorraad with its contacts and weekly rankings.

The case file (`demo.generator`) decides what became of every referral: its kind and status, the day
the ketenkamer decided on it, whether and how long it waited for a procesregisseur. This module adds the
triage records that go with it, as the triage services would have written them:

- a ketenkamer every week on its weekday, from the first decision up to the next meeting (today's when
  today is its day), chaired by a procesondersteuner, with every demo liaison whose organisation is seated
  at it;
- one agenda item per referral the ketenkamer discussed, on the meeting of its decision, with that
  decision (procesregie maatwerk or PGA, extended advice, not taken up, referred back), an assessment of
  the safety risk and AVE phase, the acceptance criteria met and, for a refusal, the reason; the referrals
  in triage today are on the next meeting's agenda, undecided; liaisons enriched the items of the last
  months; every decision has its feedback to the referrer, sent by e-mail where he has an address;
- a waiting-list entry for every accepted case that waited for a procesregisseur (left on the day one was
  assigned) and for the cases waiting today, contacts with the referrer while a case waits, and the
  weekly prioritisation of every week since the first entry, computed with the scoring of
  `triage.waiting_list` as of each week's run.

Planned from a generator of its own (seed + ":triage") after the case file and the access plan, so both
are the same with or without it; written with `bulk_create` like the rest of the demo data (no services,
no access log). Cases under the Wet parta are not triaged in the ketenkamer: they have no records here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.forms.models import model_to_dict
from django.utils import timezone

from cases import access
from cases.models import Case, CaseEvent, Referral
from cases.workflow import CaseStatus
from demo.generator import COORDINATION, EXTENDED_ADVICE, NO_LABEL, Plan, Profile, ProfileError
from triage.models import (
    AgendaItem,
    Decision,
    Enrichment,
    Feedback,
    Meeting,
    PrioritySnapshot,
    PrioritySnapshotRow,
    ReferrerContact,
    Urgency,
    WaitingListEntry,
)
from triage.services import feedback_text, meeting_cutoff
from triage.waiting_list import (
    PriorityFacts,
    iso_week,
    priority_score,
    priority_weights,
    ranking,
    weeks_between,
)
from zvhd.accounts.models import Role, User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import AcceptanceCriterion, MeetingType, Partner

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The referral's completeness as `triage.services.referral_gaps` checks it.
MIN_CONCERNS = 40


# --- The plan ------------------------------------------------------------------------------------


@dataclass(eq=False)
class EnrichmentPlan:
    liaison: str
    organisation: str
    known: str
    information: str
    recorded_at: datetime


@dataclass(eq=False)
class ItemPlan:
    case: Plan
    day: date
    source: str
    added_by: str
    added_at: datetime
    position: int = 0
    decision: str = ""
    safety_risk: str = ""
    ave_phase: int | None = None
    considerations: str = ""
    reason: str = ""
    referred_to: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    enrichments: list[EnrichmentPlan] = field(default_factory=list)
    # Feedback to the referrer: (written at, sent at or None).
    feedback: tuple[datetime, datetime | None] | None = None

    @property
    def version(self) -> int:
        return 1 + (self.source == AgendaItem.Source.MOVED) + bool(self.decision)


@dataclass(eq=False)
class MeetingPlan:
    day: date
    chair: str
    planned_by: str
    planned_at: datetime
    items: list[ItemPlan] = field(default_factory=list)


@dataclass(eq=False)
class ContactPlan:
    occurred_on: date
    recorded_at: datetime
    by: str
    kind: str
    note: str
    escalation_signal: bool = False
    urgency: str = Urgency.NONE


@dataclass(eq=False)
class EntryPlan:
    case: Plan
    added_on: date
    added_by: str
    safety_risk: str
    left_on: date | None
    contacts: list[ContactPlan] = field(default_factory=list)


@dataclass
class TriagePlan:
    meetings: list[MeetingPlan]
    entries: list[EntryPlan]
    liaisons: list[str]  # present at every meeting

    @property
    def items(self) -> list[ItemPlan]:
        return [item for meeting in self.meetings for item in meeting.items]

    def moments_per_case(self) -> dict[Plan, list[datetime]]:
        """The moments of the timeline events the triage records add: contacts and feedback sent."""
        moments: dict[Plan, list[datetime]] = {}
        for entry in self.entries:
            moments.setdefault(entry.case, []).extend(contact.recorded_at for contact in entry.contacts)
        for item in self.items:
            if item.feedback and item.feedback[1]:
                moments.setdefault(item.case, []).append(item.feedback[1])
        return moments


# --- Small helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    conf: dict[str, Any]
    timing: dict[str, Any]
    rng: random.Random
    today: date
    support_officers: list[str]

    @property
    def texts(self) -> dict[str, Any]:
        return self.conf["texts"]

    def draw(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def moment(self, day: date, after: datetime | None = None) -> datetime:
        """A moment within working hours on `day` (and a little after `after`, if that is later)."""
        first, last = self.timing["working_hours"]
        minute = self.rng.randint(first * 60, last * 60 - 1)
        moment = datetime.combine(
            day, time(minute // 60, minute % 60), tzinfo=timezone.get_default_timezone()
        )
        return moment if after is None or moment > after else after + timedelta(minutes=10)


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _working_day_from(day: date) -> date:
    """`day` itself on a weekday, else the Monday after."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def _working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def decision_of(plan: Plan) -> str:
    """The ketenkamer's decision that gave the case its kind (and status)."""
    if plan.outcome == COORDINATION:
        intensive = plan.intensity == Case.Intensity.INTENSIVE
        return Decision.COORDINATION_TAILORED if intensive else Decision.COORDINATION_PGA
    if plan.outcome == EXTENDED_ADVICE:
        return Decision.EXTENDED_ADVICE
    return Decision(plan.outcome).value  # not taken up, referred back: named like the case status


def is_complete(plan: Plan) -> bool:
    """What `triage.services.referral_gaps` asks of a referral before it is proposed for an agenda."""
    main = next(subject for subject in plan.subjects if subject.is_primary)
    return (
        main.date_of_birth is not None
        and plan.problem_areas != NO_LABEL
        and plan.minors != Referral.MinorsInSystem.UNKNOWN
        and len(plan.concerns.strip()) >= MIN_CONCERNS
    )


def meeting_type_of(profile: Profile) -> MeetingType:
    code = profile["triage"]["meeting_type"]
    meeting_type = MeetingType.objects.filter(code=code).first()
    if meeting_type is None:
        raise ProfileError(f"The profile names meeting type {code!r}, which the reference data lacks.")
    return meeting_type


def seated_liaisons(profile: Profile, meeting_type: MeetingType) -> dict[str, str]:
    """The demo liaisons whose organisation is seated at the meeting type, with their organisation."""
    seated = set(meeting_type.seated_partners.values_list("code", flat=True))
    return {
        row["username"]: row["organisation"]
        for row in profile["accounts"]
        if row["role"] == Role.LIAISON and row.get("organisation") in seated
    }


# --- Planning: meetings and agenda items ---------------------------------------------------------


def plan_triage(
    *,
    profile: Profile,
    plans: Sequence[Plan],
    statuses: dict[Plan, str],
    today: date,
    rng: random.Random,
    meeting_type: MeetingType,
    support_officers: list[str],
) -> TriagePlan:
    """Every triage record of the case file as of `today`, before anything is written."""
    ctx = _Context(profile["triage"], profile["timing"], rng, today, support_officers)
    discussed = [
        plan
        for plan in plans
        if plan.legal_basis != LegalBasis.PARTA and statuses[plan] != CaseStatus.REGISTERED
    ]
    upcoming = _next_weekday(today, ctx.timing["ketenkamer_weekday"])
    days = {plan: upcoming if statuses[plan] == CaseStatus.TRIAGE else plan.decided_on for plan in discussed}
    wrong = sorted({day for day in days.values() if day.weekday() != upcoming.weekday()})
    if wrong:
        raise ProfileError(f"Decisions on {wrong[0]} fall on another day than the ketenkamer's.")
    meetings = _meetings(ctx, min(days.values(), default=upcoming), upcoming)
    cutoff = partial(meeting_cutoff, meeting_type)
    for plan in sorted(discussed, key=lambda plan: (plan.moments["agenda"], plan.number)):
        meetings[days[plan]].items.append(
            _item(ctx, plan, days[plan], cutoff, decided=plan.decided_on < today)
        )
    liaisons = seated_liaisons(profile, meeting_type)
    for meeting in meetings.values():
        _positions_and_planning(meeting)
        if meeting.day >= today - timedelta(weeks=ctx.conf["enrichment_weeks"]):
            for item in meeting.items:
                item.enrichments = _enrichments(ctx, item, liaisons)
    entries = [_entry(ctx, item) for item in _decided(meetings) if _waited(item.case)]
    _some_current_signals(ctx, [entry for entry in entries if entry.left_on is None])
    return TriagePlan(list(meetings.values()), entries, list(liaisons))


def _meetings(ctx: _Context, first: date, last: date) -> dict[date, MeetingPlan]:
    """A meeting every week; planned on the day of the meeting before, chaired by a procesondersteuner."""
    meetings = {}
    day = first
    while day <= last:
        planned_at = ctx.moment(day - timedelta(weeks=1))
        meetings[day] = MeetingPlan(
            day, ctx.rng.choice(ctx.support_officers), ctx.rng.choice(ctx.support_officers), planned_at
        )
        day += timedelta(weeks=1)
    return meetings


def _positions_and_planning(meeting: MeetingPlan) -> None:
    """Items in the order they came on the agenda; the meeting was planned before its first item."""
    for position, item in enumerate(meeting.items, start=1):
        item.position = position
    if meeting.items:
        first = min(item.added_at for item in meeting.items)
        meeting.planned_at = min(meeting.planned_at, first - timedelta(minutes=5))


def _decided(meetings: dict[date, MeetingPlan]) -> list[ItemPlan]:
    return [item for meeting in meetings.values() for item in meeting.items if item.decision]


def _source(ctx: _Context, plan: Plan, day: date, cutoff: Callable[[date], datetime]) -> str:
    """Moved when the referral was due at an earlier meeting; otherwise proposed when it was complete
    and registered by the cut-off, and added by hand when not."""
    earliest = max(
        plan.agenda_on + timedelta(days=1), plan.received_on + timedelta(days=ctx.timing["decision_min_days"])
    )
    if _next_weekday(earliest, ctx.timing["ketenkamer_weekday"]) < day:
        return AgendaItem.Source.MOVED
    if is_complete(plan) and plan.moments["registered"] <= cutoff(day):
        return AgendaItem.Source.PROPOSED
    return AgendaItem.Source.ADDED


def _item(
    ctx: _Context, plan: Plan, day: date, cutoff: Callable[[date], datetime], *, decided: bool
) -> ItemPlan:
    item = ItemPlan(plan, day, _source(ctx, plan, day, cutoff), plan.triage_actor, plan.moments["agenda"])
    if not decided:
        return item
    decision = decision_of(plan)
    item.decision, item.decided_by, item.decided_at = decision, plan.triage_actor, plan.moments["decided"]
    item.safety_risk = ctx.draw(ctx.conf["safety_risk"][decision])
    item.ave_phase = int(ctx.draw(ctx.conf["ave_phase"][decision]))
    if ctx.rng.random() < ctx.conf["considerations_share"]:
        item.considerations = ctx.rng.choice(ctx.texts["considerations"][decision])
    if decision in (Decision.NOT_TAKEN_UP, Decision.REFERRED_BACK):
        item.reason = ctx.rng.choice(ctx.texts["reasons"][decision])
    if decision == Decision.REFERRED_BACK:
        item.referred_to = plan.partner
    assert plan.referrer is not None  # every plan has one
    written = item.decided_at + timedelta(minutes=2)
    sent = None
    if plan.referrer.email:
        sent = item.decided_at + timedelta(minutes=ctx.rng.randint(*ctx.conf["feedback_sent_minutes"]))
        sent = min(sent, datetime.combine(day, time(22, 0), tzinfo=timezone.get_default_timezone()))
    item.feedback = (written, sent)
    return item


def _enrichments(ctx: _Context, item: ItemPlan, liaisons: dict[str, str]) -> list[EnrichmentPlan]:
    """Some liaisons record on a working day before the meeting whether their organisation knows the
    subject, and if so what the meeting needs to know."""
    first = _working_day_from(_local_day(item.added_at))
    last = _working_day_before(min(item.day, ctx.today))
    if last < first:
        return []
    span = (last - first).days
    result = []
    for username, organisation in liaisons.items():
        if ctx.rng.random() >= ctx.conf["enrichment_share"]:
            continue
        known = ctx.rng.random() < ctx.conf["known_share"]
        texts = ctx.texts["enrichment"]
        day = _working_day_from(first + timedelta(days=ctx.rng.randint(0, span)))
        result.append(
            EnrichmentPlan(
                username,
                organisation,
                Enrichment.Known.YES if known else Enrichment.Known.NO,
                ctx.rng.choice(texts.get(organisation, texts["other"])) if known else "",
                ctx.moment(min(day, last), after=item.added_at),
            )
        )
    return result


# --- Planning: the werkvoorraad --------------------------------------------------------------------


def _waited(plan: Plan) -> bool:
    return plan.outcome == COORDINATION and plan.assigned_on != plan.decided_on


def _entry(ctx: _Context, item: ItemPlan) -> EntryPlan:
    """On the list from the decision until a procesregisseur was assigned (or still), with contacts
    with the referrer every few weeks meanwhile."""
    plan = item.case
    entry = EntryPlan(plan, plan.decided_on, item.decided_by, item.safety_risk, plan.assigned_on)
    end = plan.assigned_on or ctx.today
    day = _working_day_from(
        plan.decided_on + timedelta(days=ctx.rng.randint(*ctx.conf["contact_first_days"]))
    )
    while day < end:
        entry.contacts.append(_contact(ctx, day))
        day = _working_day_from(day + timedelta(days=ctx.rng.randint(*ctx.conf["contact_every_days"])))
    return entry


def _contact(ctx: _Context, day: date) -> ContactPlan:
    conf, rng = ctx.conf, ctx.rng
    by = rng.choice(ctx.support_officers)
    if rng.random() < conf["interim_advice_share"]:
        note = rng.choice(ctx.texts["interim_advice"])
        return ContactPlan(day, ctx.moment(day), by, ReferrerContact.Kind.INTERIM_ADVICE, note)
    signal = rng.random() < conf["escalation_share"]
    note = rng.choice(ctx.texts["escalation" if signal else "contact"])
    contact = ContactPlan(day, ctx.moment(day), by, ReferrerContact.Kind.CONTACT, note, signal)
    contact.urgency = ctx.draw(conf["urgency"])
    return contact


def _some_current_signals(ctx: _Context, current: list[EntryPlan]) -> None:
    """Today's list shows what moves a rank: at least one escalation signal and one raised urgency."""
    contacts = [entry.contacts[-1] for entry in current if entry.contacts]
    if not contacts:
        return
    if not any(contact.escalation_signal for entry in current for contact in entry.contacts):
        signalled = ctx.rng.choice(contacts)
        signalled.kind, signalled.escalation_signal = ReferrerContact.Kind.CONTACT, True
        signalled.note = ctx.rng.choice(ctx.texts["escalation"])
    latest = [contact for contact in contacts if contact.kind == ReferrerContact.Kind.CONTACT]
    if latest and all(contact.urgency == Urgency.NONE for contact in latest):
        ctx.rng.choice(latest).urgency = Urgency.RAISED


# --- Writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaGrant:
    """The agenda grant the access plan gives its liaison; the other liaisons of the meeting get the same."""

    liaison: str
    valid_from: date
    valid_until: date


def _moment_aware(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def write_triage(
    triage: TriagePlan,
    *,
    cases: dict[Plan, Case],
    users: dict[str, User],
    meeting_type: MeetingType,
    partners: dict[str, Partner],
    criteria: dict[str, AcceptanceCriterion],
    today: date,
    grant: AgendaGrant,
) -> dict[str, int]:
    """Insert the triage records; returns the rows created per kind."""
    meetings = _write_meetings(triage, users, meeting_type)
    items = _write_items(triage, meetings, cases, users, partners, criteria)
    enrichments = Enrichment.objects.bulk_create(
        Enrichment(
            item=row,
            organisation=partners[record.organisation],
            liaison=users[record.liaison],
            known=record.known,
            information=record.information,
            recorded_at=record.recorded_at,
        )
        for item, row in items
        for record in item.enrichments
    )
    feedback = _write_feedback(items, cases, users)
    entries, contacts, snapshots, ranked = _write_entries(triage, cases, users, today)
    events = _write_events(contacts, feedback, cases)
    granted = _grants_write(items, cases, [users[username] for username in triage.liaisons], grant, today)
    return {
        "triage meetings": len(meetings),
        "agenda items": len(items),
        "enrichments": len(enrichments),
        "feedback to referrers": len(feedback),
        "waiting list entries": len(entries),
        "referrer contacts": len(contacts),
        "weekly prioritisations": snapshots,
        "ranked cases": ranked,
        "case events": events,
        "case permissions": granted,
    }


def _write_meetings(triage: TriagePlan, users: dict[str, User], meeting_type: MeetingType) -> list[Meeting]:
    meetings = Meeting.objects.bulk_create(
        Meeting(
            meeting_type=meeting_type,
            date=plan.day,
            cutoff=meeting_cutoff(meeting_type, plan.day),
            chair=users[plan.chair],
            created_by=users[plan.planned_by],
            created_at=plan.planned_at,
        )
        for plan in triage.meetings
    )
    through = Meeting.liaisons.through
    through.objects.bulk_create(
        through(meeting_id=meeting.pk, user_id=users[username].pk)
        for meeting in meetings
        for username in triage.liaisons
    )
    return meetings


def _write_items(
    triage: TriagePlan,
    meetings: list[Meeting],
    cases: dict[Plan, Case],
    users: dict[str, User],
    partners: dict[str, Partner],
    criteria: dict[str, AcceptanceCriterion],
) -> list[tuple[ItemPlan, AgendaItem]]:
    pairs = [
        (
            item,
            AgendaItem(
                meeting=meeting,
                case=cases[item.case],
                position=item.position,
                source=item.source,
                added_by=users[item.added_by],
                added_at=item.added_at,
                ave_phase=item.ave_phase,
                safety_risk=item.safety_risk,
                considerations=item.considerations,
                decision=item.decision,
                decision_reason=item.reason,
                referred_to=partners[item.referred_to] if item.referred_to else None,
                decided_by=users[item.decided_by] if item.decided_by else None,
                decided_at=item.decided_at,
                version=item.version,
            ),
        )
        for plan, meeting in zip(triage.meetings, meetings, strict=True)
        for item in plan.items
    ]
    AgendaItem.objects.bulk_create([row for _, row in pairs])
    through = AgendaItem.criteria_met.through
    through.objects.bulk_create(
        through(agendaitem_id=row.pk, acceptancecriterion_id=criteria[code].pk)
        for item, row in pairs
        if item.decision
        for code in item.case.criteria
    )
    return pairs


def _status_at_decision(plan: Plan) -> str:
    if plan.outcome == COORDINATION:
        return CaseStatus.ACTIVE if plan.assigned_on == plan.decided_on else CaseStatus.WAITING
    if plan.outcome == EXTENDED_ADVICE:
        return CaseStatus.ACTIVE
    return plan.outcome


def _write_feedback(
    items: list[tuple[ItemPlan, AgendaItem]], cases: dict[Plan, Case], users: dict[str, User]
) -> list[Feedback]:
    """The message the decision service composes, in its words (the interface language)."""
    rows = []
    for item, row in items:
        if item.feedback is None:
            continue
        case = cases[item.case]
        referral = case.referral
        # The case as the service saw it when the decision was recorded.
        seen = SimpleNamespace(referral=referral, number=case.number, status=_status_at_decision(item.case))
        subject, body = feedback_text(row, seen)  # type: ignore[arg-type]
        written, sent = item.feedback
        rows.append(
            Feedback(
                case=case,
                item=row,
                recipient=referral.referrer_email,
                subject=subject,
                body=body,
                created_at=written,
                sent_at=sent,
                sent_by=users[item.decided_by] if sent else None,
                version=1,
            )
        )
    return Feedback.objects.bulk_create(rows)


def _write_entries(
    triage: TriagePlan, cases: dict[Plan, Case], users: dict[str, User], today: date
) -> tuple[list[WaitingListEntry], list[tuple[Case, ReferrerContact]], int, int]:
    """The entries with their latest ranking, every week's ranking, and the contacts; returns the entries,
    the contacts, and how many weekly rankings and ranked cases were written."""
    entries = [
        WaitingListEntry(
            case=cases[entry.case],
            added_on=entry.added_on,
            added_by=users[entry.added_by],
            safety_risk=entry.safety_risk,
            left_on=entry.left_on,
            left_because=WaitingListEntry.LeftBecause.ASSIGNED if entry.left_on else "",
            version=2 if entry.left_on else 1,
        )
        for entry in triage.entries
    ]
    snapshots, ranked = _rankings(triage.entries, entries, today)
    WaitingListEntry.objects.bulk_create(entries)
    PrioritySnapshot.objects.bulk_create(snapshots)
    PrioritySnapshotRow.objects.bulk_create(ranked, batch_size=1000)
    # In the order they were recorded, so that a later contact has a higher id (the latest urgency).
    recorded = sorted(
        ((contact, cases[entry.case]) for entry in triage.entries for contact in entry.contacts),
        key=lambda pair: (pair[0].recorded_at, pair[1].number),
    )
    contacts = ReferrerContact.objects.bulk_create(
        ReferrerContact(
            case=case,
            kind=contact.kind,
            occurred_on=contact.occurred_on,
            note=contact.note,
            escalation_signal=contact.escalation_signal,
            urgency=contact.urgency,
            by=users[contact.by],
            recorded_at=contact.recorded_at,
        )
        for contact, case in recorded
    )
    return entries, [(row.case, row) for row in contacts], len(snapshots), len(ranked)


def _facts(entry: EntryPlan, day: date) -> PriorityFacts:
    """What the weekly job read on `day` (early in the morning: contacts up to the day before)."""
    known = [contact for contact in entry.contacts if contact.occurred_on < day]
    return PriorityFacts(
        safety_risk=entry.safety_risk,
        weeks_waiting=weeks_between(entry.added_on, day),
        minors_in_system=entry.case.minors == Referral.MinorsInSystem.YES,
        escalation_signals=sum(
            contact.escalation_signal and contact.occurred_on >= entry.added_on for contact in known
        ),
        partner_urgency=known[-1].urgency if known else Urgency.NONE,
    )


def _run_days(first: date, today: date) -> list[date]:
    """The days the weekly job ran (settings ZVHD_WAITING_LIST_DAY), from the week of `first` to today."""
    offset = WEEKDAYS.index(settings.ZVHD_WAITING_LIST_DAY)
    day = first - timedelta(days=first.weekday()) + timedelta(days=offset)
    days = []
    while day <= today:
        days.append(day)
        day += timedelta(weeks=1)
    return days


def _rankings(
    plans: list[EntryPlan], entries: list[WaitingListEntry], today: date
) -> tuple[list[PrioritySnapshot], list[PrioritySnapshotRow]]:
    """Every week's ranking as the job computed it that week (`triage.waiting_list`'s score and order);
    each entry keeps its latest. The entries are not saved yet: they are ranked by stand-ins whose
    primary key is the entry's position, the order in which they are inserted."""
    if not plans:
        return [], []
    weights = priority_weights()
    used = {name: value for name, value in model_to_dict(weights).items() if name != "id"}
    stand_ins = [
        SimpleNamespace(pk=index, added_on=plan.added_on, rank_override=None, override_at=None)
        for index, plan in enumerate(plans)
    ]
    snapshots, rows = [], []
    for day in _run_days(min(plan.added_on for plan in plans), today):
        listed = [
            index for index, plan in enumerate(plans) if plan.added_on <= day < (plan.left_on or date.max)
        ]
        scores = {index: priority_score(_facts(plans[index], day), weights) for index in listed}
        hour, minute = settings.ZVHD_WAITING_LIST_HOUR, settings.ZVHD_WAITING_LIST_MINUTE
        snapshot = PrioritySnapshot(
            week=iso_week(day),
            created_at=min(_moment_aware(day, hour, minute), timezone.now()),
            weights=used,
            entries=len(listed),
        )
        snapshots.append(snapshot)
        order = ranking([(stand_ins[index], scores[index]) for index in listed])  # type: ignore[misc]
        for rank, stand_in in enumerate(order, start=1):
            score, entry = scores[stand_in.pk], entries[stand_in.pk]
            rows.append(
                PrioritySnapshotRow(
                    snapshot=snapshot, entry=entry, rank=rank, score=score.total, breakdown=score.breakdown
                )
            )
            entry.rank, entry.score, entry.breakdown, entry.ranked_week = (
                rank,
                score.total,
                score.breakdown,
                snapshot.week,
            )
    _renumber_waiting(plans, entries)
    return snapshots, rows


def _renumber_waiting(plans: list[EntryPlan], entries: list[WaitingListEntry]) -> None:
    """The cases waiting today are numbered 1..n in the order of their latest ranking (as when a case
    leaves the list); newcomers since the latest ranking have no rank yet."""
    waiting = [
        entry for plan, entry in zip(plans, entries, strict=True) if plan.left_on is None and entry.rank
    ]
    for rank, entry in enumerate(sorted(waiting, key=lambda entry: entry.rank or 0), start=1):
        entry.rank = rank


def _write_events(
    contacts: list[tuple[Case, ReferrerContact]], feedback: list[Feedback], cases: dict[Plan, Case]
) -> int:
    """The timeline events the services write with a contact and a feedback sent by e-mail."""
    events = [
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.REFERRER_CONTACT,
            actor=contact.by,
            occurred_at=contact.recorded_at,
            payload={"contact": contact.pk, "summary": str(ReferrerContact.Kind(contact.kind).label)},
        )
        for case, contact in contacts
    ]
    events += [
        CaseEvent(
            case=row.case,
            kind=CaseEvent.Kind.FEEDBACK_SENT,
            actor=row.sent_by,
            occurred_at=row.sent_at,
            payload={"feedback": row.pk, "summary": row.recipient},
        )
        for row in feedback
        if row.sent_at is not None
    ]
    return len(CaseEvent.objects.bulk_create(events))


def _grants_write(
    items: list[tuple[ItemPlan, AgendaItem]],
    cases: dict[Plan, Case],
    liaisons: list[User],
    grant: AgendaGrant,
    today: date,
) -> int:
    """The liaisons of the next meeting see its referrals, with the grant the access plan gave its own
    liaison (who has it already), through `cases.access` like the agenda services."""
    granted = 0
    for item, _row in items:
        if item.decision or item.day < today:
            continue
        for liaison in liaisons:
            if liaison.username != grant.liaison:
                access.liaison_access_grant(
                    case=cases[item.case],
                    user=liaison,
                    valid_from=grant.valid_from,
                    valid_until=grant.valid_until,
                )
                granted += 1
    return granted
