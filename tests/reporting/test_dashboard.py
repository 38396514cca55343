"""The manager's figures dashboard and the drill-down lists behind its numbers.

The hand-made case file of 2023 (fixture `case_file`): Assen has a procesregie case received in 2022 and
still running, and one received and closed in 2023; Emmen has a procesregie case and an extended advice
received in 2023. A Wet parta case in Assen appears in no figure and in no list.
"""

from __future__ import annotations

import datetime
import itertools
from urllib.parse import urlsplit

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Case
from cases.workflow import CaseStatus
from tests.factories import referral_case
from zvhd.audit.models import AuditEvent, LegalBasis

DASHBOARD = reverse("reporting-dashboard")
COORDINATION = Case.Kind.COORDINATION
ADVICE = Case.Kind.EXTENDED_ADVICE

pytestmark = pytest.mark.usefixtures("reference_data")


def drilldown(table: str, row: str, column: str) -> str:
    return reverse("reporting-drilldown", kwargs={"table": table, "row": row, "column": column})


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def case_received(received: str, *, kind: str = COORDINATION, closed: str = "", **fields: object) -> Case:
    closed_at = timezone.make_aware(datetime.datetime.fromisoformat(f"{closed}T12:00")) if closed else None
    return referral_case(
        received_on=day(received),
        kind=kind,
        status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
        decided_on=day(received),
        closed_at=closed_at,
        **fields,
    )


@pytest.fixture
def case_file(db: None, reference_data: None) -> dict[str, Case]:
    return {
        "assen_2022": case_received("2022-11-15", in_municipality="assen"),
        "assen_closed": case_received("2023-02-01", closed="2023-10-01", in_municipality="assen"),
        "emmen": case_received("2023-05-10", in_municipality="emmen"),
        "emmen_advice": case_received("2023-06-01", kind=ADVICE, in_municipality="emmen"),
        "parta": case_received("2023-03-03", in_municipality="assen", legal_basis=LegalBasis.PARTA),
    }


# --- Reading the page -----------------------------------------------------------------------------------


def page_of(response) -> cssselect2.ElementWrapper:  # type: ignore[no-untyped-def]
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def text_of(element: cssselect2.ElementWrapper) -> str:
    return " ".join("".join(element.etree_element.itertext()).split())


def figures_section(response, key: str) -> cssselect2.ElementWrapper:  # type: ignore[no-untyped-def]
    return next(page_of(response).query_all(f'section[data-table="{key}"]'))


def table_numbers(response, key: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """{row key: the printed figures of that row, in column order} of one table on the dashboard."""
    section = figures_section(response, key)
    return {
        row.etree_element.get("data-row"): [text_of(cell) for cell in row.query_all("td")]
        for row in section.query_all("tbody tr")
    }


def link_of(response, key: str, row: str, column_index: int) -> str:  # type: ignore[no-untyped-def]
    section = figures_section(response, key)
    tr = next(section.query_all(f'tbody tr[data-row="{row}"]'))
    cell = list(tr.query_all("td"))[column_index]
    return next(cell.query_all("a")).etree_element.get("href")


def listed_numbers(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        row.etree_element.get("data-case")
        for row in page_of(response).query_all('[data-testid="overview-case"]')
    }


# --- Who may see the figures ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mirjam", "kees"])
def test_the_manager_and_the_quality_coordinator_see_the_figures(client_for, persona, request) -> None:
    response = client_for(request.getfixturevalue(persona)).get(DASHBOARD)

    assert response.status_code == 200
    assert page_of(response).query('section[data-table="overview"]') is not None


@pytest.mark.parametrize("persona", ["pia", "bram", "petra"])
def test_other_roles_are_refused_the_dashboard_and_the_lists(client_for, persona, request, case_file) -> None:
    client = client_for(request.getfixturevalue(persona))

    assert client.get(DASHBOARD, {"year": 2023}).status_code == 403
    assert client.get(drilldown("overview", "new", "p0"), {"year": 2023}).status_code == 403
    assert not AuditEvent.objects.filter(object_type="figures_drilldown").exists()


def test_someone_not_logged_in_is_sent_to_the_login_page(client) -> None:
    for url in (DASHBOARD, drilldown("overview", "new", "p0")):
        response = client.get(url)

        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)


# --- The dashboard ----------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_last_complete_year_by_default(client_for, mirjam) -> None:
    response = client_for(mirjam).get(DASHBOARD)

    last_year = str(timezone.localdate().year - 1)
    assert response.context["document"]["period"]["label"] == last_year
    assert page_of(response).query('input[name="year"]').etree_element.get("value") == last_year


