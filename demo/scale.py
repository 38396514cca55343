"""Synthetic case files at a chosen size, for `manage.py bench`.

Not the demo data (those are a handful of hand-written stories): this fills a database fast with
plausible volume, so the figures of `make bench` mean something at the size of a national roll-out.
Everything is drawn from one seeded `random.Random`, so the same seed and size give the same cases
(on the same day: referrals are received up to today).

The generated referrals are registered by a dedicated bench account. That is how a later run
recognises them without a table of its own: it counts them, reuses them when the size matches, and
otherwise deletes exactly those cases before generating again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNumberCounter, Person, Referral, Subject
from cases.workflow import FINAL, CaseStatus
from zvhd.accounts.models import Role, User
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)

SCALES = {"national": 100_000, "regional": 10_000, "small": 1_000}
DEFAULT_SEED = 2026
BATCH_CASES = 1_000
FIRST_RECEIVED = date(2019, 1, 1)
LAST_RECEIVED = date(2026, 12, 31)

# The busy case: a long-running family case whose page and API detail are measured.
BUSY_EVENTS = 200
BUSY_SUBJECTS = 4
# Used for nobody else, so searching it finds exactly one case: the usual search for one person.
BUSY_LAST_NAME = "Wubbolts"

SUPPORT_OFFICER = "bench-support-officer"
PARTNER_PROFESSIONAL = "bench-partner-professional"
# Registers every generated referral; the benchmark's own writes are done by the support officer.
REGISTRAR = "bench-registrar"
PARTNER_ORGANISATION = "politie"

T = TypeVar("T")
S = CaseStatus
# The statuses a case passes after 'registered' to reach its current one (all allowed transitions).
STATUS_PATHS: dict[str, tuple[str, ...]] = {
    S.REGISTERED: (),
    S.TRIAGE: (S.TRIAGE,),
    S.WAITING: (S.TRIAGE, S.WAITING),
    S.ACTIVE: (S.TRIAGE, S.ACTIVE),
    S.CLOSED: (S.TRIAGE, S.ACTIVE, S.CLOSED),
    S.NOT_TAKEN_UP: (S.TRIAGE, S.NOT_TAKEN_UP),
    S.REFERRED_BACK: (S.TRIAGE, S.REFERRED_BACK),
    S.WITHDRAWN: (S.WITHDRAWN,),
}
# Recent referrals are still being handled; older ones are mostly closed. (age limit in days, weights)
STATUS_BY_AGE: tuple[tuple[int, dict[str, int]], ...] = (
    (
        42,
        {
            S.REGISTERED: 30,
            S.TRIAGE: 25,
            S.WAITING: 10,
            S.ACTIVE: 20,
            S.WITHDRAWN: 5,
            S.NOT_TAKEN_UP: 5,
            S.REFERRED_BACK: 5,
        },
    ),
    (365, {S.WAITING: 5, S.ACTIVE: 35, S.CLOSED: 40, S.NOT_TAKEN_UP: 10, S.REFERRED_BACK: 8, S.WITHDRAWN: 2}),
    (10**6, {S.ACTIVE: 3, S.CLOSED: 80, S.NOT_TAKEN_UP: 8, S.REFERRED_BACK: 7, S.WITHDRAWN: 2}),
)
# Cases taken up have a kind of work; the others were never decided.
TAKEN_UP = frozenset({S.WAITING, S.ACTIVE, S.CLOSED})
KINDS_TAKEN_UP = {Case.Kind.COORDINATION: 60, Case.Kind.EXTENDED_ADVICE: 25, Case.Kind.AFTERCARE: 15}
SUBJECT_COUNTS = {1: 70, 2: 20, 3: 10}

FEMALE_NAMES = (
    "Anna", "Emma", "Sophie", "Julia", "Lisa", "Sanne", "Fleur", "Iris", "Anouk", "Eva",
    "Maria", "Johanna", "Wilma", "Ingrid", "Petra", "Monique", "Linda", "Sandra", "Esther", "Marleen",
)  # fmt: skip
MALE_NAMES = (
    "Jan", "Johan", "Kees", "Pieter", "Henk", "Gerrit", "Bert", "Harm", "Roelof", "Albert",
    "Daan", "Sem", "Lucas", "Thijs", "Bas", "Mark", "Dennis", "Patrick", "Erik", "Jeroen",
)  # fmt: skip
LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
    ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"),
    ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"),
    ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("", "Hoekstra"), ("", "Kuipers"), ("", "Oosterhuis"), ("", "Huizing"), ("", "Hofman"),
    ("", "Boerema"), ("", "Lanting"), ("", "Drenth"), ("", "Zwiers"), ("", "Moes"),
)  # fmt: skip
RELATIONS = ("partner", "zoon", "dochter", "moeder", "vader", "broer", "zus")
REFERRER_ROLES = ("wijkagent", "casemanager", "reclasseringswerker", "beleidsmedewerker", "jeugdbeschermer")
CONCERNS = (
    "Aanhoudende overlast in de buurt; hulpverlening komt niet binnen.",
    "Zorgen over verward gedrag en dreigende uitspraken richting buren.",
    "Meerdere meldingen van huiselijk geweld; kinderen in het gezin.",
    "Dreigende huisuitzetting, schulden en verslaving; zorg wordt afgehouden.",
    "Terugkeer na detentie zonder woning, inkomen of zorg.",
)
NOT_INFORMED_REASON = "Informeren brengt de veiligheid van de melder in gevaar."


@dataclass(frozen=True)
class Generation:
    """What `bench_data_ensure` did: the generated cases it found or made, and how long that took."""

    cases: int
    seconds: float
    reused: bool
    # Generated cases of another size (or with --fresh) deleted first, and how long that took.
    removed: int = 0
    removal_seconds: float = 0.0


@dataclass(frozen=True)
class BenchData:
    """What the benchmark's operations need to find in the generated data."""

    support_officer: User
    partner_professional: User
    busy_case: Case
    municipality: Municipality
    search_last_name: str


