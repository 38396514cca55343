"""The procesregie records around the demo case file: action plans with goals and agreements, case
meetings (maatwerkoverleg), the people in the system, labels, escalations and handovers; and the anonymous
advice and information-desk contacts of every year.

The case file (`demo.generator`) decides which cases are or were in procesregie (kind coordination,
active or closed after being active), who coordinates them, when procesregie started and when the case
closed, with which reason. This module adds what the procesregisseur recorded in between, as the services
of `cases.plans`, `cases.case_meetings`, `cases.coordination` and `cases.advice` would have written it:

- an action plan per subject, created in the first days of procesregie, with two to four goals on life
  domains that fit the referral (main topic, problem areas; a minor's plan is about upbringing and
  school), each with one to three agreements owned by a partner, a named professional of a partner, a
  participant of the case or the procesregisseur, due two to ten weeks after they were made. A closed
  case's agreements all ended before it closed (most done, some not done with a reason); an active case
  has open ones, done ones, and a handful of open ones past their due date. Every change bumps the plan's
  version and has its timeline event as the service writes it; of the versions only the latest is stored
  (`PlanRevision`, the plan as it stands). The daily reminder's `agreement_overdue` event marks the first
  day an agreement was overdue;
- case meetings: in most cases one to four held ones with invitees (the procesregisseur, the case's
  participants of that day, sometimes a procesondersteuner, professionals without an account), attendance,
  minutes and agreements decided in them; in a few active cases one planned for the coming weeks;
- people in the system: minors where the referral says there are minors in the system and none of the
  subjects is one; now and then an adult;
- labels (PGA, cter, jeugd, stalking, mensenhandel) where the case file says so, on extended advice the
  ones its concerns imply; the case file sets none. Labels with published figures (stalking, LLA in 2023)
  are on exactly as many cases as the published figures count; LLA on a few long-running cases besides;
- escalations in a few cases, most of them resolved; a handover in every case the case file closed as
  handed over (so that `case_close_with_evaluation`'s rule holds);
- anonymous advice and information-desk contacts for every year (no personal data: every question passes
  `cases.advice.personal_data_found`), given by bureau staff.

Planned from a generator of its own (seed + ":procesregie") after the case file, the access plan and the
triage plan, so all three are the same with or without it. Written in the same transaction, without
services, access log or object permissions, by one prepared insert per table (`_insert`): some twenty
thousand rows, which `bulk_create` would take three seconds over. Nothing is recorded on or after today;
only planned meetings and due dates lie ahead.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from cases.models import (
    ActionPlan,
    Agreement,
    AnonymousAdvice,
    Case,
    CaseEvent,
    CaseMeeting,
    CaseMeetingInvitee,
    Escalation,
    Goal,
    Handover,
    InformationContact,
    PlanRevision,
    Subject,
    SystemMember,
)
from cases.plans import SUMMARY_LENGTH
from cases.workflow import CaseStatus
from demo import people
from demo.generator import (
    COORDINATION,
    EXTENDED_ADVICE,
    ParticipationPlan,
    Plan,
    Profile,
    ProfileError,
    SubjectPlan,
    counted_years,
)
from zvhd.accounts.models import User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import CaseLabel, LifeDomain, MainTopic, Municipality, Partner

# The daily reminder of overdue agreements runs at 07:00 (zvhd/celery.py).
REMINDER_RUN = time(7, 0)
DONE, NOT_DONE, OPEN = Agreement.Status.DONE, Agreement.Status.NOT_DONE, Agreement.Status.OPEN
# A meeting is recorded after it ended; its decisions and the event follow a few seconds apart.
MEETING_LENGTH = timedelta(minutes=90)
STEP = timedelta(seconds=2)


# --- The plan ------------------------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class GoalDraft:
    domain: str
    description: str
    position: int
    added_at: datetime
    achieved_at: datetime | None = None


@dataclass(eq=False, slots=True)
class MeetingDraft:
    planned_at: datetime
    starts_at: datetime
    location: str
    agenda: str
    invitees: list[InviteeDraft] = field(default_factory=list)
    minutes: str = ""
    final_at: datetime | None = None  # recorded as held: minutes final
    decisions: list[AgreementDraft] = field(default_factory=list)

    @property
    def held_at(self) -> datetime:
        """The moment of the `meeting_held` event: after the agreements it made."""
        assert self.final_at is not None
        return self.final_at + STEP * (len(self.decisions) + 1)


@dataclass(eq=False, slots=True)
class InviteeDraft:
    username: str = ""
    name: str = ""
    organisation: str = ""
    attended: bool | None = None


@dataclass(eq=False, slots=True)
class AgreementDraft:
    goal: GoalDraft
    what: str
    due: date
    created_at: datetime
    owner_partner: str = ""
    owner: str = ""
    owner_name: str = ""
    meeting: MeetingDraft | None = None
    status: str = OPEN
    ended_at: datetime | None = None
    not_done_reason: str = ""
    overdue_at: datetime | None = None  # the reminder's first report: a timeline event
    notified_on: date | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One change of an action plan: a new version and a timeline event."""

    at: datetime
    kind: str
    goal: GoalDraft
    agreement: AgreementDraft | None = None


@dataclass(eq=False, slots=True)
class ActionPlanDraft:
    subject_index: int
    subject_name: str
    summary: str
    created_at: datetime
    goals: list[GoalDraft] = field(default_factory=list)
    agreements: list[AgreementDraft] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # set by `settle` once the plan is complete

    def settle(self) -> None:
        """List every change after the plan was created, in order: they make versions 2, 3, ..."""
        changes = [Change(goal.added_at, CaseEvent.Kind.PLAN_CHANGED, goal) for goal in self.goals]
        changes += [
            Change(goal.achieved_at, CaseEvent.Kind.PLAN_CHANGED, goal)
            for goal in self.goals
            if goal.achieved_at is not None
        ]
        for agreement in self.agreements:
            changes.append(
                Change(agreement.created_at, CaseEvent.Kind.AGREEMENT_ADDED, agreement.goal, agreement)
            )
            if agreement.ended_at is not None:
                done = agreement.status == DONE
                kind = CaseEvent.Kind.AGREEMENT_DONE if done else CaseEvent.Kind.AGREEMENT_NOT_DONE
                changes.append(Change(agreement.ended_at, kind, agreement.goal, agreement))
        self.changes = sorted(changes, key=lambda change: change.at)

    @property
    def version(self) -> int:
        return 1 + len(self.changes)

    @property
    def updated_at(self) -> datetime:
        return self.changes[-1].at if self.changes else self.created_at


@dataclass(eq=False, slots=True)
class MemberDraft:
    description: str
    relation: str
    is_minor: bool
    note: str
    added_at: datetime


@dataclass(eq=False, slots=True)
class EscalationDraft:
    to: str
    to_detail: str
    reason: str
    ave_before: int
    escalated_at: datetime
    ave_after: int | None = None
    outcome: str = ""
    resolved_at: datetime | None = None


@dataclass(eq=False, slots=True)
class HandoverDraft:
    to: str
    receiver_name: str
    organisation: str
    at: datetime
    note: str


@dataclass(eq=False, slots=True)
class LabelsDraft:
    codes: list[str]
    at: datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """A timeline event besides the plan's own changes; `source` is the draft it is about."""

    at: datetime
    kind: str
    actor: str | None
    source: Any


@dataclass(eq=False, slots=True)
class CaseWork:
    """What the procesregisseur recorded on one case."""

    case: Plan
    coordinator: str
    start: datetime
    end: datetime  # exclusive: the closing moment, or midnight today
    plans: list[ActionPlanDraft] = field(default_factory=list)
    meetings: list[MeetingDraft] = field(default_factory=list)
    members: list[MemberDraft] = field(default_factory=list)
    escalations: list[EscalationDraft] = field(default_factory=list)
    handover: HandoverDraft | None = None
    labels: LabelsDraft | None = None

    def entries(self) -> Iterator[Entry]:
        """Every timeline event of the case's records besides the plans' own changes."""
        by = self.coordinator
        if self.labels is not None:
            yield Entry(self.labels.at, CaseEvent.Kind.LABELS_CHANGED, by, self.labels)
        for member in self.members:
            yield Entry(member.added_at, CaseEvent.Kind.SYSTEM_MEMBER_ADDED, by, member)
        for meeting in self.meetings:
            yield Entry(meeting.planned_at, CaseEvent.Kind.MEETING_PLANNED, by, meeting)
            if meeting.final_at is not None:
                yield Entry(meeting.held_at, CaseEvent.Kind.MEETING_HELD, by, meeting)
        yield from self._overdue_entries()
        for escalation in self.escalations:
            yield Entry(escalation.escalated_at, CaseEvent.Kind.ESCALATED, by, escalation)
            if escalation.resolved_at is not None:
                yield Entry(escalation.resolved_at, CaseEvent.Kind.ESCALATION_RESOLVED, by, escalation)
        if self.handover is not None:
            yield Entry(self.handover.at, CaseEvent.Kind.HANDED_OVER, by, self.handover)

    def _overdue_entries(self) -> Iterator[Entry]:
        """The daily reminder's report of the first day an agreement was overdue (by no one)."""
        for plan in self.plans:
            for agreement in plan.agreements:
                if agreement.overdue_at is not None:
                    yield Entry(agreement.overdue_at, CaseEvent.Kind.AGREEMENT_OVERDUE, None, agreement)

    def moments(self) -> list[datetime]:
        return [change.at for plan in self.plans for change in plan.changes] + [
            entry.at for entry in self.entries()
        ]


