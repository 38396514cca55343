"""Mijn casussen: the procesregisseur's own open cases, with the counts he steers by.

Bram is procesregisseur of the cases built here; Cor is another procesregisseur with a case of his own;
Pia (procesondersteuner) has no caseload and may not open the screen.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import ActionPlan, Agreement, Case, CaseEvent, Escalation, Goal
from cases.workflow import CaseStatus
from tests.factories import UserFactory, days_ago, referral_case
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import CaseLabel, LifeDomain

pytestmark = pytest.mark.django_db
URL = reverse("my-cases")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cor(db: None) -> User:
    return UserFactory(username="cor", first_name="Cor", last_name="Jansen", role=Role.COORDINATOR)


def running_case(coordinator: User, number: str, **fields: object) -> Case:
    fields = {"status": CaseStatus.ACTIVE, "kind": Case.Kind.COORDINATION} | fields
    return referral_case(number=number, coordinator=coordinator, in_municipality="emmen", **fields)


def agreement(case: Case, *, due: datetime.date, status: str = Agreement.Status.OPEN) -> Agreement:
    subject = case.subjects.get(is_primary=True)
    plan, _created = ActionPlan.objects.get_or_create(case=case, subject=subject)
    goal = Goal.objects.create(plan=plan, life_domain=LifeDomain.objects.first(), description="Stabiel wonen")
    return Agreement.objects.create(
        goal=goal,
        case=case,
        what="Huisbezoek",
        due_date=due,
        status=status,
        not_done_reason="Niet gelukt" if status == Agreement.Status.NOT_DONE else "",
        created_by=case.coordinator,
    )


def last_active(case: Case, days: int) -> None:
    CaseEvent.objects.filter(case=case).update(occurred_at=timezone.now() - days * DAY)


def rows(response) -> dict[str, Case]:  # type: ignore[no-untyped-def]
    return {case.number: case for case in response.context["page"].object_list}


def numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [case.number for case in response.context["page"].object_list]


@pytest.fixture
def caseload(bram, cor):  # type: ignore[no-untyped-def]
    """Bram's three open cases (A: two overdue, B: none overdue but escalated, C: extended advice, PGA
    label), one of his closed cases and one of Cor's."""
    a = running_case(bram, "2026-0011", intensity=Case.Intensity.INTENSIVE)
    agreement(a, due=days_ago(10))
    agreement(a, due=days_ago(2))
    agreement(a, due=TODAY + 5 * DAY)
    agreement(a, due=days_ago(20), status=Agreement.Status.DONE)
    last_active(a, 3)
    b = running_case(bram, "2026-0012")
    agreement(b, due=TODAY + 2 * DAY)
    agreement(b, due=days_ago(4), status=Agreement.Status.NOT_DONE)
    Escalation.objects.create(
        case=b, to=Escalation.To.DRIEHOEK, reason="Vastgelopen", escalated_on=TODAY, by=bram
    )
    last_active(b, 12)
    c = running_case(bram, "2026-0010", kind=Case.Kind.EXTENDED_ADVICE)
    c.labels.add(CaseLabel.objects.get(code="pga"))
    running_case(bram, "2026-0013", status=CaseStatus.CLOSED, closed_at=timezone.now())
    running_case(cor, "2026-0014")
    return {"a": a, "b": b, "c": c}


def test_the_list_shows_only_his_own_open_cases(client_for, bram, caseload) -> None:
    response = client_for(bram).get(URL)
    assert response.status_code == 200
    assert numbers(response) == ["2026-0010", "2026-0011", "2026-0012"]


def test_each_case_carries_its_overdue_and_open_agreements_next_deadline_and_days_without_activity(
    client_for, bram, caseload
) -> None:
    listed = rows(client_for(bram).get(URL))
    a, b, c = listed["2026-0011"], listed["2026-0012"], listed["2026-0010"]
    assert (a.overdue_count, a.open_count, a.next_deadline, a.days_inactive) == (2, 3, days_ago(10), 3)
    assert (b.overdue_count, b.open_count, b.next_deadline, b.days_inactive) == (0, 1, TODAY + 2 * DAY, 12)
    assert (c.overdue_count, c.open_count, c.next_deadline, c.days_inactive) == (0, 0, None, 0)
    assert (a.escalated, b.escalated, c.escalated) == (False, True, False)
    assert c.main_subject.municipality.code == "emmen"


def test_an_escalation_with_an_outcome_no_longer_marks_the_case(client_for, bram, caseload) -> None:
    Escalation.objects.filter(case=caseload["b"]).update(outcome="Opgelost", resolved_on=TODAY)
    assert rows(client_for(bram).get(URL))["2026-0012"].escalated is False


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("number", ["2026-0010", "2026-0011", "2026-0012"]),
        ("overdue", ["2026-0011", "2026-0010", "2026-0012"]),
        ("inactive", ["2026-0012", "2026-0011", "2026-0010"]),
        ("deadline", ["2026-0011", "2026-0012", "2026-0010"]),
        ("nonsense", ["2026-0010", "2026-0011", "2026-0012"]),
    ],
)
def test_the_list_sorts_by_the_chosen_column(client_for, bram, caseload, sort, expected) -> None:
    assert numbers(client_for(bram).get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "extended_advice"}, ["2026-0010"]),
        ({"kind": "coordination"}, ["2026-0011", "2026-0012"]),
        ({"label": "pga"}, ["2026-0010"]),
        ({"overdue": "on"}, ["2026-0011"]),
        ({"overdue": "on", "kind": "extended_advice"}, []),
        ({"overdue": "on", "sort": "deadline"}, ["2026-0011"]),
    ],
)
def test_filters_narrow_the_list(client_for, bram, caseload, query, expected) -> None:
    assert numbers(client_for(bram).get(URL, query)) == expected


def test_opening_the_list_is_logged_with_the_main_subjects_shown(client_for, bram, caseload) -> None:
    client_for(bram).get(URL)
    record = AuditEvent.objects.get(object_type="my_cases")
    shown = {case.subjects.get().person_id for case in caseload.values()}
    assert record.actor == bram
    assert set(record.subjects.values_list("person_id", flat=True)) == shown


def test_a_role_without_a_caseload_may_not_open_the_screen(client_for, pia) -> None:
    assert client_for(pia).get(URL).status_code == 403


def load(coordinator: User, start: int, count: int) -> None:
    label = CaseLabel.objects.get(code="lla")
    for index in range(start, start + count):
        case = running_case(coordinator, f"2026-{index:04d}")
        case.labels.add(label)
        agreement(case, due=days_ago(1 + index % 5))
        agreement(case, due=TODAY + index * DAY)
        Escalation.objects.create(
            case=case, to=Escalation.To.OTHER, reason="Stil", escalated_on=TODAY, by=coordinator
        )


@pytest.mark.parametrize(
    "query", [{}, {"sort": "overdue", "overdue": "on", "label": "lla", "kind": "coordination"}]
)
def test_the_list_uses_the_same_number_of_queries_for_3_and_for_30_cases(client_for, bram, query) -> None:
    client = client_for(bram)
    load(bram, 100, 3)
    client.get(URL, query)  # warm-up: the house name is cached after the first page
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, query).context["page"].object_list) == 3
    load(bram, 200, 27)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL, query).context["page"].object_list) == 30
    assert len(few) == len(many)
