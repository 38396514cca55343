"""The weekly job that ranks the werkvoorraad: one snapshot per ISO week, idempotent, explainable.

Pia is procesondersteuner: she takes the decisions in the ketenkamer and keeps the werkvoorraad.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.services import case_close
from tests.triage.builders import waiting_case
from triage.models import PrioritySnapshot, PrioritySnapshotRow, SafetyRisk, Urgency, WaitingListEntry
from triage.waiting_list import (
    iso_week,
    rank_override,
    referrer_contact_add,
    waiting_list_assign,
    waiting_list_close,
    waiting_list_prioritise,
)
from zvhd.celery import app

pytestmark = pytest.mark.usefixtures("reference_data")

TODAY = timezone.localdate()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


def ranks() -> dict[int, int | None]:
    return dict(WaitingListEntry.objects.values_list("case_id", "rank"))


def test_a_procesregie_decision_without_a_free_procesregisseur_puts_the_case_on_the_list(pia) -> None:
    case = waiting_case(pia, risk=SafetyRisk.HIGH)
    entry = WaitingListEntry.objects.get(case=case)
    assert case.status == "waiting"
    assert entry.added_on == TODAY
    assert entry.safety_risk == SafetyRisk.HIGH
    assert entry.rank is None  # ranked at the next weekly run


def test_the_weekly_run_ranks_by_score_and_keeps_the_breakdown(pia) -> None:
    low = waiting_case(pia, risk=SafetyRisk.LOW)
    high = waiting_case(pia, risk=SafetyRisk.HIGH)
    minors = waiting_case(pia, risk=SafetyRisk.MEDIUM, minors="yes")

    snapshot, created = waiting_list_prioritise(today=TODAY)

    assert created
    assert snapshot.week == iso_week(TODAY)
    assert snapshot.entries == 3
    assert ranks() == {high.pk: 1, minors.pk: 2, low.pk: 3}
    entry = WaitingListEntry.objects.get(case=minors)
    assert entry.score == 35
    assert entry.breakdown["minors_in_system"] == 15
    assert PrioritySnapshotRow.objects.filter(snapshot=snapshot).count() == 3


def test_running_twice_in_the_same_week_creates_no_second_snapshot_and_changes_no_rank(pia) -> None:
    first = waiting_case(pia, risk=SafetyRisk.LOW)
    waiting_list_prioritise(today=TODAY)
    before = ranks()
    newcomer = waiting_case(pia, risk=SafetyRisk.HIGH)

    _snapshot, created = waiting_list_prioritise(today=TODAY)
    call_command("waiting_list_prioritise")

    assert not created
    assert PrioritySnapshot.objects.count() == 1
    assert ranks() == before | {newcomer.pk: None}
    assert ranks()[first.pk] == 1


def test_next_week_the_ranking_reflects_new_signals_and_the_movement_is_kept(pia) -> None:
    a = waiting_case(pia, risk=SafetyRisk.MEDIUM)
    b = waiting_case(pia, risk=SafetyRisk.LOW)
    waiting_list_prioritise(today=TODAY)
    assert ranks() == {a.pk: 1, b.pk: 2}

    referrer_contact_add(
        case=b,
        by=pia,
        occurred_on=TODAY,
        note="Situatie verslechterd",
        escalation_signal=True,
        urgency=Urgency.HIGH,
    )
    waiting_list_prioritise(today=NEXT_WEEK)

    assert ranks() == {b.pk: 1, a.pk: 2}
    history = PrioritySnapshotRow.objects.filter(entry__case=b).order_by("snapshot__week")
    assert [row.rank for row in history] == [2, 1]
    assert history.last().breakdown["escalation_signals"] == 10
    assert history.last().breakdown["partner_urgency"] == 25


def test_a_rank_set_by_hand_moves_the_case_now_and_holds_in_later_weeks(pia) -> None:
    a = waiting_case(pia, risk=SafetyRisk.HIGH)
    b = waiting_case(pia, risk=SafetyRisk.MEDIUM)
    c = waiting_case(pia, risk=SafetyRisk.LOW)
    waiting_list_prioritise(today=TODAY)
    entry = WaitingListEntry.objects.get(case=c)

    rank_override(
        entry=entry, by=pia, rank=1, reason="Kind in acuut onveilige situatie", version=entry.version
    )

    assert ranks() == {c.pk: 1, a.pk: 2, b.pk: 3}
    waiting_list_prioritise(today=NEXT_WEEK)
    assert ranks() == {c.pk: 1, a.pk: 2, b.pk: 3}
    assert PrioritySnapshotRow.objects.get(entry=entry, snapshot__week=iso_week(NEXT_WEEK)).overridden
    assert c.events.filter(kind="rank_set").count() == 1


def test_assigning_a_procesregisseur_takes_the_case_off_the_list_and_closes_the_gap(pia, bram) -> None:
    a = waiting_case(pia, risk=SafetyRisk.HIGH)
    b = waiting_case(pia, risk=SafetyRisk.LOW)
    waiting_list_prioritise(today=TODAY)
    entry = WaitingListEntry.objects.get(case=a)

    case = waiting_list_assign(entry=entry, by=pia, coordinator=bram, version=entry.version)

    assert (case.status, case.coordinator) == ("active", bram)
    entry.refresh_from_db()
    assert (entry.left_on, entry.left_because) == (TODAY, "assigned")
    assert WaitingListEntry.objects.get(case=b).rank == 1
    assert case.events.filter(kind="coordinator_assigned").exists()


def test_closing_a_waiting_case_lets_it_leave_the_list(pia) -> None:
    case = waiting_case(pia)
    entry = WaitingListEntry.objects.get(case=case)
    waiting_list_close(entry=entry, by=pia, reason="stopped")
    entry.refresh_from_db()
    assert entry.left_because == "closed"
    assert entry.case.status == "closed"


def test_a_case_closed_elsewhere_is_not_ranked(pia, bram) -> None:
    case = waiting_case(pia)
    case_close(case=case, by=pia, reason="stopped")
    snapshot, _created = waiting_list_prioritise(today=TODAY)
    assert snapshot.entries == 0


def test_the_job_is_scheduled_weekly_at_the_configured_moment() -> None:
    app.finalize()
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    weekly = schedule["triage.tasks.waiting_list_prioritise"]
    assert weekly.day_of_week == {1}  # Monday
    assert (weekly.hour, weekly.minute) == ({6}, {30})