@dataclass(frozen=True, slots=True)
class AdviceDraft:
    asked_on: date
    partner: str
    municipality: str
    main_topic: str
    channel: str
    question: str
    advice: str
    minutes: int
    given_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ContactDraft:
    contacted_on: date
    partner: str
    topic: str
    minutes: int
    by: str
    recorded_at: datetime


@dataclass
class ProcesregiePlan:
    works: list[CaseWork]
    advice: list[AdviceDraft]
    contacts: list[ContactDraft]

    def moments_per_case(self) -> dict[Plan, list[datetime]]:
        """The moments of the timeline events these records add, per case."""
        return {work.case: work.moments() for work in self.works}


# --- Small helpers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    profile: Profile
    rng: random.Random
    today: date
    support_officers: list[str]
    coordinators: list[str]
    municipalities: dict[str, str]  # code: name
    cumulative: dict[int, tuple[list[str], list[float]]] = field(default_factory=dict)

    @property
    def conf(self) -> dict[str, Any]:
        return self.profile["procesregie"]

    @property
    def texts(self) -> dict[str, Any]:
        return self.conf["texts"]

    @property
    def midnight(self) -> datetime:
        return _at(self.today, time(0))

    def draw(self, weights: dict[str, float]) -> str:
        if id(weights) not in self.cumulative:  # the profile's tables are drawn from thousands of times
            self.cumulative[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
        population, cumulative = self.cumulative[id(weights)]
        return self.rng.choices(population, cum_weights=cumulative)[0]

    def days(self, bounds: Sequence[int]) -> timedelta:
        return timedelta(days=self.rng.randint(*bounds))

    def on(self, day: date) -> datetime:
        """A moment (whole minutes) in working hours on `day`."""
        first, last = self.profile["timing"]["working_hours"]
        minute = first * 60 + int(self.rng.random() * (last - first) * 60)
        return _at(day, time(minute // 60, minute % 60))

    def between(self, low: datetime, high: datetime) -> datetime:
        """A moment (whole minutes) in working hours strictly between `low` and `high`; when the span holds
        none (an evening, a weekend), a moment in between."""
        first, last = self.profile["timing"]["working_hours"]
        span = max((high.date() - low.date()).days, 0) + 1
        random = self.rng.random  # called ten thousand times: `randint` would double the planning time
        for _attempt in range(8):
            day = low.date() + timedelta(days=int(random() * span))
            if day.weekday() >= 5:
                continue
            start, end = max(low, _at(day, time(first))), min(high, _at(day, time(last)))
            minutes = int((end - start).total_seconds() // 60)
            moment = start.replace(second=0, microsecond=0) + timedelta(minutes=1 + int(random() * minutes))
            if minutes >= 1 and moment < high:
                return moment
        middle = low + (high - low) / 2
        rounded = middle.replace(second=0, microsecond=0)
        return rounded if rounded > low else middle


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=timezone.get_default_timezone())


def _working_day_from(day: date) -> date:
    """`day` itself on a weekday, else the Monday after."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def _weighted_sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """`k` keys without replacement, each as likely as its weight (Efraimidis-Spirakis)."""
    keyed = sorted(
        ((rng.random() ** (1 / weight), key) for key, weight in weights.items() if weight > 0), reverse=True
    )
    return [key for _, key in keyed[:k]]


def _age(subject: SubjectPlan, on: date) -> int | None:
    born = subject.date_of_birth
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _is_minor(subject: SubjectPlan, on: date) -> bool:
    age = _age(subject, on)
    return age is not None and age < 18


@functools.lru_cache(maxsize=1024)
def _short(text: str) -> str:
    """An agreement in a timeline summary, as `cases.plans` shortens it (the profile's few texts recur)."""
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else Truncator(text).chars(SUMMARY_LENGTH)


def _day(day: date) -> str:
    """A date as the plan's timeline writes it (`date_format(day, "j F Y")` in `cases.plans`)."""
    return f"{day.day} {_months(get_language())[day.month]} {day.year}"


def _when(moment: datetime) -> str:
    """A meeting's date and time as its timeline events write it (`date_format(..., "j F Y H:i")` in
    `cases.case_meetings`)."""
    local = timezone.localtime(moment)
    return f"{_day(local.date())} {local:%H:%M}"


@functools.lru_cache(maxsize=8)
def _months(language: str) -> dict[int, str]:
    """The month names `date_format` writes ("F"), once per language: `date_format` itself would take a
    tenth of a second over the few thousand dates of the timelines."""
    return {number: str(name) for number, name in MONTHS.items()}


# --- Planning: which cases, and the frame of each --------------------------------------------------------


def plan_procesregie(
    *,
    profile: Profile,
    plans: Sequence[Plan],
    statuses: dict[Plan, str],
    today: date,
    rng: random.Random,
    participations: Sequence[ParticipationPlan],
    support_officers: list[str],
    coordinators: list[str],
    municipalities: dict[str, str],
) -> ProcesregiePlan:
    """Every procesregie and advice record of the case file as of `today`, before anything is written."""
    ctx = _Context(profile, rng, today, support_officers, coordinators, municipalities)
    taking_part: dict[Plan, list[ParticipationPlan]] = {}
    for item in participations:
        taking_part.setdefault(item.case, []).append(item)
    works = []
    for plan in plans:
        status = statuses[plan]
        if plan.coordinator is None or status not in (CaseStatus.ACTIVE, CaseStatus.CLOSED):
            continue
        work = CaseWork(plan, plan.coordinator, _started(plan), _ended(ctx, plan, status))
        if plan.outcome == COORDINATION:
            _procesregie(ctx, work, taking_part.get(plan, []))
        if plan.closure_reason == Case.ClosureReason.HANDED_OVER and status == CaseStatus.CLOSED:
            work.handover = _handover(ctx, work)
        works.append(work)
    advice, contacts = _anonymous_advice(ctx), _information_contacts(ctx)
    # Drawn last, so that every other record is the same with or without the labels' own draws.
    _labels_complete(ctx, works)
    kept = [
        w for w in works if w.case.outcome == COORDINATION or w.handover is not None or w.labels is not None
    ]
    return ProcesregiePlan(kept, advice, contacts)


def _started(plan: Plan) -> datetime:
    """The moment the case became active: its decision, or the assignment after a wait."""
    return max(plan.moments["decided"], plan.moments.get("assigned", plan.moments["decided"]))


def _ended(ctx: _Context, plan: Plan, status: str) -> datetime:
    return plan.moments["closed"] if status == CaseStatus.CLOSED else ctx.midnight


def _procesregie(ctx: _Context, work: CaseWork, taking_part: list[ParticipationPlan]) -> None:
    """Everything of one case in procesregie, in the order the generator draws it."""
    work.labels = _labels(ctx, work)
    work.members = _system_members(ctx, work)
    within = ctx.days(ctx.conf["plan"]["created_within_days"]) + timedelta(hours=12)
    first = ctx.between(work.start, min(work.start + within, work.end))
    for index, subject in enumerate(work.case.subjects):
        created = min(first + timedelta(minutes=3 * index), first + (work.end - first) / 2)
        work.plans.append(_action_plan(ctx, work, index, subject, created))
    work.meetings = _meetings(ctx, work, taking_part)
    _agreements(ctx, work, taking_part)
    for meeting in work.meetings:
        for position, agreement in enumerate(meeting.decisions, start=1):
            assert meeting.final_at is not None
            agreement.created_at = meeting.final_at + STEP * position
    for plan in work.plans:
        for agreement in plan.agreements:
            _ending(ctx, work, agreement)
            _overdue(work, agreement)
        _goals_achieved(ctx, work, plan)
        plan.settle()
    work.escalations = _escalations(ctx, work)


# --- Planning: labels and the people in the system -----------------------------------------------------


def _labels(ctx: _Context, work: CaseWork) -> LabelsDraft | None:
    """The labels the case file implies: PGA, cter, a young main subject, stalking or trafficking in the
    concerns. Set once, in the first days."""
    conf, plan = ctx.conf["labels"], work.case
    codes = []
    if plan.intensity == Case.Intensity.PERSON_CENTRED:
        codes.append(conf["person_centred"])
    if plan.legal_basis == LegalBasis.PARTA:
        codes.append(conf["parta"])
    age = _age(plan.subjects[0], plan.received_on)
    if age is not None and age <= conf["youth_up_to_age"]:
        codes.append(conf["youth"])
    codes += _concern_codes(conf, plan)
    if not codes:
        return None
    return LabelsDraft(list(dict.fromkeys(codes)), _label_moment(ctx, work))


def _concern_codes(conf: dict[str, Any], plan: Plan) -> list[str]:
    """The labels the words of the concerns imply (stalking, trafficking)."""
    concerns = plan.concerns.lower()
    return [code for word, code in conf["concerns"].items() if word in concerns]


def _label_moment(ctx: _Context, work: CaseWork) -> datetime:
    """Labels are set in the first days of the case, while it is active."""
    conf = ctx.conf["labels"]
    return ctx.between(
        work.start, min(work.start + ctx.days(conf["within_days"]) + timedelta(hours=12), work.end)
    )


def _label_set(ctx: _Context, work: CaseWork, code: str, wanted: bool) -> None:
    """Give the case the label `code` or take it away; a case that had no labels gets its moment."""
    codes = [] if work.labels is None else work.labels.codes
    if (code in codes) == wanted:
        return
    if wanted and work.labels is None:
        work.labels = LabelsDraft([code], _label_moment(ctx, work))
    elif wanted:
        codes.append(code)
    else:
        codes.remove(code)
        if not codes:
            work.labels = None


def _labels_complete(ctx: _Context, works: list[CaseWork]) -> None:
    """The labels beyond those `_labels` sets on procesregie cases as they start: the procesregisseur who
    gives extended advice sets the labels its concerns imply; the published figures of a label decide
    exactly which cases of their year carry it (`_labels_published`); and outside the published years a
    share of the long-running procesregie cases carries a label of their own (LLA)."""
    conf = ctx.conf["labels"]
    for work in works:
        if work.case.outcome != COORDINATION:
            for code in _concern_codes(conf, work.case):
                _label_set(ctx, work, code, True)
    decided: dict[str, set[int]] = {}  # per label: the cases (by index) whose label a publication decides
    for year, published in sorted(conf["published"].items()):
        for code, counts in sorted(published.items()):
            decided.setdefault(code, set()).update(_labels_published(ctx, works, int(year), code, counts))
    for code, rule in sorted(conf["long_running"].items()):
        for index, work in enumerate(works):
            if (
                index not in decided.get(code, set())
                and work.case.outcome == COORDINATION
                and work.case.legal_basis != LegalBasis.PARTA
                and (work.end - work.start).days >= rule["min_days"]
                and ctx.rng.random() < rule["share"]
            ):
                _label_set(ctx, work, code, True)


@dataclass
class _Pool:
    """Cases of which exactly `wanted` carry the label."""

    what: str
    indexes: list[int]
    wanted: int


@dataclass
class _YearCases:
    """The cases `reporting.figures` counts in a year, by kind, as indexes into the works."""

    works: list[CaseWork]
    first: date
    last: date

    def of(self, kind: str, *, new: bool, closed_in_year: bool | None = None) -> list[int]:
        """Cases of `kind` received in the year (`new`) or open on its first day after an earlier one,
        optionally only those closed in the year or not."""
        chosen = []
        for index, work in enumerate(self.works):
            plan = work.case
            if plan.legal_basis == LegalBasis.PARTA or plan.outcome != kind or plan.received_on > self.last:
                continue  # the cter compartment appears in no figure
            closed = plan.closed_on
            if (plan.received_on >= self.first) != new or (closed is not None and closed < self.first):
                continue
            closes = closed is not None and closed <= self.last
            if closed_in_year is None or closes == closed_in_year:
                chosen.append(index)
        return chosen


def _referred_pools(cases: _YearCases, counts: dict[str, int]) -> list[_Pool]:
    """Referrals received in the year (of them `of_which_procesregie` taken up as procesregie, the others
    as extended advice), and procesregie and extended-advice cases active in it."""
    procesregie = counts["of_which_procesregie"]
    advice = counts["referred"] - procesregie
    return [
        _Pool("new procesregie", cases.of(COORDINATION, new=True), procesregie),
        _Pool("new extended advice", cases.of(EXTENDED_ADVICE, new=True), advice),
        _Pool(
            "earlier procesregie",
            cases.of(COORDINATION, new=False),
            counts["active_procesregie"] - procesregie,
        ),
        _Pool(
            "earlier extended advice",
            cases.of(EXTENDED_ADVICE, new=False),
            counts["active_extended_advice"] - advice,
        ),
    ]


def _procesregie_pools(cases: _YearCases, counts: dict[str, int]) -> list[_Pool]:
    """Procesregie cases new in the year (none of them closed in it), active in it and closed in it (cases
    of earlier years)."""
    return [
        _Pool("new procesregie", cases.of(COORDINATION, new=True, closed_in_year=False), counts["new"]),
        _Pool("new procesregie closed that year", cases.of(COORDINATION, new=True, closed_in_year=True), 0),
        _Pool(
            "earlier procesregie closed that year",
            cases.of(COORDINATION, new=False, closed_in_year=True),
            counts["closed"],
        ),
        _Pool(
            "earlier procesregie",
            cases.of(COORDINATION, new=False, closed_in_year=False),
            counts["active"] - counts["new"] - counts["closed"],
        ),
    ]


def _labels_published(
    ctx: _Context, works: list[CaseWork], year: int, code: str, counts: dict[str, int]
) -> set[int]:
    """Label exactly as many cases of `year` as the label's published figures count, the way
    `reporting.figures` counts them: with `referred`, as the stalking table (`_referred_pools`); else as
    the LLA table, new, active and closed procesregie (`_procesregie_pools`). A label with referral
    figures goes to cases whose concerns name it first, then by the weight of their main topic; the other
    to the longest-running cases by preference. Returns every case the figures count, labelled or not."""
    conf = ctx.conf["labels"]
    cases = _YearCases(works, date(year, 1, 1), date(year, 12, 31))
    if "referred" in counts:
        pools = _referred_pools(cases, counts)
        topics = conf["preferred_main_topics"].get(code, {})
        words = [word for word, implied in conf["concerns"].items() if implied == code]

        def key(work: CaseWork) -> tuple[bool, float]:
            named = any(word in work.case.concerns.lower() for word in words)
            return named, ctx.rng.random() ** (1 / topics.get(work.case.main_topic, 1))
    else:
        pools = _procesregie_pools(cases, counts)

        def key(work: CaseWork) -> tuple[bool, float]:
            return False, ctx.rng.random() ** (1 / max((work.end - work.start).days, 1))

    for pool in pools:
        if pool.wanted > len(pool.indexes):
            there = len(pool.indexes)
            raise ProfileError(f"labels: {year} {code}: {pool.wanted} {pool.what} cases wanted of {there}.")
        # Efraimidis-Spirakis within each preference: a weighted sample without replacement.
        ranked = sorted(pool.indexes, key=lambda index: key(works[index]), reverse=True)
        labelled = set(ranked[: pool.wanted])
        for index in pool.indexes:
            _label_set(ctx, works[index], code, index in labelled)
    return {index for pool in pools for index in pool.indexes}


def _system_members(ctx: _Context, work: CaseWork) -> list[MemberDraft]:
    """Minors where the referral says there are minors in the system and no subject is one; now and then
    an adult where there are none. Recorded in the first weeks."""
    conf, texts, plan, rng = ctx.conf["system_members"], ctx.texts, work.case, ctx.rng
    until = min(work.start + timedelta(days=21), work.end)
    members = []
    if plan.minors == "yes" and not any(_is_minor(s, plan.received_on) for s in plan.subjects):
        parent_age = _age(plan.subjects[0], work.start.date()) or 35
        for _index in range(rng.randint(*conf["minors"])):
            description, relation = rng.choice(texts["minor_system_members"]["adult"])
            age = rng.randint(0, max(0, min(17, parent_age - 18)))
            note = rng.choice(texts["minor_notes"]) if rng.random() < conf["minor_note_share"] else ""
            members.append(
                MemberDraft(
                    f"{description}, {age} jaar", relation, True, note, ctx.between(work.start, until)
                )
            )
    elif plan.minors == "no" and rng.random() < conf["adult_share"]:
        description, relation = rng.choice(texts["adult_system_members"])
        note = rng.choice(texts["adult_notes"]) if rng.random() < conf["adult_note_share"] else ""
        members.append(MemberDraft(description, relation, False, note, ctx.between(work.start, until)))
    return sorted(members, key=lambda member: member.added_at)


# --- Planning: the action plan -----------------------------------------------------------------------------


def _life_domains(ctx: _Context, plan: Plan, subject: SubjectPlan) -> dict[str, float]:
    """The life domains to draw goals from, those that fit the subject weighing more."""
    conf = ctx.conf["plan"]
    if _is_minor(subject, plan.received_on):
        preferred = ["minor"]
    elif subject.is_primary:
        preferred = [plan.main_topic, *plan.problem_areas.split("+")]
    else:
        preferred = [plan.main_topic]
    fitting = {domain for label in preferred for domain in conf["preferred_life_domains"].get(label, [])}
    return {
        domain: weight * (conf["preferred_weight"] if domain in fitting else 1)
        for domain, weight in conf["life_domains"].items()
    }


def _action_plan(
    ctx: _Context, work: CaseWork, index: int, subject: SubjectPlan, created: datetime
) -> ActionPlanDraft:
    conf, texts, rng, plan = ctx.conf["plan"], ctx.texts, ctx.rng, work.case
    summaries = texts["summaries"].get(plan.main_topic) or texts["relative_summaries"]
    summary = rng.choice(summaries if subject.is_primary else texts["relative_summaries"])
    draft = ActionPlanDraft(index, subject.name.full_name, summary, created)
    domains = _weighted_sample(rng, _life_domains(ctx, plan, subject), int(ctx.draw(conf["goals"])))
    until = min(created + ctx.days(conf["goals_within_days"]) + timedelta(days=1), work.end)
    moments = sorted(ctx.between(created, until) for _domain in domains)
    for position, (domain, added) in enumerate(zip(domains, moments, strict=True), start=1):
        draft.goals.append(GoalDraft(domain, rng.choice(texts["goals"][domain]), position, added))
    return draft


def _agreements(ctx: _Context, work: CaseWork, taking_part: list[ParticipationPlan]) -> None:
    """One to three agreements per goal: each held meeting decides a few of them (under goals set before
    it), the others are made by hand throughout procesregie (in a closed case until two weeks before it
    closed)."""
    conf, rng = ctx.conf["plan"], ctx.rng
    slots = []
    for plan in work.plans:
        for goal in plan.goals:
            texts = ctx.texts["agreements"][goal.domain]
            count = min(len(texts), int(ctx.draw(conf["agreements_per_goal"])))
            slots += [(plan, goal, what) for what in rng.sample(texts, count)]
    rng.shuffle(slots)
    for meeting in work.meetings:
        if meeting.final_at is None:
            continue
        decided = [slot for slot in slots if slot[1].added_at < meeting.final_at]
        for slot in decided[: rng.randint(*ctx.conf["meetings"]["decisions"])]:
            slots.remove(slot)
            _agreement(ctx, work, slot, meeting.final_at, meeting, taking_part)
    closed = work.end < ctx.midnight
    for slot in slots:
        make_until = work.end - timedelta(days=14) if closed else work.end
        made = ctx.between(slot[1].added_at, make_until if make_until > slot[1].added_at else work.end)
        _agreement(ctx, work, slot, made, None, taking_part)


def _agreement(
    ctx: _Context,
    work: CaseWork,
    slot: tuple[ActionPlanDraft, GoalDraft, str],
    made: datetime,
    meeting: MeetingDraft | None,
    taking_part: list[ParticipationPlan],
) -> None:
    """An agreement made at `made`, due two to ten weeks later (in a closed case by the day it closed)."""
    plan, goal, what = slot
    due = made.date() + ctx.days(ctx.conf["plan"]["due_in_days"])
    if work.end < ctx.midnight:
        due = max(made.date(), min(due, work.end.date()))
    agreement = AgreementDraft(goal, what, due, made, meeting=meeting)
    _owner(ctx, work, agreement, taking_part)
    if meeting is not None:
        meeting.decisions.append(agreement)
    plan.agreements.append(agreement)


def _current(taking_part: list[ParticipationPlan], moment: datetime) -> list[ParticipationPlan]:
    """Who takes part in the case at `moment`: who may own an agreement or be invited with his account."""
    day = moment.date()
    return [
        item
        for item in taking_part
        if item.added_at < moment and item.start <= day and (item.end is None or day <= item.end)
    ]


def _owner(
    ctx: _Context, work: CaseWork, agreement: AgreementDraft, taking_part: list[ParticipationPlan]
) -> None:
    """The procesregisseur, a participant of that day (with his organisation), a partner, or a named
    professional of a partner (`cases.plans.owner_candidates` for the accounts)."""
    conf, rng = ctx.conf["plan"], ctx.rng
    kind = ctx.draw(conf["owners"])
    participants = _current(taking_part, agreement.created_at)
    if kind == "coordinator":
        agreement.owner = work.coordinator
    elif kind == "participant" and participants:
        agreement.owner = rng.choice(participants).username
        agreement.owner_partner = _organisation(ctx, agreement.owner)
    else:
        pool = conf["partners_per_life_domain"][agreement.goal.domain]
        referrer = rng.random() < conf["referrer_owns_share"]
        agreement.owner_partner = work.case.partner if referrer else rng.choice(pool)
        if kind != "partner":
            agreement.owner_name = people.name_for(rng, rng.choice(("male", "female"))).full_name


def _organisation(ctx: _Context, username: str) -> str:
    return next(
        (row.get("organisation", "") for row in ctx.profile["accounts"] if row["username"] == username), ""
    )


def _ending(ctx: _Context, work: CaseWork, agreement: AgreementDraft) -> None:
    """How the agreement ended, if it did: a closed case's all ended before it closed; an active case's
    past their due date mostly ended, some are still open (overdue)."""
    conf, rng = ctx.conf["plan"], ctx.rng
    if work.end < ctx.midnight:
        status = NOT_DONE if rng.random() < conf["closed_not_done_share"] else DONE
    elif agreement.due < ctx.today:
        status = ctx.draw(conf["past_due"])
    else:
        status = ctx.draw(conf["not_yet_due"])
    made = agreement.created_at
    if status == DONE:
        agreement.ended_at = ctx.between(
            made, _latest(min(_at(agreement.due, time(18)), work.end), made, work.end)
        )
    elif status == NOT_DONE:
        low, high = conf["not_done_within_days"]
        earliest = max(made, _at(agreement.due + timedelta(days=low), time(0)))
        latest = min(_at(agreement.due + timedelta(days=high), time(18)), work.end)
        if latest <= earliest:
            earliest, latest = made, work.end
        agreement.ended_at = ctx.between(earliest, latest)
        agreement.not_done_reason = rng.choice(ctx.texts["not_done_reasons"])
    agreement.status = status


def _latest(high: datetime, low: datetime, end: datetime) -> datetime:
    return high if high > low else end


def _overdue(work: CaseWork, agreement: AgreementDraft) -> None:
    """The daily reminder (07:00) reported the agreement on the first day it was overdue (a timeline event)
    and every day after while it stayed open in the active case: `overdue_notified_on` is its last run."""
    until = agreement.ended_at or work.end
    first_run = _at(agreement.due + timedelta(days=1), REMINDER_RUN) + timedelta(
        seconds=agreement.goal.position
    )
    if first_run >= until:
        return
    agreement.overdue_at = first_run
    last_day = until.date() if _at(until.date(), REMINDER_RUN) < until else until.date() - timedelta(days=1)
    agreement.notified_on = last_day


def _goals_achieved(ctx: _Context, work: CaseWork, plan: ActionPlanDraft) -> None:
    """In a case closed with its goal achieved, goals whose agreements were all done are marked achieved
    before the case closed."""
    if work.case.closure_reason != Case.ClosureReason.GOAL_ACHIEVED or work.end >= ctx.midnight:
        return
    for goal in plan.goals:
        ends = [a.ended_at for a in plan.agreements if a.goal is goal and a.status == DONE and a.ended_at]
        if len(ends) != sum(a.goal is goal for a in plan.agreements):
            continue
        if ctx.rng.random() < ctx.conf["plan"]["goal_achieved_share"]:
            goal.achieved_at = ctx.between(max([goal.added_at, *ends]), work.end)


# --- Planning: case meetings --------------------------------------------------------------------------------


def _meetings(ctx: _Context, work: CaseWork, taking_part: list[ParticipationPlan]) -> list[MeetingDraft]:
    """Held meetings every one to three months from a few weeks after the start; in a few active cases
    one planned in the coming weeks."""
    conf, rng = ctx.conf["meetings"], ctx.rng
    meetings = []
    running = (work.end - work.start).days
    if running >= conf["first_after_days"][0] + 7 and rng.random() < conf["share"]:
        count = min(int(ctx.draw(conf["held"])), 1 + running // conf["days_per_meeting"])
        day = work.start.date() + ctx.days(conf["first_after_days"])
        for _index in range(count):
            meeting = _held_meeting(ctx, work, day, taking_part)
            if meeting is None:
                break
            meetings.append(meeting)
            day = meeting.starts_at.date() + ctx.days(conf["every_days"])
    if work.end == ctx.midnight and rng.random() < conf["upcoming_share"]:
        meetings.append(_upcoming_meeting(ctx, work, taking_part))
    return meetings


def _starts(ctx: _Context, day: date) -> datetime:
    first, last = ctx.conf["meetings"]["hours"]
    return _at(_working_day_from(day), time(ctx.rng.randint(first, last), ctx.rng.choice((0, 30))))


def _held_meeting(
    ctx: _Context, work: CaseWork, day: date, taking_part: list[ParticipationPlan]
) -> MeetingDraft | None:
    """A meeting planned one to three weeks ahead and recorded the day it was held or soon after; None
    when it could not be recorded before the case closed (or before today)."""
    conf, rng = ctx.conf["meetings"], ctx.rng
    starts = _starts(ctx, day)
    recorded_by = _at(_working_day_from(starts.date() + ctx.days(conf["minutes_within_days"])), time(18))
    final = ctx.between(starts + MEETING_LENGTH, recorded_by)
    if final + timedelta(minutes=15) >= work.end:
        return None
    meeting = _planned(ctx, work, starts, starts - ctx.days(conf["planned_days_before"]), taking_part)
    meeting.final_at = final
    meeting.minutes = rng.choice(ctx.texts["minutes"])
    for invitee in meeting.invitees:
        invitee.attended = invitee.username == work.coordinator or rng.random() < conf["attended_share"]
    return meeting


def _upcoming_meeting(ctx: _Context, work: CaseWork, taking_part: list[ParticipationPlan]) -> MeetingDraft:
    conf = ctx.conf["meetings"]
    starts = _starts(ctx, ctx.today + ctx.days(conf["upcoming_in_days"]))
    return _planned(ctx, work, starts, ctx.today - ctx.days(conf["upcoming_planned_days_ago"]), taking_part)


def _planned(
    ctx: _Context, work: CaseWork, starts: datetime, planned_on: date, taking_part: list[ParticipationPlan]
) -> MeetingDraft:
    """The meeting as planned: when, where, the agenda and who is invited (`case_meeting_plan`)."""
    rng = ctx.rng
    latest = min(starts - timedelta(hours=1), work.end)
    earliest = max(work.start, _at(planned_on, time(0)))
    planned_at = ctx.between(earliest if earliest < latest else work.start, latest)
    meeting = MeetingDraft(
        planned_at, starts, rng.choice(ctx.texts["locations"]), rng.choice(ctx.texts["agendas"])
    )
    meeting.invitees = _invitees(ctx, work, planned_at, taking_part)
    return meeting


def _invitees(
    ctx: _Context, work: CaseWork, planned_at: datetime, taking_part: list[ParticipationPlan]
) -> list[InviteeDraft]:
    """The procesregisseur, the case's participants of the day, sometimes a procesondersteuner, and
    professionals without an account from the partners around the case."""
    conf, rng = ctx.conf["meetings"], ctx.rng
    invitees = [InviteeDraft(username=work.coordinator)]
    invitees += [InviteeDraft(username=item.username) for item in _current(taking_part, planned_at)]
    if rng.random() < conf["support_officer_share"]:
        invitees.append(InviteeDraft(username=rng.choice(ctx.support_officers)))
    partners = [work.case.partner]
    for goal in work.plans[0].goals:
        partners += ctx.conf["plan"]["partners_per_life_domain"][goal.domain]
    for organisation in rng.sample(
        sorted(set(partners)), min(len(set(partners)), rng.randint(*conf["guests"]))
    ):
        name = people.name_for(rng, rng.choice(("male", "female"))).full_name
        invitees.append(InviteeDraft(name=name, organisation=organisation))
    unique = {invitee.username or invitee.name: invitee for invitee in invitees}
    return list(unique.values())


# --- Planning: escalation and handover -------------------------------------------------------------------


def _escalations(ctx: _Context, work: CaseWork) -> list[EscalationDraft]:
    """Now and then a case gets stuck and is escalated; most escalations are resolved within weeks (in a
    closed case always before it closed)."""
    conf, texts, rng = ctx.conf["escalations"], ctx.texts, ctx.rng
    if (work.end - work.start).days < conf["min_days_running"] or rng.random() >= conf["share"]:
        return []
    escalated = ctx.between(work.start + timedelta(days=21), work.end - timedelta(days=7))
    to = ctx.draw(conf["to"])
    municipality = ctx.municipalities.get(work.case.municipality, "")
    detail = rng.choice(texts["escalation_details"][to]).format(municipality=municipality)
    draft = EscalationDraft(
        to, detail, rng.choice(texts["escalation_reasons"]), int(ctx.draw(conf["ave_before"])), escalated
    )
    resolved = ctx.between(escalated + ctx.days(conf["resolved_after_days"]), escalated + timedelta(days=70))
    closed = work.end < ctx.midnight
    if closed and resolved >= work.end:
        resolved = ctx.between(escalated, work.end)
    if not closed and (resolved >= work.end or rng.random() < conf["unresolved_share"]):
        return [draft]
    draft.resolved_at = resolved
    draft.outcome = rng.choice(texts["escalation_outcomes"])
    draft.ave_after = max(1, draft.ave_before - int(ctx.draw(conf["ave_lower_by"])))
    return [draft]


def _handover(ctx: _Context, work: CaseWork) -> HandoverDraft:
    """Procesregie (or the advice) handed to a local party in the last weeks before the case closed."""
    conf, rng = ctx.conf["handovers"], ctx.rng
    to = ctx.draw(conf["to"])
    day = max(work.start.date(), work.end.date() - ctx.days(conf["days_before_closure"]))
    at = ctx.between(max(work.start, _at(day, time(0))), work.end)
    receiver = people.name_for(rng, rng.choice(("male", "female"))).full_name
    return HandoverDraft(
        to, receiver, rng.choice(conf["receivers"][to]), at, rng.choice(ctx.texts["handover_notes"])
    )


# --- Planning: anonymous advice and the information desk -------------------------------------------------


def yearly_counts(profile: Profile, key: str, rng: random.Random, today: date) -> dict[int, int]:
    """How many anonymous advice trajectories (`key` "anonymous_advice") or information-desk contacts
    ("information_contacts") each year holds: published or counted in the profile up to the last counted
    year, drawn from the yearly range after it (the current year in proportion up to yesterday)."""
    conf = profile["procesregie"]["advice"]
    published = conf["extended_advice_and_support"] if key == "anonymous_advice" else {}
    counts = {}
    for year in range(profile["first_year"], today.year + 1):
        if str(year) in published:
            counts[year] = published[str(year)] - profile["years"][str(year)]["extended_advice"]
        elif str(year) in conf[key]:
            counts[year] = conf[key][str(year)]
        else:
            per_year = rng.randint(*conf[f"{key}_per_year"])
            last = min(date(year, 12, 31), today - timedelta(days=1))
            counts[year] = round(
                per_year * ((last - date(year, 1, 1)).days + 1) / (date(year, 12, 31).timetuple().tm_yday)
            )
    return counts


def _year_days(year: int, today: date) -> list[date]:
    last = min(date(year, 12, 31), today - timedelta(days=1))
    days = (date(year, 1, 1) + timedelta(days=offset) for offset in range((last - date(year, 1, 1)).days + 1))
    return [day for day in days if day.weekday() < 5]


def _anonymous_advice(ctx: _Context) -> list[AdviceDraft]:
    conf, rng, weights = ctx.conf["advice"], ctx.rng, ctx.profile["weights"]
    drafts = []
    for year, count in yearly_counts(ctx.profile, "anonymous_advice", rng, ctx.today).items():
        days = _year_days(year, ctx.today)
        for day in sorted(rng.choice(days) for _draw in range(count)):
            template = rng.choice(ctx.texts["anonymous_advice"])
            bureau = (
                ctx.coordinators
                if rng.random() < conf["given_by_coordinator_share"]
                else ctx.support_officers
            )
            in_municipality = rng.random() < conf["municipality_share"]
            drafts.append(
                AdviceDraft(
                    asked_on=day,
                    partner=ctx.draw(weights["partners"]["extended_advice"]),
                    municipality=ctx.draw(weights["municipalities"]) if in_municipality else "",
                    main_topic=template["main_topic"],
                    channel=ctx.draw(conf["channels"]),
                    question=template["question"],
                    advice=template["advice"],
                    minutes=rng.randint(*conf["advice_minutes"]),
                    given_by=rng.choice(bureau),
                    recorded_at=ctx.on(day),
                )
            )
    return drafts


def _information_contacts(ctx: _Context) -> list[ContactDraft]:
    conf, rng = ctx.conf["advice"], ctx.rng
    drafts = []
    for year, count in yearly_counts(ctx.profile, "information_contacts", rng, ctx.today).items():
        days = _year_days(year, ctx.today)
        for day in sorted(rng.choice(days) for _draw in range(count)):
            drafts.append(
                ContactDraft(
                    contacted_on=day,
                    partner=ctx.draw(ctx.profile["weights"]["partners"]["other"]),
                    topic=rng.choice(ctx.texts["information_topics"]),
                    minutes=rng.randint(*conf["contact_minutes"]),
                    by=rng.choice(ctx.support_officers),
                    recorded_at=ctx.on(day),
                )
            )
    return drafts


# --- The profile section ---------------------------------------------------------------------------------


def profile_errors(profile: Profile) -> list[str]:
    """What in the profile's procesregie section cannot hold: advice totals below the case-based extended
    advice, counted years without counts, life domains without texts, published label figures the year's
    cases cannot hold."""
    conf = profile.get("procesregie")
    if conf is None:
        return ["procesregie: the profile has no procesregie section."]
    return _advice_errors(profile, conf["advice"]) + _life_domain_errors(conf) + _label_errors(profile)


def _advice_errors(profile: Profile, conf: dict[str, Any]) -> list[str]:
    errors = []
    counted = counted_years(profile)
    published = conf["extended_advice_and_support"]
    for year, total in published.items():
        if int(year) not in counted:
            errors.append(f"procesregie: {year} publishes advice and support but is not a counted year.")
        elif total < profile["years"][year]["extended_advice"]:
            extended = profile["years"][year]["extended_advice"]
            errors.append(
                f"procesregie: {year}: advice and support {total} is less than {extended} extended advice."
            )
    for year in range(profile["first_year"], counted[-1] + 1):
        if (str(year) in published) == (str(year) in conf["anonymous_advice"]):
            errors.append(
                f"procesregie: {year} needs a published advice total or a count of anonymous advice."
            )
        if str(year) not in conf["information_contacts"]:
            errors.append(f"procesregie: {year} has no count of information-desk contacts.")
    return errors


def _label_errors(profile: Profile) -> list[str]:
    errors = []
    for year, published in profile["procesregie"]["labels"]["published"].items():
        if year not in profile["years"]:
            errors.append(f"procesregie: labels published for {year}, which is not a counted year.")
            continue
        flow, advice = profile["years"][year]["coordination"], profile["years"][year]["extended_advice"]
        for code, counts in published.items():
            if "referred" in counts:
                procesregie = counts["of_which_procesregie"]
                fits = 0 <= procesregie <= min(
                    counts["referred"], counts["active_procesregie"], flow["new"]
                ) and counts["referred"] - procesregie <= min(counts["active_extended_advice"], advice)
            else:
                fits = counts["new"] + counts["closed"] <= counts["active"] <= flow["active"]
                fits = fits and counts["new"] <= flow["new"] and counts["closed"] <= flow["closed"]
            if not fits:
                errors.append(
                    f"procesregie: {year}: the published figures of the label {code} do not add up."
                )
    return errors


def _life_domain_errors(conf: dict[str, Any]) -> list[str]:
    domains = set(conf["plan"]["life_domains"])
    errors = []
    for name, table in (
        ("goals", conf["texts"]["goals"]),
        ("agreements", conf["texts"]["agreements"]),
        ("partners_per_life_domain", conf["plan"]["partners_per_life_domain"]),
    ):
        missing = sorted(domains - set(table))
        if missing:
            errors.append(f"procesregie: {name} lacks the life domains {missing}.")
    return errors


# --- Writing: rows with ids of their own -----------------------------------------------------------------


Row = dict[str, Any]  # a row by the fields' attribute names ("case_id", not "case")


class _Ids:
    """Primary keys handed out in the order the rows were made, after the highest one in the table, so that
    the rows can point to each other before anything is inserted."""

    def __init__(self, model: type[Model]) -> None:
        self.next = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def give(self, drafts: Sequence[object]) -> dict[object, int]:
        ids = {draft: self.next + index for index, draft in enumerate(drafts)}
        self.next += len(drafts)
        return ids


# Columns whose Python values (str, int, bool, None) go to the database as they are: their fields'
# `get_db_prep_save` would return the same value.
PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "TextField",
    }
)


def _preparer(field: Any, database: Any) -> Any:
    """How a value of `field` goes to the database: as it is, adapted as the backend adapts a moment or
    JSON (what `get_db_prep_save` ends in for an aware datetime or a dict, without its checks twenty
    thousand times over), or through the field's `get_db_prep_save` (dates)."""
    kind = field.get_internal_type()
    if kind in PLAIN:
        return None
    if kind == "DateTimeField":
        moment = database.ops.adapt_datetimefield_value
        return lambda value, _database: moment(value)
    if kind == "JSONField":
        json = database.ops.adapt_json_value
        return lambda value, _database: json(value, field.encoder)
    return field.get_db_prep_save


def _insert(model: type[Model], rows: Sequence[Row]) -> int:
    """Insert `rows` as they are: one prepared statement, executed for every row.

    Five times faster than `bulk_create` (it builds no model instances and compiles no query per batch),
    which keeps the procesregie records within a second. Values go to the database as `bulk_create` would
    send them (`_preparer`); fields a row leaves out get their default. Rows with an id keep it
    (`_sequences_reset` follows, as after `loaddata`); without one the database gives it."""
    if not rows:
        return 0
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself: its proxy costs a lookup per value
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and "id" not in rows[0])]
    spec = [(f.attname, f.get_default(), _preparer(f, database)) for f in fields]
    params = [
        [
            row.get(name, default) if convert is None else convert(row.get(name, default), database)
            for name, default, convert in spec
        ]
        for row in rows
    ]
    quote = database.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    with database.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})", params)
    return len(rows)


