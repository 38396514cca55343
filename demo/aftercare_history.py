"""The aftercare cases beside the demo case file (nazorg ex-gedetineerden, ADR 0013).

The case file (`demo.generator`) holds the referrals. Aftercare comes in by another door: DJI sends a
detention notice for every detained resident of the municipalities the bureau does the aftercare for, and
the nazorgcoördinator runs an aftercare case. This module adds those cases from the profile's first year up
to today, as `aftercare.services` would have written them:

- every year the profile's inflow (the published year per municipality, exactly), each case started by its
  first detention notice (received on a working day and registered that day), now and then a second one
  (a transfer to another institution with a new expected release); about one in twelve is a self-reporter
  who waits at home for his call-up;
- consent asked in the first weeks: mostly given; about one in ten refuses, which closes the case at once as
  "no aftercare wanted" (as `consent_record` does);
- the release, recorded a few days after it happened, and the case closed three to six months after it, or
  still open today;
- the five basic conditions at intake, at release and three months after (mostly improving), actions agreed
  on some of them, the four release tasks dated by `RELEASE_TASK_OFFSETS` from the release they counted from
  (done around their due date; in open cases a few still open past it, as the daily reminder finds them),
  and information from DJI, probation and the municipality;
- outreach guidance in about one case in ten, by the demo guidance worker, who takes part in the case while
  it runs (a participant with the grant `cases.access` gives him, as `guidance_start` adds him);
- a few escalations to procesregie: procesregie cases of the case file get an earlier aftercare case of the
  same person that was escalated to them (`AftercareFile.escalated_to`, with the event on both cases);
- the timeline events of the main steps with the payloads the services write: notices, consent, release,
  guidance started and ended (with the participation), escalation and closure.

In a published year the inflow and the active cases per municipality come out exactly: the cases open on
1 January are made exactly as many as the rows leave for them (active - inflow) by moving the closure of
cases of the year before across the new year, and are then dealt the municipalities the rows leave them.

Planned from a generator of its own (seed + ":aftercare") after the case file and the other plans, so all of
them are the same with or without it. Written in the same transaction, without services or access log, by
one prepared insert per table with ids handed out beforehand (`demo.procesregie_history._insert`: some
25,000 rows, which `bulk_create` would take over a second for); only the guidance worker's grants go
through `cases.access`. Nothing happens on or after today: only expected releases, call-up dates
and due dates lie ahead.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    ConditionKind,
    ConditionState,
    Consent,
    DetentionKind,
    DetentionNotice,
    GuidanceContact,
    GuidanceEpisode,
    GuidanceGoal,
    InformationSource,
    ReleaseTask,
)
from aftercare.services import RELEASE_TASK_OFFSETS
from cases import access
from cases.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseUserObjectPermission,
    Participant,
    Person,
    Subject,
)
from cases.workflow import CaseStatus
from demo import people
from demo.generator import COORDINATION, Plan, Profile, ProfileError, SubjectPlan
from demo.procesregie_history import Row, _Ids, _insert, _sequences_reset
from zvhd.accounts.models import Role, User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import Municipality, Partner

# Plain values of the choices, looked up thousands of times (an enum member's `.value` is slow).
GIVEN, REFUSED, UNKNOWN = Consent.GIVEN.value, Consent.REFUSED.value, Consent.UNKNOWN.value
NOT_ASSESSED = ConditionState.UNKNOWN.value
CONDITION_KINDS = tuple(ConditionKind.values)
SOURCES = tuple(InformationSource.values)
# The states of a condition at intake that call for an action.
NEEDS_ACTION = (ConditionState.ATTENTION.value, ConditionState.NOT_IN_ORDER.value)
# The states a condition can be given a note for (unknown has none).
NOTED_STATES = (ConditionState.IN_ORDER.value, *NEEDS_ACTION)
# Events one service writes one after the other (a refusal and the closure it causes) lie a second apart.
STEP = timedelta(seconds=1)


# --- The plan -----------------------------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class NoticeDraft:
    kind: str
    institution: str
    detention_start: date | None
    expected_release: date
    received_on: date
    registered_at: datetime
    reference: str = ""


@dataclass(eq=False, slots=True)
class ActionDraft:
    what: str
    owner_partner: str
    owner_name: str
    due_on: date
    created_at: datetime
    done_on: date | None = None


@dataclass(eq=False, slots=True)
class ConditionDraft:
    """One basic condition at its three moments (intake, release, three months after); `updates` counts
    the changes `condition_update` made, each of which bumped its version."""

    kind: str
    states: list[str] = field(default_factory=lambda: [NOT_ASSESSED] * 3)
    notes: list[str] = field(default_factory=lambda: [""] * 3)
    updates: int = 0
    actions: list[ActionDraft] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class TaskDraft:
    kind: str
    due_on: date
    done_on: date | None = None
    reminded_on: date | None = None


@dataclass(frozen=True, slots=True)
class InformationDraft:
    source: str
    received_on: date
    content: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ContactDraft:
    contacted_on: date
    kind: str
    minutes: int
    note: str


@dataclass(eq=False, slots=True)
class GuidanceDraft:
    reason: str
    started_on: date
    started_at: datetime
    goals: list[tuple[str, bool]] = field(default_factory=list)
    contacts: list[ContactDraft] = field(default_factory=list)
    ended_on: date | None = None
    ended_at: datetime | None = None
    end_note: str = ""


@dataclass(eq=False, slots=True)
class AftercareDraft:
    """One aftercare case. Until `_as_of_today` the dates are those of the life it would have: consent,
    release (and the day it was recorded) and closure may still lie after today."""

    start: date
    notices: list[NoticeDraft] = field(default_factory=list)
    municipality: str = ""
    person: SubjectPlan | None = None  # None: the main subject of `escalated_to`
    escalated_to: Plan | None = None
    escalated_at: datetime | None = None
    consent: str = UNKNOWN
    consent_on: date | None = None
    consent_at: datetime | None = None
    consent_channel: str = ""
    consent_note: str = ""
    released_on: date | None = None
    release_recorded_on: date | None = None
    release_at: datetime | None = None
    closed_on: date | None = None
    closed_at: datetime | None = None
    closure_reason: str = ""
    conditions: list[ConditionDraft] = field(default_factory=list)
    tasks: list[TaskDraft] = field(default_factory=list)
    information: list[InformationDraft] = field(default_factory=list)
    guidance: GuidanceDraft | None = None

    @property
    def adjustable(self) -> bool:
        """Whether its closure may move to make a published count: consent given, not escalated."""
        return self.consent == GIVEN and self.escalated_to is None and self.released_on is not None

    @property
    def expected_release_on(self) -> date:
        return self.notices[-1].expected_release

    @property
    def registered_at(self) -> datetime:
        return self.notices[0].registered_at

    def open_on(self, day: date) -> bool:
        return self.closed_on is None or self.closed_on >= day

    def last_day(self, today: date) -> date:
        """The last day anything was recorded on the case: the day it closed, or yesterday."""
        return self.closed_on if self.closed_on is not None else today - timedelta(days=1)


@dataclass
class AftercarePlan:
    drafts: list[AftercareDraft]
    coordinator: str
    guidance_worker: str


# --- Small helpers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    profile: Profile
    rng: random.Random
    today: date
    cumulative: dict[int, tuple[list[str], list[float]]] = field(default_factory=dict)

    @property
    def conf(self) -> dict[str, Any]:
        return self.profile["aftercare"]

    @property
    def texts(self) -> dict[str, Any]:
        return self.conf["texts"]

    @property
    def yesterday(self) -> date:
        return self.today - timedelta(days=1)

    def draw(self, weights: dict[str, float]) -> str:
        if id(weights) not in self.cumulative:  # the profile's tables are drawn from thousands of times
            self.cumulative[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
        population, cumulative = self.cumulative[id(weights)]
        return population[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def days(self, bounds: Sequence[int]) -> timedelta:
        # Drawn thousands of times: `randint` would cost a third of the planning.
        low, high = bounds
        return timedelta(days=low + int(self.rng.random() * (high - low + 1)))

    def chance(self, share: float) -> bool:
        return self.rng.random() < share

    def pick(self, options: Sequence[Any]) -> Any:
        # Called thousands of times: `choice` would cost twice as much.
        return options[int(self.rng.random() * len(options))]

    def on(self, day: date, after: datetime | None = None) -> datetime:
        """A moment (whole minutes) in working hours on `day`, and a little after `after` if that is later."""
        first, last = self.profile["timing"]["working_hours"]
        minute = first * 60 + int(self.rng.random() * (last - first) * 60)
        moment = datetime.combine(
            day, time(minute // 60, minute % 60), tzinfo=timezone.get_default_timezone()
        )
        return moment if after is None or moment > after else after + timedelta(minutes=5)

    def between(self, low: date, high: date) -> date:
        """A working day from `low` to `high` (`low` itself when the span holds none)."""
        span = (high - low).days
        for _attempt in range(6):
            day = low + timedelta(days=int(self.rng.random() * (span + 1))) if span > 0 else low
            if day.weekday() < 5:
                return day
        return low


def _working_day_from(day: date) -> date:
    """`day` itself on a weekday, else the Monday after."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def _working_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def _age(subject: SubjectPlan, on: date) -> int | None:
    born = subject.date_of_birth
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _span(ctx: _Context, ranges: dict[str, float]) -> int:
    """A number of days from a table of ranges ("35-90": weight)."""
    low, high = (int(part) for part in ctx.draw(ranges).split("-"))
    return ctx.rng.randint(low, high)


