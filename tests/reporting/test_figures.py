"""The definitions of the annual report's figures (reporting/figures.py), on small hand-made case files.

A case counts in a year when it was open on at least one day of it; it counts once, by its main subject;
the cter compartment appears in no figure; a period within a year is compared with the same days of the
two years before; every count keeps exactly the cases behind it; and the figures of a year stay as they
were when later years' records are added.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from aftercare.models import AftercareFile
from cases.models import AnonymousAdvice, Case, InformationContact
from cases.workflow import CaseStatus
from reporting.document import figures_document
from reporting.figures import Figures, Period, age_bucket, figures_compute
from tests.aftercare.builders import nazorg_coordinator, notice_registered
from tests.factories import PersonFactory, SubjectFactory, UserFactory, municipality, partner, referral_case
from triage.models import SafetyRisk, WaitingListEntry
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import CaseLabel

pytestmark = pytest.mark.usefixtures("reference_data")

COORDINATION = Case.Kind.COORDINATION
ADVICE = Case.Kind.EXTENDED_ADVICE
UNDECIDED = Case.Kind.UNDECIDED
YEAR = Period.year(2023)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def moment(text: str) -> datetime.datetime:
    """A moment in local time (Europe/Amsterdam)."""
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def case(
    received: str,
    *,
    kind: str = COORDINATION,
    decided: str | None = None,
    closed: str = "",
    born: str | None = "1990-06-01",
    **fields: Any,
) -> Case:
    """A case from a referral received on `received`, decided that day unless said otherwise, closed at
    noon on `closed` (or at the moment given, with a time)."""
    if closed:
        closed_at = moment(closed if "T" in closed else f"{closed}T12:00")
        status = CaseStatus.CLOSED
    else:
        closed_at, status = None, CaseStatus.TRIAGE if kind == UNDECIDED else CaseStatus.ACTIVE
    person = PersonFactory(date_of_birth=day(born) if born else None)
    return referral_case(
        received_on=day(received),
        kind=kind,
        status=status,
        decided_on=None if kind == UNDECIDED else day(decided or received),
        closed_at=closed_at,
        person=person,
        **fields,
    )


def waited(subject: Case, added: str, left: str | None = None) -> WaitingListEntry:
    return WaitingListEntry.objects.create(
        case=subject,
        added_on=day(added),
        added_by=UserFactory(),
        safety_risk=SafetyRisk.MEDIUM,
        left_on=day(left) if left else None,
        left_because=WaitingListEntry.LeftBecause.ASSIGNED if left else "",
    )


def ids(*cases: Case) -> frozenset[int]:
    return frozenset(c.pk for c in cases)


def overview(figures: Figures, row: str, column: str = "p0") -> Any:
    return figures.table("overview").cell(row, column)


def every_cell(figures: Figures) -> list[tuple[str, str, str, Any]]:
    return [
        (table.key, row.key, column, cell)
        for table in figures.tables
        for row in table.rows
        for column, cell in row.cells.items()
    ]


def counts(figures: Figures) -> list[tuple[str, str, str, Any]]:
    """The cells that count cases (not a percentage, a number of days or a median)."""
    kinds = {(table.key, column.key): column.kind for table in figures.tables for column in table.columns}
    return [
        (table, row, column, cell)
        for table, row, column, cell in every_cell(figures)
        if kinds[table, column] == "count"
        and cell.drillable
        and cell.share_of is None
        and row not in ("median_days", "longest_days")
    ]


# --- Active in a year ------------------------------------------------------------------------------


def test_a_case_is_active_in_a_year_when_it_was_open_on_at_least_one_day_of_it() -> None:
    across = case("2022-05-02", closed="2024-03-01")  # received before, closed after
    first_day = case("2022-06-01", closed="2023-01-01")  # closed on 1 January
    last_day = case("2023-12-31")  # received on 31 December
    case("2022-02-01", closed="2022-12-31")  # closed the day before the year
    case("2024-01-01")  # received the day after it
    figures = figures_compute(YEAR)
    assert overview(figures, "active").case_ids == ids(across, first_day, last_day)
    assert overview(figures, "new").case_ids == ids(last_day)
    assert overview(figures, "closed").case_ids == ids(first_day)


def test_a_case_closed_just_after_midnight_on_new_years_day_closed_in_the_new_year_local_time() -> None:
    closed = case("2022-03-01", closed="2023-01-01T00:30")  # 31 December, 23:30 in UTC
    figures = figures_compute(YEAR)
    assert overview(figures, "closed").case_ids == ids(closed)
    assert overview(figures, "closed", "p1").value == 0


# --- Once per case, by its main subject -----------------------------------------------------------


def test_a_case_with_two_subjects_counts_once_and_in_the_municipality_and_age_of_its_main_subject() -> None:
    family = case("2023-03-01", in_municipality="assen", born="1990-01-01")
    SubjectFactory(
        case=family,
        person=PersonFactory(date_of_birth=day("2015-01-01")),
        is_primary=False,
        municipality=municipality("emmen"),
    )
    figures = figures_compute(YEAR)
    assert overview(figures, "new").value == 1
    municipalities = figures.table("municipalities").values()
    assert municipalities["assen"]["inflow"] == 1
    assert municipalities["emmen"]["inflow"] == 0
    assert municipalities["total"]["inflow"] == 1
    ages = figures.table("ages_referred").values()
    adult, child = age_bucket(33), age_bucket(8)  # their ages on the date received
    assert (ages[adult]["count"], ages[child]["count"], ages["total"]["count"]) == (1, 0, 1)


def test_a_main_subject_without_a_date_of_birth_counts_as_age_unknown() -> None:
    case("2023-03-01", born=None)
    ages = figures_compute(YEAR).table("ages_referred").values()
    assert (ages["unknown"]["count"], ages["total"]["count"]) == (1, 1)


def test_a_wet_parta_case_appears_in_no_figure() -> None:
    regular = case("2023-03-01")
    cter = case("2023-03-02", legal_basis=LegalBasis.PARTA)
    cter.labels.add(CaseLabel.objects.get(code="stalking"))
    figures = figures_compute(YEAR)
    assert overview(figures, "new").case_ids == ids(regular)
    assert figures.table("partners").cell("total", "total").value == 1
    assert figures.table("stalking").cell("referred", "count").value == 0
    for table, row, column, cell in every_cell(figures):
        assert cter.pk not in (cell.case_ids or ()), (table, row, column)


# --- Periods ---------------------------------------------------------------------------------------


def test_a_period_within_the_year_is_compared_with_the_same_days_one_and_two_years_earlier() -> None:
    spring = Period(day("2023-03-01"), day("2023-06-30"))
    in_2022 = case("2022-04-01", closed="2022-06-30")
    case("2022-07-01")  # the day after the period a year earlier
    in_2021 = case("2021-03-01", closed="2021-03-02")
    case("2021-02-28", closed="2021-02-28")  # closed the day before the period two years earlier
    figures = figures_compute(spring)
    assert figures.periods == [
        Period(day("2021-03-01"), day("2021-06-30")),
        Period(day("2022-03-01"), day("2022-06-30")),
        spring,
    ]
    assert overview(figures, "new", "p1").case_ids == ids(in_2022)
    assert overview(figures, "closed", "p1").case_ids == ids(in_2022)
    assert overview(figures, "active", "p2").case_ids == ids(in_2021)
    assert overview(figures, "new", "p0").value == 0
    assert figures.table("overview").columns[0].label == "01-03-2023 t/m 30-06-2023"


def test_a_period_from_29_february_is_compared_from_28_february() -> None:
    leap = Period(day("2024-02-29"), day("2024-03-31"))
    assert leap.earlier(1) == Period(day("2023-02-28"), day("2023-03-31"))
    assert leap.earlier(2) == Period(day("2022-02-28"), day("2022-03-31"))


# --- Drill-down and the partner table -------------------------------------------------------------


def test_the_cases_behind_a_cell_are_exactly_the_cases_it_counts() -> None:
    assen = case("2023-02-01", in_municipality="assen")
    assen_closed = case("2022-09-01", closed="2023-05-01", in_municipality="assen")
    emmen_advice = case("2023-04-01", kind=ADVICE, in_municipality="emmen")
    figures = figures_compute(YEAR)
    municipalities = figures.table("municipalities")
    assert municipalities.cell("assen", "active").case_ids == ids(assen, assen_closed)
    assert municipalities.cell("assen", "inflow").case_ids == ids(assen)
    assert municipalities.cell("assen", "closed").case_ids == ids(assen_closed)
    assert municipalities.cell("emmen", "advice").case_ids == ids(emmen_advice)
    assert municipalities.cell("emmen", "active").case_ids == frozenset()
    for table, row, column, cell in counts(figures):
        assert cell.case_ids is not None, (table, row, column)
        assert len(cell.case_ids) == cell.value, (table, row, column)


def test_a_referral_not_yet_decided_counts_in_the_partner_table_as_otherwise() -> None:
    undecided = case("2023-12-20", kind=UNDECIDED, referrer="veilig-thuis")
    case("2023-05-01", referrer="veilig-thuis")
    figures = figures_compute(YEAR)
    row = figures.table("partners").values()["veilig-thuis"]
    assert row == {"total": 2, "coordination": 1, "advice": 0, "other": 1}
    assert figures.table("partners").cell("veilig-thuis", "other").case_ids == ids(undecided)
    assert overview(figures, "new").value == 1


def test_a_label_counts_on_referrals_and_on_active_cases_of_either_kind() -> None:
    stalking = CaseLabel.objects.get(code="stalking")
    carried = case("2022-10-01", closed="2023-02-01")
    referred = case("2023-03-01", kind=ADVICE, closed="2023-05-01")
    case("2023-04-01")  # without the label
    for labelled in (carried, referred):
        labelled.labels.add(stalking)
    table = figures_compute(YEAR).table("stalking").values()
    assert table["referred"] == {"count": 1, "percent": 50}
    assert table["active_coordination"]["count"] == 1
    assert table["active_advice"]["count"] == 1


# --- The waiting list and lead times --------------------------------------------------------------


def test_the_wait_counts_the_days_on_the_list_up_to_leaving_it_or_up_to_the_end_of_the_period() -> None:
    came_and_left = case("2023-01-20", decided="2023-02-01")
    waited(came_and_left, "2023-02-01", "2023-03-01")  # 28 days
    from_last_year = case("2022-11-20", decided="2022-12-01")
    waited(from_last_year, "2022-12-01", "2023-01-10")  # 40 days
    still_waiting = case("2023-11-20", decided="2023-12-01")
    waited(still_waiting, "2023-12-01")  # 30 days up to 31 December
    before = case("2022-10-01", decided="2022-10-04")
    waited(before, "2022-10-04", "2022-12-31")  # left before the year
    table = figures_compute(YEAR).table("waiting_list")
    assert table.cell("waited", "value").case_ids == ids(came_and_left, from_last_year, still_waiting)
    assert table.cell("came", "value").case_ids == ids(came_and_left, still_waiting)
    assert table.values()["median_days"]["value"] == 30.0
    assert table.values()["longest_days"]["value"] == 40


def test_lead_times_from_referral_to_decision_to_start_to_closure() -> None:
    at_once = case("2023-03-01", decided="2023-03-15", closed="2023-09-11")  # 14, 0, 180 days
    after_a_wait = case("2023-02-01", decided="2023-02-14")  # 13 days to the decision
    waited(after_a_wait, "2023-02-14", "2023-04-04")  # started 49 days after it
    case("2023-12-20", kind=UNDECIDED)  # not decided: in no lead time
    table = figures_compute(YEAR).table("lead_times")
    assert table.values() == {
        "to_decision": {"cases": 2, "median": 13.5, "longest": 14},
        "to_start": {"cases": 2, "median": 24.5, "longest": 49},
        "duration": {"cases": 1, "median": 180.0, "longest": 180},
    }
    assert table.cell("duration", "cases").case_ids == ids(at_once)


# --- Aftercare -------------------------------------------------------------------------------------


def test_without_aftercare_records_the_aftercare_table_says_it_is_not_yet_available() -> None:
    case("2023-03-01")
    assert not AftercareFile.objects.exists()
    table = figures_compute(YEAR).table("aftercare")
    assert not table.available
    assert table.unavailable_reason


# --- Later records leave a year's figures as they were ----------------------------------------------


def document_without_moment(period: Period) -> dict[str, Any]:
    document = figures_document(figures_compute(period))
    del document["computed_at"]
    return document


def test_the_figures_of_a_year_do_not_change_when_later_years_records_are_added() -> None:
    nazorg = nazorg_coordinator()
    lla = CaseLabel.objects.get(code="lla")
    open_at_year_end = case("2023-03-01", in_municipality="emmen")
    open_at_year_end.labels.add(lla)
    advice_at_year_end = case("2023-12-01", kind=ADVICE)
    case("2022-06-01", closed="2023-06-01")
    waiting = case("2023-10-02", decided="2023-10-10")
    waited(waiting, "2023-10-10", "2023-11-20")
    notice_registered(
        nazorg,
        received_on=day("2023-05-01"),
        detention_start=day("2023-04-20"),
        expected_release=day("2023-09-01"),
    )
    AnonymousAdvice.objects.create(
        asked_on=day("2023-04-03"), partner=partner(), question="Vraag", advice="Advies", given_by=nazorg
    )
    before = document_without_moment(YEAR)

    # 2024: new referrals, 2023 cases closed, a detention notice, advice and a contact.
    case("2024-01-02", in_municipality="emmen").labels.add(lla)
    case("2024-02-01", kind=ADVICE)
    case("2024-03-01", kind=UNDECIDED)
    for closing in (open_at_year_end, advice_at_year_end):
        Case.objects.filter(pk=closing.pk).update(
            status=CaseStatus.CLOSED, closed_at=moment("2024-03-01T10:00")
        )
    notice_registered(
        nazorg,
        received_on=day("2024-02-05"),
        first_name="Piet",
        last_name="Hendriks",
        date_of_birth=day("1985-02-02"),
        detention_start=day("2024-01-20"),
        expected_release=day("2024-06-01"),
    )
    AnonymousAdvice.objects.create(
        asked_on=day("2024-01-08"), partner=partner(), question="Vraag", advice="Advies", given_by=nazorg
    )
    InformationContact.objects.create(
        contacted_on=day("2024-01-09"), partner=partner(), topic="Vraag", by=nazorg
    )

    assert document_without_moment(YEAR) == before


def test_the_wait_of_a_year_does_not_change_when_a_case_waiting_at_its_end_is_assigned_the_next_year() -> (
    None
):
    waiting = case("2023-11-20", decided="2023-12-01")
    entry = waited(waiting, "2023-12-01")
    before = document_without_moment(YEAR)
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        left_on=day("2024-02-15"), left_because=WaitingListEntry.LeftBecause.ASSIGNED
    )
    assert document_without_moment(YEAR) == before
