"""Procesregie data for the procesregie operations of `manage.py bench`.

The generated case file of `demo/scale.py` has no action plans or case meetings, and its procesregisseurs
run hundreds of active cases each at national scale. The procesregie operations need a plan on the busy case
and a caseload of a realistic size, so this module makes them for those operations and removes them when
they are done: the other operations, before and after, see the data set unchanged.

- `busy_case_plan`: the busy case (the measured procesregisseur's family case with its 200 timeline
  events) gets an action plan for its main subject: 5 goals, 50 agreements (15 done, 5 not done, 30 open
  of which 10 overdue), every version of the plan stored as the services store it (76 versions), and 3
  case meetings, one held with 8 of the agreements as its decisions, two upcoming. The timeline keeps its
  200 events, so the case page differs from the one measured before it only by the plan and the meetings.
  The generator makes no plans or meetings, so every plan and meeting of the busy case is this module's;
  that is how an interrupted run's leftovers are found and removed.
- `caseload`: a procesregisseur of his own, `bench-caseload-coordinator`, runs N active cases (his
  Mijn casussen), each with a referral, a main subject, a timeline, an action plan with one or two goals
  and two to five agreements (some done or not done, some overdue), a label on a fifth and an open
  escalation on an eighth. The cases are registered by `bench-procesregie-registrar` and numbered
  `PR-000001` …, so the case-number counters are untouched; that account is how they are found and removed.

Everything is written with `bulk_create`, from one seeded `random.Random`, without the services: those
write the access log, which is append-only, and refuse due dates in the past.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import (
    ActionPlan,
    Agreement,
    Case,
    CaseEvent,
    CaseMeeting,
    CaseMeetingInvitee,
    Escalation,
    Goal,
    Participant,
    Person,
    PlanRevision,
    Referral,
    Subject,
)
from cases.workflow import CaseStatus
from demo import scale
from zvhd.accounts.models import Role, User
from zvhd.reference.models import CaseLabel, LifeDomain, MainTopic, Municipality, Partner

# The busy case's plan.
PLAN_GOALS = 5
PLAN_AGREEMENTS = 50
# Of the agreements, in the order they were made: done, not done and overdue ones among the older ones.
PLAN_DONE = 15
PLAN_NOT_DONE = 5
PLAN_OVERDUE = 10
PLAN_MEETINGS = 3
# The decisions of the meeting held: agreements made in it.
MEETING_DECISIONS = 8

# The caseload.
CASELOAD_COORDINATOR = "bench-caseload-coordinator"
REGISTRAR = "bench-procesregie-registrar"
NUMBER_PREFIX = "PR"
CASELOAD_AGREEMENTS = (2, 5)
LABEL_SHARE = 0.2
ESCALATION_SHARE = 0.125

GOALS = (
    "Stabiel wonen zonder overlast voor de buren.",
    "Schulden in beeld en onder beheer van een bewindvoerder.",
    "Dagbesteding of werk, minstens drie dagdelen per week.",
    "Passende zorg voor de psychische klachten, met vaste behandelaar.",
    "Veilige thuissituatie voor de kinderen.",
)
AGREEMENTS = (
    "Huisbezoek met de wijkagent en de woonconsulent.",
    "Aanmelding bij de schuldhulpverlening.",
    "Intake bij de ggz plannen en de cliënt erheen begeleiden.",
    "Gesprek met de verhuurder over een gedragsaanwijzing.",
    "Bewindvoering aanvragen bij de rechtbank.",
    "Terugkoppeling aan de school over de thuissituatie.",
    "Contact met de reclassering over de bijzondere voorwaarden.",
    "Dagbesteding regelen via het sociaal wijkteam.",
    "Veiligheidsplan opstellen met het gezin.",
    "Medicatie-inname controleren via de wijkverpleging.",
)
NOT_DONE_REASON = "Cliënt niet bereikt; opnieuw ingepland in het volgende overleg."
PLAN_SUMMARY = (
    "Gezin met meervoudige problematiek: overlast, schulden, zorgmijding en zorgen over de kinderen."
)
MEETING_AGENDA = "1. Opening\n2. Stand van zaken per leefgebied\n3. Afspraken\n4. Rondvraag"
MEETING_MINUTES = "Alle partners gaven de stand van zaken; de afspraken staan hieronder als besluiten."
ESCALATION_REASON = "De woningcorporatie zet de ontruiming door; de afspraken in het plan lopen vast."
GUEST = "M. de Boer"


# --- The busy case's plan and meetings -------------------------------------------------------------------


@dataclass(frozen=True)
class BusyPlan:
    """The plan made on the busy case: what its page must show."""

    case: Case
    agreements: int
    meetings: int


@contextmanager
def busy_case_plan(case: Case, *, seed: int) -> Iterator[BusyPlan]:
    """The busy case with an action plan and case meetings while the block runs; removed afterwards."""
    busy_case_plan_remove(case)  # what an interrupted run left
    try:
        _busy_plan_generate(case, seed=seed)
        yield BusyPlan(case=case, agreements=PLAN_AGREEMENTS, meetings=PLAN_MEETINGS)
    finally:
        busy_case_plan_remove(case)


def busy_case_plan_remove(case: Case) -> None:
    """Every plan (with its goals, agreements and versions) and meeting of the busy case."""
    with transaction.atomic():
        ActionPlan.objects.filter(case=case).delete()
        CaseMeeting.objects.filter(case=case).delete()


def _busy_plan_generate(case: Case, *, seed: int) -> None:
    rng = random.Random(f"{seed}:busy-plan")
    now = timezone.now()
    today = timezone.localdate()
    coordinator = case.coordinator
    if coordinator is None:
        raise ValueError("The busy case has no procesregisseur.")
    subject = case.subjects.select_related("person").get(is_primary=True)
    participants = [
        participant
        for participant in Participant.objects.filter(case=case).select_related(
            "user__organisation", "organisation"
        )
        if participant.start_date <= today and (participant.end_date is None or participant.end_date >= today)
    ]
    partners = list(Partner.objects.active().order_by("pk"))
    domains = list(LifeDomain.objects.active().order_by("pk"))[:PLAN_GOALS]
    # The plan runs from the start of procesregie (the case's last status change), at least three months.
    started = (
        case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    ) or case.created_at
    started = min(started, now - timedelta(days=90))
    steps = 1 + PLAN_GOALS + PLAN_AGREEMENTS
    span = (now - timedelta(days=1) - started) / steps
    moments = [started + span * index + timedelta(minutes=rng.randrange(60)) for index in range(steps)]

    with transaction.atomic():
        plan = ActionPlan.objects.create(
            case=case, subject=subject, summary=PLAN_SUMMARY, updated_by=coordinator
        )
        goals = Goal.objects.bulk_create(
            Goal(plan=plan, life_domain=domain, description=GOALS[index % len(GOALS)], position=index + 1)
            for index, domain in enumerate(domains)
        )
        goal_times = {goal.pk: moments[1 + index] for index, goal in enumerate(goals)}
        first_decision = PLAN_AGREEMENTS // 2
        held = CaseMeeting(
            case=case,
            starts_at=moments[1 + PLAN_GOALS + first_decision] - timedelta(hours=2),
            location="Zorg- en Veiligheidshuis, overlegruimte 2",
            agenda=MEETING_AGENDA,
            minutes=MEETING_MINUTES,
            held=True,
            planned_by=coordinator,
            version=2,
        )
        held.minutes_final_at = held.starts_at + timedelta(hours=3)
        upcoming = [
            CaseMeeting(
                case=case,
                starts_at=_moment(today + timedelta(days=days), hour=10),
                location="Zorg- en Veiligheidshuis, overlegruimte 1",
                agenda=MEETING_AGENDA,
                planned_by=coordinator,
            )
            for days in (7, 35)
        ][: PLAN_MEETINGS - 1]
        meetings = CaseMeeting.objects.bulk_create([held, *upcoming])
        statuses = _busy_statuses(rng)
        agreements = []
        for index in range(PLAN_AGREEMENTS):
            decision = first_decision <= index < first_decision + MEETING_DECISIONS
            # The meeting's decisions were recorded together, after it.
            created = (
                held.starts_at + timedelta(hours=2, minutes=index)
                if decision
                else moments[1 + PLAN_GOALS + index]
            )
            agreement = Agreement(
                goal=goals[index % len(goals)],
                case=case,
                what=AGREEMENTS[index % len(AGREEMENTS)],
                created_at=created,
                created_by=coordinator,
                meeting=held if decision else None,
            )
            _owner(rng, agreement, coordinator=coordinator, participants=participants, partners=partners)
            _status(rng, agreement, statuses[index], today=today, now=now)
            agreements.append(agreement)
        Agreement.objects.bulk_create(agreements)
        CaseMeetingInvitee.objects.bulk_create(
            invitee
            for meeting in meetings
            for invitee in _invitees(rng, meeting, coordinator, participants, partners)
        )
        revisions = _revisions(plan, moments[0], goals, goal_times, agreements, by=coordinator)
        PlanRevision.objects.bulk_create(revisions)
        ActionPlan.objects.filter(pk=plan.pk).update(
            version=len(revisions), updated_at=revisions[-1].created_at
        )


def _busy_statuses(rng: random.Random) -> list[str]:
    """Per agreement in the order made: the older ones done, not done or overdue, the latest ones open."""
    older = PLAN_DONE + PLAN_NOT_DONE + PLAN_OVERDUE + 5
    statuses = (
        [Agreement.Status.DONE] * PLAN_DONE
        + [Agreement.Status.NOT_DONE] * PLAN_NOT_DONE
        + ["overdue"] * PLAN_OVERDUE
        + [Agreement.Status.OPEN] * (older - PLAN_DONE - PLAN_NOT_DONE - PLAN_OVERDUE)
    )
    rng.shuffle(statuses)
    return statuses + [Agreement.Status.OPEN] * (PLAN_AGREEMENTS - older)


def _invitees(
    rng: random.Random,
    meeting: CaseMeeting,
    coordinator: User,
    participants: list[Participant],
    partners: list[Partner],
) -> list[CaseMeetingInvitee]:
    invitees = [CaseMeetingInvitee(meeting=meeting, user=coordinator, organisation=coordinator.organisation)]
    invitees += [
        CaseMeetingInvitee(meeting=meeting, user=participant.user, organisation=participant.user.organisation)
        for participant in participants
    ]
    invitees.append(CaseMeetingInvitee(meeting=meeting, name=GUEST, organisation=rng.choice(partners)))
    if meeting.held:
        for invitee in invitees:
            invitee.attended = rng.random() < 0.85
    return invitees


def _revisions(
    plan: ActionPlan,
    created: datetime,
    goals: list[Goal],
    goal_times: dict[int, datetime],
    agreements: list[Agreement],
    *,
    by: User,
) -> list[PlanRevision]:
    """Every version the services would have stored: on creation, per goal, per agreement made and per
    agreement done or not done, each with the plan as it then was."""
    moments = sorted(
        [created, *goal_times.values()]
        + [agreement.created_at for agreement in agreements]
        + [agreement.completed_at for agreement in agreements if agreement.completed_at is not None]
    )
    return [
        PlanRevision(
            plan=plan,
            version=version,
            content=_content(plan, goals, goal_times, agreements, at=moment),
            created_at=moment,
            created_by=by,
        )
        for version, moment in enumerate(moments, start=1)
    ]


def _content(
    plan: ActionPlan,
    goals: list[Goal],
    goal_times: dict[int, datetime],
    agreements: list[Agreement],
    *,
    at: datetime,
) -> dict[str, Any]:
    """The plan as `cases.plans` stores a version of it, as it was at `at`."""

    def agreement_as_of(agreement: Agreement) -> dict[str, Any]:
        ended = agreement.completed_at is not None and agreement.completed_at <= at
        return {
            "id": agreement.pk,
            "what": agreement.what,
            "owner_partner": agreement.owner_partner.name if agreement.owner_partner else "",
            "owner": str(agreement.owner) if agreement.owner else agreement.owner_name,
            "due_date": agreement.due_date.isoformat(),
            "status": agreement.status if ended else Agreement.Status.OPEN,
            "not_done_reason": agreement.not_done_reason if ended else "",
        }

    content = {
        "summary": plan.summary,
        "goals": [
            {
                "id": goal.pk,
                "life_domain": goal.life_domain.name,
                "description": goal.description,
                "achieved": goal.achieved,
                "agreements": [
                    agreement_as_of(agreement)
                    for agreement in agreements
                    if agreement.goal_id == goal.pk and agreement.created_at <= at
                ],
            }
            for goal in goals
            if goal_times[goal.pk] <= at
        ],
    }
    return json.loads(json.dumps(content))  # as a JSON field reads it back


# --- The caseload ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    """The procesregisseur of the caseload and how many open cases he runs."""

    coordinator: User
    cases: int


@contextmanager
def caseload(*, cases: int, seed: int) -> Iterator[Caseload]:
    """A procesregisseur who runs `cases` active cases while the block runs; they are removed afterwards."""
    registrar = _account(REGISTRAR, role=Role.SUPPORT_OFFICER, last_name="Procesregie")
    coordinator = _account(CASELOAD_COORDINATOR, role=Role.COORDINATOR, last_name="Caseload")
    caseload_remove(registrar)  # what an interrupted run left
    try:
        _caseload_generate(cases=cases, seed=seed, registrar=registrar, coordinator=coordinator)
        yield Caseload(coordinator=coordinator, cases=cases)
    finally:
        caseload_remove(registrar)


def caseload_remove(registrar: User) -> None:
    """The generated cases (with their plans, agreements, timelines and escalations) and their persons."""
    cases = Case.objects.filter(referral__registered_by=registrar)
    person_ids = list(Subject.objects.filter(case__in=cases).values_list("person_id", flat=True))
    with transaction.atomic():
        cases.delete()
        for start in range(0, len(person_ids), 900):  # SQLite's limit on query parameters
            Person.objects.filter(pk__in=person_ids[start : start + 900]).delete()


def _caseload_generate(*, cases: int, seed: int, registrar: User, coordinator: User) -> None:
    rng = random.Random(f"{seed}:caseload:{cases}")
    now = timezone.now()
    today = timezone.localdate()
    support_officer = User.objects.filter(username=scale.SUPPORT_OFFICER).first() or registrar
    municipalities = list(Municipality.objects.active().order_by("pk"))
    partners = list(Partner.objects.active().order_by("pk"))
    topics = list(MainTopic.objects.active().order_by("pk"))
    domains = list(LifeDomain.objects.active().order_by("pk"))
    labels = list(CaseLabel.objects.active().filter(restricts_access=False).order_by("pk"))
    drafts = [
        _case_draft(rng, index=index, now=now, coordinator=coordinator, registrar=registrar)
        for index in range(cases)
    ]
    with transaction.atomic():
        Case.objects.bulk_create(case for case, _ in drafts)
        Referral.objects.bulk_create(
            _referral(rng, case, received, registrar=registrar, partners=partners, topics=topics)
            for case, received in drafts
        )
        persons = Person.objects.bulk_create(_person(rng, received) for _, received in drafts)
        subjects = Subject.objects.bulk_create(
            Subject(case=case, person=person, is_primary=True, municipality=rng.choice(municipalities))
            for (case, _), person in zip(drafts, persons, strict=True)
        )
        plans = ActionPlan.objects.bulk_create(
            ActionPlan(case=case, subject=subject, updated_by=coordinator)
            for (case, _), subject in zip(drafts, subjects, strict=True)
        )
        goals_per_plan = [
            [
                Goal(plan=plan, life_domain=domain, description=GOALS[index % len(GOALS)], position=position)
                for position, domain in enumerate(rng.sample(domains, rng.randint(1, 2)), start=1)
            ]
            for index, plan in enumerate(plans)
        ]
        Goal.objects.bulk_create(goal for goals in goals_per_plan for goal in goals)
        agreements_per_plan = []
        events = []
        for (case, received), goals in zip(drafts, goals_per_plan, strict=True):
            active_since = case.created_at + timedelta(days=rng.randint(14, 28))
            events += _case_events(case, received, active_since, registrar=registrar, support=support_officer)
            agreements = []
            for index in range(rng.randint(*CASELOAD_AGREEMENTS)):
                created = active_since + (now - active_since) * rng.random()
                agreement = Agreement(
                    goal=goals[index % len(goals)],
                    case=case,
                    what=rng.choice(AGREEMENTS),
                    created_at=created,
                    created_by=coordinator,
                )
                _owner(rng, agreement, coordinator=coordinator, participants=[], partners=partners)
                status = rng.choices(
                    [Agreement.Status.DONE, Agreement.Status.NOT_DONE, "overdue", Agreement.Status.OPEN],
                    weights=[25, 5, 15, 55],
                )[0]
                _status(rng, agreement, status, today=today, now=now)
                agreements.append(agreement)
                events.append(
                    CaseEvent(
                        case=case,
                        kind=CaseEvent.Kind.AGREEMENT_ADDED,
                        actor=coordinator,
                        occurred_at=created,
                        payload={"summary": agreement.what},
                    )
                )
            agreements_per_plan.append(agreements)
        Agreement.objects.bulk_create(
            agreement for agreements in agreements_per_plan for agreement in agreements
        )
        CaseEvent.objects.bulk_create(events)
        PlanRevision.objects.bulk_create(
            PlanRevision(
                plan=plan,
                version=plan.version,
                content=_content(
                    plan, goals, {goal.pk: plan.case.created_at for goal in goals}, agreements, at=now
                ),
                created_at=max((agreement.created_at for agreement in agreements), default=now),
                created_by=coordinator,
            )
            for plan, goals, agreements in zip(plans, goals_per_plan, agreements_per_plan, strict=True)
        )
        Escalation.objects.bulk_create(
            Escalation(
                case=case,
                to=Escalation.To.PARTNER_MANAGEMENT,
                reason=ESCALATION_REASON,
                ave_before=3,
                escalated_on=today - timedelta(days=rng.randint(1, 30)),
                by=coordinator,
            )
            for case, _ in drafts
            if rng.random() < ESCALATION_SHARE
        )
        if labels:
            Case.labels.through.objects.bulk_create(
                Case.labels.through(case=case, caselabel=rng.choice(labels))
                for case, _ in drafts
                if rng.random() < LABEL_SHARE
            )


def _case_draft(
    rng: random.Random, *, index: int, now: datetime, coordinator: User, registrar: User
) -> tuple[Case, datetime]:
    """An active coordination case, received two months to a year and a half ago."""
    received = _moment(timezone.localdate(now) - timedelta(days=rng.randint(60, 540)), hour=8)
    received += timedelta(minutes=rng.randrange(9 * 60))
    case = Case(
        number=f"{NUMBER_PREFIX}-{index + 1:06d}",
        kind=Case.Kind.COORDINATION,
        intensity=rng.choice(Case.Intensity.values),
        status=CaseStatus.ACTIVE,
        coordinator=coordinator,
        created_at=received,
    )
    return case, received


def _case_events(
    case: Case, received: datetime, active_since: datetime, *, registrar: User, support: User
) -> list[CaseEvent]:
    """Registration, triage and the start of procesregie (the plan's agreements follow)."""
    triage = received + (active_since - received) / 3
    return [
        CaseEvent(case=case, kind=CaseEvent.Kind.REFERRAL_REGISTERED, actor=registrar, occurred_at=received),
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            actor=support,
            occurred_at=triage,
            payload={"from": str(CaseStatus.REGISTERED), "to": str(CaseStatus.TRIAGE)},
        ),
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            actor=support,
            occurred_at=active_since,
            payload={"from": str(CaseStatus.TRIAGE), "to": str(CaseStatus.ACTIVE)},
        ),
    ]