def published_years(profile: Profile) -> list[int]:
    return sorted(int(year) for year in profile["aftercare"]["published"])


# --- Planning -----------------------------------------------------------------------------------------------


def plan_aftercare(
    *, profile: Profile, plans: Sequence[Plan], statuses: dict[Plan, str], today: date, rng: random.Random
) -> AftercarePlan:
    """Every aftercare case from the profile's first year up to `today`, before anything is written."""
    ctx = _Context(profile, rng, today)
    if any(year >= today.year for year in published_years(profile)):
        raise ProfileError("aftercare: the published years must have ended before the demo data's today.")
    escalated = _escalations(ctx, plans, statuses)
    drafts = escalated + _inflow(ctx, escalated)
    for draft in drafts:
        if draft.escalated_to is None:
            _trajectory(ctx, draft)
    _fit_published(ctx, drafts)
    for draft in drafts:
        draft.municipality = draft.municipality or ctx.draw(ctx.conf["municipalities"])
    drafts.sort(key=lambda draft: draft.registered_at)
    taken = {subject.bsn for plan in plans for subject in plan.subjects if subject.bsn}
    for draft in drafts:
        _as_of_today(ctx, draft)
        if draft.escalated_to is None:
            draft.person = _person(ctx, draft, taken)
        _details(ctx, draft)
    _something_to_show(ctx, drafts)
    _references(ctx, drafts)
    return AftercarePlan(drafts, ctx.conf["coordinator"], ctx.conf["guidance_worker"])


def _inflow(ctx: _Context, escalated: list[AftercareDraft]) -> list[AftercareDraft]:
    """The cases started by a first notice, year by year, on working days up to yesterday (the escalated
    cases count in the inflow of their year)."""
    drafts = []
    for year in range(ctx.profile["first_year"], ctx.today.year + 1):
        days = _working_days(date(year, 1, 1), min(date(year, 12, 31), ctx.yesterday))
        count = _inflow_count(ctx, year, len(days)) - sum(draft.start.year == year for draft in escalated)
        drafts += [AftercareDraft(start) for start in sorted(ctx.pick(days) for _ in range(count))]
    return drafts


def _inflow_count(ctx: _Context, year: int, days: int) -> int:
    published = ctx.conf["published"].get(str(year))
    if published:
        return sum(row["inflow"] for row in published.values())
    per_year = ctx.conf["inflow"].get(str(year)) or ctx.rng.randint(*ctx.conf["inflow_per_year"])
    return round(per_year * days / len(_working_days(date(year, 1, 1), date(year, 12, 31))))


def _trajectory(ctx: _Context, draft: AftercareDraft) -> None:
    """The life of one case as it would run: notices, consent, release, closure."""
    conf, start = ctx.conf, draft.start
    first = _first_notice(ctx, start)
    draft.notices.append(first)
    draft.consent = ctx.draw(conf["consent"])
    draft.consent_on = _working_day_from(start + ctx.days(conf["consent_after_days"]))
    if draft.consent == REFUSED:
        draft.closed_on, draft.closure_reason = draft.consent_on, Case.ClosureReason.NO_AFTERCARE_WANTED
        return
    transferable = first.kind == DetentionKind.DETENTION and (first.expected_release - start).days > 60
    if transferable and ctx.chance(conf["second_notice_share"]):
        draft.notices.append(_transfer(ctx, first))
    released = draft.expected_release_on + ctx.days(conf["release_deviation_days"])
    draft.released_on = max(released, draft.consent_on + timedelta(days=7))
    draft.release_recorded_on = _working_day_from(
        draft.released_on + ctx.days(conf["release_recorded_within_days"])
    )
    draft.closed_on = _working_day_from(draft.released_on + ctx.days(conf["aftercare_after_release_days"]))
    draft.closure_reason = ctx.draw(conf["closure_reasons"])


