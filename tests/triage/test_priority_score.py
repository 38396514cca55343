"""The werkvoorraad's priority rules, as a table: facts of a waiting case → score and breakdown.

Default weights: safety risk low 0 / medium 20 / high 40; 2 per week waiting (at most 26 weeks);
minors in the system 15; 10 per escalation signal (at most 3); partner urgency raised 10 / high 25.
"""

import datetime

import pytest

from triage.models import PriorityWeights, SafetyRisk, Urgency, WaitingListEntry
from triage.waiting_list import PriorityFacts, Score, iso_week, priority_score, ranking, weeks_between

L, M, H = SafetyRisk.LOW, SafetyRisk.MEDIUM, SafetyRisk.HIGH
NONE, RAISED, URGENT = Urgency.NONE, Urgency.RAISED, Urgency.HIGH

# risk, weeks, minors, signals, urgency → (risk, weeks, minors, signals, urgency points), total
TABLE = [
    (L, 0, False, 0, NONE, (0, 0, 0, 0, 0), 0),
    (M, 0, False, 0, NONE, (20, 0, 0, 0, 0), 20),
    (H, 0, False, 0, NONE, (40, 0, 0, 0, 0), 40),
    (L, 1, False, 0, NONE, (0, 2, 0, 0, 0), 2),
    (L, 10, False, 0, NONE, (0, 20, 0, 0, 0), 20),
    (L, 26, False, 0, NONE, (0, 52, 0, 0, 0), 52),
    (L, 40, False, 0, NONE, (0, 52, 0, 0, 0), 52),  # waiting beyond the cap adds nothing
    (L, 0, True, 0, NONE, (0, 0, 15, 0, 0), 15),
    (L, 0, False, 1, NONE, (0, 0, 0, 10, 0), 10),
    (L, 0, False, 3, NONE, (0, 0, 0, 30, 0), 30),
    (L, 0, False, 7, NONE, (0, 0, 0, 30, 0), 30),  # signals beyond the cap add nothing
    (L, 0, False, 0, RAISED, (0, 0, 0, 0, 10), 10),
    (L, 0, False, 0, URGENT, (0, 0, 0, 0, 25), 25),
    (H, 8, True, 2, URGENT, (40, 16, 15, 20, 25), 116),
    (M, 3, True, 0, RAISED, (20, 6, 15, 0, 10), 51),
]


@pytest.mark.parametrize(("risk", "weeks", "minors", "signals", "urgency", "points", "total"), TABLE)
def test_the_score_adds_the_points_of_each_component(
    risk: str, weeks: int, minors: bool, signals: int, urgency: str, points: tuple[int, ...], total: int
) -> None:
    score = priority_score(PriorityFacts(risk, weeks, minors, signals, urgency), PriorityWeights())
    assert score.total == total
    assert tuple(score.breakdown.values()) == points
    assert list(score.breakdown) == [
        "safety_risk",
        "weeks_waiting",
        "minors_in_system",
        "escalation_signals",
        "partner_urgency",
    ]


def test_weights_edited_in_the_admin_change_the_score() -> None:
    weights = PriorityWeights(risk_high=100, per_week_waiting=0, minors_in_system=1)
    score = priority_score(PriorityFacts(H, 10, True, 0, NONE), weights)
    assert score.breakdown == {
        "safety_risk": 100,
        "weeks_waiting": 0,
        "minors_in_system": 1,
        "escalation_signals": 0,
        "partner_urgency": 0,
    }


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        (datetime.date(2026, 11, 2), datetime.date(2026, 11, 2), 0),
        (datetime.date(2026, 11, 2), datetime.date(2026, 11, 8), 0),
        (datetime.date(2026, 11, 2), datetime.date(2026, 11, 9), 1),
        (datetime.date(2026, 8, 3), datetime.date(2026, 11, 23), 16),
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 2), 0),
    ],
)
def test_weeks_waiting_counts_whole_weeks(start: datetime.date, end: datetime.date, weeks: int) -> None:
    assert weeks_between(start, end) == weeks


def test_the_week_of_a_ranking_is_the_iso_week() -> None:
    assert iso_week(datetime.date(2026, 11, 23)) == "2026-W48"
    assert iso_week(datetime.date(2027, 1, 1)) == "2026-W53"


def entry(pk: int, added: int, override: int | None = None) -> WaitingListEntry:
    return WaitingListEntry(pk=pk, added_on=datetime.date(2026, 1, added), rank_override=override)


@pytest.mark.parametrize(
    ("scored", "expected"),
    [
        # highest score first
        ([(entry(1, 1), 10), (entry(2, 2), 30), (entry(3, 3), 20)], [2, 3, 1]),
        # equal scores: the one waiting longest first
        ([(entry(1, 5), 10), (entry(2, 2), 10)], [2, 1]),
        # a rank set by hand wins from the score
        ([(entry(1, 1), 90), (entry(2, 2), 80), (entry(3, 3), 0, 1)], [3, 1, 2]),
        # a rank beyond the end puts the case last
        ([(entry(1, 1), 0, 9), (entry(2, 2), 80), (entry(3, 3), 10)], [2, 3, 1]),
    ],
)
def test_ranking_follows_the_score_and_ranks_set_by_hand(scored: list[tuple], expected: list[int]) -> None:
    pairs = []
    for row in scored:
        item, total = row[0], row[1]
        if len(row) == 3:
            item.rank_override = row[2]
        pairs.append((item, Score(total=total, breakdown={})))
    assert [item.pk for item in ranking(pairs)] == expected
