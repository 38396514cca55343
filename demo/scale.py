"""Synthetic case files at a chosen size, for `manage.py bench`.

Not the demo data (those are a handful of hand-written stories): this fills a database fast with
plausible volume, so the figures of `make bench` mean something at the size of a national roll-out.
Everything is drawn from one seeded `random.Random`, so the same seed and size give the same cases
(on the same day: referrals are received up to today).

The data fits the access rules (cases/access.py): started cases have a procesregisseur, active cases
have participants from partner organisations with dated grants, and a few generated cases play a
part in the benchmark: the busy case of the measured procesregisseur, a waiting referral to search
for, and the cases the measured partner professional takes part in (now, earlier, or from next week).

The generated referrals are registered by a dedicated bench account. That is how a later run
recognises them without a table of its own: it counts them, reads the shape version and seed from the
registrar's last name, reuses them when all match, and otherwise deletes exactly those cases before
generating again. The access log is append-only: its generated records stay and are only topped up.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from cases import access
from cases.models import Case, CaseEvent, CaseNumberCounter, Participant, Person, Referral, Subject
from cases.workflow import FINAL, CaseStatus
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_record
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)

SCALES = {"national": 100_000, "regional": 10_000, "small": 1_000}
# The fewest cases that hold every case the benchmark needs (busy, search, the partner's).
MIN_CASES = 20
DEFAULT_SEED = 2026
BATCH_CASES = 1_000
FIRST_RECEIVED = date(2019, 1, 1)
LAST_RECEIVED = date(2026, 12, 31)
# Raise it whenever the generator changes what it makes: data of another shape is generated again.
SHAPE_VERSION = 2

# The busy case: a long-running family case of the measured procesregisseur, whose page and API
# detail are measured.
BUSY_EVENTS = 200
BUSY_SUBJECTS = 4
BUSY_LAST_NAME = "Brinkerink"
# The referral the procesondersteuner searches for: on the waiting list for about three months. Its
# family name is used for nobody else, so the search finds exactly one case: the usual search for one
# person.
SEARCH_LAST_NAME = "Wubbolts"
SEARCH_AGE_DAYS = 90

SUPPORT_OFFICER = "bench-support-officer"
COORDINATOR = "bench-coordinator"
# Active cases are spread over this many procesregisseurs; the first is the measured one.
COORDINATORS = 8
MANAGER = "bench-manager"
PARTNER_PROFESSIONAL = "bench-partner-professional"
PARTNER_ORGANISATION = "politie"
# Other partner professionals, over all partner organisations, take part in the active cases.
PARTNER_COLLEAGUES = 40
# Registers every generated referral; the benchmark's own writes are done by the support officer.
REGISTRAR = "bench-registrar"
# Registers the cases of the national-scale year (`year_generate`).
YEAR_REGISTRAR = "bench-year-registrar"
REGISTRAR_LAST_NAME = "Registratie"

# The measured partner professional's participations: current ones (he sees those cases), ended ones
# whose grant has not been cleaned up yet, and ones that start within a month. See partner_participations.
PARTNER_CURRENT = 50
PARTNER_ENDED = 3
PARTNER_FUTURE = 2
# Participants per active case (other partner professionals), and the share already ended.
PARTICIPANTS_PER_ACTIVE_CASE = {0: 20, 1: 35, 2: 30, 3: 15}
PARTICIPANTS_ENDED_SHARE = 0.2
ROLES_IN_CASE = ("wijkagent", "casemanager", "reclasseringswerker", "schuldhulpverlener", "woonconsulent")

# Access-log records in the data set, per generated case (20,000 at national scale): reads of case
# files and list pages, written through the audit service so the hash chain is the real one.
AUDIT_RECORDS_PER_CASE = 0.2
AUDIT_BATCH = 500
AUDIT_LIST_SHARE = 0.25
AUDIT_LIST_PERSONS = 25

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
# At national scale about 3,000 cases are registered, in triage or waiting (the triage team's), and
# about 7,000 active.
STATUS_BY_AGE: tuple[tuple[int, dict[str, int]], ...] = (
    (
        42,
        {
            S.REGISTERED: 30,
            S.TRIAGE: 25,
            S.WAITING: 15,
            S.ACTIVE: 15,
            S.WITHDRAWN: 5,
            S.NOT_TAKEN_UP: 5,
            S.REFERRED_BACK: 5,
        },
    ),
    (
        180,
        {
            S.TRIAGE: 5,
            S.WAITING: 30,
            S.ACTIVE: 35,
            S.CLOSED: 15,
            S.NOT_TAKEN_UP: 7,
            S.REFERRED_BACK: 6,
            S.WITHDRAWN: 2,
        },
    ),
    (365, {S.WAITING: 8, S.ACTIVE: 40, S.CLOSED: 37, S.NOT_TAKEN_UP: 8, S.REFERRED_BACK: 5, S.WITHDRAWN: 2}),
    (10**6, {S.ACTIVE: 3, S.CLOSED: 80, S.NOT_TAKEN_UP: 8, S.REFERRED_BACK: 7, S.WITHDRAWN: 2}),
)
# Cases taken up have a kind of work; the others were never decided.
TAKEN_UP = frozenset({S.WAITING, S.ACTIVE, S.CLOSED})
# Cases that started have (or had) a procesregisseur.
STARTED = frozenset({S.ACTIVE, S.CLOSED})
# Referrals become procesregie or extended advice; aftercare cases start from a detention notice instead
# (the aftercare benchmark makes its own).
KINDS_TAKEN_UP = {Case.Kind.COORDINATION: 70, Case.Kind.EXTENDED_ADVICE: 30}
SUBJECT_COUNTS = {1: 70, 2: 20, 3: 10}


class Part:
    """The part a generated case plays in the benchmark (most play none)."""

    BUSY = "busy"
    SEARCH = "search"
    PARTNER_CURRENT = "partner current"
    PARTNER_ENDED = "partner ended"
    PARTNER_FUTURE = "partner future"


FORCED_STATUS = {
    Part.BUSY: S.ACTIVE,
    Part.SEARCH: S.WAITING,
    Part.PARTNER_CURRENT: S.ACTIVE,
    Part.PARTNER_ENDED: S.ACTIVE,
    Part.PARTNER_FUTURE: S.ACTIVE,
}

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
    # Generated cases of another size or shape (or with --fresh) deleted first, and how long that took.
    removed: int = 0
    removal_seconds: float = 0.0
    # Access-log records written to top the chain up to its size for this many cases.
    audit_records: int = 0
    audit_seconds: float = 0.0


@dataclass(frozen=True)
class BenchData:
    """What the benchmark's operations need to find in the generated data."""

    support_officer: User
    coordinator: User
    partner_professional: User
    manager: User
    busy_case: Case
    search_case: Case
    municipality: Municipality
    search_last_name: str
    # One of the cases the partner professional takes part in today, and how many there are: what his
    # case list must count (from his participations, not from the grants the access layer reads).
    partner_case: Case
    partner_cases: int