def _first_notice(ctx: _Context, start: date) -> NoticeDraft:
    conf = ctx.conf
    remaining = timedelta(days=_span(ctx, conf["detention_days_after_notice"]))
    if ctx.chance(conf["self_reporter_share"]):
        call_up = start + ctx.days(conf["call_up_after_days"])
        return NoticeDraft(
            DetentionKind.SELF_REPORTER, "", call_up, call_up + remaining, start, ctx.on(start)
        )
    detained = start - ctx.days(conf["detained_days_before_notice"])
    institution = ctx.draw(conf["institutions"])
    return NoticeDraft(
        DetentionKind.DETENTION, institution, detained, start + remaining, start, ctx.on(start)
    )


def _transfer(ctx: _Context, first: NoticeDraft) -> NoticeDraft:
    """A second notice: the detainee moved to another institution, with a new expected release."""
    conf = ctx.conf
    received = _working_day_from(
        first.received_on
        + timedelta(days=ctx.rng.randint(30, (first.expected_release - first.received_on).days - 14))
    )
    expected = max(
        first.expected_release + ctx.days(conf["second_notice_release_shift_days"]),
        received + timedelta(days=14),
    )
    others = {name: weight for name, weight in conf["institutions"].items() if name != first.institution}
    return NoticeDraft(
        DetentionKind.DETENTION,
        ctx.rng.choices(list(others), weights=list(others.values()))[0],
        first.detention_start,
        expected,
        received,
        ctx.on(received),
    )


# --- Planning: escalations to procesregie -------------------------------------------------------------------


def _escalations(ctx: _Context, plans: Sequence[Plan], statuses: dict[Plan, str]) -> list[AftercareDraft]:
    """Procesregie cases of the case file that came from aftercare: an earlier aftercare case of the same
    person, escalated on the day the referral was received. Only cases after the published years, so the
    published figures stay as they are."""
    conf = ctx.conf["escalations"]
    free = date(max([ctx.profile["first_year"], *published_years(ctx.profile)]) + 1, 1, 1)
    earliest = free + timedelta(days=conf["aftercare_days_before"][0])
    pool = [plan for plan in plans if _may_have_come_from_aftercare(ctx, plan, statuses, earliest)]
    weights = [conf["preference_weight"] if plan.partner in conf["referrer_partners"] else 1 for plan in pool]
    keyed = sorted(
        ((ctx.rng.random() ** (1 / weight), index) for index, weight in enumerate(weights)), reverse=True
    )
    chosen = sorted(
        (pool[index] for _, index in keyed[: conf["cases"]]), key=lambda plan: plan.moments["registered"]
    )
    return [_escalated(ctx, plan, free) for plan in chosen]


def _may_have_come_from_aftercare(
    ctx: _Context, plan: Plan, statuses: dict[Plan, str], earliest: date
) -> bool:
    main = plan.subjects[0]
    if plan.outcome != COORDINATION or plan.legal_basis != LegalBasis.WGS or plan.received_on < earliest:
        return False
    age = _age(main, plan.received_on - timedelta(days=ctx.conf["escalations"]["aftercare_days_before"][1]))
    return (
        statuses[plan] in (CaseStatus.ACTIVE, CaseStatus.CLOSED)
        and plan.municipality in ctx.conf["municipalities"]
        and age is not None
        and age >= 18
    )


def _escalated(ctx: _Context, plan: Plan, free: date) -> AftercareDraft:
    """The aftercare case behind a referral: detained, released and then escalated when the risk grew; it
    goes on after the escalation."""
    conf = ctx.conf
    escalated_on = plan.received_on
    start = _working_day_from(
        max(free, escalated_on - ctx.days(conf["escalations"]["aftercare_days_before"]))
    )
    draft = AftercareDraft(start, municipality=plan.municipality, escalated_to=plan, consent=GIVEN)
    draft.escalated_at = plan.moments["registered"] + timedelta(minutes=1)
    draft.consent_on = _working_day_from(start + ctx.days(conf["consent_after_days"]))
    released = escalated_on - ctx.days(conf["escalations"]["released_days_before"])
    draft.released_on = max(released, draft.consent_on + timedelta(days=7))
    detained = start - ctx.days(conf["detained_days_before_notice"])
    expected = draft.released_on + ctx.days((0, 7))  # released a few days early
    institution = ctx.draw(conf["institutions"])
    draft.notices.append(
        NoticeDraft(DetentionKind.DETENTION, institution, detained, expected, start, ctx.on(start))
    )
    recorded = _working_day_from(draft.released_on + ctx.days(conf["release_recorded_within_days"]))
    draft.release_recorded_on = min(recorded, escalated_on - timedelta(days=1))
    draft.closed_on = _working_day_from(escalated_on + ctx.days(conf["escalations"]["closed_after_days"]))
    draft.closure_reason = ctx.draw(conf["closure_reasons"])
    return draft


# --- Planning: the published figures ------------------------------------------------------------------------


def _fit_published(ctx: _Context, drafts: list[AftercareDraft]) -> None:
    """In every published year exactly the published inflow and active cases per municipality."""
    for year in published_years(ctx.profile):
        rows = ctx.conf["published"][str(year)]
        first = date(year, 1, 1)
        _carry_exactly(ctx, drafts, first, sum(row["active"] - row["inflow"] for row in rows.values()))
        inflow = [draft for draft in drafts if draft.start.year == year]
        carried = [draft for draft in drafts if draft.start < first and draft.open_on(first)]
        _deal(ctx.rng, inflow, {code: row["inflow"] for code, row in rows.items()}, f"{year} inflow")
        carried_counts = {code: row["active"] - row["inflow"] for code, row in rows.items()}
        _deal(ctx.rng, carried, carried_counts, f"{year} carried over")


def _carry_exactly(ctx: _Context, drafts: list[AftercareDraft], first: date, target: int) -> None:
    """Exactly `target` cases of earlier years are open on `first` (1 January): cases of the year before
    that had their release in time close before it, or cases that closed in it close in the new year."""
    before = [draft for draft in drafts if draft.start < first]
    carried = [draft for draft in before if draft.open_on(first)]
    last_year, latest_release = first.year - 1, first - timedelta(days=45)
    if len(carried) > target:
        pool = [
            draft
            for draft in carried
            if draft.adjustable
            and draft.start.year == last_year
            and (draft.released_on or first) <= latest_release
        ]
        _check_pool(pool, len(carried) - target, first.year)
        for draft in ctx.rng.sample(pool, len(carried) - target):
            low = (draft.release_recorded_on or first) + timedelta(days=30)
            draft.closed_on = ctx.between(min(low, first - timedelta(days=2)), first - timedelta(days=2))
    elif len(carried) < target:
        open_ones = set(carried)
        pool = [
            draft
            for draft in before
            if draft.adjustable and draft.start.year == last_year and draft not in open_ones
        ]
        _check_pool(pool, target - len(carried), first.year)
        for draft in ctx.rng.sample(pool, target - len(carried)):
            draft.closed_on = ctx.between(first + timedelta(days=1), first + timedelta(days=180))