def test_the_overview_shows_the_year_and_the_two_before_it(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023})

    headers = [text_of(th) for th in figures_section(response, "overview").query_all("thead th")]
    assert headers == ["2023", "2022", "2021"]
    assert table_numbers(response, "overview") == {
        "new": ["2", "1", "0"],
        "active": ["3", "1", "0"],
        "closed": ["1", "0", "0"],
    }


def test_the_municipality_table_counts_the_main_subjects_municipality(client_for, mirjam, case_file) -> None:
    numbers = table_numbers(client_for(mirjam).get(DASHBOARD, {"year": 2023}), "municipalities")

    # active, inflow, extended advice, closed
    assert numbers["assen"] == ["2", "1", "0", "1"]
    assert numbers["emmen"] == ["1", "1", "1", "0"]
    assert numbers["coevorden"] == ["0", "0", "0", "0"]
    assert numbers["total"] == ["3", "2", "1", "1"]


def test_percentages_carry_a_percent_sign_and_missing_values_a_dash(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023})

    domains = table_numbers(response, "domains")
    assert domains["total"] == ["3", "100%", "100%", "\u2013"]  # no referral at all in 2021
    lead_times = table_numbers(response, "lead_times")
    assert lead_times["duration"][0] == "1"
    assert lead_times["duration"][1:] == ["242", "242"]  # 1 February to 1 October


def test_every_table_has_its_definition_as_a_tooltip_and_a_toggle(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023})

    document = response.context["document"]
    sections = list(page_of(response).query_all("section[data-table]"))
    assert [s.etree_element.get("data-table") for s in sections] == [t["key"] for t in document["tables"]]
    overview = figures_section(response, "overview")
    definition = document["tables"][0]["definition"]
    assert overview.query("h2").etree_element.get("title") == definition
    assert text_of(overview.query('details[data-testid="definition"] p')) == definition
    described_by = overview.query("table").etree_element.get("aria-describedby")
    assert overview.query(f"#{described_by}") is not None


def test_the_general_rules_are_shown_once(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023})

    rules = list(page_of(response).query_all('[data-testid="general-rules"]'))
    assert len(rules) == 1
    assert response.context["document"]["general_rules"] in text_of(rules[0])


def test_without_aftercare_records_the_aftercare_table_says_it_is_not_available(
    client_for, mirjam, case_file
) -> None:
    section = figures_section(client_for(mirjam).get(DASHBOARD, {"year": 2023}), "aftercare")

    assert text_of(section.query('[data-testid="unavailable"]')) == gettext(
        "Not yet available: there are no aftercare records yet."
    )
    assert section.query("table") is None


def test_the_export_links_keep_the_period(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023, "first": "2023-01-01", "last": "2023-06-30"})

    query = "year=2023&first=2023-01-01&last=2023-06-30"
    hrefs = {a.etree_element.get("href") for a in page_of(response).query_all("a")}
    assert f"{reverse('reporting-table-csv', kwargs={'table': 'overview'})}?{query}" in hrefs
    assert f"{reverse('reporting-workbook')}?{query}" in hrefs
    assert f"{reverse('reporting-key-figures')}?{query}" in hrefs
    assert f"{reverse('reporting-reports')}?{query}" in hrefs


def test_a_part_of_the_year_counts_only_that_part(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023, "first": "2023-01-01", "last": "2023-03-31"})

    assert table_numbers(response, "overview")["new"][0] == "1"
    assert link_of(response, "overview", "new", 0) == (
        f"{drilldown('overview', 'new', 'p0')}?year=2023&first=2023-01-01&last=2023-03-31"
    )


def test_an_invalid_period_shows_dutch_errors_at_the_fields_and_no_figures(client_for, mirjam) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": "twintig", "first": "gisteren"})

    assert response.status_code == 200
    assert "document" not in response.context
    page = page_of(response)
    assert page.query("section[data-table]") is None
    assert text_of(page.query("#id_year_errors")) == "Voer een geheel getal in."
    assert text_of(page.query("#id_first_errors")) == "Voer een geldige datum in."


def test_a_date_outside_the_chosen_year_is_refused_at_the_field(client_for, mirjam) -> None:
    response = client_for(mirjam).get(DASHBOARD, {"year": 2023, "first": "2022-12-01"})

    assert response.status_code == 200
    assert page_of(response).query("#id_first_errors") is not None
    assert page_of(response).query("section[data-table]") is None


# --- The drill-down list ------------------------------------------------------------------------------------


def test_a_number_links_to_the_list_of_the_cases_it_counts(client_for, mirjam, case_file) -> None:
    client = client_for(mirjam)
    dashboard = client.get(DASHBOARD, {"year": 2023})

    response = client.get(link_of(dashboard, "municipalities", "emmen", 1))  # inflow procesregie, Emmen

    assert response.status_code == 200
    assert listed_numbers(response) == {case_file["emmen"].number}