def _referral(
    rng: random.Random,
    case: Case,
    received: datetime,
    *,
    registrar: User,
    partners: list[Partner],
    topics: list[MainTopic],
) -> Referral:
    first, (prefix, last) = rng.choice(scale.FEMALE_NAMES + scale.MALE_NAMES), rng.choice(scale.LAST_NAMES)
    return Referral(
        case=case,
        received_on=timezone.localdate(received),
        referrer_partner=rng.choice(partners),
        referrer_name=" ".join(part for part in (f"{first[0]}.", prefix, last) if part),
        referrer_role=rng.choice(scale.REFERRER_ROLES),
        referrer_phone=f"0592-{rng.randrange(100_000, 1_000_000)}",
        concerns=rng.choice(scale.CONCERNS),
        main_topic=rng.choice(topics),
        minors_in_system=rng.choice(Referral.MinorsInSystem.values),
        subject_informed=True,
        registered_by=registrar,
        registered_at=received,
    )


def _person(rng: random.Random, received: datetime) -> Person:
    family = rng.choice(scale.LAST_NAMES)
    female = rng.random() < 0.5
    return Person(
        first_name=rng.choice(scale.FEMALE_NAMES if female else scale.MALE_NAMES),
        name_prefix=family[0],
        last_name=family[1],
        date_of_birth=timezone.localdate(received) - timedelta(days=rng.randrange(18 * 365, 80 * 365)),
        gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
    )