def _check_pool(pool: list[AftercareDraft], needed: int, year: int) -> None:
    if len(pool) < needed:
        raise ProfileError(
            f"aftercare: {year}: only {len(pool)} cases of {year - 1} can move across the new year, "
            f"not {needed}."
        )


def _deal(rng: random.Random, drafts: list[AftercareDraft], counts: dict[str, int], what: str) -> None:
    """Municipalities for `drafts` so that each is used exactly `counts` times (those already set count)."""
    needed = Counter(counts)
    unlabelled = []
    for draft in drafts:
        if draft.municipality:
            needed[draft.municipality] -= 1
        else:
            unlabelled.append(draft)
    labels = [code for code, count in needed.items() for _ in range(max(count, 0))]
    if any(count < 0 for count in needed.values()) or len(labels) != len(unlabelled):
        raise ProfileError(
            f"aftercare: {what}: {len(drafts)} cases for the published {sum(counts.values())}."
        )
    rng.shuffle(labels)
    for draft, label in zip(unlabelled, labels, strict=True):
        draft.municipality = label


# --- Planning: as it stands today, and the person -----------------------------------------------------------


def _as_of_today(ctx: _Context, draft: AftercareDraft) -> None:
    """Keep what happened before today; what lies after it has not happened yet."""
    today = ctx.today
    draft.notices = [notice for notice in draft.notices if notice.received_on < today]
    if draft.consent_on is None or draft.consent_on >= today:
        draft.consent, draft.consent_on = UNKNOWN, None  # not asked yet: nothing after it happened either
        draft.released_on = draft.release_recorded_on = draft.closed_on = None
        draft.closure_reason = ""
        return
    draft.consent_at = ctx.on(draft.consent_on, after=draft.registered_at)
    draft.consent_channel = ctx.draw(ctx.conf["consent_channels"])
    draft.consent_note = ctx.pick(ctx.texts["consent_notes"][draft.consent])
    if draft.consent == REFUSED:
        draft.closed_at = draft.consent_at + STEP  # consent_record closes the case in the same transaction
        return
    if draft.release_recorded_on is not None and draft.release_recorded_on < today:
        draft.release_at = ctx.on(draft.release_recorded_on, after=draft.consent_at)
    else:
        draft.released_on = draft.release_recorded_on = None
    if draft.closed_on is not None and draft.closed_on < today:
        draft.closed_at = ctx.on(draft.closed_on, after=draft.release_at or draft.consent_at)
    else:
        draft.closed_on, draft.closure_reason = None, ""


def _person(ctx: _Context, draft: AftercareDraft, taken: set[str]) -> SubjectPlan:
    """A detainee: mostly a man, an adult of an age from the profile, with a BSN about half the time."""
    conf = ctx.conf
    gender = ctx.draw(conf["gender"])
    code = ctx.draw(conf["age_of_detainee"])
    bucket = next(row for row in ctx.profile["age_buckets"] if row["code"] == code)
    age = ctx.rng.randint(*bucket["draw"])
    born = date(draft.start.year - age, 1, 1) + timedelta(days=draft.start.timetuple().tm_yday - 1)
    born -= timedelta(days=ctx.rng.randint(0, 364))  # he turned `age` in the year before the notice
    bsn = people.bsn_new(ctx.rng, taken) if ctx.chance(conf["bsn_share"]) else ""
    return SubjectPlan(people.name_for(ctx.rng, gender), gender, born, bsn)


# --- Planning: what the nazorgcoördinator recorded ----------------------------------------------------------


def _details(ctx: _Context, draft: AftercareDraft) -> None:
    draft.conditions = _conditions(ctx, draft)
    draft.tasks = _tasks(ctx, draft)
    draft.information = _information(ctx, draft)
    if draft.consent == GIVEN and draft.release_at is not None and ctx.chance(ctx.conf["guidance"]["share"]):
        draft.guidance = _guidance(ctx, draft)


def _conditions(ctx: _Context, draft: AftercareDraft) -> list[ConditionDraft]:
    """The five conditions as the service made them; with consent assessed at intake, again once the
    release is recorded, and three months after it (mostly for the better)."""
    rows = [ConditionDraft(kind) for kind in CONDITION_KINDS]
    if draft.consent != GIVEN:
        return rows
    conf = ctx.conf["conditions"]
    after_three_months = (
        draft.released_on is not None
        and draft.release_at is not None
        and (draft.released_on + timedelta(days=91) < draft.last_day(ctx.today))
    )
    for row in rows:
        _assess(ctx, row, 0, ctx.draw(conf["at_intake"][row.kind]))
        if draft.release_at is not None:
            _assess(ctx, row, 1, ctx.draw(conf["next"][row.states[0]]))
        if after_three_months:
            _assess(ctx, row, 2, ctx.draw(conf["next"][row.states[1]]))
        row.actions = _actions(ctx, draft, row)
    return rows


def _assess(ctx: _Context, row: ConditionDraft, moment: int, state: str) -> None:
    row.states[moment] = state
    if state in NOTED_STATES:
        row.notes[moment] = ctx.pick(ctx.texts["conditions"][row.kind][state])
        row.updates += 1


def _actions(ctx: _Context, draft: AftercareDraft, row: ConditionDraft) -> list[ActionDraft]:
    """An action agreed at intake on a condition that needs one, now and then: done in a closed case, in
    an open one mostly done once due."""
    conf = ctx.conf["actions"]
    if row.states[0] not in NEEDS_ACTION or not ctx.chance(conf["share"]):
        return []
    assert draft.consent_at is not None
    created = draft.consent_at + timedelta(minutes=ctx.rng.randint(2, 40))
    due = created.date() + ctx.days(conf["due_in_days"])
    named = (
        people.name_for(ctx.rng, ctx.rng.choice(("male", "female"))).full_name
        if ctx.chance(conf["named_share"])
        else ""
    )
    action = ActionDraft(
        ctx.pick(ctx.texts["actions"][row.kind]),
        ctx.pick(conf["partners"][row.kind]),
        named,
        due,
        created,
    )
    last = draft.last_day(ctx.today)
    first_day = created.date() + timedelta(days=1)
    closed = draft.closed_on is not None
    done = closed or (due <= last and ctx.chance(conf["done_share"])) or ctx.chance(conf["done_early_share"])
    if first_day <= last and done:
        action.done_on = ctx.between(first_day, min(due + timedelta(days=7), last))
    return [action]


