"""`manage.py bench` and its generator: every operation reported with figures, queries that do not grow
with the data, generated cases that look like the real thing, and never a database not meant for it.

The accounts here are the generator's own: a procesondersteuner who sees every referral and a police
professional who takes part in no case.
"""

from __future__ import annotations

import json
import re
from datetime import date
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Person, Referral
from cases.workflow import CaseStatus, transition_allowed
from demo import scale
from demo.management.commands.bench import OPERATIONS, is_bench_database
from zvhd.accounts.models import Role, User
from zvhd.reference.models import Municipality

pytestmark = pytest.mark.django_db


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
        row = rf"^{re.escape(operation.name)} +(200|403|—) +\d+\.\d +\d+\.\d +[1-9]\d* +\d+\.\d\d$"
        assert re.search(row, output, flags=re.MULTILINE), f"no figures for {operation.name!r}:\n{output}"


def test_the_json_output_has_one_record_per_operation() -> None:
    records = figures(bench("--cases", "60", "--json"))
    assert list(records) == [operation.name for operation in OPERATIONS]
    for record in records.values():
        assert record["median_ms"] > 0
        assert record["max_ms"] >= record["median_ms"]
        assert record["queries"] > 0
        assert record["peak_mib"] >= 0


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


def test_the_bench_accounts_have_the_roles_the_operations_need(client: Client) -> None:
    scale.bench_data_ensure(cases=60)
    data = scale.bench_data()
    assert data.support_officer.role == Role.SUPPORT_OFFICER
    assert data.partner_professional.role == Role.PARTNER_PROFESSIONAL
    assert data.partner_professional.organisation.code == "politie"
    client.force_login(data.support_officer)
    found = client.get(reverse("referral-list"), {"search": data.search_last_name}).context["page"]
    assert [case.pk for case in found.object_list] == [data.busy_case.pk]


def test_a_size_is_named_or_counted() -> None:
    assert scale.cases_for() == 100_000
    assert scale.cases_for(scale="regional") == 10_000
    assert scale.cases_for(scale="small", cases=42) == 42