# --- Shared ----------------------------------------------------------------------------------------------


def _owner(
    rng: random.Random,
    agreement: Agreement,
    *,
    coordinator: User,
    participants: list[Participant],
    partners: list[Partner],
) -> None:
    """Who owns it: the procesregisseur, a participant (with his organisation), a partner, or a named
    person at a partner."""
    choice = rng.randrange(4)
    if choice == 0:
        agreement.owner = coordinator
    elif choice == 1 and participants:
        participant = rng.choice(participants)
        agreement.owner, agreement.owner_partner = participant.user, participant.organisation
    elif choice == 2:
        agreement.owner_partner = rng.choice(partners)
    else:
        agreement.owner_partner, agreement.owner_name = rng.choice(partners), GUEST


def _status(rng: random.Random, agreement: Agreement, status: str, *, today: date, now: datetime) -> None:
    """Due date, status and completion of an agreement made at its `created_at`: "overdue" is open with a
    due date in the past."""
    made = timezone.localdate(agreement.created_at)
    past = max((today - made).days - 1, 1)
    if status == Agreement.Status.OPEN:
        agreement.due_date = today + timedelta(days=rng.randint(1, 90))
        return
    agreement.due_date = min(made + timedelta(days=rng.randint(1, past)), today - timedelta(days=1))
    if status == "overdue":
        return
    agreement.status = status
    agreement.version = 2
    agreement.completed_at = agreement.created_at + (now - agreement.created_at) * rng.uniform(0.2, 0.9)
    if status == Agreement.Status.NOT_DONE:
        agreement.not_done_reason = NOT_DONE_REASON


def _moment(day: date, *, hour: int) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=timezone.get_current_timezone())


def _account(username: str, *, role: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": "Bench", "last_name": last_name}
    )
    if created:
        user.set_unusable_password()  # nobody logs in as a bench account; the benchmark forces a login
        user.save(update_fields=["password"])
    return user