def _release_basis(draft: AftercareDraft) -> list[tuple[date, date]]:
    """From which day the tasks counted from which release: each notice's expected release, then the
    release once recorded (`release_tasks_plan`)."""
    basis = [(notice.received_on, notice.expected_release) for notice in draft.notices]
    if draft.release_at is not None and draft.released_on is not None:
        assert draft.release_recorded_on is not None
        basis.append((draft.release_recorded_on, draft.released_on))
    return basis


def _basis_on(basis: list[tuple[date, date]], day: date) -> date:
    current = basis[0][1]
    for since, release in basis:
        if since <= day:
            current = release
    return current


def _tasks(ctx: _Context, draft: AftercareDraft) -> list[TaskDraft]:
    """The four release tasks the first notice set. A task done keeps the date it had then; an open one
    counts from the latest release. In an open case only tasks due in the last weeks may still be open
    (the nazorgcoördinator catches up); the daily reminder reported open ones past due until its last run."""
    basis, last = _release_basis(draft), draft.last_day(ctx.today)
    latest = _basis_on(basis, last)
    tasks = []
    for kind, offset in RELEASE_TASK_OFFSETS.items():
        task = TaskDraft(str(kind), latest + timedelta(days=offset))
        earliest = (
            draft.consent_on if offset < 0 else (draft.release_recorded_on if draft.release_at else None)
        )
        if (
            draft.consent == GIVEN
            and earliest is not None
            and task.due_on <= last
            and _done(ctx, draft, task)
        ):
            done = task.due_on + ctx.days(ctx.conf["tasks"]["done_around_due_days"])
            task.done_on = min(max(done, earliest), last)
            task.due_on = _basis_on(basis, task.done_on) + timedelta(days=offset)
        elif task.due_on <= last:
            task.reminded_on = draft.closed_on or ctx.yesterday
        tasks.append(task)
    return tasks


def _done(ctx: _Context, draft: AftercareDraft, task: TaskDraft) -> bool:
    conf = ctx.conf["tasks"]
    if draft.closed_on is not None:
        return ctx.chance(conf["done_share_closed"])
    recent = task.due_on >= ctx.today - timedelta(days=conf["open_past_due_days"])
    return not recent or ctx.chance(conf["done_share_open"])


def _information(ctx: _Context, draft: AftercareDraft) -> list[InformationDraft]:
    """What DJI, probation and the municipality told: with consent from every source now and then, without
    it only what DJI sent with the notice."""
    conf = ctx.conf["information"]
    if draft.consent == GIVEN:
        sources = [source for source in SOURCES if ctx.chance(conf[source])]
    else:
        sources = [InformationSource.DJI.value] if ctx.chance(conf["refused_dji"]) else []
    last = draft.last_day(ctx.today)
    if draft.release_at is not None:
        last = min(last, draft.release_recorded_on or last)
    records = []
    for source in sources:
        day = ctx.between(draft.start, max(draft.start, last))
        content = ctx.pick(ctx.texts["information"][source])
        records.append(InformationDraft(source, day, content, ctx.on(day, after=draft.registered_at)))
    return records


def _guidance(ctx: _Context, draft: AftercareDraft, *, until_today: bool = False) -> GuidanceDraft | None:
    """Outreach guidance from around the release for eight to thirty-six weeks, in a closed case until the
    day it closed (the nazorgcoördinator ends it, then closes the case); contacts every one to three weeks
    while it runs. `until_today`: still running today."""
    conf, texts = ctx.conf["guidance"], ctx.texts
    assert draft.released_on is not None
    assert draft.consent_on is not None
    start = draft.released_on + ctx.days(conf["start_after_release_days"])
    started = _working_day_from(max(start, draft.consent_on + timedelta(days=1)))
    last = draft.closed_on - timedelta(days=14) if draft.closed_on is not None else ctx.yesterday
    if started > last:
        return None
    episode = GuidanceDraft(
        ctx.pick(texts["guidance_reasons"]), started, ctx.on(started, after=draft.consent_at)
    )
    ended = draft.closed_on or started + timedelta(weeks=ctx.rng.randint(*conf["weeks"]))
    if ended < ctx.today and not until_today:
        episode.ended_on, episode.end_note = ended, ctx.pick(texts["guidance_results"])
        episode.ended_at = ctx.on(ended, after=episode.started_at)
        if draft.closed_at is not None:
            episode.ended_at = draft.closed_at - timedelta(minutes=10)
    goals = ctx.rng.sample(texts["guidance_goals"], ctx.rng.randint(*conf["goals"]))
    achieved = episode.ended_on is not None
    episode.goals = [(goal, achieved and ctx.chance(conf["goal_achieved_share"])) for goal in goals]
    episode.contacts = _contacts(ctx, episode)
    return episode


def _contacts(ctx: _Context, episode: GuidanceDraft) -> list[ContactDraft]:
    conf = ctx.conf["guidance"]
    last = episode.ended_on or ctx.yesterday
    contacts = []
    day = episode.started_on  # the first visit starts the guidance
    while day <= last:
        kind = ctx.draw(conf["contact_kinds"])
        contacts.append(
            ContactDraft(
                day,
                kind,
                ctx.rng.randint(*conf["contact_minutes"]),
                ctx.pick(ctx.texts["contact_notes"]),
            )
        )
        day = _working_day_from(day + ctx.days(conf["contact_every_days"]))
    return contacts


def _something_to_show(ctx: _Context, drafts: list[AftercareDraft]) -> None:
    """Today's desk shows what the screens are for: at least one running guidance episode (the guidance
    worker sees its case) and one release task open past its due date in an open case (the reminder)."""
    released = [d for d in drafts if d.closed_on is None and d.consent == GIVEN and d.release_at is not None]
    if not any(d.guidance is not None and d.guidance.ended_on is None for d in released):
        for draft in reversed(released):  # the latest release that leaves room for a first visit
            episode = _guidance(ctx, draft, until_today=True)
            if episode is not None:
                draft.guidance = episode
                break
    tasks = [(task.due_on, d, task) for d in released for task in d.tasks if task.due_on < ctx.today]
    if tasks and all(task.done_on is not None for _due, _draft, task in tasks):
        _due, draft, task = max(tasks, key=lambda row: row[0])
        release = _basis_on(_release_basis(draft), ctx.yesterday)  # an open task counts from the latest
        task.due_on = release + timedelta(days=RELEASE_TASK_OFFSETS[task.kind])
        task.done_on, task.reminded_on = None, ctx.yesterday if task.due_on < ctx.today else None