@dataclass(frozen=True)
class Reference:
    """The house's reference rows, looked up once; cases are spread over all of them."""

    municipalities: list[Municipality]
    partners: list[Partner]
    topics: list[MainTopic]
    problem_areas: list[ProblemArea]
    criteria: list[AcceptanceCriterion]
    cross_border: list[CrossBorderScope]
    registrar: User
    support_officer: User

    @classmethod
    def load(cls) -> Reference:
        return cls(
            municipalities=list(Municipality.objects.active().order_by("pk")),
            partners=list(Partner.objects.active().order_by("pk")),
            topics=list(MainTopic.objects.active().order_by("pk")),
            problem_areas=list(ProblemArea.objects.active().order_by("pk")),
            criteria=list(AcceptanceCriterion.objects.active().order_by("pk")),
            cross_border=list(CrossBorderScope.objects.active().order_by("pk")),
            registrar=User.objects.get(username=REGISTRAR),
            support_officer=User.objects.get(username=SUPPORT_OFFICER),
        )


@dataclass
class _Batch:
    """Unsaved rows of one batch, linked by object; saved parents first so children get their keys."""

    cases: list[Case] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    # (referral, reference rows) per many-to-many field of the referral
    many: dict[str, list[tuple[Referral, Sequence[Model]]]] = field(
        default_factory=lambda: {"problem_areas": [], "acceptance_criteria": [], "cross_border": []}
    )


def cases_for(*, scale: str | None = None, cases: int | None = None) -> int:
    """The number of cases asked for: an explicit count wins over a named scale (default national)."""
    if cases is not None:
        return cases
    return SCALES[scale or "national"]


