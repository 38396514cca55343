"""`manage.py bench`: wall time, SQL queries and peak memory of the system's main operations.

Generates synthetic cases (`demo/scale.py`) into a benchmark database, then runs every operation of
OPERATIONS the way a user would: screens and API through the test client with a logged-in account,
writes through the service. Run it with `make bench` (docs/benchmarks.md); `scripts/bench` points it at
a database of its own. It refuses any other database, because it deletes and generates cases.

A new feature adds its operation as one entry of OPERATIONS. Operations that need data the generated case
file lacks name it (`waiting_list`, `procesregie`): it is made for them and removed after them
(`demo/bench_triage.py`, `demo/bench_procesregie.py`).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import time
import tracemalloc
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import access, services
from cases.models import Case
from demo import bench_aftercare, bench_procesregie, bench_reporting, bench_triage, scale
from triage import selectors as triage_selectors
from zvhd.accounts.models import User
from zvhd.accounts.services import LOGGED_IN_AT_SESSION_KEY
from zvhd.audit.chain import ChainResult, chain_verify

MIB = 1024 * 1024

# The waiting lists the werkvoorraad operations run on: how many cases wait, and in how many weeks up
# to this one they were ranked before (so the page shows how ranks moved). Made for those operations and
# removed after them; the test suite makes them smaller.
WAITING_LISTS: dict[str, tuple[int, int]] = {
    "to rank": (10_000, 0),
    "short": (10, 2),
    "long": (1_000, 2),
}
# The open cases the caseload procesregisseur runs (Mijn casussen), made for that operation.
CASELOAD_CASES = 40
# The rows of the DJI file the aftercare import operations read; below the small scale (the test suite's
# 60 or 300 cases) a file of NOTICE_FILE_ROWS_BELOW_SMALL rows, so the suite stays quick.
NOTICE_FILE_ROWS = 10_000
NOTICE_FILE_ROWS_BELOW_SMALL = 10
# The queries one row of the import costs at most, so the query log can hold a whole run's (for its count).
NOTICE_FILE_QUERIES_PER_ROW = 40


@dataclass(frozen=True)
class Bench:
    """What operations act with: the generated data and a logged-in client per account."""

    data: scale.BenchData
    support_officer: Client
    coordinator: Client
    partner_professional: Client
    manager: Client
    # The waiting list of the werkvoorraad operations, while they run.
    waiting: bench_triage.WaitingList | None = None
    # The procesregie data of the procesregie operations, while they run: the busy case's plan, or the
    # caseload with a client logged in as the procesregisseur who runs it.
    procesregie: bench_procesregie.BusyPlan | bench_procesregie.Caseload | None = None
    caseload_coordinator: Client | None = None
    # The DJI file of the aftercare import operations, while they run.
    notices: bench_aftercare.NoticeFile | None = None
    # The generated year of the annual report operations, while they run.
    report_year: bench_reporting.ReportYear | None = None


@dataclass(frozen=True)
class Operation:
    name: str
    # One run: returns the response (or whatever a service returns).
    run: Callable[[Bench], Any]
    # The HTTP status that shows the run did the real work; None for operations without a response.
    status: int | None = 200
    # Reverts what one run wrote, outside the measurement, so the size of the data stays the same.
    undo: Callable[[Any], None] | None = None
    # Checks what a run returned beyond its status (on the untimed runs): the problem, or "".
    check: Callable[[Bench, Any], str] | None = None
    # For operations that work through many items: how many one run handled, and what they are.
    items: Callable[[Any], int] | None = None
    unit: str = ""
    # The waiting list it runs on (a key of WAITING_LISTS), made before it and removed after it.
    waiting_list: str | None = None
    # The procesregie data it runs on ("busy plan" or "caseload"), made before it and removed after it.
    procesregie: str | None = None
    # A URL (name) it requests that this version may not have yet: without it the operation is skipped.
    needs_url: str | None = None
    # The aftercare data it runs on ("notice file"), made before it and removed after it.
    aftercare: str | None = None
    # A long operation (minutes): its counted run is its warm-up, and it is timed once whatever --runs says.
    long: bool = False
    # The annual report's data it runs on ("year": as many cases as the bench holds, all in one year).
    reporting: str | None = None


def _referral_register(bench: Bench) -> Case:
    """The intake of one referral with one main subject, as the procesondersteuner registers it."""
    like = bench.data.busy_case.referral
    return services.referral_register(
        by=bench.data.support_officer,
        referral=services.ReferralData(
            received_on=timezone.localdate(),
            referrer_partner=like.referrer_partner,
            referrer_name="A. Verwijzer",
            referrer_phone="0592-123456",
            concerns="Aanhoudende overlast in de buurt.",
            main_topic=like.main_topic,
            subject_informed=True,
        ),
        subjects=[
            services.SubjectData(
                first_name="Anna",
                last_name="Jansen",
                municipality=bench.data.municipality,
                is_primary=True,
                date_of_birth=date(1980, 5, 17),
            )
        ],
    )


def _counts_the_partner_cases(bench: Bench, result: Any) -> str:
    """The partner's list (API response or count) holds exactly the cases of his current participations."""
    count = result.json()["count"] if hasattr(result, "json") else result
    expected = bench.data.partner_cases
    return "" if count == expected else f"counted {count} cases, he takes part in {expected} today"