def _references(ctx: _Context, drafts: list[AftercareDraft]) -> None:
    """DJI's references, numbered per year in the order DJI sent them (with gaps: DJI numbers every
    notice in the country)."""
    notices = sorted(
        (notice for draft in drafts for notice in draft.notices), key=lambda notice: notice.registered_at
    )
    numbers: dict[int, int] = {}
    for notice in notices:
        year = notice.received_on.year
        numbers[year] = numbers.get(year, ctx.rng.randint(200, 900)) + ctx.rng.randint(3, 45)
        notice.reference = f"DJI-{year}-{numbers[year]:06d}"


# --- The profile section ------------------------------------------------------------------------------------


def profile_errors(profile: Profile) -> list[str]:
    """What in the profile's aftercare section cannot hold: accounts with the wrong role, published rows
    with more inflow than active cases, years without an inflow, conditions without texts."""
    conf = profile.get("aftercare")
    if conf is None:
        return ["aftercare: the profile has no aftercare section."]
    return _account_errors(profile, conf) + _published_errors(profile, conf) + _text_errors(conf)


def _account_errors(profile: Profile, conf: dict[str, Any]) -> list[str]:
    roles = {row["username"]: row["role"] for row in profile["accounts"]}
    wanted = {conf["coordinator"]: Role.AFTERCARE_COORDINATOR, conf["guidance_worker"]: Role.GUIDANCE_WORKER}
    return [
        f"aftercare: {username!r} is not an account with the role {role}."
        for username, role in wanted.items()
        if roles.get(username) != role
    ]


def _published_errors(profile: Profile, conf: dict[str, Any]) -> list[str]:
    errors = []
    served = set(conf["municipalities"])
    for year, rows in conf["published"].items():
        if int(year) <= profile["first_year"]:
            errors.append(f"aftercare: {year} is published but no year before it leads up to it.")
        for code, row in rows.items():
            if code not in served:
                errors.append(f"aftercare: {year}: {code} is not among the aftercare municipalities.")
            if not 0 <= row["inflow"] <= row["active"]:
                errors.append(f"aftercare: {year}: {code} has more inflow than active cases.")
    last = max([int(year) for year in conf["published"]], default=profile["first_year"])
    for year in range(profile["first_year"], last + 1):
        if str(year) not in conf["published"] and str(year) not in conf["inflow"]:
            errors.append(f"aftercare: {year} has no inflow.")
    return errors


def _text_errors(conf: dict[str, Any]) -> list[str]:
    texts = conf["texts"]
    errors = [
        f"aftercare: the condition {kind} lacks {what}."
        for kind in ConditionKind.values
        for what, present in (
            ("intake weights", kind in conf["conditions"]["at_intake"]),
            ("action texts", bool(texts["actions"].get(kind))),
            ("action partners", bool(conf["actions"]["partners"].get(kind))),
            ("notes", all(texts["conditions"].get(kind, {}).get(state) for state in NOTED_STATES)),
        )
        if not present
    ]
    errors += [
        f"aftercare: no information texts for {source}."
        for source in InformationSource.values
        if not texts["information"].get(source)
    ]
    return errors


# --- Writing ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    coordinator: User
    worker: User
    municipalities: dict[str, Municipality]
    partners: dict[str, Partner]

    def municipality_id(self, code: str) -> int:
        municipality = self.municipalities.get(code)
        if municipality is None or not municipality.provides_aftercare:
            raise ProfileError(f"aftercare: the bureau does no aftercare for the municipality {code!r}.")
        return municipality.pk

    def partner_id(self, code: str) -> int:
        partner = self.partners.get(code)
        if partner is None:
            raise ProfileError(f"The profile names partner {code!r}, which the reference data lacks.")
        return partner.pk


@dataclass
class _Written:
    """The ids handed out to the drafts, per kind of row."""

    cases: dict[AftercareDraft, int]
    files: dict[AftercareDraft, int]
    persons: dict[AftercareDraft, int]
    conditions: dict[ConditionDraft, int]
    episodes: dict[GuidanceDraft, int]
    participants: dict[GuidanceDraft, int]
    numbers: dict[AftercareDraft, str]
    referrals: dict[AftercareDraft, Case]


ID_MODELS = (Case, Person, AftercareFile, BasicCondition, GuidanceEpisode, Participant)
Event = tuple[datetime, str, dict[str, Any]]  # a timeline event: when, kind, payload


def write_aftercare(
    aftercare: AftercarePlan,
    *,
    cases: dict[Plan, Case],
    users: dict[str, User],
    municipalities: dict[str, Municipality],
    partners: dict[str, Partner],
    last_numbers: dict[int, int],
    today: date,
) -> dict[str, int]:
    """Insert the aftercare cases with everything that hangs on them; returns the rows created per kind.
    Case numbers continue each year's numbering after the case file's (`last_numbers`), and the counters
    after them."""
    tables = _Tables(users[aftercare.coordinator], users[aftercare.guidance_worker], municipalities, partners)
    drafts = aftercare.drafts
    written = _give_ids(drafts, cases, last_numbers)
    timelines = {draft: _timeline(draft, written, tables) for draft in drafts}
    persons = _insert(Person, _person_rows(drafts, written))
    created = {
        "aftercare cases": _insert(Case, _case_rows(timelines, written, tables)),
        "persons": persons,
        "subjects": _insert(Subject, _subject_rows(drafts, written, tables)),
    }
    _insert(AftercareFile, _file_rows(drafts, written, tables))
    created |= _write_records(drafts, written, tables)
    created["case events"] = _insert(CaseEvent, _event_rows(timelines, written, tables))
    _referrals_touch(written)
    _counters_continue(written)
    _sequences_reset(ID_MODELS)
    created["case permissions"] = _grants_write(drafts, written, tables, today)
    return created


def _give_ids(
    drafts: list[AftercareDraft], cases: dict[Plan, Case], last_numbers: dict[int, int]
) -> _Written:
    """Ids in the order the rows were made; case numbers per year after the case file's last."""
    episodes = [draft.guidance for draft in drafts if draft.guidance is not None]
    escalated = [draft for draft in drafts if draft.escalated_to is not None]
    persons = _escalated_persons(escalated, cases)
    new = [draft for draft in drafts if draft.escalated_to is None]
    last = Counter(last_numbers)
    numbers = {}
    for draft in drafts:  # in order of registration
        last[draft.start.year] += 1
        numbers[draft] = f"{draft.start.year}-{last[draft.start.year]:04d}"
    return _Written(
        cases=_Ids(Case).give(drafts),
        files=_Ids(AftercareFile).give(drafts),
        persons=persons | _Ids(Person).give(new),
        conditions=_Ids(BasicCondition).give([row for draft in drafts for row in draft.conditions]),
        episodes=_Ids(GuidanceEpisode).give(episodes),
        participants=_Ids(Participant).give(episodes),
        numbers=numbers,
        referrals={draft: cases[draft.escalated_to] for draft in escalated if draft.escalated_to is not None},
    )