def _sequences_reset(models: Sequence[type[Model]]) -> None:
    """After rows with ids of their own, new rows continue after them (PostgreSQL; SQLite needs nothing)."""
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        for sql in database.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


@dataclass(frozen=True)
class _Messages:
    """The services' timeline texts in the interface language, looked up once for thousands of events."""

    goal_added: str
    goal_changed: str
    agreement_added: str
    agreement_not_done: str
    agreement_overdue: str
    labels_added: str

    @classmethod
    def translated(cls) -> _Messages:
        return cls(
            goal_added=_("Goal added for %(subject)s (%(domain)s): %(goal)s"),
            goal_changed=_("Goal changed for %(subject)s (%(domain)s): %(goal)s"),
            agreement_added=_("%(what)s (%(who)s, due %(due)s)"),
            agreement_not_done=_("%(what)s; reason: %(reason)s"),
            agreement_overdue=_("%(what)s (due %(due)s)"),
            labels_added=_("added: %(labels)s"),
        )

    @staticmethod
    def meeting_held(count: int) -> str:
        return ngettext("%(when)s: %(count)d agreement made", "%(when)s: %(count)d agreements made", count)


@dataclass(frozen=True)
class _Tables:
    """The accounts and reference rows the records point to (by username or code), and the words of the
    timeline."""

    users: dict[str, User]
    partners: dict[str, Partner]
    domains: dict[str, LifeDomain]
    messages: _Messages

    def user_id(self, username: str | None) -> int | None:
        return self.users[username].pk if username else None

    def partner_id(self, code: str) -> int | None:
        return _reference(self.partners, "partner", code).pk if code else None

    def partner_name(self, code: str) -> str:
        return _reference(self.partners, "partner", code).name if code else ""

    def domain(self, code: str) -> LifeDomain:
        return _reference(self.domains, "life domain", code)