@dataclass(frozen=True)
class Reference:
    """The house's reference rows and the bench accounts, looked up once; cases are spread over them."""

    municipalities: list[Municipality]
    partners: list[Partner]
    topics: list[MainTopic]
    problem_areas: list[ProblemArea]
    criteria: list[AcceptanceCriterion]
    cross_border: list[CrossBorderScope]
    registrar: User
    support_officer: User
    # The measured procesregisseur first.
    coordinators: list[User]
    partner_professional: User
    colleagues: list[User]

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
            coordinators=_users(coordinator_usernames()),
            partner_professional=User.objects.get(username=PARTNER_PROFESSIONAL),
            colleagues=_users(colleague_usernames()),
        )


@dataclass
class _Batch:
    """Unsaved rows of one batch, linked by object; saved parents first so children get their keys."""

    cases: list[Case] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    # (participation, the day as of which its grant is computed)
    participants: list[tuple[Participant, date]] = field(default_factory=list)
    # (referral, reference rows) per many-to-many field of the referral
    many: dict[str, list[tuple[Referral, Sequence[Model]]]] = field(
        default_factory=lambda: {"problem_areas": [], "acceptance_criteria": [], "cross_border": []}
    )


def cases_for(*, scale: str | None = None, cases: int | None = None) -> int:
    """The number of cases asked for: an explicit count wins over a named scale (default national)."""
    if cases is not None:
        return cases
    return SCALES[scale or "national"]