def _escalated_persons(escalated: list[AftercareDraft], cases: dict[Plan, Case]) -> dict[AftercareDraft, int]:
    """The main subject of each referral an aftercare case was escalated to: the same person."""
    referral_ids = {
        draft: cases[draft.escalated_to].pk for draft in escalated if draft.escalated_to is not None
    }
    main = dict(
        Subject.objects.filter(case_id__in=referral_ids.values(), is_primary=True).values_list(
            "case_id", "person_id"
        )
    )
    return {draft: main[case_id] for draft, case_id in referral_ids.items()}


def _person_rows(drafts: list[AftercareDraft], written: _Written) -> list[Row]:
    return [
        {
            "id": written.persons[draft],
            "first_name": draft.person.name.first_name,
            "name_prefix": draft.person.name.name_prefix,
            "last_name": draft.person.name.last_name,
            "date_of_birth": draft.person.date_of_birth,
            "gender": draft.person.gender,
            "bsn": draft.person.bsn,
            "created_at": draft.registered_at,
        }
        for draft in drafts
        if draft.person is not None
    ]


def _case_rows(timelines: dict[AftercareDraft, list[Event]], written: _Written, tables: _Tables) -> list[Row]:
    """The case as the services left it: active from the first notice, closed with a reason; its version
    and last change follow its timeline, as in the rest of the demo data."""
    rows = []
    for draft, timeline in timelines.items():
        moments = [moment for moment, _kind, _payload in timeline]
        rows.append(
            {
                "id": written.cases[draft],
                "number": written.numbers[draft],
                "kind": Case.Kind.AFTERCARE,
                "intensity": "",
                "status": CaseStatus.CLOSED if draft.closed_at else CaseStatus.ACTIVE,
                "legal_basis": LegalBasis.CONSENT,
                "coordinator_id": tables.coordinator.pk,
                "created_at": draft.registered_at,
                "updated_at": max(moments),
                "decided_on": None,
                "closed_at": draft.closed_at,
                "closure_reason": draft.closure_reason if draft.closed_at else "",
                "closure_evaluation": "",
                "version": len(moments),
            }
        )
    return rows


def _subject_rows(drafts: list[AftercareDraft], written: _Written, tables: _Tables) -> list[Row]:
    return [
        {
            "case_id": written.cases[draft],
            "person_id": written.persons[draft],
            "is_primary": True,
            "municipality_id": tables.municipality_id(draft.municipality),
            "relation": "",
        }
        for draft in drafts
    ]


def _file_rows(drafts: list[AftercareDraft], written: _Written, tables: _Tables) -> list[Row]:
    """Each recorded consent, release and escalation bumped the file's version."""
    return [
        {
            "id": written.files[draft],
            "case_id": written.cases[draft],
            "person_id": written.persons[draft],
            "municipality_id": tables.municipality_id(draft.municipality),
            "consent": draft.consent,
            "consent_on": draft.consent_on,
            "consent_channel": draft.consent_channel,
            "consent_note": draft.consent_note,
            "expected_release_on": draft.expected_release_on,
            "released_on": draft.released_on if draft.release_at else None,
            "escalated_to_id": written.referrals[draft].pk if draft in written.referrals else None,
            "version": 1
            + (draft.consent_at is not None)
            + (draft.release_at is not None)
            + (draft in written.referrals),
        }
        for draft in drafts
    ]


def _write_records(drafts: list[AftercareDraft], written: _Written, tables: _Tables) -> dict[str, int]:
    """The notices, conditions with their actions, release tasks, information and guidance."""
    nazorg = tables.coordinator.pk
    notices = [
        {
            "aftercare_id": written.files[draft],
            "reference": notice.reference,
            "kind": notice.kind,
            "institution": notice.institution,
            "detention_start": notice.detention_start,
            "expected_release": notice.expected_release,
            "received_on": notice.received_on,
            "batch_id": None,
            "registered_by_id": nazorg,
            "registered_at": notice.registered_at,
            "version": 1,
        }
        for draft in drafts
        for notice in draft.notices
    ]
    tasks = [
        {
            "aftercare_id": written.files[draft],
            "kind": task.kind,
            "due_on": task.due_on,
            "done_on": task.done_on,
            "done_by_id": nazorg if task.done_on else None,
            "reminded_on": task.reminded_on,
        }
        for draft in drafts
        for task in draft.tasks
    ]
    information = [
        {
            "aftercare_id": written.files[draft],
            "source": record.source,
            "received_on": record.received_on,
            "content": record.content,
            "recorded_by_id": nazorg,
            "recorded_at": record.recorded_at,
        }
        for draft in drafts
        for record in draft.information
    ]
    return {
        "detention notices": _insert(DetentionNotice, notices),
        **_write_conditions(drafts, written, tables),
        "release tasks": _insert(ReleaseTask, tasks),
        "aftercare information": _insert(AftercareInformation, information),
        **_write_guidance(drafts, written, tables),
    }


def _write_conditions(drafts: list[AftercareDraft], written: _Written, tables: _Tables) -> dict[str, int]:
    conditions = [
        {
            "id": written.conditions[row],
            "aftercare_id": written.files[draft],
            "kind": row.kind,
            "at_intake": row.states[0],
            "intake_note": row.notes[0],
            "at_release": row.states[1],
            "release_note": row.notes[1],
            "after_three_months": row.states[2],
            "after_note": row.notes[2],
            "version": 1 + row.updates,
        }
        for draft in drafts
        for row in draft.conditions
    ]
    actions = [
        {
            "condition_id": written.conditions[row],
            "what": action.what,
            "owner_partner_id": tables.partner_id(action.owner_partner),
            "owner_name": action.owner_name,
            "due_on": action.due_on,
            "done_on": action.done_on,
            "created_by_id": tables.coordinator.pk,
            "created_at": action.created_at,
        }
        for draft in drafts
        for row in draft.conditions
        for action in row.actions
    ]
    return {
        "basic conditions": _insert(BasicCondition, conditions),
        "condition actions": _insert(ConditionAction, actions),
    }