def _reference(table: dict[str, Any], what: str, code: str) -> Any:
    try:
        return table[code]
    except KeyError:
        raise ProfileError(f"The profile names {what} {code!r}, which the reference data lacks.") from None


@dataclass
class _Written:
    """The ids given to the drafts, and what the timeline events need to know of them."""

    case_ids: dict[Plan, int]
    ids: dict[object, int] = field(default_factory=dict)
    labels: dict[LabelsDraft, list[CaseLabel]] = field(default_factory=dict)

    def __getitem__(self, draft: object) -> int:
        return self.ids[draft]


ID_MODELS = (ActionPlan, Goal, CaseMeeting, Agreement, SystemMember, Escalation, Handover)


def write_procesregie(
    work: ProcesregiePlan,
    *,
    cases: dict[Plan, Case],
    users: dict[str, User],
    partners: dict[str, Partner],
    municipalities: dict[str, Municipality],
    main_topics: dict[str, MainTopic],
) -> dict[str, int]:
    """Insert the procesregie and advice records; returns the rows created per kind."""
    tables = _Tables(users, partners, LifeDomain.objects.in_bulk(field_name="code"), _Messages.translated())
    written = _Written({plan: case.pk for plan, case in cases.items()})
    _give_ids(work, written)
    # In the order the rows point to each other: plans, goals and meetings before the agreements.
    plans = _insert(ActionPlan, _plan_rows(work, written, tables))
    goals = _insert(Goal, _goal_rows(work, written, tables))
    meetings = _insert(CaseMeeting, _meeting_rows(work, written, tables))
    invitees = _insert(CaseMeetingInvitee, _invitee_rows(work, written, tables))
    agreements = _insert(Agreement, _agreement_rows(work, written, tables))
    versions = _insert(PlanRevision, _revision_rows(work, written, tables))
    coordination = _write_coordination(work, written, tables)
    events = _insert(CaseEvent, _event_rows(work, written, tables))
    advice = _insert(AnonymousAdvice, _advice_rows(work, tables, municipalities, main_topics))
    contacts = _insert(InformationContact, _contact_rows(work, tables))
    _sequences_reset(ID_MODELS)
    return {
        "action plans": plans,
        "goals": goals,
        "agreements": agreements,
        "plan versions": versions,
        "case meetings": meetings,
        "meeting invitees": invitees,
        **coordination,
        "case events": events,
        "anonymous advice": advice,
        "information desk contacts": contacts,
    }


