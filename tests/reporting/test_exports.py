"""Downloading the figures: one table as CSV, every table as an XLSX workbook, the key figures as JSON.

The case file of 2023 is small and made by hand: two procesregie cases (Assen, still running; Emmen,
closed in October) and one extended advice (Assen). Mirjam (manager) and Kees (kwaliteitscoördinator)
may download the figures; Pia (procesondersteuner) and Petra (police) may not.
"""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cases.models import Case
from cases.workflow import CaseStatus
from reporting.document import figures_document
from reporting.exports import KEY_FIGURES_FORMAT
from reporting.figures import Period, figures_compute
from tests.factories import referral_case
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
YEAR = "year=2023"
CSV_OVERVIEW = reverse("reporting-table-csv", kwargs={"table": "overview"})
CSV_MUNICIPALITIES = reverse("reporting-table-csv", kwargs={"table": "municipalities"})
WORKBOOK = reverse("reporting-workbook")
KEY_FIGURES = reverse("reporting-key-figures")


@pytest.fixture
def case_file_2023() -> None:
    referral_case(
        received_on=datetime.date(2023, 2, 1),
        in_municipality="assen",
        kind=Case.Kind.COORDINATION,
        status=CaseStatus.ACTIVE,
        decided_on=datetime.date(2023, 2, 10),
    )
    referral_case(
        received_on=datetime.date(2023, 3, 1),
        in_municipality="emmen",
        kind=Case.Kind.COORDINATION,
        status=CaseStatus.CLOSED,
        decided_on=datetime.date(2023, 3, 6),
        closed_at=datetime.datetime(2023, 10, 2, 12, tzinfo=timezone.get_current_timezone()),
    )
    referral_case(
        received_on=datetime.date(2023, 4, 1),
        in_municipality="assen",
        kind=Case.Kind.EXTENDED_ADVICE,
        status=CaseStatus.ACTIVE,
        decided_on=datetime.date(2023, 4, 3),
    )


def read_csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def rows_by_label(lines: list[list[str]]) -> dict[str, list[str]]:
    return {line[0]: line[1:] for line in lines[1:]}


def export_records() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="figures"))


def labels_of(table_key: str) -> tuple[list[str], dict[str, str]]:
    """The column labels and the row labels by key, as the figures engine writes them."""
    table = figures_compute(Period.year(2023)).table(table_key)
    return [str(column.label) for column in table.columns], {row.key: str(row.label) for row in table.rows}


