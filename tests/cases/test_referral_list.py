"""The Aanmeldingen list: filters, search, paging, access and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent, Person, Referral, Subject
from cases.workflow import CaseStatus
from tests.factories import PersonFactory, days_ago, main_topic, municipality, partner, referral_case
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("referral-list")


def numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [case.number for case in response.context["page"].object_list]


@pytest.fixture
def three_referrals(pia):  # type: ignore[no-untyped-def]
    """Emmen (police, last week), Assen (GGZ, in triage, two months ago), Meppel (municipality, last year)."""
    return {
        "emmen": referral_case(
            number="2026-0003",
            in_municipality="emmen",
            referrer="politie",
            received_on=days_ago(7),
            person=PersonFactory(first_name="Johan", last_name="Bakker"),
        ),
        "assen": referral_case(
            number="2026-0002",
            in_municipality="assen",
            referrer="ggz-drenthe",
            received_on=days_ago(60),
            status=CaseStatus.TRIAGE,
            person=PersonFactory(first_name="Anna", name_prefix="van der", last_name="Berg"),
        ),
        "meppel": referral_case(
            number="2025-0001",
            in_municipality="meppel",
            referrer="gemeente-veiligheid",
            received_on=days_ago(400),
            person=PersonFactory(first_name="Karel", last_name="Bakker"),
        ),
    }


def test_the_list_shows_every_referral_newest_first(client_for, pia, three_referrals) -> None:
    response = client_for(pia).get(URL)
    assert numbers(response) == ["2026-0003", "2026-0002", "2025-0001"]
    page = response.content.decode()
    assert "Johan Bakker" in page
    assert "Anna van der Berg" in page
    assert "3 aanmeldingen" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "triage"}, ["2026-0002"]),
        ({"municipality": "emmen"}, ["2026-0003"]),
        ({"partner": "gemeente-veiligheid"}, ["2025-0001"]),
        ({"received_from": days_ago(90).isoformat()}, ["2026-0003", "2026-0002"]),
        ({"received_to": days_ago(30).isoformat()}, ["2026-0002", "2025-0001"]),
        ({"search": "bakker"}, ["2026-0003", "2025-0001"]),
        ({"search": "van der berg"}, ["2026-0002"]),
        ({"search": "karel bakker"}, ["2025-0001"]),
        ({"search": "bakker", "municipality": "meppel"}, ["2025-0001"]),
    ],
)
def test_filters_and_search_narrow_the_list(client_for, pia, three_referrals, query, expected) -> None:
    if "municipality" in query:
        query["municipality"] = str(municipality(query["municipality"]).pk)
    if "partner" in query:
        query["partner"] = str(partner(query["partner"]).pk)
    assert numbers(client_for(pia).get(URL, query)) == expected


def test_search_finds_a_case_by_a_subject_who_is_not_the_main_subject(
    client_for, pia, three_referrals
) -> None:
    Subject.objects.create(
        case=three_referrals["assen"],
        person=PersonFactory(first_name="Dirk", last_name="Zwart"),
        is_primary=False,
        municipality=municipality("assen"),
    )
    assert numbers(client_for(pia).get(URL, {"search": "zwart"})) == ["2026-0002"]


def test_an_invalid_filter_value_is_reported_in_dutch(client_for, pia, three_referrals) -> None:
    response = client_for(pia).get(URL, {"received_from": "31-02-2026"})
    assert response.context["filter"].errors["received_from"] == ["Voer een geldige datum in."]


def test_htmx_requests_get_only_the_results(client_for, pia, three_referrals) -> None:
    response = client_for(pia).get(URL, {"status": "triage"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    assert "2026-0002" in page
    assert "2026-0003" not in page


def test_reading_the_list_is_logged_with_the_main_subjects_shown(client_for, pia, three_referrals) -> None:
    client_for(pia).get(URL, {"municipality": str(municipality("emmen").pk)})
    record = AuditEvent.objects.get(object_type="referral_list")
    assert (record.actor, record.action, record.data_category) == (pia, "R", "identifying")
    shown = three_referrals["emmen"].subjects.get().person_id
    assert list(record.subjects.values_list("person_id", flat=True)) == [shown]


def test_roles_without_a_triage_task_cannot_open_the_list(client_for, mirjam, petra) -> None:
    assert client_for(mirjam).get(URL).status_code == 403
    assert client_for(petra).get(URL).status_code == 403


def bulk_referrals(count: int, registrar) -> None:  # type: ignore[no-untyped-def]
    """`count` referrals with a main subject each, inserted in bulk."""
    start = Case.objects.count()
    cases = Case.objects.bulk_create(Case(number=f"B-{start + i:06d}") for i in range(count))
    persons = Person.objects.bulk_create(
        Person(first_name="Test", last_name=f"Persoon {i}") for i in range(count)
    )
    topic, police, assen = main_topic(), partner("politie"), municipality("assen")
    Referral.objects.bulk_create(
        Referral(
            case=case,
            received_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 300),
            referrer_partner=police,
            referrer_name="X",
            referrer_phone="1",
            concerns="-",
            main_topic=topic,
            subject_informed=True,
            registered_by=registrar,
        )
        for i, case in enumerate(cases)
    )
    Subject.objects.bulk_create(
        Subject(case=case, person=person, is_primary=True, municipality=assen)
        for case, person in zip(cases, persons, strict=False)
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEvent.Kind.REFERRAL_REGISTERED) for case in cases
    )
    statistics_refresh()


def statistics_refresh() -> None:
    """After a bulk load, let PostgreSQL know the tables' new sizes, as autovacuum does in production.

    Without it the planner may still plan for the empty tables of a moment ago, and turn the access
    rule's subqueries into plans that rerun per row: minutes instead of milliseconds for 2,000 cases.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE cases_case, cases_referral, cases_subject, cases_person, "
                "cases_caseuserobjectpermission, cases_participant"
            )


def list_queries(client, query: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    client.get(URL, query)  # warm-up: the house name is cached after the first page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"search": "persoon", "status": "registered"}])
def test_the_list_uses_the_same_number_of_queries_for_20_and_2000_referrals(
    client_for, pia, query, django_assert_num_queries
) -> None:
    client = client_for(pia)
    bulk_referrals(20, pia)
    with_20 = list_queries(client, query)
    bulk_referrals(1980, pia)
    assert Case.objects.count() == 2000
    with django_assert_num_queries(with_20):
        assert client.get(URL, query).status_code == 200


def test_the_list_pages_by_25(client_for, pia) -> None:
    bulk_referrals(60, pia)
    client = client_for(pia)
    first, last = client.get(URL), client.get(URL, {"page": "3"})
    assert len(first.context["page"].object_list) == 25
    assert len(last.context["page"].object_list) == 10
    assert "Pagina 3 van 3" in last.content.decode()