def _give_ids(work: ProcesregiePlan, written: _Written) -> None:
    """Ids in the order the records were made, as the services would have given them."""
    plans = [plan for case_work in work.works for plan in case_work.plans]
    agreements = [agreement for plan in plans for agreement in plan.agreements]
    meetings = [meeting for case_work in work.works for meeting in case_work.meetings]
    drafts: list[tuple[type[Model], list[Any]]] = [
        (ActionPlan, sorted(plans, key=lambda plan: plan.created_at)),
        (Goal, sorted((goal for plan in plans for goal in plan.goals), key=lambda goal: goal.added_at)),
        (CaseMeeting, sorted(meetings, key=lambda meeting: meeting.planned_at)),
        (Agreement, sorted(agreements, key=lambda agreement: agreement.created_at)),
        (SystemMember, [member for case_work in work.works for member in case_work.members]),
        (Escalation, [escalation for case_work in work.works for escalation in case_work.escalations]),
        (Handover, [case_work.handover for case_work in work.works if case_work.handover is not None]),
    ]
    for model, ordered in drafts:
        written.ids |= _Ids(model).give(ordered)


def _subject_ids(case_ids: dict[Plan, int]) -> dict[int, list[int]]:
    """The subjects of every demo case, in the order they were written (the order of `Plan.subjects`)."""
    rows = Subject.objects.filter(case_id__gte=min(case_ids.values()), case_id__lte=max(case_ids.values()))
    subjects: dict[int, list[int]] = {}
    for pk, case_id in rows.order_by("id").values_list("id", "case_id"):
        subjects.setdefault(case_id, []).append(pk)
    return subjects