# --- CSV ------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("case_file_2023")
def test_the_overview_as_csv_has_the_years_as_columns_and_the_counts_in_its_rows(
    client_for, mirjam: User
) -> None:
    response = client_for(mirjam).get(f"{CSV_OVERVIEW}?{YEAR}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cijfers-2023-overview.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    lines = read_csv(response)
    columns, rows = labels_of("overview")
    assert lines[0][1:] == columns == ["2023", "2022", "2021"]
    by_label = rows_by_label(lines)
    assert by_label[rows["new"]] == ["2", "0", "0"]
    assert by_label[rows["active"]] == ["2", "0", "0"]
    assert by_label[rows["closed"]] == ["1", "0", "0"]


@pytest.mark.usefixtures("case_file_2023")
def test_the_municipality_table_as_csv_counts_each_case_in_the_municipality_of_its_main_subject(
    client_for, mirjam: User
) -> None:
    response = client_for(mirjam).get(f"{CSV_MUNICIPALITIES}?{YEAR}")

    lines = read_csv(response)
    columns, rows = labels_of("municipalities")
    assert lines[0] == [_("Municipality"), *columns]
    by_label = rows_by_label(lines)
    # active, inflow, extended advice, closed
    assert by_label[rows["assen"]] == ["1", "1", "1", "0"]
    assert by_label[rows["emmen"]] == ["1", "1", "0", "1"]
    assert by_label[rows["total"]] == ["2", "2", "1", "1"]
    assert 'filename="cijfers-2023-municipalities.csv"' in response["Content-Disposition"]


@pytest.mark.usefixtures("case_file_2023")
def test_percentages_in_a_csv_are_plain_numbers_under_a_percent_header(client_for, kees: User) -> None:
    lines = read_csv(client_for(kees).get(reverse("reporting-table-csv", args=["minors"]) + f"?{YEAR}"))

    assert "%" in lines[0][2]
    assert all("%" not in value for line in lines[1:] for value in line[1:])
    total = lines[-1]
    assert total[1:] == ["2", "100"]


def test_days_in_a_csv_have_a_decimal_comma_and_an_empty_cell_stays_empty(client_for, kees: User) -> None:
    referral_case(
        received_on=datetime.date(2023, 5, 1),
        kind=Case.Kind.EXTENDED_ADVICE,
        status=CaseStatus.ACTIVE,
        decided_on=datetime.date(2023, 5, 4),
    )
    referral_case(
        received_on=datetime.date(2023, 5, 1),
        kind=Case.Kind.EXTENDED_ADVICE,
        status=CaseStatus.ACTIVE,
        decided_on=datetime.date(2023, 5, 8),
    )

    lines = read_csv(client_for(kees).get(reverse("reporting-table-csv", args=["lead_times"]) + f"?{YEAR}"))

    _columns, rows = labels_of("lead_times")
    by_label = rows_by_label(lines)
    assert by_label[rows["to_decision"]] == ["2", "5,0", "7"]  # median of 3 and 7 days; the longest 7
    assert by_label[rows["duration"]] == ["0", "", ""]


def test_a_table_that_is_not_available_has_its_header_and_the_reason(client_for, mirjam: User) -> None:
    lines = read_csv(client_for(mirjam).get(reverse("reporting-table-csv", args=["aftercare"]) + f"?{YEAR}"))

    table = figures_document(figures_compute(Period.year(2023)))["tables"][-1]
    assert table["key"] == "aftercare"
    assert not table["available"]
    assert lines == [
        [_("Municipality"), *[c["label"] for c in table["columns"]]],
        [table["unavailable_reason"]],
    ]


def test_a_table_that_does_not_exist_is_not_found(client_for, mirjam: User) -> None:
    response = client_for(mirjam).get(reverse("reporting-table-csv", args=["salaries"]) + f"?{YEAR}")

    assert response.status_code == 404
    assert export_records() == []


def test_a_period_of_part_of_the_year_is_in_the_file_name(client_for, mirjam: User) -> None:
    response = client_for(mirjam).get(f"{CSV_OVERVIEW}?{YEAR}&first=2023-01-01&last=2023-06-30")

    assert response.status_code == 200
    assert 'filename="cijfers-2023-01-01-2023-06-30-overview.csv"' in response["Content-Disposition"]
    assert read_csv(response)[0][1] == "01-01-2023 t/m 30-06-2023"


@pytest.mark.parametrize("url", [CSV_OVERVIEW, WORKBOOK, KEY_FIGURES])
def test_an_invalid_period_is_refused_with_a_dutch_message(client_for, mirjam: User, url: str) -> None:
    response = client_for(mirjam).get(f"{url}?year=twintig")

    assert response.status_code == 400
    assert response.json() == {"year": ["Voer een geheel getal in."]}
    assert export_records() == []


# --- XLSX -----------------------------------------------------------------------------------------------


@pytest.fixture
def book(case_file_2023: None, client_for, kees: User):  # type: ignore[no-untyped-def]
    response = client_for(kees).get(f"{WORKBOOK}?{YEAR}")
    assert response.status_code == 200
    assert 'filename="cijfers-2023.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_the_workbook_starts_with_an_overview_and_ends_with_the_definitions(book) -> None:  # type: ignore[no-untyped-def]
    document = figures_document(figures_compute(Period.year(2023)))
    names = book.sheetnames

    assert names[0] == _("Overview")
    assert names[-1] == _("Definitions")
    assert len(names) == len(document["tables"]) + 2
    assert len(set(names)) == len(names)
    assert all(len(name) <= 31 for name in names)
    overview = book[names[0]]
    listed = [row[0] for row in overview.iter_rows(values_only=True)]
    assert all(name in listed for name in names[1:])
    assert "2023" in overview["A1"].value


def test_a_table_sheet_has_its_title_definition_bold_header_and_numbers(book) -> None:  # type: ignore[no-untyped-def]
    columns, rows = labels_of("municipalities")
    sheet = book[book.sheetnames[2]]

    assert sheet["A1"].value == str(figures_compute(Period.year(2023)).table("municipalities").title)
    assert sheet["A2"].alignment.wrap_text
    header = [cell.value for cell in sheet[4]]
    assert header == [_("Municipality"), *columns]
    assert all(cell.font.bold for cell in sheet[4])
    values = {row[0].value: row for row in sheet.iter_rows(min_row=5)}
    assert [cell.value for cell in values[rows["emmen"]][1:]] == [1, 1, 0, 1]
    assert values[rows["emmen"]][1].number_format == "0"
    assert not values[rows["emmen"]][0].font.bold
    assert [cell.value for cell in values[rows["total"]][1:]] == [2, 2, 1, 1]
    assert values[rows["total"]][0].font.bold
    assert sheet.column_dimensions["A"].width >= len(rows["total"])


def test_percentages_are_numbers_and_days_have_one_decimal_in_the_workbook(book) -> None:  # type: ignore[no-untyped-def]
    minors = next(book[name] for name in book.sheetnames if book[name]["A1"].value == labels_title("minors"))
    assert "%" in minors["C4"].value
    total = list(minors.iter_rows(min_row=5, values_only=True))[-1]
    assert total[1:3] == (2, 100)

    lead_times = next(
        book[name] for name in book.sheetnames if book[name]["A1"].value == labels_title("lead_times")
    )
    assert lead_times["C5"].number_format == "0.0"
    assert lead_times["C5"].value == 5.0  # median of 9, 5 and 2 days from referral to decision


def labels_title(table_key: str) -> str:
    return str(figures_compute(Period.year(2023)).table(table_key).title)


def test_the_definitions_sheet_holds_every_tables_title_and_definition(book) -> None:  # type: ignore[no-untyped-def]
    document = figures_document(figures_compute(Period.year(2023)))
    rows = list(book[book.sheetnames[-1]].iter_rows(values_only=True))

    assert rows[0] == (_("Table"), _("Definition"))
    assert rows[1] == (_("General rules"), document["general_rules"])
    assert rows[2:] == [(table["title"], table["definition"]) for table in document["tables"]]


# --- JSON -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("case_file_2023")
def test_the_key_figures_are_under_the_stable_keys_of_tables_rows_and_columns(
    client_for, mirjam: User
) -> None:
    response = client_for(mirjam).get(f"{KEY_FIGURES}?{YEAR}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="kerncijfers-2023.json"' in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["format"] == KEY_FIGURES_FORMAT
    assert body["house"]["name"]
    assert body["house"]["short_name"]
    assert body["period"] == {
        "first": "2023-01-01",
        "last": "2023-12-31",
        "label": "2023",
        "whole_year": True,
    }
    figures = body["figures"]
    assert figures["overview"]["rows"]["new"]["p0"] == 2
    assert figures["overview"]["rows"]["closed"]["p0"] == 1
    assert [c["key"] for c in figures["municipalities"]["columns"]] == [
        "active",
        "inflow",
        "advice",
        "closed",
    ]
    assert figures["municipalities"]["rows"]["emmen"] | {"label": ""} == {
        "label": "",
        "active": 1,
        "inflow": 1,
        "advice": 0,
        "closed": 1,
    }
    assert figures["municipalities"]["rows"]["total"]["advice"] == 1
    assert figures["advice"]["rows"]["case"]["p0"] == 1
    assert figures["aftercare"]["available"] is False
    assert figures["overview"]["definition"]


# --- Access and the access log --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CSV_OVERVIEW, WORKBOOK, KEY_FIGURES])
def test_manager_and_quality_coordinator_may_download_the_figures(
    client_for, mirjam: User, kees: User, url: str
) -> None:
    for user in (mirjam, kees):
        assert client_for(user).get(f"{url}?{YEAR}").status_code == 200


@pytest.mark.parametrize("url", [CSV_OVERVIEW, WORKBOOK, KEY_FIGURES])
def test_other_roles_may_not_download_the_figures(client_for, pia: User, petra: User, url: str) -> None:
    for user in (pia, petra):
        assert client_for(user).get(f"{url}?{YEAR}").status_code == 403
    assert export_records() == []


@pytest.mark.parametrize("url", [CSV_OVERVIEW, WORKBOOK, KEY_FIGURES])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{url}?{YEAR}")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_download_writes_an_export_record_naming_format_table_and_period(
    client_for, kees: User
) -> None:
    web = client_for(kees)
    web.get(f"{CSV_MUNICIPALITIES}?{YEAR}")
    web.get(f"{WORKBOOK}?{YEAR}&first=2023-01-01&last=2023-06-30")
    web.get(f"{KEY_FIGURES}?{YEAR}")

    records = sorted(export_records(), key=lambda record: record.sequence)
    assert [record.detail for record in records] == [
        "csv municipalities 2023-01-01/2023-12-31",
        "xlsx all 2023-01-01/2023-06-30",
        "json all 2023-01-01/2023-12-31",
    ]
    assert {(record.actor, record.data_category) for record in records} == {
        (kees, AuditEvent.DataCategory.STATISTICS)
    }
    assert not any(record.subjects.exists() for record in records)