def _chain_intact(bench: Bench, result: ChainResult) -> str:
    return "" if result.intact else f"the chain is broken at record {result.first_broken_sequence}"


def _waiting(bench: Bench) -> bench_triage.WaitingList:
    if bench.waiting is None:
        raise CommandError("A werkvoorraad operation ran without its waiting list.")
    return bench.waiting


def _ranks_every_waiting_case(bench: Bench, result: tuple[Any, bool]) -> str:
    snapshot, created = result
    if not created:
        return f"week {snapshot.week} had been ranked already, nothing was done"
    waiting = _waiting(bench).entries
    return "" if snapshot.entries == waiting else f"ranked {snapshot.entries} cases where {waiting} wait"


def _waiting_list_read(bench: Bench) -> list[Any]:
    """The page's selector evaluated in full: every entry with what the page shows of it."""
    return list(triage_selectors.waiting_list(user=bench.data.support_officer))


def _lists_every_waiting_case(bench: Bench, result: list[Any]) -> str:
    waiting = _waiting(bench).entries
    return "" if len(result) == waiting else f"listed {len(result)} cases where {waiting} wait"


def _shown(response: Any, marker: str) -> int:
    """How many elements with `data-testid="<marker>"` a page shows."""
    return response.content.decode().count(f'data-testid="{marker}"')


def _busy_plan(bench: Bench) -> bench_procesregie.BusyPlan:
    if not isinstance(bench.procesregie, bench_procesregie.BusyPlan):
        raise CommandError("A procesregie operation ran without the busy case's plan.")
    return bench.procesregie


def _caseload(bench: Bench) -> bench_procesregie.Caseload:
    if not isinstance(bench.procesregie, bench_procesregie.Caseload):
        raise CommandError("A procesregie operation ran without its caseload.")
    return bench.procesregie


def _shows_the_plan_and_meetings(bench: Bench, response: Any) -> str:
    plan = _busy_plan(bench)
    agreements, meetings = _shown(response, "agreement"), _shown(response, "meeting")
    if (agreements, meetings) == (plan.agreements, plan.meetings):
        return ""
    return (
        f"the page shows {agreements} agreements and {meetings} case meetings where there are "
        f"{plan.agreements} and {plan.meetings}"
    )


def _shows_the_caseload(bench: Bench, response: Any) -> str:
    shown, runs = _shown(response, "my-case"), _caseload(bench).cases
    return "" if shown == runs else f"the page lists {shown} cases where he runs {runs}"


def _notices(bench: Bench) -> bench_aftercare.NoticeFile:
    if bench.notices is None:
        raise CommandError("An aftercare import operation ran without its file.")
    return bench.notices