def _by_id(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: row["id"])


def _plan_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    """The plans, with the moment of their latest version (`updated_at` is set on every save)."""
    subjects = _subject_ids(written.case_ids)
    return _by_id(
        [
            {
                "id": written[plan],
                "case_id": written.case_ids[case_work.case],
                "subject_id": subjects[written.case_ids[case_work.case]][plan.subject_index],
                "summary": plan.summary,
                "version": plan.version,
                "updated_at": plan.updated_at,
                "updated_by_id": tables.user_id(case_work.coordinator),
            }
            for case_work in work.works
            for plan in case_work.plans
        ]
    )


def _goal_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    return _by_id(
        [
            {
                "id": written[goal],
                "plan_id": written[plan],
                "life_domain_id": tables.domain(goal.domain).pk,
                "description": goal.description,
                "achieved": goal.achieved_at is not None,
                "position": goal.position,
            }
            for case_work in work.works
            for plan in case_work.plans
            for goal in plan.goals
        ]
    )


def _meeting_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    return _by_id(
        [
            {
                "id": written[meeting],
                "case_id": written.case_ids[case_work.case],
                "starts_at": meeting.starts_at,
                "location": meeting.location,
                "agenda": meeting.agenda,
                "minutes": meeting.minutes,
                "held": meeting.final_at is not None,
                "minutes_final_at": meeting.final_at,
                "planned_by_id": tables.user_id(case_work.coordinator),
                "version": 2 if meeting.final_at is not None else 1,
            }
            for case_work in work.works
            for meeting in case_work.meetings
        ]
    )


