"""`manage.py bench` and its generator: every operation reported with figures, queries that do not grow
with the data, generated cases that look like the real thing and fit the access rules, and never a
database not meant for it.

The accounts here are the generator's own: a procesondersteuner who sees the referrals in triage and on
the waiting list, the procesregisseur of the busy case, a manager, and a police professional who takes
part in min(50, N/4) of the N cases. The werkvoorraad operations run on waiting lists of their own,
made smaller here (`small_waiting_lists`) so the suite stays fast.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.access import TEAM_STATUSES, Grounds, cases_visible_to
from cases.models import Case, CaseUserObjectPermission, Participant, Person, Referral
from cases.workflow import CaseStatus, transition_allowed
from demo import bench_triage, scale
from demo.management.commands import bench as bench_command
from demo.management.commands.bench import OPERATIONS, Operation, is_bench_database, unavailable
from tests.accounts.logins import otp_verified_login
from triage.models import PrioritySnapshot, WaitingListEntry
from zvhd.accounts.models import Role, User
from zvhd.audit.chain import chain_verify
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import Municipality

pytestmark = pytest.mark.django_db

# The waiting lists of the werkvoorraad operations in the suite: (cases waiting, weeks ranked before).
SMALL_WAITING_LISTS = {"to rank": (40, 0), "short": (3, 2), "long": (30, 2)}


@pytest.fixture(autouse=True)
def small_waiting_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, size in SMALL_WAITING_LISTS.items():
        monkeypatch.setitem(bench_command.WAITING_LISTS, key, size)


def bench(*args: str) -> str:
    out = StringIO()
    call_command("bench", "--allow-any-database", "--runs", "1", *args, stdout=out)
    return out.getvalue()


def figures(output: str) -> dict[str, dict[str, object]]:
    records = [json.loads(line) for line in output.splitlines()]
    return {record["operation"]: record for record in records if record["record"] == "operation"}


def test_every_operation_appears_in_the_table_with_its_figures() -> None:
    output = bench("--cases", "60")
    assert re.search(r"(sqlite|postgresql) .* 60 cases · \d+ CPUs", output)
    assert "60 cases generated in" in output
    for operation in OPERATIONS:
        row = rf"^{re.escape(operation.name)} +(200|403|—) +\d+\.\d +\d+\.\d +[1-9]\d* +\d+\.\d\d"
        row += r"(  [\d,]+ \w+, [\d,]+/s)?$" if operation.items else "$"
        assert re.search(row, output, flags=re.MULTILINE), f"no figures for {operation.name!r}:\n{output}"


def test_the_json_output_has_one_record_per_operation() -> None:
    records = figures(bench("--cases", "60", "--json"))
    assert list(records) == [operation.name for operation in OPERATIONS if not unavailable(operation)]
    for record in records.values():
        assert record["median_ms"] > 0
        assert record["max_ms"] >= record["median_ms"]
        assert record["queries"] > 0
        assert record["peak_mib"] >= 0
    verify = records["audit chain verify"]
    assert verify["items"] >= scale.audit_records_for(60)
    assert verify["unit"] == "records"
    assert verify["items_per_second"] > 0


def test_no_operation_needs_more_queries_for_300_cases_than_for_60() -> None:
    with_60 = figures(bench("--cases", "60", "--json"))
    with_300 = figures(bench("--cases", "300", "--json"))
    assert Referral.objects.filter(registered_by__username=scale.REGISTRAR).count() == 300
    assert with_60["referral list"]["queries"] == with_300["referral list"]["queries"]
    assert {name: record["queries"] for name, record in with_60.items()} == {
        name: record["queries"] for name, record in with_300.items()
    }


def test_data_of_the_same_size_is_reused_and_the_write_leaves_no_trace() -> None:
    bench("--cases", "60", "--only", "register")
    persons = Person.objects.count()
    output = bench("--cases", "60", "--only", "register")
    assert "60 generated cases reused" in output
    assert (Case.objects.count(), Person.objects.count()) == (60, persons)


def test_fresh_generates_the_same_cases_again() -> None:
    def snapshot() -> list[tuple[object, ...]]:
        return list(
            Case.objects.order_by("referral__received_on", "subjects__person__first_name").values_list(
                "status", "kind", "referral__received_on", "subjects__person__first_name"
            )
        )

    scale.bench_data_ensure(cases=60)
    before = snapshot()
    generation = scale.bench_data_ensure(cases=60, fresh=True)
    assert not generation.reused
    assert snapshot() == before


def test_a_database_without_bench_in_its_name_is_refused_and_left_alone() -> None:
    with pytest.raises(CommandError, match="bench"):
        call_command("bench", "--cases", "60", "--runs", "1", stdout=StringIO())
    assert Case.objects.count() == 0
    assert not User.objects.filter(username__startswith="bench-").exists()


@pytest.mark.parametrize(
    ("name", "is_bench"),
    [
        ("/work/main/var/bench.sqlite3", True),
        ("zvhd_bench", True),
        ("/work/main/var/zvhd.sqlite3", False),
        ("/srv/bench/zvhd.sqlite3", False),
        ("zvhd", False),
        (None, False),
    ],
)
def test_only_a_database_named_for_benchmarks_counts_as_one(name: str | None, is_bench: bool) -> None:
    assert is_bench_database(name) is is_bench


def test_generated_cases_have_a_referral_one_main_subject_and_a_timeline() -> None:
    scale.bench_data_ensure(cases=60)
    cases = Case.objects.annotate(
        subjects_n=Count("subjects", distinct=True),
        primaries=Count("subjects", filter=Q(subjects__is_primary=True), distinct=True),
        events_n=Count("events", distinct=True),
    )
    busy = scale.bench_data().busy_case
    assert Referral.objects.count() == 60
    assert {case.primaries for case in cases} == {1}
    assert {case.subjects_n for case in cases if case.pk != busy.pk} <= {1, 2, 3}
    assert min(case.events_n for case in cases) >= 1
    assert (busy.subjects.count(), busy.events.count()) == (4, 200)
    received = Referral.objects.values_list("received_on", flat=True)
    assert date(2019, 1, 1) <= min(received) <= max(received) <= timezone.localdate()
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() > 20


def test_generated_cases_spread_over_the_municipalities_of_the_house() -> None:
    scale.bench_data_ensure(cases=300)
    used = set(Case.objects.values_list("subjects__municipality", flat=True))
    assert used == set(Municipality.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("status", list(scale.STATUS_PATHS))
def test_every_generated_timeline_follows_the_workflow(status: str) -> None:
    path = (CaseStatus.REGISTERED, *scale.STATUS_PATHS[status])
    assert path[-1] == status
    assert all(transition_allowed(source, target) for source, target in pairwise(path))


def test_the_bench_accounts_have_the_roles_the_operations_need() -> None:
    scale.bench_data_ensure(cases=60)
    data = scale.bench_data()
    assert data.support_officer.role == Role.SUPPORT_OFFICER
    assert data.coordinator.role == Role.COORDINATOR
    assert data.manager.role == Role.MANAGER
    assert data.partner_professional.role == Role.PARTNER_PROFESSIONAL
    assert data.partner_professional.organisation.code == "politie"


def test_the_busy_case_is_active_and_only_its_procesregisseur_sees_it() -> None:
    scale.bench_data_ensure(cases=60)
    data = scale.bench_data()
    assert data.busy_case.status == CaseStatus.ACTIVE
    assert data.busy_case.coordinator == data.coordinator
    assert cases_visible_to(data.coordinator).filter(pk=data.busy_case.pk).exists()
    assert not cases_visible_to(data.support_officer).filter(pk=data.busy_case.pk).exists()


def test_the_procesondersteuner_searches_a_waiting_referral_he_sees(client: Client) -> None:
    scale.bench_data_ensure(cases=60)
    data = scale.bench_data()
    assert data.search_case.status in TEAM_STATUSES
    visible = cases_visible_to(data.support_officer)
    assert set(visible.values_list("status", flat=True)) <= set(TEAM_STATUSES)
    assert visible.filter(subjects__is_primary=True, subjects__municipality=data.municipality).exists()
    otp_verified_login(client, data.support_officer)
    found = client.get(reverse("referral-list"), {"search": data.search_last_name}).context["page"]
    assert [case.pk for case in found.object_list] == [data.search_case.pk]


def test_started_cases_are_spread_over_a_handful_of_procesregisseurs() -> None:
    scale.bench_data_ensure(cases=300)
    active = Case.objects.filter(status=CaseStatus.ACTIVE)
    assert not active.filter(coordinator__isnull=True).exists()
    assert not Case.objects.filter(status__in=TEAM_STATUSES, coordinator__isnull=False).exists()
    coordinators = set(active.values_list("coordinator__username", flat=True))
    assert scale.COORDINATOR in coordinators
    assert len(coordinators) > scale.COORDINATORS // 2
    assert set(User.objects.filter(username__in=coordinators).values_list("role", flat=True)) == {
        Role.COORDINATOR
    }


def test_the_status_mix_leaves_a_few_thousand_referrals_to_the_triage_team_nationally() -> None:
    """Expected counts at 100,000 cases received evenly from 1 January 2019 to today (the weights)."""
    span = (timezone.localdate() - scale.FIRST_RECEIVED).days + 1
    expected = {status: 0.0 for status in scale.STATUS_PATHS}
    lower = 0
    for limit, weights in scale.STATUS_BY_AGE:
        share = (min(limit, span) - lower) / span
        for status, weight in weights.items():
            expected[status] += 100_000 * share * weight / sum(weights.values())
        lower = min(limit, span)
    assert 2_000 <= sum(expected[status] for status in TEAM_STATUSES) <= 6_000
    assert 5_000 <= expected[CaseStatus.ACTIVE] <= 10_000


@pytest.mark.parametrize(("cases", "current"), [(60, 15), (300, 50)])
def test_the_partner_sees_exactly_the_cases_of_his_current_participations(
    client: Client, cases: int, current: int
) -> None:
    scale.bench_data_ensure(cases=cases)
    data = scale.bench_data()
    partner = data.partner_professional
    today = timezone.localdate()
    participations = Participant.objects.filter(user=partner)
    current_cases = {p.case_id for p in participations if p.is_current_on(today)}
    assert scale.partner_participations(cases)[0] == current == len(current_cases) == data.partner_cases
    assert participations.filter(end_date__lt=today).count() == scale.partner_participations(cases)[1]
    assert participations.filter(start_date__gt=today).count() == scale.partner_participations(cases)[2]
    # Every participation has its real, dated grant; the ended ones, not yet cleaned up, count for nothing.
    grants = CaseUserObjectPermission.objects.filter(user=partner, permission__codename=Grounds.PARTICIPANT)
    assert grants.count() == participations.count()
    assert grants.filter(valid_until__lt=today).exists()
    assert grants.filter(valid_from__gt=today).exists()
    assert set(cases_visible_to(partner).values_list("pk", flat=True)) == current_cases
    otp_verified_login(client, partner)
    listed = client.get(reverse("api-case-list")).json()
    assert listed["count"] == current
    assert client.get(reverse("case-detail", args=[data.partner_case.pk])).status_code == 200
    assert data.partner_case.pk in current_cases


def test_a_partner_list_of_the_wrong_size_fails_the_benchmark() -> None:
    scale.bench_data_ensure(cases=60)
    Participant.objects.filter(user__username=scale.PARTNER_PROFESSIONAL).update(end_date=None)
    with pytest.raises(CommandError, match="API case list as partner"):
        bench("--cases", "60", "--only", "as partner (50")


def test_the_access_log_is_topped_up_and_its_chain_verifies() -> None:
    scale.bench_data_ensure(cases=60)
    assert AuditEvent.objects.count() >= scale.audit_records_for(60) > 0
    assert AuditEvent.objects.filter(object_type="case", subjects__isnull=False).exists()
    held = AuditEvent.objects.count()
    assert scale.bench_data_ensure(cases=60).audit_records == 0
    assert AuditEvent.objects.count() == held
    assert chain_verify().intact


def test_data_of_another_shape_or_seed_is_generated_again() -> None:
    scale.bench_data_ensure(cases=60)
    assert scale.bench_data_ensure(cases=60).reused
    assert not scale.bench_data_ensure(cases=60, seed=7).reused
    User.objects.filter(username=scale.REGISTRAR).update(last_name="Registratie (bench data v1, seed 7)")
    generation = scale.bench_data_ensure(cases=60, seed=7)
    assert (generation.reused, generation.removed) == (False, 60)
    assert Case.objects.count() == 60
    # An interrupted generation leaves the plain name: the next run starts again.
    User.objects.filter(username=scale.REGISTRAR).update(last_name=scale.REGISTRAR_LAST_NAME)
    assert not scale.bench_data_ensure(cases=60, seed=7).reused


def test_too_few_cases_for_the_benchmark_are_refused() -> None:
    with pytest.raises(CommandError, match=str(scale.MIN_CASES)):
        bench("--cases", str(scale.MIN_CASES - 1))


def test_a_size_is_named_or_counted() -> None:
    assert scale.cases_for() == 100_000
    assert scale.cases_for(scale="regional") == 10_000
    assert scale.cases_for(scale="small", cases=42) == 42


# --- The werkvoorraad operations --------------------------------------------------------------------


def test_the_werkvoorraad_operations_run_on_waiting_lists_of_their_own_and_leave_no_trace() -> None:
    records = figures(bench("--cases", "60", "--json", "--only", "prioritisation", "--only", "waiting list"))
    prioritised = records["weekly prioritisation, 10,000 waiting"]
    assert (prioritised["items"], prioritised["unit"]) == (SMALL_WAITING_LISTS["to rank"][0], "cases")
    assert prioritised["items_per_second"] > 0
    # The list costs as many queries for the long list as for the short one.
    selector = [records[f"waiting list selector, {n} entries"]["queries"] for n in ("10", "1,000")]
    assert selector[0] == selector[1]
    if "waiting list page, 10 entries" in records:
        page = [records[f"waiting list page, {n} entries"]["queries"] for n in ("10", "1,000")]
        assert page[0] == page[1]
    assert Case.objects.count() == 60
    assert not Case.objects.filter(referral__registered_by__username=bench_triage.REGISTRAR).exists()
    assert not WaitingListEntry.objects.exists()
    assert not PrioritySnapshot.objects.exists()


def test_the_prioritisation_ranks_every_waiting_case_in_a_week_not_ranked_yet() -> None:
    scale.bench_data_ensure(cases=60)
    with bench_triage.waiting_list(entries=25, seed=1, ranked_weeks=2) as waiting:
        assert (
            WaitingListEntry.objects.filter(left_on__isnull=True, case__status=CaseStatus.WAITING).count()
            == 25
        )
        assert PrioritySnapshot.objects.count() == 2
        assert waiting.today == timezone.localdate() + timedelta(weeks=1)  # this week is ranked
        for _ in range(2):
            result = bench_triage.prioritise(waiting)
            assert result[1]
            assert result[0].entries == 25
            assert sorted(result[0].rows.values_list("rank", flat=True)) == list(range(1, 26))
            bench_triage.prioritisation_undo(result)
    assert not PrioritySnapshot.objects.exists()
    assert not Case.objects.filter(number__startswith=bench_triage.NUMBER_PREFIX).exists()


def test_an_operation_on_a_page_this_version_lacks_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = Operation("page of the future", lambda b: b.manager.get("/"), needs_url="no-such-page")
    assert unavailable(missing) == "there is no URL 'no-such-page' yet"
    monkeypatch.setattr(bench_command, "OPERATIONS", (*OPERATIONS[:1], missing))
    output = bench("--cases", "60")
    assert re.search(
        r"^page of the future +skipped: there is no URL 'no-such-page' yet$", output, re.MULTILINE
    )
    records = [json.loads(line) for line in bench("--cases", "60", "--json").splitlines()]
    assert {"record": "skipped", "operation": "page of the future", "reason": unavailable(missing)} in records