def _imports_every_row(bench: Bench, batch: Any) -> str:
    return bench_aftercare.outcomes_check(_notices(bench), batch)


def _import_undo(batch: Any) -> None:
    """Remove a dry run's batch (the rolled-back import left none), and forget the queries the counted run
    logged: a quarter of a million, which the next operation's count must not find in the log."""
    if batch.dry_run:
        bench_aftercare.batch_remove(batch)
    connection.queries_log.clear()


def _report_year(bench: Bench) -> bench_reporting.ReportYear:
    if bench.report_year is None:
        raise CommandError("An annual report operation ran without its year.")
    return bench.report_year


def _dashboard(bench: Bench) -> Any:
    return bench.manager.get(reverse("reporting-dashboard"), {"year": _report_year(bench).year})


def _my_cases(bench: Bench) -> Any:
    _caseload(bench)
    if bench.caseload_coordinator is None:
        raise CommandError("The caseload ran without its procesregisseur's client.")
    return bench.caseload_coordinator.get(reverse("my-cases"))


OPERATIONS: tuple[Operation, ...] = (
    # The triage team's screens: referrals registered, in triage or on the waiting list.
    Operation("referral list", lambda b: b.support_officer.get(reverse("referral-list"))),
    Operation(
        "referral list, one municipality",
        lambda b: b.support_officer.get(reverse("referral-list"), {"municipality": b.data.municipality.pk}),
    ),
    Operation(
        "referral list, search last name",
        lambda b: b.support_officer.get(reverse("referral-list"), {"search": b.data.search_last_name}),
    ),
    Operation("API referral list", lambda b: b.support_officer.get(reverse("api-referral-list"))),
    Operation("register a referral", _referral_register, status=None, undo=scale.case_remove),
    # The busy case is active: only its procesregisseur sees it.
    Operation(
        "case page, busy case",
        lambda b: b.coordinator.get(reverse("case-detail", args=[b.data.busy_case.pk])),
    ),
    Operation(
        "API case detail, busy case",
        lambda b: b.coordinator.get(reverse("api-case-detail", args=[b.data.busy_case.pk])),
    ),
    # Procesregie: the same page of the busy case with an action plan and case meetings, and the caseload
    # of a procesregisseur who runs 40 cases (demo/bench_procesregie.py).
    Operation(
        "case page, busy case with plan (50 agreements)",
        lambda b: b.coordinator.get(reverse("case-detail", args=[b.data.busy_case.pk])),
        check=_shows_the_plan_and_meetings,
        procesregie="busy plan",
    ),
    Operation(
        "Mijn casussen, 40 cases",
        _my_cases,
        check=_shows_the_caseload,
        procesregie="caseload",
        needs_url="my-cases",
    ),
    # Partner professionals have no referral list: the screen refuses them (403).
    Operation(
        "referral list as partner",
        lambda b: b.partner_professional.get(reverse("referral-list")),
        status=403,
    ),
    # The scoped case list: of all cases in the database he sees the 50 he takes part in today.
    Operation(
        "API case list as partner (50 of N)",
        lambda b: b.partner_professional.get(reverse("api-case-list")),
        check=_counts_the_partner_cases,
    ),
    Operation(
        "case count as partner (cases_visible_to)",
        lambda b: access.cases_visible_to(b.data.partner_professional).count(),
        status=None,
        check=_counts_the_partner_cases,
    ),
    Operation(
        "case page as partner",
        lambda b: b.partner_professional.get(reverse("case-detail", args=[b.data.partner_case.pk])),
    ),
    Operation("manager case overview", lambda b: b.manager.get(reverse("case-overview"))),
    # The werkvoorraad, each on a waiting list of its own length (WAITING_LISTS).
    Operation(
        "weekly prioritisation, 10,000 waiting",
        lambda b: bench_triage.prioritise(_waiting(b)),
        status=None,
        undo=bench_triage.prioritisation_undo,
        check=_ranks_every_waiting_case,
        items=lambda result: result[0].entries,
        unit="cases",
        waiting_list="to rank",
    ),
    Operation(
        "waiting list selector, 10 entries",
        _waiting_list_read,
        status=None,
        check=_lists_every_waiting_case,
        waiting_list="short",
    ),
    Operation(
        "waiting list page, 10 entries",
        lambda b: b.support_officer.get(reverse("waiting-list")),
        waiting_list="short",
        needs_url="waiting-list",
    ),
    Operation(
        "waiting list selector, 1,000 entries",
        _waiting_list_read,
        status=None,
        check=_lists_every_waiting_case,
        waiting_list="long",
    ),
    Operation(
        "waiting list page, 1,000 entries",
        lambda b: b.support_officer.get(reverse("waiting-list")),
        waiting_list="long",
        needs_url="waiting-list",
    ),
    # The aftercare import of a DJI file of detention notices (demo/bench_aftercare.py): the dry run, and the
    # real import in a transaction the benchmark rolls back (its access-log records cannot be removed).
    Operation(
        "detention notice import, 10,000 rows, dry run",
        lambda b: bench_aftercare.dry_run(_notices(b)),
        status=None,
        undo=_import_undo,
        check=_imports_every_row,
        items=lambda batch: batch.rows,
        unit="rows",
        aftercare="notice file",
        long=True,
    ),
    Operation(
        "detention notice import, 10,000 rows, import",
        lambda b: bench_aftercare.import_rolled_back(_notices(b)),
        status=None,
        undo=_import_undo,
        check=_imports_every_row,
        items=lambda batch: batch.rows,
        unit="rows",
        aftercare="notice file",
        long=True,
    ),
    # The annual report on a year of as many cases as the bench holds (demo/bench_reporting.py): all its
    # figures, the manager's dashboard (queries must not grow with the cases), and the PDF.
    Operation(
        "annual figures of a year of all cases",
        lambda b: bench_reporting.figures_of(_report_year(b)),
        status=None,
        check=lambda b, figures: bench_reporting.counts_every_case(_report_year(b), figures),
        items=lambda figures: len(figures.tables),
        unit="tables",
        reporting="year",
    ),
    Operation(
        "figures dashboard of that year", _dashboard, reporting="year", needs_url="reporting-dashboard"
    ),
    Operation(
        "annual report PDF of that year (figures and PDF)",
        lambda b: bench_reporting.report_pdf_of(_report_year(b)),
        status=None,
        check=lambda b, result: "" if result[0].startswith(b"%PDF") else "not a PDF",
        items=lambda result: result[1],
        unit="pages",
        reporting="year",
        long=True,
    ),
    # Last, so that it also verifies the records every operation before it wrote.
    Operation(
        "audit chain verify",
        lambda b: chain_verify(),
        status=None,
        check=_chain_intact,
        items=lambda result: result.records,
        unit="records",
    ),
)