def _invitee_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    """Who was invited; a user with his organisation as it was on the day, as `case_meeting_plan` keeps it."""
    meetings = sorted(
        (meeting for case_work in work.works for meeting in case_work.meetings), key=lambda m: written[m]
    )
    return [
        {
            "meeting_id": written[meeting],
            "user_id": tables.user_id(invitee.username),
            "name": invitee.name,
            "organisation_id": tables.users[invitee.username].organisation_id
            if invitee.username
            else tables.partner_id(invitee.organisation),
            "attended": invitee.attended,
        }
        for meeting in meetings
        for invitee in meeting.invitees
    ]


def _agreement_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    """The agreements as the services left them."""
    return _by_id(
        [
            {
                "id": written[agreement],
                "goal_id": written[agreement.goal],
                "case_id": written.case_ids[case_work.case],
                "what": agreement.what,
                "owner_partner_id": tables.partner_id(agreement.owner_partner),
                "owner_id": tables.user_id(agreement.owner),
                "owner_name": agreement.owner_name,
                "due_date": agreement.due,
                "status": agreement.status,
                "not_done_reason": agreement.not_done_reason,
                "completed_at": agreement.ended_at,
                "overdue_notified_on": agreement.notified_on,
                "created_at": agreement.created_at,
                "created_by_id": tables.user_id(case_work.coordinator),
                "meeting_id": written[agreement.meeting] if agreement.meeting is not None else None,
                "version": 1 if agreement.ended_at is None else 2,
            }
            for case_work in work.works
            for plan in case_work.plans
            for agreement in plan.agreements
        ]
    )


# --- Writing: the plan's versions and the timeline events of its changes ---------------------------------


def _owner_text(draft: AgreementDraft, tables: _Tables) -> str:
    return str(tables.users[draft.owner]) if draft.owner else draft.owner_name


def _who(draft: AgreementDraft, tables: _Tables) -> str:
    """Who is responsible, as the plan's timeline writes it (`cases.plans`)."""
    return " · ".join(
        part for part in (tables.partner_name(draft.owner_partner), _owner_text(draft, tables)) if part
    )


def _revision_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    """The latest version of every plan, as `cases.plans` stores a version: the plan with its goals and
    agreements, names as text. Only the latest is stored; the plan page links to the stored versions, so
    it shows no earlier ones."""
    return [
        {
            "plan_id": written[plan],
            "version": plan.version,
            "content": _content(plan, written, tables),
            "created_at": plan.updated_at,
            "created_by_id": tables.user_id(case_work.coordinator),
        }
        for case_work in work.works
        for plan in case_work.plans
    ]


def _content(plan: ActionPlanDraft, written: _Written, tables: _Tables) -> dict[str, Any]:
    """The plan as it stands, in the shape of `cases.plans._plan_content`; the agreements in their model's
    order (due date, then id)."""
    return {
        "summary": plan.summary,
        "goals": [
            {
                "id": written[goal],
                "life_domain": tables.domain(goal.domain).name,
                "description": goal.description,
                "achieved": goal.achieved_at is not None,
                "agreements": [
                    {
                        "id": written[agreement],
                        "what": agreement.what,
                        "owner_partner": tables.partner_name(agreement.owner_partner),
                        "owner": _owner_text(agreement, tables),
                        "due_date": agreement.due.isoformat(),
                        "status": agreement.status,
                        "not_done_reason": agreement.not_done_reason,
                    }
                    for agreement in sorted(
                        (a for a in plan.agreements if a.goal is goal), key=lambda a: (a.due, written[a])
                    )
                ],
            }
            for goal in plan.goals
        ],
    }


