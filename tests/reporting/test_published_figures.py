"""The figures of the annual report, computed from the demo case file, equal the published report 2023
figure by figure, except for the deliberate differences listed in `PUBLISHED_DIFFERENCES` (and in
docs/annual-report-figures.md).

The demo data set is generated once for the module (seed and day fixed, as in tests/demo) and removed
at its end; the figures of 2021, 2022 and 2023 are computed once from it. The published values are
written out by hand from the report, here and in tests/demo/published.py (the rows the demo tests share),
independently of the demo profile they were generated from.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.conf import settings
from pytest_django import DjangoDbBlocker

from aftercare.models import AftercareFile
from reporting.figures import Figures, Period, age_bucket, figures_compute
from tests.demo.published import AFTERCARE_2023, AGES_REFERRED, MUNICIPALITIES_2023, PARTNERS_2023
from tests.demo.support import demo_data_committed

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("demo_data")]

SEED = 2023
TODAY = date(2026, 11, 23)

# Where we count otherwise than the report prints, and why. The tests below assert our figures.
PUBLISHED_DIFFERENCES = {
    "overview, closed 2021": (
        "printed 38, computed 36: 77 active - closed + 58 new in 2022 must be the 99 active of 2022"
    ),
    "municipalities, closed 2023, total": "printed 52, computed 54: the twelve rows add up to 54",
    "partners, extended advice 2023, total": "printed 68, computed 63: the rows add up to 63",
    "domains 2023": (
        "the pie prints care 7 / municipalities 32 / safety 61 %; the report's text says 20 referrals "
        "from care, and the partner rows give 20 / 40 / 68 referrals = 16 / 31 / 53 %"
    ),
    "ages of referred cases": (
        "the printed rows add up to 115 / 92 / 85 of 128 / 99 / 86 referrals: the rest have no date of "
        "birth and are counted as unknown (13 / 7 / 1)"
    ),
    "main topics 2023": "printed as percentages only; computed as counts of 65, rounded the same",
    "problem areas 2023, dubbel": "printed 36 %, computed 23 of 65 = 35 %",
    "cross-border 2023, abroad": "printed 1 %, computed 1 of 65 = 2 % (halves rounded up)",
    "ages of active cases 2023": (
        "the printed rows add up to 186 cases, fewer than the 129 procesregie and 63 extended-advice "
        "cases received in 2023 alone, and 21 minors where only 7 + 5 + 7 minors were referred in "
        "2021-2023; computed: the 201 procesregie and extended-advice cases active in 2023"
    ),
    "rows without cases": (
        "the report prints a row of zeros for PGA in Borger-Odoorn and 0 % for the main topic bij; the "
        "PGA and main-topic tables leave out rows without cases"
    ),
}

# --- The published values, by hand -----------------------------------------------------------------

# p0 = 2023, p1 = 2022, p2 = 2021.
OVERVIEW = {
    "new": {"p0": 65, "p1": 58, "p2": 38},
    "active": {"p0": 129, "p1": 99, "p2": 77},
    "closed": {"p0": 54, "p1": 35, "p2": 36},  # printed: 38 in 2021
}

# The published rows are in tests/demo/published.py; the totals are those the report prints, except where
# its rows add up otherwise (see PUBLISHED_DIFFERENCES).
# Active procesregie, inflow procesregie, extended advice, closed procesregie.
MUNICIPALITIES = {**MUNICIPALITIES_2023, "total": (129, 65, 63, 54)}  # printed: 52 closed
# Referrals, taken up as procesregie, as extended advice.
PARTNERS = {**PARTNERS_2023, "total": (128, 65, 63)}  # printed: 68 extended advice

# Per domain: referrals of 2023, and % of 2023, 2022, 2021.
DOMAINS = {
    "care": {"count": 20, "p0": 16, "p1": 14, "p2": 19},  # printed pie 2023: 7 %
    "safety": {"count": 68, "p0": 53, "p1": 65, "p2": 31},  # printed pie 2023: 61 %
    "municipality": {"count": 40, "p0": 31, "p1": 21, "p2": 50},  # printed pie 2023: 32 %
    "total": {"count": 128, "p0": 100, "p1": 100, "p2": 100},
}

# The 65 new procesregie cases of 2023: (cases, %).
MAIN_TOPICS = {
    "confused-behaviour": (19, 29),
    "nuisance": (18, 28),
    "radicalisation": (2, 3),
    "neighbour-dispute": (2, 3),
    "domestic-violence": (7, 11),
    "other-safety": (17, 26),
    "total": (65, 100),
}
PROBLEM_AREAS = {
    "ggz": (53, 82),
    "lvb": (28, 43),
    "addiction": (38, 58),
    "double": (23, 35),  # printed: 36 %
    "triple": (19, 29),
    "total": (65, 100),
}
CROSS_BORDER = {
    "other-municipality": (9, 14),
    "other-province": (20, 31),
    "national": (0, 0),
    "abroad": (1, 2),  # printed: 1 %
    "any": (30, 46),
    "total": (65, 100),
}
MINORS = {"yes": (21, 32), "no": (44, 68), "total": (65, 100)}

AGE_KEYS = (*(age_bucket(age) for age in (10, 20, 30, 50, 70)), "unknown")  # the row keys, in that order
# Printed: 21 / 12 / 102 / 49 / 2 (186 cases); computed for this data set (see PUBLISHED_DIFFERENCES).
AGES_ACTIVE_2023 = (9, 20, 103, 50, 1, 18)

# Active, new, closed.
PGA = {"coevorden": (1, 0, 1), "emmen": (8, 0, 8), "total": (9, 0, 9)}
LLA = {"total": (16, 7, 0)}

ADVICE = {
    "case": {"p0": 63, "p1": 41, "p2": 48},
    "anonymous": {"p0": 119, "p1": 128, "p2": 127},
    "total": {"p0": 182, "p1": 169, "p2": 175},
    "information": {"p0": 200, "p1": 162, "p2": 131},
}

# Aftercare: inflow, active.
AFTERCARE = {**AFTERCARE_2023, "total": (156, 269)}


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """The demo data set, committed for the whole module and removed at its end."""
    with demo_data_committed(django_db_blocker, seed=SEED, today=TODAY) as output:
        yield output


@pytest.fixture(scope="module")
def computed(demo_data: str, django_db_blocker: DjangoDbBlocker) -> dict[int, Figures]:
    """The figures of 2021, 2022 and 2023, computed once."""
    with django_db_blocker.unblock():
        return {year: figures_compute(Period.year(year)) for year in (2021, 2022, 2023)}


def values(figures: Figures, table: str) -> dict[str, dict[str, object]]:
    return figures.table(table).values()


def rows(figures: Figures, table: str, columns: tuple[str, ...]) -> dict[str, tuple[object, ...]]:
    return {key: tuple(cells[column] for column in columns) for key, cells in values(figures, table).items()}


# --- Procesregie -----------------------------------------------------------------------------------


def test_the_overview_of_new_active_and_closed_procesregie_matches_the_three_published_years(
    computed: dict[int, Figures],
) -> None:
    assert values(computed[2023], "overview") == OVERVIEW


@pytest.mark.parametrize("year", [2021, 2022])
def test_the_overview_of_an_earlier_year_says_the_same_as_the_columns_of_the_report_2023(
    computed: dict[int, Figures], year: int
) -> None:
    column = {2022: "p1", 2021: "p2"}[year]
    assert {key: cells["p0"] for key, cells in values(computed[year], "overview").items()} == {
        key: cells[column] for key, cells in OVERVIEW.items()
    }


def test_every_municipality_row_and_the_totals_match_the_published_table(
    computed: dict[int, Figures],
) -> None:
    assert rows(computed[2023], "municipalities", ("active", "inflow", "advice", "closed")) == MUNICIPALITIES


def test_every_partner_row_matches_the_published_table_and_nothing_was_handled_otherwise(
    computed: dict[int, Figures],
) -> None:
    assert rows(computed[2023], "partners", ("total", "coordination", "advice")) == PARTNERS
    assert {cells["other"] for cells in values(computed[2023], "partners").values()} == {0}


def test_the_referrals_per_domain_follow_the_partner_rows(computed: dict[int, Figures]) -> None:
    assert values(computed[2023], "domains") == DOMAINS


def test_the_main_topics_of_the_new_procesregie_cases_match_the_published_shares(
    computed: dict[int, Figures],
) -> None:
    assert rows(computed[2023], "main_topics", ("count", "percent")) == MAIN_TOPICS


def test_problem_areas_dubbel_and_triple_match_the_published_shares(computed: dict[int, Figures]) -> None:
    assert rows(computed[2023], "problem_areas", ("count", "percent")) == PROBLEM_AREAS


def test_cross_border_cases_match_the_published_shares(computed: dict[int, Figures]) -> None:
    assert rows(computed[2023], "cross_border", ("count", "percent")) == CROSS_BORDER


def test_about_a_third_of_the_new_procesregie_cases_have_minors_in_the_system(
    computed: dict[int, Figures],
) -> None:
    assert rows(computed[2023], "minors", ("count", "percent")) == MINORS


@pytest.mark.parametrize("year", sorted(AGES_REFERRED))
def test_the_ages_of_the_referred_main_subjects_match_the_published_rows(
    computed: dict[int, Figures], year: int
) -> None:
    ages = values(computed[year], "ages_referred")
    assert tuple(ages[key]["count"] for key in AGE_KEYS) == AGES_REFERRED[year]
    assert ages["total"]["count"] == sum(AGES_REFERRED[year])


def test_the_ages_of_the_active_cases_count_every_procesregie_and_extended_advice_case_active_in_2023(
    computed: dict[int, Figures],
) -> None:
    ages = values(computed[2023], "ages_active")
    assert tuple(ages[key]["count"] for key in AGE_KEYS) == AGES_ACTIVE_2023
    assert ages["total"]["count"] == 201
    assert ages["total"]["count"] >= OVERVIEW["active"]["p0"] + MUNICIPALITIES["total"][2]


# --- Stalking, LLA, PGA ----------------------------------------------------------------------------


def test_stalking_matches_the_report_fourteen_referred_eleven_percent_sixteen_and_seven_active(
    computed: dict[int, Figures],
) -> None:
    assert values(computed[2023], "stalking") == {
        "referred": {"count": 14, "percent": 11},
        "active_coordination": {"count": 16, "percent": None},
        "active_advice": {"count": 7, "percent": None},
    }


def test_the_levensloopaanpak_had_seven_new_sixteen_active_and_no_closed_cases(
    computed: dict[int, Figures],
) -> None:
    assert rows(computed[2023], "lla", ("active", "inflow", "closed")) == LLA


def test_the_pga_table_holds_coevorden_and_emmen_all_carried_and_closed_in_2023(
    computed: dict[int, Figures],
) -> None:
    assert rows(computed[2023], "pga", ("active", "inflow", "closed")) == PGA


# --- Advice, the information desk, the waiting list, aftercare -------------------------------------


def test_advice_and_support_and_the_information_desk_match_the_published_totals(
    computed: dict[int, Figures],
) -> None:
    assert values(computed[2023], "advice") == ADVICE


def test_thirty_three_cases_waited_for_a_procesregisseur_in_2023(computed: dict[int, Figures]) -> None:
    assert values(computed[2023], "waiting_list")["waited"]["value"] == 33


def test_aftercare_inflow_and_active_cases_per_municipality_match_the_published_table(
    computed: dict[int, Figures],
) -> None:
    table = computed[2023].table("aftercare")
    assert table.available
    assert rows(computed[2023], "aftercare", ("inflow", "active")) == AFTERCARE


def test_without_aftercare_records_the_aftercare_table_is_marked_not_available() -> None:
    AftercareFile.objects.all().delete()  # undone when the test ends
    table = figures_compute(Period.year(2023)).table("aftercare")
    assert not table.available
    assert table.unavailable_reason


def test_every_table_of_2023_is_available(computed: dict[int, Figures]) -> None:
    assert [table.key for table in computed[2023].tables if not table.available] == []


def test_every_deliberate_difference_is_explained_in_the_documentation() -> None:
    text = (settings.BASE_DIR / "docs" / "annual-report-figures.md").read_text(encoding="utf-8")
    for figure in PUBLISHED_DIFFERENCES:
        assert figure in text, figure