@dataclass(frozen=True)
class Figures:
    operation: str
    status: int | None
    median_ms: float
    max_ms: float
    queries: int
    peak_mib: float
    # Operations over many items: how many one run handled, and how many per second (median run).
    items: int | None = None
    unit: str = ""
    items_per_second: float | None = None


def is_bench_database(name: object) -> bool:
    """A benchmark database has "bench" in its file name (SQLite) or database name (PostgreSQL)."""
    return "bench" in Path(str(name or "")).name.lower()


class Command(BaseCommand):
    help = "Generate cases at a chosen scale into a benchmark database and measure the main operations."

    def add_arguments(self, parser: CommandParser) -> None:
        size = parser.add_mutually_exclusive_group()
        size.add_argument(
            "--scale", choices=sorted(scale.SCALES), help="national (default, 100,000 cases), regional, small"
        )
        size.add_argument("--cases", type=int, help="generate exactly this many cases")
        parser.add_argument("--runs", type=int, default=5, help="timed runs per operation (default 5)")
        parser.add_argument("--fresh", action="store_true", help="regenerate even if the size matches")
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED)
        parser.add_argument(
            "--only", action="append", metavar="TEXT", help="only operations whose name contains TEXT"
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="for the test suite only: run on a database without 'bench' in its name",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = connection.settings_dict["NAME"]
        if not options["allow_any_database"] and not is_bench_database(name):
            raise CommandError(
                f"Refusing to run on database {name!r}: the benchmark deletes and generates cases, so it "
                "runs only on a database with 'bench' in its name. Use `make bench` (scripts/bench)."
            )
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        cases = scale.cases_for(scale=options["scale"], cases=options["cases"])
        if cases < scale.MIN_CASES:
            raise CommandError(f"--cases must be at least {scale.MIN_CASES}.")
        operations = _selected(options["only"])
        _schema_check(name)
        generation = scale.bench_data_ensure(
            cases=cases, seed=options["seed"], fresh=options["fresh"], fast_writes=is_bench_database(name)
        )
        environment = _environment(options["runs"])
        if options["json"]:
            self._json_line({"record": "environment", **environment})
            self._json_line({"record": "generation", **asdict(generation)})
        else:
            self._header(environment, generation)
        bench = _bench()
        with _quiet_requests():
            setups = groupby(
                operations,
                key=lambda operation: (
                    operation.waiting_list,
                    operation.procesregie,
                    operation.aftercare,
                    operation.reporting,
                ),
            )
            for (waiting_key, procesregie_key, aftercare_key, reporting_key), group in setups:
                with (
                    _waiting_list(waiting_key, seed=options["seed"]) as waiting,
                    _procesregie(procesregie_key, bench, seed=options["seed"]) as procesregie,
                    _aftercare(aftercare_key, cases=cases, seed=options["seed"]) as notices,
                    _reporting(reporting_key, cases=cases, seed=options["seed"]) as report_year,
                ):
                    for operation in group:
                        measured = replace(
                            bench, waiting=waiting, notices=notices, report_year=report_year, **procesregie
                        )
                        self._measure(operation, measured, options)

    def _measure(self, operation: Operation, bench: Bench, options: dict[str, Any]) -> None:
        missing = unavailable(operation)
        if missing:
            if options["json"]:
                self._json_line({"record": "skipped", "operation": operation.name, "reason": missing})
            else:
                self.stdout.write(f"{operation.name:<{COLUMNS[0][1]}}  skipped: {missing}")
            return
        figures = _measure(operation, bench, runs=options["runs"])
        if options["json"]:
            self._json_line({"record": "operation", **asdict(figures)})
        else:
            self.stdout.write(_row(figures))

    def _json_line(self, record: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(record, ensure_ascii=False))

    def _header(self, environment: dict[str, Any], generation: scale.Generation) -> None:
        self.stdout.write(
            f"zvhd benchmark · {environment['vendor']} {environment['vendor_version']} "
            f"({environment['database']}) · {environment['cases']:,} cases · {environment['cpus']} CPUs · "
            f"Python {environment['python']} · Django {environment['django']}"
        )
        self.stdout.write(_generation_line(generation))
        self.stdout.write(
            f"Per operation: {environment['runs']} timed run(s) after a warm-up; queries and peak memory "
            "from one more run each."
        )
        self.stdout.write("")
        self.stdout.write(_row(None))


def _schema_check(name: object) -> None:
    """Refuse a database whose tables do not match the models: made before a migration was changed in
    place, say. Generating into it would fail halfway; a benchmark database can simply be made again."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        problems = []
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if not model._meta.managed or model._meta.proxy:
                continue
            if table not in tables:
                problems.append(f"table {table} is missing")
                continue
            columns = {
                column.name for column in connection.introspection.get_table_description(cursor, table)
            }
            missing = sorted({field.column for field in model._meta.local_concrete_fields} - columns)
            if missing:
                problems.append(f"{table} lacks {', '.join(missing)}")
    if problems:
        raise CommandError(
            f"The benchmark database {name!r} does not match the models ({'; '.join(problems)}): it was "
            "migrated before a migration changed. Delete it (SQLite: var/bench.sqlite3; PostgreSQL: drop and "
            "create the database) and run again; the benchmark generates its data anew."
        )


def _generation_line(generation: scale.Generation) -> str:
    if generation.reused:
        line = f"Data: {generation.cases:,} generated cases reused (--fresh regenerates them)"
    else:
        line = f"Data: {generation.cases:,} cases generated in {generation.seconds:.1f} s"
    if generation.removed:
        removal = generation.removal_seconds
        line += f", after deleting the {generation.removed:,} generated before in {removal:.1f} s"
    if generation.audit_records:
        line += (
            f"; {generation.audit_records:,} access-log records written in {generation.audit_seconds:.1f} s"
        )
    return line + "."


def unavailable(operation: Operation) -> str:
    """Why the operation cannot run in this version (a URL it needs does not exist), or ""."""
    if operation.needs_url is None:
        return ""
    try:
        reverse(operation.needs_url)
    except NoReverseMatch:
        return f"there is no URL {operation.needs_url!r} yet"
    return ""


def _waiting_list(key: str | None, *, seed: int) -> AbstractContextManager[bench_triage.WaitingList | None]:
    if key is None:
        return nullcontext()
    entries, ranked_weeks = WAITING_LISTS[key]
    return bench_triage.waiting_list(entries=entries, seed=seed, ranked_weeks=ranked_weeks)


@contextmanager
def _procesregie(key: str | None, bench: Bench, *, seed: int) -> Iterator[dict[str, Any]]:
    """The procesregie data an operation runs on, as fields of Bench (none without a key)."""
    if key is None:
        yield {}
    elif key == "busy plan":
        with bench_procesregie.busy_case_plan(bench.data.busy_case, seed=seed) as plan:
            yield {"procesregie": plan}
    elif key == "caseload":
        with bench_procesregie.caseload(cases=CASELOAD_CASES, seed=seed) as caseload:
            yield {"procesregie": caseload, "caseload_coordinator": _logged_in(caseload.coordinator)}
    else:
        raise CommandError(f"Unknown procesregie data {key!r}.")


@contextmanager
def _aftercare(key: str | None, *, cases: int, seed: int) -> Iterator[bench_aftercare.NoticeFile | None]:
    """The DJI file an aftercare import operation reads (none without a key)."""
    if key is None:
        yield None
        return
    if key != "notice file":
        raise CommandError(f"Unknown aftercare data {key!r}.")
    rows = NOTICE_FILE_ROWS if cases >= scale.SCALES["small"] else NOTICE_FILE_ROWS_BELOW_SMALL
    # Django's query log keeps the last 9,000 queries; an import of 10,000 rows makes some 250,000.
    log = connection.queries_log
    connection.queries_log = deque(maxlen=max(log.maxlen or 0, rows * NOTICE_FILE_QUERIES_PER_ROW))
    try:
        with bench_aftercare.notice_file(rows=rows, seed=seed) as notices:
            yield notices
    finally:
        connection.queries_log = log


@contextmanager
def _reporting(key: str | None, *, cases: int, seed: int) -> Iterator[bench_reporting.ReportYear | None]:
    """The generated year an annual report operation reads (none without a key)."""
    if key is None:
        yield None
        return
    if key != "year":
        raise CommandError(f"Unknown annual report data {key!r}.")
    with bench_reporting.report_year(cases=cases, seed=seed) as year:
        yield year


def _selected(only: list[str] | None) -> list[Operation]:
    if not only:
        return list(OPERATIONS)
    chosen = [op for op in OPERATIONS if any(text.lower() in op.name.lower() for text in only)]
    if not chosen:
        raise CommandError(
            f"No operation matches {only}; there are: {', '.join(op.name for op in OPERATIONS)}."
        )
    return chosen


def _environment(runs: int) -> dict[str, Any]:
    if connection.vendor == "postgresql":
        version = ".".join(str(part) for part in divmod(connection.pg_version, 10000))
    else:
        version = connection.Database.sqlite_version if connection.vendor == "sqlite" else ""
    return {
        "vendor": connection.vendor,
        "vendor_version": version,
        "database": Path(str(connection.settings_dict["NAME"])).name,
        "cases": Case.objects.count(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "runs": runs,
    }


def _bench() -> Bench:
    data = scale.bench_data()
    return Bench(
        data=data,
        support_officer=_logged_in(data.support_officer),
        coordinator=_logged_in(data.coordinator),
        partner_professional=_logged_in(data.partner_professional),
        manager=_logged_in(data.manager),
    )


def _logged_in(user: User) -> Client:
    """A client logged in as `user` the way the login pages end: second factor passed, login time kept."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGGED_IN_AT_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    return client


@contextmanager
def _quiet_requests() -> Iterator[None]:
    """Requests as the test client makes them, without the log lines a refused request writes."""
    logger = logging.getLogger("django.request")
    level = logger.level
    with ExitStack() as stack:
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            stack.enter_context(override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]))
        # WhiteNoise warns when static files were not collected; the benchmark serves none.
        stack.enter_context(warnings.catch_warnings())
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            logger.setLevel(level)