def bench_data_ensure(
    *, cases: int, seed: int = DEFAULT_SEED, fresh: bool = False, fast_writes: bool = False
) -> Generation:
    """Make sure the database holds exactly `cases` generated cases, generating only when needed.

    `fast_writes` lets SQLite skip syncing to disk while generating: only for a throw-away database.
    """
    if cases < 1:
        raise ValueError("Generate at least one case: the benchmark needs the busy case.")
    registrar = _accounts_ensure()
    held = generated_cases(registrar).count()
    if not fresh and held == cases and _busy_case(registrar) is not None:
        return Generation(cases=held, seconds=0.0, reused=True)
    with _sqlite_without_sync(fast_writes):
        started = time.perf_counter()
        if held:
            generated_delete(registrar)
        removed = time.perf_counter()
        _generate(cases=cases, seed=seed, reference=Reference.load())
        _planner_statistics_refresh()
        done = time.perf_counter()
    return Generation(
        cases=cases, seconds=done - removed, reused=False, removed=held, removal_seconds=removed - started
    )


def bench_data() -> BenchData:
    """The accounts, busy case and search term of the generated data (after `bench_data_ensure`)."""
    registrar = User.objects.get(username=REGISTRAR)
    busy = _busy_case(registrar)
    if busy is None:
        raise LookupError("No generated bench data: run bench_data_ensure first.")
    main_subject = busy.subjects.select_related("municipality").get(is_primary=True)
    return BenchData(
        support_officer=User.objects.get(username=SUPPORT_OFFICER),
        partner_professional=User.objects.get(username=PARTNER_PROFESSIONAL),
        busy_case=busy,
        municipality=main_subject.municipality,
        search_last_name=BUSY_LAST_NAME,
    )


def generated_cases(registrar: User) -> QuerySet[Case]:
    """The cases this module generated: their referrals were registered by the bench registrar."""
    return Case.objects.filter(referral__registered_by=registrar)


def generated_delete(registrar: User) -> None:
    """Delete the generated cases and their persons; other cases in the database stay."""
    cases = generated_cases(registrar)
    person_ids = list(Subject.objects.filter(case__in=cases).values_list("person_id", flat=True))
    with transaction.atomic():
        cases.delete()
        # Chunks small enough for SQLite's limit on query parameters.
        for start in range(0, len(person_ids), 900):
            Person.objects.filter(pk__in=person_ids[start : start + 900]).delete()


def case_remove(case: Case) -> None:
    """Undo one registration of the benchmark's write operation, so the size held stays the same."""
    person_ids = list(case.subjects.values_list("person_id", flat=True))
    with transaction.atomic():
        case.delete()
        Person.objects.filter(pk__in=person_ids).delete()


# --- accounts ---------------------------------------------------------------------------------


def _accounts_ensure() -> User:
    """The bench accounts: a procesondersteuner who sees every referral, a police professional who
    takes part in no case, and the registrar of the generated referrals (returned)."""
    _account(SUPPORT_OFFICER, role=Role.SUPPORT_OFFICER, last_name="Ondersteuner")
    _account(
        PARTNER_PROFESSIONAL,
        role=Role.PARTNER_PROFESSIONAL,
        last_name="Professional",
        organisation=_partner_organisation(),
    )
    return _account(REGISTRAR, role=Role.SUPPORT_OFFICER, last_name="Registratie")


def _account(username: str, *, role: str, last_name: str, organisation: Partner | None = None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "organisation": organisation, "first_name": "Bench", "last_name": last_name},
    )
    if created:
        user.set_unusable_password()  # nobody logs in as a bench account; the benchmark forces a login
        user.save(update_fields=["password"])
    return user


def _partner_organisation() -> Partner:
    organisation = Partner.objects.filter(code=PARTNER_ORGANISATION).first()
    return organisation or Partner.objects.order_by("pk").first()


def _busy_case(registrar: User) -> Case | None:
    return (
        generated_cases(registrar)
        .filter(subjects__is_primary=True, subjects__person__last_name=BUSY_LAST_NAME)
        .select_related("referral__referrer_partner", "referral__main_topic")
        .order_by("pk")
        .first()
    )


@contextmanager
def _sqlite_without_sync(enabled: bool) -> Iterator[None]:
    if not enabled or connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={before:d}")