def _write_guidance(drafts: list[AftercareDraft], written: _Written, tables: _Tables) -> dict[str, int]:
    """The episodes with their goals and contacts, and the guidance worker's participation in the case
    for as long as the episode ran (`guidance_start`, `guidance_end`)."""
    running = [(draft, draft.guidance) for draft in drafts if draft.guidance is not None]
    nazorg, worker = tables.coordinator.pk, tables.worker.pk
    episodes = [
        {
            "id": written.episodes[episode],
            "aftercare_id": written.files[draft],
            "worker_id": worker,
            "reason": episode.reason,
            "started_on": episode.started_on,
            "ended_on": episode.ended_on,
            "end_note": episode.end_note,
            "started_by_id": nazorg,
        }
        for draft, episode in running
    ]
    participants = [
        {
            "id": written.participants[episode],
            "case_id": written.cases[draft],
            "user_id": worker,
            "organisation_id": tables.worker.organisation_id,
            "role_in_case": _("guidance worker"),
            "start_date": episode.started_on,
            "end_date": episode.ended_on,
            "legal_basis": LegalBasis.CONSENT,
            "added_by_id": nazorg,
            "added_at": episode.started_at,
            "ended_by_id": nazorg if episode.ended_on else None,
        }
        for draft, episode in running
    ]
    goals = [
        {"episode_id": written.episodes[episode], "description": goal, "achieved": achieved}
        for _draft, episode in running
        for goal, achieved in episode.goals
    ]
    contacts = [
        {
            "episode_id": written.episodes[episode],
            "contacted_on": contact.contacted_on,
            "kind": contact.kind,
            "minutes": contact.minutes,
            "note": contact.note,
            "recorded_by_id": worker,
        }
        for _draft, episode in running
        for contact in episode.contacts
    ]
    return {
        "guidance episodes": _insert(GuidanceEpisode, episodes),
        "guidance goals": _insert(GuidanceGoal, goals),
        "guidance contacts": _insert(GuidanceContact, contacts),
        "participants": _insert(Participant, participants),
    }


# --- Writing: the timelines ---------------------------------------------------------------------------------


def _timeline(draft: AftercareDraft, written: _Written, tables: _Tables) -> list[Event]:
    """The events the services wrote on the aftercare case, in order, with their payloads."""
    K = CaseEvent.Kind
    events: list[Event] = [
        (
            notice.registered_at,
            K.DETENTION_NOTICE,
            {"reference": notice.reference, "kind": notice.kind, "institution": notice.institution},
        )
        for notice in draft.notices
    ]
    if draft.consent_at is not None and draft.consent_on is not None:
        payload = {
            "consent": draft.consent,
            "on": draft.consent_on.isoformat(),
            "channel": draft.consent_channel,
        }
        events.append((draft.consent_at, K.CONSENT_RECORDED, payload))
    if draft.release_at is not None and draft.released_on is not None:
        events.append((draft.release_at, K.RELEASE_RECORDED, {"released_on": draft.released_on.isoformat()}))
    if draft.guidance is not None:
        events += _guidance_events(draft.guidance, written, tables)
    if draft in written.referrals:
        referral = written.referrals[draft]
        summary = _("Referral %(number)s for the ketenkamer") % {"number": referral.number}
        assert draft.escalated_at is not None
        events.append(
            (
                draft.escalated_at,
                K.ESCALATED_TO_PROCESREGIE,
                {"referral": referral.pk, "number": referral.number, "summary": summary},
            )
        )
    if draft.closed_at is not None:
        events.append(
            (
                draft.closed_at,
                K.CASE_CLOSED,
                {"from": CaseStatus.ACTIVE.value, "reason": draft.closure_reason},
            )
        )
    return sorted(events, key=lambda event: event[0])


def _guidance_events(episode: GuidanceDraft, written: _Written, tables: _Tables) -> list[Event]:
    """`guidance_start` adds the participant, then records the start; `guidance_end` ends the participation,
    then records the end."""
    K = CaseEvent.Kind
    worker = str(tables.worker)
    participant = written.participants[episode]
    events: list[Event] = [
        (
            episode.started_at,
            K.PARTICIPANT_ADDED,
            {"participant": participant, "user": worker, "role": _("guidance worker")},
        ),
        (episode.started_at + STEP, K.GUIDANCE_STARTED, {"worker": worker}),
    ]
    if episode.ended_at is not None and episode.ended_on is not None:
        until = {"participant": participant, "user": worker, "until": episode.ended_on.isoformat()}
        events += [
            (episode.ended_at, K.PARTICIPANT_ENDED, until),
            (episode.ended_at + STEP, K.GUIDANCE_ENDED, {"worker": worker}),
        ]
    return events


def _event_rows(
    timelines: dict[AftercareDraft, list[Event]], written: _Written, tables: _Tables
) -> list[Row]:
    """Every aftercare case's timeline, and on each referral the escalation's event as
    `escalate_to_procesregie` writes it there."""
    nazorg = tables.coordinator.pk
    rows = [
        {
            "case_id": written.cases[draft],
            "kind": kind,
            "actor_id": nazorg,
            "occurred_at": moment,
            "payload": payload,
        }
        for draft, timeline in timelines.items()
        for moment, kind, payload in timeline
    ]
    for draft, referral in written.referrals.items():
        number = written.numbers[draft]
        assert draft.escalated_at is not None
        rows.append(
            {
                "case_id": referral.pk,
                "kind": CaseEvent.Kind.ESCALATED_TO_PROCESREGIE,
                "actor_id": tables.coordinator.pk,
                "occurred_at": draft.escalated_at,
                "payload": {
                    "aftercare": written.cases[draft],
                    "number": number,
                    "summary": _("From aftercare case %(number)s") % {"number": number},
                },
            }
        )
    return rows


def _referrals_touch(written: _Written) -> None:
    """The referral's timeline got the escalation's event (just after its registration, long before its
    last event): its version counts it."""
    Case.objects.filter(pk__in=[referral.pk for referral in written.referrals.values()]).update(
        version=F("version") + 1
    )


def _counters_continue(written: _Written) -> None:
    """New registrations continue each year's numbering after the last aftercare number."""
    last: dict[int, int] = {}
    for number in written.numbers.values():
        year, serial = (int(part) for part in number.split("-"))
        last[year] = max(last.get(year, 0), serial)
    existing = CaseNumberCounter.objects.in_bulk(list(last))
    for year, serial in sorted(last.items()):
        counter = existing.get(year) or CaseNumberCounter(year=year, last=0)
        counter.last = max(counter.last, serial)
        counter.save()


def _grants_write(drafts: list[AftercareDraft], written: _Written, tables: _Tables, today: date) -> int:
    """The guidance worker's grant on each open case with an episode, through `cases.access` as the
    participant services grant it (closed cases grant nothing)."""
    before = CaseUserObjectPermission.objects.count()
    open_ids = [
        written.cases[draft] for draft in drafts if draft.guidance is not None and draft.closed_at is None
    ]
    for case in Case.objects.in_bulk(open_ids).values():
        access.participant_access_sync(case=case, user=tables.worker, today=today)
    return CaseUserObjectPermission.objects.count() - before