def _run(operation: Operation, bench: Bench, *, check: bool = True) -> Any:
    result = operation.run(bench)
    status = getattr(result, "status_code", None)
    if status != operation.status:
        raise CommandError(f"{operation.name}: expected status {operation.status}, got {status}.")
    problem = operation.check(bench, result) if check and operation.check else ""
    if problem:
        raise CommandError(f"{operation.name}: {problem}.")
    return result


def _undo(operation: Operation, result: Any) -> None:
    if operation.undo is not None:
        operation.undo(result)


def _measure(operation: Operation, bench: Bench, *, runs: int) -> Figures:
    # Warm-up: the first run compiles templates and fills caches that later requests reuse.
    if not operation.long:
        _undo(operation, _run(operation, bench))
    with CaptureQueriesContext(connection) as captured:
        result = _run(operation, bench)
    queries = len(captured)  # now: the next request clears the connection's query log
    _undo(operation, result)
    peak_mib = _peak_mib(operation, bench)
    items = operation.items(result) if operation.items else None
    seconds = [_timed(operation, bench) for _ in range(1 if operation.long else runs)]
    median = statistics.median(seconds)
    return Figures(
        operation=operation.name,
        status=operation.status,
        median_ms=round(median * 1000, 1),
        max_ms=round(max(seconds) * 1000, 1),
        queries=queries,
        peak_mib=round(peak_mib, 2),
        items=items,
        unit=operation.unit,
        items_per_second=None if items is None else round(items / median),
    )