def partner_participations(cases: int) -> tuple[int, int, int]:
    """The measured partner professional's current, ended and future participations among `cases`.

    50 current ones from 200 cases on (a quarter of the cases below that), so that at every size he
    sees a small part of the cases.
    """
    return (
        min(PARTNER_CURRENT, cases // 4),
        min(PARTNER_ENDED, cases // 20),
        min(PARTNER_FUTURE, cases // 20),
    )


def audit_records_for(cases: int) -> int:
    """How many records the access log holds at least, for `cases` generated cases."""
    return round(cases * AUDIT_RECORDS_PER_CASE)


def shape_marker(seed: int) -> str:
    """The registrar's last name once generation finished: which generator and seed made the data."""
    return f"{REGISTRAR_LAST_NAME} (bench data v{SHAPE_VERSION}, seed {seed})"


def coordinator_usernames() -> list[str]:
    return [COORDINATOR, *(f"{COORDINATOR}-{number}" for number in range(2, COORDINATORS + 1))]


def colleague_usernames() -> list[str]:
    return [f"bench-partner-{number:02d}" for number in range(1, PARTNER_COLLEAGUES + 1)]


def bench_data_ensure(
    *, cases: int, seed: int = DEFAULT_SEED, fresh: bool = False, fast_writes: bool = False
) -> Generation:
    """Make sure the database holds exactly `cases` generated cases of this generator's shape and seed,
    generating only when needed, and an access log of at least `audit_records_for(cases)` records.

    `fast_writes` lets SQLite skip syncing to disk while generating: only for a throw-away database.
    """
    if cases < MIN_CASES:
        raise ValueError(f"Generate at least {MIN_CASES} cases: the benchmark needs them all.")
    registrar = _accounts_ensure()
    held = generated_cases(registrar).count()
    reuse = not fresh and held == cases and registrar.last_name == shape_marker(seed)
    with _sqlite_without_sync(fast_writes):
        started = time.perf_counter()
        if not reuse:
            _shape_mark(registrar, REGISTRAR_LAST_NAME)  # unfinished until the marker is written
            if held:
                generated_delete(registrar)
        removed = time.perf_counter()
        if not reuse:
            _generate(cases=cases, seed=seed, reference=Reference.load())
            _shape_mark(registrar, shape_marker(seed))
        generated = time.perf_counter()
        audit_records = _audit_trail_ensure(target=audit_records_for(cases), seed=seed, registrar=registrar)
        audited = time.perf_counter()
        if not reuse or audit_records:
            _planner_statistics_refresh()
        done = time.perf_counter()
    return Generation(
        cases=cases,
        seconds=generated - removed + done - audited,
        reused=reuse,
        removed=0 if reuse else held,
        removal_seconds=removed - started,
        audit_records=audit_records,
        audit_seconds=audited - generated,
    )


def bench_data() -> BenchData:
    """The accounts and cases the operations use (after `bench_data_ensure`)."""
    registrar = User.objects.get(username=REGISTRAR)
    busy = _case_of_family(registrar, BUSY_LAST_NAME)
    search = _case_of_family(registrar, SEARCH_LAST_NAME)
    partner = User.objects.get(username=PARTNER_PROFESSIONAL)
    partner_case_ids = partner_current_case_ids(partner)
    partner_case = Case.objects.filter(pk__in=partner_case_ids).order_by("pk").first()
    if busy is None or search is None or partner_case is None:
        raise LookupError("No generated bench data: run bench_data_ensure first.")
    main_subject = search.subjects.select_related("municipality").get(is_primary=True)
    return BenchData(
        support_officer=User.objects.get(username=SUPPORT_OFFICER),
        coordinator=User.objects.get(username=COORDINATOR),
        partner_professional=partner,
        manager=User.objects.get(username=MANAGER),
        busy_case=busy,
        search_case=search,
        municipality=main_subject.municipality,
        search_last_name=SEARCH_LAST_NAME,
        partner_case=partner_case,
        partner_cases=partner_case_ids.count(),
    )


def partner_current_case_ids(user: User) -> QuerySet[Participant]:
    """The cases `user` takes part in today according to his participations (not his grants)."""
    today = timezone.localdate()
    return (
        Participant.objects.filter(user=user, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("case_id", flat=True)
        .distinct()
    )


def generated_cases(registrar: User) -> QuerySet[Case]:
    """The cases this module generated: their referrals were registered by the bench registrar."""
    return Case.objects.filter(referral__registered_by=registrar)


def generated_delete(registrar: User) -> None:
    """Delete the generated cases (with their participations and grants) and their persons; other cases
    in the database stay, and so does the access log (append-only)."""
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
    """The bench accounts (returns the registrar of the generated referrals):

    - a procesondersteuner, who sees the referrals in triage and on the waiting list;
    - procesregisseurs, among whom the active cases are spread; the first one is measured;
    - a manager, for the overview of all cases without personal columns;
    - a police professional, who takes part in a few cases, and colleagues at every partner
      organisation who take part in the other active cases.
    """
    _account(SUPPORT_OFFICER, role=Role.SUPPORT_OFFICER, last_name="Ondersteuner")
    for number, username in enumerate(coordinator_usernames(), start=1):
        _account(username, role=Role.COORDINATOR, last_name=f"Regisseur {number}")
    _account(MANAGER, role=Role.MANAGER, last_name="Manager")
    partners = list(Partner.objects.order_by("pk"))
    _account(
        PARTNER_PROFESSIONAL,
        role=Role.PARTNER_PROFESSIONAL,
        last_name="Professional",
        organisation=_partner_organisation(),
    )
    for number, username in enumerate(colleague_usernames(), start=1):
        organisation = partners[number % len(partners)]
        _account(
            username, role=Role.PARTNER_PROFESSIONAL, last_name=f"Partner {number}", organisation=organisation
        )
    return _account(REGISTRAR, role=Role.SUPPORT_OFFICER, last_name=REGISTRAR_LAST_NAME)


def _account(username: str, *, role: str, last_name: str, organisation: Partner | None = None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "organisation": organisation, "first_name": "Bench", "last_name": last_name},
    )
    if created:
        user.set_unusable_password()  # nobody logs in as a bench account; the benchmark forces a login
        user.save(update_fields=["password"])
    return user


def _users(usernames: Sequence[str]) -> list[User]:
    found = User.objects.in_bulk(usernames, field_name="username")
    return [found[username] for username in usernames]


def _shape_mark(registrar: User, last_name: str) -> None:
    registrar.last_name = last_name
    registrar.save(update_fields=["last_name"])


def _partner_organisation() -> Partner:
    organisation = Partner.objects.filter(code=PARTNER_ORGANISATION).first()
    return organisation or Partner.objects.order_by("pk").first()


def _case_of_family(registrar: User, last_name: str) -> Case | None:
    return (
        generated_cases(registrar)
        .filter(subjects__is_primary=True, subjects__person__last_name=last_name)
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
    """PostgreSQL plans by table statistics and answers index-only scans from the visibility map; after a
    bulk load autovacuum brings both up to date some time later. Do it now, so the figures do not depend
    on whether autovacuum came by yet (VACUUM cannot run inside a transaction: then ANALYZE only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


# --- generation -------------------------------------------------------------------------------


def year_generate(*, cases: int, seed: int, year: int) -> User:
    """`cases` generated cases all received in `year` (the national-scale year of the annual report's
    benchmark), registered by a registrar of their own so they can be removed again
    (`generated_delete(registrar)`); none plays a part in the other operations. Returns the registrar."""
    _accounts_ensure()
    registrar = _account(YEAR_REGISTRAR, role=Role.SUPPORT_OFFICER, last_name="Jaar")
    generated_delete(registrar)
    first, last = date(year, 1, 1), min(date(year, 12, 31), timezone.localdate())
    reference = replace(Reference.load(), registrar=registrar)
    _generate(cases=cases, seed=seed, reference=reference, first=first, last=last, with_parts=False)
    _planner_statistics_refresh()
    return registrar


def _generate(
    *,
    cases: int,
    seed: int,
    reference: Reference,
    first: date = FIRST_RECEIVED,
    last: date = LAST_RECEIVED,
    with_parts: bool = True,
) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    last = min(last, today)
    span = (last - first).days + 1
    days = sorted(first + timedelta(days=rng.randrange(span)) for _ in range(cases))
    numbers = _case_numbers(days)
    parts = _parts(rng, days, today) if with_parts else {}
    for start in range(0, cases, BATCH_CASES):
        batch = _Batch()
        for index in range(start, min(start + BATCH_CASES, cases)):
            _case_draft(batch, rng, reference, day=days[index], number=numbers[index], part=parts.get(index))
        _batch_save(batch)


def _parts(rng: random.Random, days: Sequence[date], today: date) -> dict[int, str]:
    """Which cases (by index in order of receipt) play a part in the benchmark."""
    cases = len(days)
    busy = cases // 2
    search = min(bisect_left(days, today - timedelta(days=SEARCH_AGE_DAYS)), cases - 1)
    if search == busy:
        search = busy + 1
    parts = {busy: Part.BUSY, search: Part.SEARCH}
    current, ended, future = partner_participations(cases)
    wanted = [Part.PARTNER_CURRENT] * current + [Part.PARTNER_ENDED] * ended + [Part.PARTNER_FUTURE] * future
    # His cases came in during the last two years, at least a month ago (so a participation can have
    # ended); small data sets take what they have.
    free = [index for index in range(cases) if index not in parts]
    month_ago, two_years_ago = today - timedelta(days=30), today - timedelta(days=730)
    for candidates in (
        [index for index in free if two_years_ago <= days[index] < month_ago],
        [index for index in free if days[index] < month_ago],
        free,
    ):
        if len(candidates) >= len(wanted):
            break
    parts.update(zip(rng.sample(candidates, len(wanted)), wanted, strict=True))
    return parts


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
    batch: _Batch, rng: random.Random, reference: Reference, *, day: date, number: str, part: str | None
) -> None:
    now = timezone.now()
    created = datetime.combine(day, clock(8), tzinfo=timezone.get_current_timezone())
    created += timedelta(minutes=rng.randrange(9 * 60))
    created = min(created, now)
    status = FORCED_STATUS[part] if part else _status_for(rng, (now.date() - day).days)
    case = Case(number=number, status=status, created_at=created)
    if status in TAKEN_UP:
        case.kind = _weighted(rng, KINDS_TAKEN_UP)
        if case.kind == Case.Kind.COORDINATION:
            case.intensity = rng.choice(Case.Intensity.values)
    if status in STARTED:
        case.coordinator = (
            reference.coordinators[0] if part == Part.BUSY else rng.choice(reference.coordinators)
        )
    times = _event_times(rng, created, now, steps=len(STATUS_PATHS[status]), final=status in FINAL)
    if status in FINAL:
        case.closed_at = times[-1]
    batch.cases.append(case)
    batch.referrals.append(_referral_draft(batch, rng, reference, case))
    _subjects_draft(batch, rng, reference, case, part=part)
    participants = 0
    if status == S.ACTIVE:
        participants = _participants_draft(batch, rng, reference, case, since=times[-1], part=part)
    _events_draft(
        batch, reference, case, times, now=now, busy_after=participants if part == Part.BUSY else None
    )


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
    batch: _Batch, rng: random.Random, reference: Reference, case: Case, *, part: str | None
) -> None:
    """One to three subjects (the busy case four); the main subject carries the family name, others
    mostly. The busy and the searched case have a family name of their own."""
    busy = part == Part.BUSY
    count = BUSY_SUBJECTS if busy else _weighted(rng, SUBJECT_COUNTS)
    family = {Part.BUSY: ("", BUSY_LAST_NAME), Part.SEARCH: ("", SEARCH_LAST_NAME)}.get(part or "")
    family = family or rng.choice(LAST_NAMES)
    municipality = rng.choice(reference.municipalities)
    day = timezone.localdate(case.created_at)
    for position in range(count):
        same_family = position == 0 or busy or rng.random() < 0.6
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


def _participants_draft(
    batch: _Batch, rng: random.Random, reference: Reference, case: Case, *, since: datetime, part: str | None
) -> int:
    """Partner professionals invited into an active case by its procesregisseur since it started; the
    measured partner professional into his cases. Returns how many."""
    today, started = timezone.localdate(), timezone.localdate(since)
    users = rng.sample(reference.colleagues, _weighted(rng, PARTICIPANTS_PER_ACTIVE_CASE))
    periods = [(user, _colleague_period(rng, started, today)) for user in users]
    if part in (Part.PARTNER_CURRENT, Part.PARTNER_ENDED, Part.PARTNER_FUTURE):
        periods.append((reference.partner_professional, _partner_period(rng, part, started, today)))
    now = timezone.now()
    for user, (start, end, as_of) in periods:
        added_at = datetime.combine(start, clock(10), tzinfo=timezone.get_current_timezone())
        participant = Participant(
            case=case,
            user=user,
            organisation_id=user.organisation_id,
            role_in_case=rng.choice(ROLES_IN_CASE),
            start_date=start,
            end_date=end,
            legal_basis=case.legal_basis,
            added_by=case.coordinator,
            added_at=min(added_at, now),
        )
        batch.participants.append((participant, as_of))
    return len(periods)


def _days_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _colleague_period(rng: random.Random, started: date, today: date) -> tuple[date, date | None, date]:
    """(start, end, day the grant is computed as of): mostly current, some ended already."""
    start = _days_between(rng, started, today)
    if start < today and rng.random() < PARTICIPANTS_ENDED_SHARE:
        return start, _days_between(rng, start, today - timedelta(days=1)), today
    end = None if rng.random() < 0.6 else today + timedelta(days=rng.randint(7, 365))
    return start, end, today


def _partner_period(
    rng: random.Random, part: str, started: date, today: date
) -> tuple[date, date | None, date]:
    """The measured partner professional's participation in one case: current, ended or future.

    An ended one's grant is computed as of its last day: a grant the daily job has not removed yet,
    which must count for nothing.
    """
    if part == Part.PARTNER_FUTURE:
        return today + timedelta(days=rng.randint(1, 30)), None, today
    if part == Part.PARTNER_ENDED:
        start = min(_days_between(rng, started, today), today - timedelta(days=2))
        end = _days_between(rng, start, today - timedelta(days=1))
        return start, end, end
    end = None if rng.random() < 0.6 else today + timedelta(days=rng.randint(7, 365))
    return _days_between(rng, started, today), end, today


def _events_draft(
    batch: _Batch,
    reference: Reference,
    case: Case,
    times: list[datetime],
    *,
    now: datetime,
    busy_after: int | None,
) -> None:
    """Registration and the status changes; the busy case's timeline is filled up to BUSY_EVENTS, counting
    the `busy_after` participant events that _batch_save adds."""
    batch.events.append(
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.REFERRAL_REGISTERED,
            actor=reference.registrar,
            occurred_at=times[0],
        )
    )
    source = S.REGISTERED
    for target, at in zip(STATUS_PATHS[case.status], times[1:], strict=True):
        batch.events.append(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.STATUS_CHANGED,
                actor=case.coordinator if target == S.CLOSED else reference.support_officer,
                occurred_at=at,
                payload={"from": str(source), "to": str(target)},
            )
        )
        source = target
    if busy_after is not None:
        missing = BUSY_EVENTS - len(STATUS_PATHS[case.status]) - 1 - busy_after
        _busy_timeline(batch, reference, case, start=times[-1], now=now, missing=missing)


def _busy_timeline(
    batch: _Batch, reference: Reference, case: Case, *, start: datetime, now: datetime, missing: int
) -> None:
    """Corrections of the referral spread until today."""
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
    """Save the batch; then every participation's grant, through the access layer like the service."""
    with transaction.atomic():
        Case.objects.bulk_create(batch.cases)
        Person.objects.bulk_create(batch.persons)
        Referral.objects.bulk_create(batch.referrals)
        Subject.objects.bulk_create(batch.subjects)
        participants = Participant.objects.bulk_create([participant for participant, _ in batch.participants])
        CaseEvent.objects.bulk_create([*batch.events, *map(_participant_event, participants)])
        for name, pairs in batch.many.items():
            _many_save(name, pairs)
        for participant, as_of in batch.participants:
            access.participant_access_sync(case=participant.case, user=participant.user, today=as_of)


def _participant_event(participant: Participant) -> CaseEvent:
    return CaseEvent(
        case=participant.case,
        kind=CaseEvent.Kind.PARTICIPANT_ADDED,
        actor=participant.added_by,
        occurred_at=participant.added_at,
        payload={
            "participant": participant.pk,
            "user": str(participant.user),
            "role": participant.role_in_case,
        },
    )


def _many_save(name: str, pairs: list[tuple[Referral, Sequence[Model]]]) -> None:
    relation = Referral._meta.get_field(name)
    through = relation.remote_field.through
    own, other = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
    through.objects.bulk_create(
        through(**{own: referral.pk, other: row.pk}) for referral, rows in pairs for row in rows
    )


# --- access log -------------------------------------------------------------------------------


def _audit_trail_ensure(*, target: int, seed: int, registrar: User) -> int:
    """Top the access log up to `target` records: reads of generated case files and referral list pages
    by the bureau's bench accounts, through the audit service (so each is a link of the hash chain).
    The log is append-only, so records of earlier data sets and runs stay and count. Returns how many
    records were written."""
    missing = target - AuditEvent.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(seed)
    persons: dict[int, list[int]] = {}
    subjects = Subject.objects.filter(case__referral__registered_by=registrar).order_by(
        "case_id", "person_id"
    )
    for case_id, person_id in subjects.values_list("case_id", "person_id"):
        persons.setdefault(case_id, []).append(person_id)
    cases, everyone = list(persons), [person_id for ids in persons.values() for person_id in ids]
    readers = _users([SUPPORT_OFFICER, *coordinator_usernames()])
    for start in range(0, missing, AUDIT_BATCH):
        with transaction.atomic():
            for _ in range(min(AUDIT_BATCH, missing - start)):
                _audit_read(rng, rng.choice(readers), persons, cases, everyone)
    return missing


def _audit_read(
    rng: random.Random, reader: User, persons: dict[int, list[int]], cases: list[int], everyone: list[int]
) -> None:
    """One record as the screens write it: a case file opened, or a page of the referral list."""
    address = f"10.20.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if rng.random() < AUDIT_LIST_SHARE:
        audit_record(
            actor=reader,
            action=AuditEvent.Action.READ,
            object_type="referral_list",
            data_category=AuditEvent.DataCategory.IDENTIFYING,
            person_ids=rng.sample(everyone, min(AUDIT_LIST_PERSONS, len(everyone))),
            ip_address=address,
            detail="page 1",
        )
        return
    case_id = rng.choice(cases)
    audit_record(
        actor=reader,
        action=AuditEvent.Action.READ,
        object_type="case",
        object_id=case_id,
        case_id=case_id,
        person_ids=persons[case_id],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        ip_address=address,
        detail="web",
    )