def test_the_list_shows_exactly_the_cases_behind_the_figure(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(drilldown("overview", "active", "p0"), {"year": 2023})

    assert listed_numbers(response) == {
        case_file["assen_2022"].number,
        case_file["assen_closed"].number,
        case_file["emmen"].number,
    }
    assert text_of(page_of(response).query('[data-testid="figure-value"]')) == "3"
    page = text_of(page_of(response).query('[data-testid="figure"]'))
    assert "2023" in page
    assert str(response.context["row"].label) in page


def test_the_list_never_shows_a_wet_parta_case(client_for, mirjam, case_file) -> None:
    client = client_for(mirjam)

    for table, row, column in (("overview", "new", "p0"), ("municipalities", "assen", "inflow")):
        response = client.get(drilldown(table, row, column), {"year": 2023})
        assert case_file["parta"].number not in listed_numbers(response)
        assert case_file["parta"].number not in response.content.decode()


def test_the_list_shows_no_names(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(drilldown("overview", "active", "p0"), {"year": 2023})

    person = case_file["emmen"].subjects.get().person
    assert person.last_name not in response.content.decode()


def test_the_list_is_recorded_in_the_access_log(client_for, mirjam, case_file) -> None:
    client_for(mirjam).get(drilldown("overview", "new", "p0"), {"year": 2023})

    event = AuditEvent.objects.get(object_type="figures_drilldown")
    assert event.action == AuditEvent.Action.READ
    assert event.actor == mirjam
    assert event.data_category == AuditEvent.DataCategory.CASE_FILE
    assert event.object_id == "overview/new/p0"


def test_the_list_keeps_the_period(client_for, mirjam, case_file) -> None:
    response = client_for(mirjam).get(drilldown("overview", "new", "p0"), {"year": 2022})

    assert listed_numbers(response) == {case_file["assen_2022"].number}
    back = page_of(response).query("main p a").etree_element.get("href")
    assert back == f"{DASHBOARD}?year=2022#table-overview"


def test_a_long_list_is_paged_and_the_pages_keep_the_period(client_for, mirjam, reference_data) -> None:
    for number in range(27):
        case_received(f"2023-03-{number + 1:02d}", in_municipality="emmen")
    client = client_for(mirjam)

    first = client.get(drilldown("overview", "new", "p0"), {"year": 2023})
    second = client.get(drilldown("overview", "new", "p0"), {"year": 2023, "page": 2})

    assert len(listed_numbers(first)) == 25
    assert len(listed_numbers(second)) == 2
    assert page_of(first).query('a[rel="next"]').etree_element.get("href") == "?year=2023&page=2"
    assert "27" in text_of(page_of(first).query('[data-testid="case-count"]'))


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [
        ("nothing", "new", "p0"),
        ("overview", "nothing", "p0"),
        ("overview", "new", "p9"),
        ("advice", "anonymous", "p0"),
    ],
)
def test_an_unknown_figure_is_not_found(client_for, mirjam, case_file, table, row, column) -> None:
    response = client_for(mirjam).get(drilldown(table, row, column), {"year": 2023})

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(object_type="figures_drilldown").exists()


# --- A fixed number of queries ------------------------------------------------------------------------------

_days = itertools.count()


def more_cases(count: int) -> None:
    """Referrals of every kind in 2023, spread over municipalities, some closed."""
    kinds = [COORDINATION, ADVICE, Case.Kind.UNDECIDED]
    places = ["assen", "emmen", "coevorden", "hoogeveen"]
    for index in range(count):
        received = datetime.date(2023, 1, 1) + datetime.timedelta(days=next(_days) % 300)
        case_received(
            received.isoformat(),
            kind=kinds[index % 3],
            closed="2023-12-20" if index % 4 == 0 else "",
            in_municipality=places[index % 4],
        )


def queries_of(client, url: str, query: dict[str, object]) -> int:  # type: ignore[no-untyped-def]
    client.get(url, query)  # warm-up: the house name is cached after the first page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", [DASHBOARD, drilldown("overview", "active", "p0"), drilldown("municipalities", "total", "advice")]
)
def test_the_pages_use_the_same_number_of_queries_for_3_and_30_cases(
    client_for, mirjam, reference_data, url, django_assert_num_queries
) -> None:
    client = client_for(mirjam)
    more_cases(3)
    with_3 = queries_of(client, url, {"year": 2023})

    more_cases(27)

    with django_assert_num_queries(with_3):
        assert client.get(url, {"year": 2023}).status_code == 200