def _planner_statistics_refresh() -> None:
    """PostgreSQL plans by table statistics, which autovacuum refreshes some time after a bulk load.
    Refresh them now so the figures do not depend on whether autovacuum came by yet."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- generation -------------------------------------------------------------------------------


def _generate(*, cases: int, seed: int, reference: Reference) -> None:
    rng = random.Random(seed)
    last = min(LAST_RECEIVED, timezone.localdate())
    span = (last - FIRST_RECEIVED).days + 1
    days = sorted(FIRST_RECEIVED + timedelta(days=rng.randrange(span)) for _ in range(cases))
    numbers = _case_numbers(days)
    busy_at = cases // 2
    for start in range(0, cases, BATCH_CASES):
        batch = _Batch()
        for index in range(start, min(start + BATCH_CASES, cases)):
            _case_draft(batch, rng, reference, day=days[index], number=numbers[index], busy=index == busy_at)
        _batch_save(batch)


def _case_numbers(days: Sequence[date]) -> list[str]:
    """Case numbers per year in order of receipt, continuing the counters the service hands out from."""
    last = dict(CaseNumberCounter.objects.values_list("year", "last"))
    numbers = []
    for day in days:
        last[day.year] = last.get(day.year, 0) + 1
        numbers.append(f"{day.year}-{last[day.year]:04d}")
    for year, value in last.items():
        CaseNumberCounter.objects.update_or_create(year=year, defaults={"last": value})
    return numbers


def _weighted(rng: random.Random, weights: Mapping[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _status_for(rng: random.Random, age_days: int) -> str:
    for limit, weights in STATUS_BY_AGE:
        if age_days < limit:
            return _weighted(rng, weights)
    raise AssertionError("STATUS_BY_AGE ends with an unbounded row")


def _case_draft(
    batch: _Batch, rng: random.Random, reference: Reference, *, day: date, number: str, busy: bool
) -> None:
    now = timezone.now()
    created = datetime.combine(day, clock(8), tzinfo=timezone.get_current_timezone())
    created += timedelta(minutes=rng.randrange(9 * 60))
    created = min(created, now)
    status = S.ACTIVE if busy else _status_for(rng, (now.date() - day).days)
    case = Case(number=number, status=status, created_at=created)
    if status in TAKEN_UP:
        case.kind = _weighted(rng, KINDS_TAKEN_UP)
        if case.kind == Case.Kind.COORDINATION:
            case.intensity = rng.choice(Case.Intensity.values)
    times = _event_times(rng, created, now, steps=len(STATUS_PATHS[status]), final=status in FINAL)
    if status in FINAL:
        case.closed_at = times[-1]
    batch.cases.append(case)
    batch.referrals.append(_referral_draft(batch, rng, reference, case))
    _subjects_draft(batch, rng, reference, case, busy=busy)
    _events_draft(batch, reference, case, times, busy=busy, now=now)


def _event_times(
    rng: random.Random, created: datetime, now: datetime, *, steps: int, final: bool
) -> list[datetime]:
    """Registration, then one moment per status change, spread over weeks to a year (never the future)."""
    available = max((now - created).total_seconds(), 0.0)
    span = min(
        available, timedelta(days=rng.randint(14, 420) if final else rng.randint(3, 200)).total_seconds()
    )
    return [created + timedelta(seconds=span * step / max(steps, 1)) for step in range(steps + 1)]


def _referral_draft(batch: _Batch, rng: random.Random, reference: Reference, case: Case) -> Referral:
    informed = rng.random() < 0.85
    first, (prefix, last) = rng.choice(FEMALE_NAMES + MALE_NAMES), rng.choice(LAST_NAMES)
    referral = Referral(
        case=case,
        received_on=timezone.localdate(case.created_at),
        referrer_partner=rng.choice(reference.partners),
        referrer_name=" ".join(part for part in (f"{first[0]}.", prefix, last) if part),
        referrer_role=rng.choice(REFERRER_ROLES),
        referrer_phone=f"0592-{rng.randrange(100_000, 1_000_000)}",
        concerns=rng.choice(CONCERNS),
        main_topic=rng.choice(reference.topics),
        minors_in_system=rng.choice(Referral.MinorsInSystem.values),
        subject_informed=informed,
        subject_not_informed_reason="" if informed else NOT_INFORMED_REASON,
        registered_by=reference.registrar,
        registered_at=case.created_at,
    )
    areas = rng.sample(
        reference.problem_areas, k=min(rng.choice((0, 0, 1, 1, 2, 3)), len(reference.problem_areas))
    )
    batch.many["problem_areas"].append((referral, areas))
    if case.status != S.REGISTERED:
        criteria = rng.sample(reference.criteria, k=min(rng.randint(1, 3), len(reference.criteria)))
        batch.many["acceptance_criteria"].append((referral, criteria))
    if reference.cross_border and rng.random() < 0.1:
        batch.many["cross_border"].append((referral, [rng.choice(reference.cross_border)]))
    return referral


def _person(rng: random.Random, day: date, *, last_name: tuple[str, str], adult: bool) -> Person:
    female = rng.random() < 0.5
    age_days = rng.randrange(18 * 365 if adult else 0, 85 * 365)
    return Person(
        first_name=rng.choice(FEMALE_NAMES if female else MALE_NAMES),
        name_prefix=last_name[0],
        last_name=last_name[1],
        date_of_birth=day - timedelta(days=age_days),
        gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
    )


def _subjects_draft(
    batch: _Batch, rng: random.Random, reference: Reference, case: Case, *, busy: bool
) -> None:
    count = BUSY_SUBJECTS if busy else _weighted(rng, SUBJECT_COUNTS)
    family = ("", BUSY_LAST_NAME) if busy else rng.choice(LAST_NAMES)
    municipality = rng.choice(reference.municipalities)
    day = timezone.localdate(case.created_at)
    for position in range(count):
        same_family = busy or rng.random() < 0.6
        person = _person(
            rng, day, last_name=family if same_family else rng.choice(LAST_NAMES), adult=position == 0
        )
        batch.persons.append(person)
        batch.subjects.append(
            Subject(
                case=case,
                person=person,
                is_primary=position == 0,
                municipality=municipality if rng.random() < 0.9 else rng.choice(reference.municipalities),
                relation="" if position == 0 else rng.choice(RELATIONS),
            )
        )


def _events_draft(
    batch: _Batch, reference: Reference, case: Case, times: list[datetime], *, busy: bool, now: datetime
) -> None:
    actor = reference.registrar
    batch.events.append(
        CaseEvent(case=case, kind=CaseEvent.Kind.REFERRAL_REGISTERED, actor=actor, occurred_at=times[0])
    )
    source = S.REGISTERED
    for target, at in zip(STATUS_PATHS[case.status], times[1:], strict=True):
        batch.events.append(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.STATUS_CHANGED,
                actor=reference.support_officer,
                occurred_at=at,
                payload={"from": str(source), "to": str(target)},
            )
        )
        source = target
    if busy:
        _busy_timeline(batch, reference, case, start=times[-1], now=now)


def _busy_timeline(
    batch: _Batch, reference: Reference, case: Case, *, start: datetime, now: datetime
) -> None:
    """Fill the busy case's timeline up to BUSY_EVENTS with corrections spread until today."""
    missing = BUSY_EVENTS - len(STATUS_PATHS[case.status]) - 1
    step = max((now - start).total_seconds(), 0.0) / (missing + 1)
    batch.events.extend(
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.REFERRAL_UPDATED,
            actor=reference.support_officer,
            occurred_at=start + timedelta(seconds=step * (index + 1)),
            payload={"fields": ["concerns"]},
        )
        for index in range(missing)
    )


def _batch_save(batch: _Batch) -> None:
    with transaction.atomic():
        Case.objects.bulk_create(batch.cases)
        Person.objects.bulk_create(batch.persons)
        Referral.objects.bulk_create(batch.referrals)
        Subject.objects.bulk_create(batch.subjects)
        CaseEvent.objects.bulk_create(batch.events)
        for name, pairs in batch.many.items():
            _many_save(name, pairs)


def _many_save(name: str, pairs: list[tuple[Referral, Sequence[Model]]]) -> None:
    relation = Referral._meta.get_field(name)
    through = relation.remote_field.through
    own, other = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
    through.objects.bulk_create(
        through(**{own: referral.pk, other: row.pk}) for referral, rows in pairs for row in rows
    )