def _event_rows(work: ProcesregiePlan, written: _Written, tables: _Tables) -> list[Row]:
    """The timeline event of every change of every plan (with the version it made) and of every other
    record, with the payloads the services write."""
    rows = []
    for case_work in work.works:
        case_id, by = written.case_ids[case_work.case], tables.user_id(case_work.coordinator)
        for plan in case_work.plans:
            for version, change in enumerate(plan.changes, start=2):
                payload = _change_payload(change, plan, written, tables) | {
                    "plan": written[plan],
                    "version": version,
                }
                rows.append(
                    {
                        "case_id": case_id,
                        "kind": change.kind,
                        "actor_id": by,
                        "occurred_at": change.at,
                        "payload": payload,
                    }
                )
        rows += [
            {
                "case_id": case_id,
                "kind": entry.kind,
                "actor_id": tables.user_id(entry.actor),
                "occurred_at": entry.at,
                "payload": _payload(entry, written, tables),
            }
            for entry in case_work.entries()
        ]
    return rows


def _change_payload(
    change: Change, plan: ActionPlanDraft, written: _Written, tables: _Tables
) -> dict[str, Any]:
    """The summary and reference the plan's service writes with the change."""
    agreement = change.agreement
    if agreement is None:
        goal = change.goal
        words = tables.messages
        message = words.goal_changed if change.at == goal.achieved_at else words.goal_added
        names = {"subject": plan.subject_name, "domain": tables.domain(goal.domain).name}
        return {"summary": message % (names | {"goal": _short(goal.description)}), "goal": written[goal]}
    if change.kind == CaseEvent.Kind.AGREEMENT_ADDED:
        facts = {"what": _short(agreement.what), "who": _who(agreement, tables), "due": _day(agreement.due)}
        meeting = {"meeting": written[agreement.meeting]} if agreement.meeting is not None else {}
        return {
            "summary": tables.messages.agreement_added % facts,
            "agreement": written[agreement],
            **meeting,
        }
    if change.kind == CaseEvent.Kind.AGREEMENT_DONE:
        return {"summary": _short(agreement.what), "agreement": written[agreement]}
    facts = {"what": _short(agreement.what), "reason": _short(agreement.not_done_reason)}
    return {"summary": tables.messages.agreement_not_done % facts, "agreement": written[agreement]}


# --- Writing: the people in the system, labels, escalations, handovers; their events ------------------------


def _write_coordination(work: ProcesregiePlan, written: _Written, tables: _Tables) -> dict[str, int]:
    members, escalations, handovers = [], [], []
    for case_work in work.works:
        case_id, by = written.case_ids[case_work.case], tables.user_id(case_work.coordinator)
        members += [
            {
                "id": written[member],
                "case_id": case_id,
                "description": member.description,
                "relation": member.relation,
                "is_minor": member.is_minor,
                "note": member.note,
                "added_by_id": by,
                "added_at": member.added_at,
            }
            for member in case_work.members
        ]
        escalations += [
            _escalation_row(escalation, case_id, by, written) for escalation in case_work.escalations
        ]
        if (handover := case_work.handover) is not None:
            handovers.append(
                {
                    "id": written[handover],
                    "case_id": case_id,
                    "to": handover.to,
                    "receiver_name": handover.receiver_name,
                    "receiver_organisation_id": tables.partner_id(handover.organisation),
                    "handed_over_on": handover.at.date(),
                    "note": handover.note,
                    "by_id": by,
                }
            )
    return {
        "people in the system": _insert(SystemMember, members),
        "escalations": _insert(Escalation, escalations),
        "handovers": _insert(Handover, handovers),
        "case labels": _write_labels(work, written),
    }


def _escalation_row(escalation: EscalationDraft, case_id: int, by: int | None, written: _Written) -> Row:
    return {
        "id": written[escalation],
        "case_id": case_id,
        "to": escalation.to,
        "to_detail": escalation.to_detail,
        "reason": escalation.reason,
        "ave_before": escalation.ave_before,
        "ave_after": escalation.ave_after,
        "escalated_on": escalation.escalated_at.date(),
        "outcome": escalation.outcome,
        "resolved_on": escalation.resolved_at.date() if escalation.resolved_at else None,
        "by_id": by,
        "version": 2 if escalation.resolved_at else 1,
    }


def _write_labels(work: ProcesregiePlan, written: _Written) -> int:
    """The labels of each case (by name, as `case_labels_set` lists them in its event)."""
    labels = CaseLabel.objects.in_bulk(field_name="code")
    links = []
    for case_work in work.works:
        if case_work.labels is None:
            continue
        found = [_reference(labels, "case label", code) for code in case_work.labels.codes]
        written.labels[case_work.labels] = sorted(found, key=lambda label: label.name)
        case_id = written.case_ids[case_work.case]
        links += [
            {"case_id": case_id, "caselabel_id": label.pk} for label in written.labels[case_work.labels]
        ]
    return _insert(Case.labels.through, links)


def _payload(entry: Entry, written: _Written, tables: _Tables) -> dict[str, Any]:
    """The payload the service writes with the same event."""
    source, kind = entry.source, entry.kind
    if kind == CaseEvent.Kind.LABELS_CHANGED:
        labels = written.labels[source]
        summary = tables.messages.labels_added % {"labels": ", ".join(label.name for label in labels)}
        return {"added": [label.code for label in labels], "removed": [], "summary": summary}
    if kind == CaseEvent.Kind.SYSTEM_MEMBER_ADDED:
        return {"system_member": written[source], "summary": f"{source.description} ({source.relation})"}
    if kind == CaseEvent.Kind.MEETING_PLANNED:
        return {"summary": _when(source.starts_at), "meeting": written[source]}
    if kind == CaseEvent.Kind.MEETING_HELD:
        made = [written[agreement] for agreement in source.decisions]
        summary = tables.messages.meeting_held(len(made)) % {
            "when": _when(source.starts_at),
            "count": len(made),
        }
        return {"summary": summary, "meeting": written[source], "agreements": made}
    if kind == CaseEvent.Kind.AGREEMENT_OVERDUE:
        summary = tables.messages.agreement_overdue % {"what": _short(source.what), "due": _day(source.due)}
        return {"summary": summary, "agreement": written[source]}
    return _coordination_payload(entry, written, tables)


def _coordination_payload(entry: Entry, written: _Written, tables: _Tables) -> dict[str, Any]:
    source = entry.source
    if isinstance(source, HandoverDraft):
        receiver = source.receiver_name
        if source.organisation:
            receiver = f"{receiver} ({tables.partner_name(source.organisation)})"
        return {"handover": written[source], "summary": f"{Handover.To(source.to).label}: {receiver}"}
    if entry.kind == CaseEvent.Kind.ESCALATION_RESOLVED:
        return {"escalation": written[source], "summary": source.outcome[:200]}
    summary = str(Escalation.To(source.to).label)
    if source.to_detail:
        summary = f"{summary}: {source.to_detail}"
    return {"escalation": written[source], "summary": summary}


def _advice_rows(
    work: ProcesregiePlan,
    tables: _Tables,
    municipalities: dict[str, Municipality],
    main_topics: dict[str, MainTopic],
) -> list[Row]:
    return [
        {
            "asked_on": draft.asked_on,
            "partner_id": tables.partner_id(draft.partner),
            "municipality_id": _reference(municipalities, "municipality", draft.municipality).pk
            if draft.municipality
            else None,
            "main_topic_id": _reference(main_topics, "main topic", draft.main_topic).pk
            if draft.main_topic
            else None,
            "channel": draft.channel,
            "question": draft.question,
            "advice": draft.advice,
            "minutes_spent": draft.minutes,
            "given_by_id": tables.user_id(draft.given_by),
            "recorded_at": draft.recorded_at,
        }
        for draft in work.advice
    ]


def _contact_rows(work: ProcesregiePlan, tables: _Tables) -> list[Row]:
    return [
        {
            "contacted_on": draft.contacted_on,
            "partner_id": tables.partner_id(draft.partner),
            "topic": draft.topic,
            "minutes_spent": draft.minutes,
            "by_id": tables.user_id(draft.by),
            "recorded_at": draft.recorded_at,
        }
        for draft in work.contacts
    ]