def _peak_mib(operation: Operation, bench: Bench) -> float:
    """Peak of Python memory allocated during one run (tracemalloc slows it, so it is not timed)."""
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = _run(operation, bench)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not already:
            tracemalloc.stop()
    _undo(operation, result)
    return max(peak, 0) / MIB


def _timed(operation: Operation, bench: Bench) -> float:
    started = time.perf_counter()
    result = _run(operation, bench, check=False)
    elapsed = time.perf_counter() - started
    _undo(operation, result)
    return elapsed


COLUMNS = (
    ("operation", 48),
    ("status", 6),
    ("median ms", 10),
    ("max ms", 10),
    ("queries", 8),
    ("peak MiB", 9),
)


def _row(figures: Figures | None) -> str:
    """One line of the table; the heading when `figures` is None."""
    if figures is None:
        cells = [title for title, _ in COLUMNS]
    else:
        cells = [
            figures.operation,
            "—" if figures.status is None else str(figures.status),
            f"{figures.median_ms:.1f}",
            f"{figures.max_ms:.1f}",
            str(figures.queries),
            f"{figures.peak_mib:.2f}",
        ]
    (_, width), *rest = COLUMNS
    row = f"{cells[0]:<{width}}" + "".join(
        f"  {cell:>{w}}" for cell, (_, w) in zip(cells[1:], rest, strict=True)
    )
    if figures is not None and figures.items is not None:
        row += f"  {figures.items:,} {figures.unit}, {figures.items_per_second:,.0f}/s"
    return row
