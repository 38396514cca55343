"""`manage.py demo_data`: the triage records around the demo case file (demo/triage_history.py).

The weekly ketenkamer with one decided agenda item per decided referral, the werkvoorraad of today with
its contacts and weekly rankings, the waiting-list history behind the published 2023 figure (33 cases
waited), and the next meeting with its agenda. The data set is generated once for the module (the seed
and day of tests/demo/test_demo_data.py) and removed afterwards; tests that write run in their own
transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.db.models import Count, Q
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from cases import access
from cases.models import Case, CaseEvent
from cases.workflow import CaseStatus
from tests.demo.support import demo_data_committed, demo_data_generate, demo_data_remove
from triage import selectors
from triage.models import (
    AgendaItem,
    Decision,
    Enrichment,
    Feedback,
    Meeting,
    PrioritySnapshot,
    PrioritySnapshotRow,
    ReferrerContact,
    Urgency,
    WaitingListEntry,
)
from triage.services import referral_gaps
from triage.waiting_list import iso_week, waiting_list_prioritise
from zvhd.accounts.models import Role, User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import MeetingType

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

SEED = 2023
TODAY = date(2026, 11, 23)  # a Monday: the next ketenkamer is tomorrow
NEXT_MEETING = date(2026, 11, 24)
COORDINATION = Case.Kind.COORDINATION
PARTA = LegalBasis.PARTA
DECIDED = [
    CaseStatus.WAITING,
    CaseStatus.ACTIVE,
    CaseStatus.CLOSED,
    CaseStatus.NOT_TAKEN_UP,
    CaseStatus.REFERRED_BACK,
]
LIAISONS = {"liaison-om": "om", "liaison-politie": "politie", "liaison-ggd": "ggd-oggz"}


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """The demo data set, committed for the whole module and removed at its end."""
    with demo_data_committed(django_db_blocker, seed=SEED, today=TODAY) as output:
        yield output


@pytest.fixture(autouse=True)
def on_the_day_of_the_data_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cases.access` compares every grant's period with today: make today the day of the data set."""
    monkeypatch.setattr(access, "timezone", SimpleNamespace(localdate=lambda: TODAY))


def weeks_ago(day: date) -> int:
    return (TODAY - day).days // 7


def decided_cases() -> list[Case]:
    decided = (
        Case.objects.filter(status__in=DECIDED).exclude(legal_basis=PARTA).exclude(kind=Case.Kind.AFTERCARE)
    )
    return list(decided.select_related("referral"))


def expected_decision(case: Case) -> str:
    if case.kind == COORDINATION:
        intensive = case.intensity == Case.Intensity.INTENSIVE
        return Decision.COORDINATION_TAILORED if intensive else Decision.COORDINATION_PGA
    if case.kind == Case.Kind.EXTENDED_ADVICE:
        return Decision.EXTENDED_ADVICE
    return str(case.status)  # refusals keep kind undecided; the status names the decision


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def status_changes(case: Case) -> dict[str, date]:
    """The local day on which the case reached each status of its timeline."""
    return {
        event.payload["to"]: local_day(event.occurred_at)
        for event in case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED)
    }


def digest() -> str:
    """Meetings, agenda items, entries, contacts and rankings, in one hash."""
    lines = [
        "|".join(str(value) for value in row)
        for row in Meeting.objects.order_by("date").values_list("date", "chair__username", "created_at")
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in AgendaItem.objects.order_by("meeting__date", "position").values_list(
            "case__number", "position", "source", "decision", "safety_risk", "ave_phase", "decided_at"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in WaitingListEntry.objects.order_by("case__number").values_list(
            "case__number", "added_on", "left_on", "safety_risk", "rank", "score"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in ReferrerContact.objects.order_by("case__number", "occurred_on").values_list(
            "case__number", "occurred_on", "kind", "escalation_signal", "urgency", "note"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in PrioritySnapshotRow.objects.order_by("snapshot__week", "rank").values_list(
            "snapshot__week", "rank", "entry__case__number", "score"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in Enrichment.objects.order_by("item__case__number", "organisation__code").values_list(
            "item__case__number", "organisation__code", "known", "recorded_at"
        )
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# --- The werkvoorraad today ----------------------------------------------------------------------


def test_the_waiting_list_holds_the_waiting_cases_the_longest_for_three_to_four_months() -> None:
    entries = WaitingListEntry.objects.filter(left_on__isnull=True).select_related("case")
    waiting = Case.objects.filter(status=CaseStatus.WAITING)
    assert 8 <= entries.count() <= 15
    assert sorted(entry.case.pk for entry in entries) == sorted(waiting.values_list("pk", flat=True))
    assert set(waiting.values_list("kind", flat=True)) == {COORDINATION}
    assert not waiting.filter(coordinator__isnull=False).exists()
    oldest = max(weeks_ago(entry.added_on) for entry in entries)
    assert 8 <= oldest <= 20
    assert 13 <= oldest <= 17  # the profile's waiting_list_oldest_weeks


def test_todays_ranks_are_1_to_n_and_follow_the_latest_weekly_ranking() -> None:
    entries = list(WaitingListEntry.objects.filter(left_on__isnull=True).order_by("rank"))
    ranked = [entry for entry in entries if entry.rank is not None]
    assert [entry.rank for entry in ranked] == list(range(1, len(ranked) + 1))
    latest = PrioritySnapshot.objects.get(week=iso_week(TODAY))
    assert {entry.ranked_week for entry in ranked} == {latest.week}
    in_latest = latest.rows.order_by("rank").values_list("entry_id", flat=True)
    assert [entry.pk for entry in ranked] == [pk for pk in in_latest if pk in {e.pk for e in ranked}]
    for entry in ranked:
        assert entry.score == sum(entry.breakdown.values())


def test_the_selector_shows_rank_movement_since_last_week() -> None:
    listed = list(selectors.waiting_list(user=User.objects.get(username="ondersteuner")))
    assert len(listed) == WaitingListEntry.objects.filter(left_on__isnull=True).count()
    moved = [
        entry for entry in listed if entry.previous_rank is not None and entry.previous_rank != entry.rank
    ]
    assert moved
    assert all(entry.last_contact_on is not None for entry in listed if weeks_ago(entry.added_on) >= 3)


def test_referrers_were_contacted_while_their_case_waited_with_signals_of_escalation_and_urgency() -> None:
    entries = WaitingListEntry.objects.select_related("case")
    for entry in entries:
        days = entry.case.referrer_contacts.values_list("occurred_on", flat=True)
        assert all(entry.added_on <= day < (entry.left_on or TODAY) for day in days), entry.case.number
    current = ReferrerContact.objects.filter(case__status=CaseStatus.WAITING)
    assert current.count() >= 5
    assert current.filter(escalation_signal=True).exists()
    assert current.exclude(urgency=Urgency.NONE).exists()
    assert set(ReferrerContact.objects.values_list("kind", flat=True)) == set(ReferrerContact.Kind.values)
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.REFERRER_CONTACT)
    assert sorted(events.values_list("payload__contact", flat=True)) == sorted(
        ReferrerContact.objects.values_list("pk", flat=True)
    )


def test_this_weeks_ranking_is_what_the_weekly_job_computes_today() -> None:
    stored = PrioritySnapshot.objects.get(week=iso_week(TODAY))
    expected = list(stored.rows.order_by("rank").values_list("entry_id", "rank", "score", "breakdown"))
    stored.delete()
    snapshot, created = waiting_list_prioritise(today=TODAY)
    assert created
    assert (
        list(snapshot.rows.order_by("rank").values_list("entry_id", "rank", "score", "breakdown")) == expected
    )


# --- The waiting-list history --------------------------------------------------------------------


def test_33_cases_waited_in_2023_each_two_weeks_to_several_months() -> None:
    in_2023 = WaitingListEntry.objects.filter(added_on__lte=date(2023, 12, 31)).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=date(2023, 1, 1))
    )
    assert in_2023.count() == 33
    for entry in in_2023:
        assert entry.left_on is not None
        assert timedelta(weeks=2) <= entry.left_on - entry.added_on <= timedelta(weeks=12)


def test_every_case_that_waited_left_the_list_when_a_procesregisseur_was_assigned() -> None:
    left = WaitingListEntry.objects.filter(left_on__isnull=False).select_related("case")
    assert left.count() > 100
    assert set(left.values_list("left_because", flat=True)) == {WaitingListEntry.LeftBecause.ASSIGNED}
    assert not WaitingListEntry.objects.values("case").annotate(n=Count("id")).filter(n__gt=1).exists()
    for entry in left:
        changes = status_changes(entry.case)
        assert changes[CaseStatus.WAITING] == entry.added_on, entry.case.number
        assert changes[CaseStatus.ACTIVE] == entry.left_on, entry.case.number
        assert entry.case.coordinator is not None
    started_at_once = Case.objects.filter(kind=COORDINATION, waiting_list_entries__isnull=True)
    assert started_at_once.exclude(status=CaseStatus.WAITING).count() > 100


def test_every_weekly_ranking_ranks_the_cases_then_waiting_1_to_n() -> None:
    snapshots = list(PrioritySnapshot.objects.order_by("week"))
    first = WaitingListEntry.objects.order_by("added_on").first()
    assert first is not None
    assert snapshots[0].week == iso_week(first.added_on)
    assert snapshots[-1].week == iso_week(TODAY)
    assert len(snapshots) == len({snapshot.week for snapshot in snapshots}) > 300
    ranks: dict[int, list[int]] = defaultdict(list)
    for snapshot_id, rank in PrioritySnapshotRow.objects.values_list("snapshot_id", "rank"):
        ranks[snapshot_id].append(rank)
    for snapshot in snapshots:
        assert sorted(ranks[snapshot.pk]) == list(range(1, snapshot.entries + 1)), snapshot.week
    monday = TODAY - timedelta(days=TODAY.weekday())
    rows = PrioritySnapshotRow.objects.filter(snapshot__week=iso_week(monday - timedelta(weeks=5)))
    for row in rows.select_related("entry"):
        assert row.entry.added_on <= monday - timedelta(weeks=5) < (row.entry.left_on or date.max)


# --- The ketenkamer ------------------------------------------------------------------------------


def test_the_ketenkamer_met_every_tuesday_chaired_by_a_procesondersteuner_with_the_seated_liaisons() -> None:
    ketenkamer = MeetingType.objects.get(code="ketenkamer")
    days = list(Meeting.objects.order_by("date").values_list("date", flat=True))
    assert {day.weekday() for day in days} == {ketenkamer.weekday}
    assert all(later - earlier == timedelta(weeks=1) for earlier, later in pairwise(days))
    assert days[-1] == NEXT_MEETING
    assert len(days) > 400
    chairs = Meeting.objects.values_list("chair__role", flat=True).distinct()
    assert set(chairs) == {Role.SUPPORT_OFFICER}
    seated = set(ketenkamer.seated_partners.values_list("code", flat=True))
    for meeting in Meeting.objects.prefetch_related("liaisons__organisation").order_by("-date")[:5]:
        present = {user.username: user.organisation.code for user in meeting.liaisons.all()}
        assert present == LIAISONS
        assert set(present.values()) <= seated
        assert meeting.created_at.date() < meeting.date


def test_every_decided_case_has_exactly_one_decided_agenda_item_matching_its_kind() -> None:
    decided = decided_cases()
    items = AgendaItem.objects.exclude(decision="").select_related("meeting")
    per_case = Counter(items.values_list("case_id", flat=True))
    assert set(per_case) == {case.pk for case in decided}
    assert set(per_case.values()) == {1}
    by_case = {item.case_id: item for item in items}
    for case in decided:
        item = by_case[case.pk]
        assert item.decision == expected_decision(case), case.number
        assert item.safety_risk, case.number
        assert item.ave_phase, case.number
        assert item.decided_at is not None
        assert item.meeting.date == local_day(item.decided_at)
    assert Counter(item.decision for item in by_case.values()).keys() == set(Decision.values)


def test_decisions_are_recorded_on_the_day_of_the_case_file_and_refusals_give_a_reason() -> None:
    items = AgendaItem.objects.exclude(decision="").select_related("case", "referred_to", "case__referral")
    for item in items:
        changes = status_changes(item.case)
        after = {CaseStatus.WAITING, CaseStatus.ACTIVE, CaseStatus.NOT_TAKEN_UP, CaseStatus.REFERRED_BACK}
        decided_on = min(day for status, day in changes.items() if status in after)
        assert item.meeting.date == decided_on, item.case.number
        assert item.case.decided_on == decided_on, item.case.number  # what the figures count by
        assert changes[CaseStatus.TRIAGE] <= local_day(item.added_at) or item.source == "moved"
        if item.decision in (Decision.NOT_TAKEN_UP, Decision.REFERRED_BACK):
            assert item.decision_reason
        if item.decision == Decision.REFERRED_BACK:
            assert item.referred_to == item.case.referral.referrer_partner
        if item.decision in (Decision.COORDINATION_TAILORED, Decision.COORDINATION_PGA):
            assert item.criteria_met.exists()


def test_every_decision_has_its_feedback_to_the_referrer_sent_where_he_has_an_address() -> None:
    decided = AgendaItem.objects.exclude(decision="")
    assert Feedback.objects.count() == decided.count()
    for feedback in Feedback.objects.select_related("item", "case__referral"):
        assert feedback.case_id == feedback.item.case_id
        assert feedback.recipient == feedback.case.referral.referrer_email
        assert feedback.case.number in feedback.subject
        assert (feedback.sent_at is not None) == bool(feedback.recipient)
    sent = Feedback.objects.filter(sent_at__isnull=False)
    assert sorted(
        CaseEvent.objects.filter(kind=CaseEvent.Kind.FEEDBACK_SENT).values_list(
            "payload__feedback", flat=True
        )
    ) == sorted(sent.values_list("pk", flat=True))


def test_liaisons_enriched_items_of_the_last_months_before_the_meeting() -> None:
    enrichments = Enrichment.objects.select_related("item__meeting", "liaison__organisation", "organisation")
    assert enrichments.count() > 20
    for enrichment in enrichments:
        assert enrichment.organisation == enrichment.liaison.organisation
        assert enrichment.liaison.username in LIAISONS
        assert local_day(enrichment.recorded_at) < enrichment.item.meeting.date
        assert enrichment.item.meeting.date >= TODAY - timedelta(weeks=27)
        assert bool(enrichment.information) == (enrichment.known == Enrichment.Known.YES)


def test_the_next_ketenkamer_holds_the_referrals_in_triage_and_its_liaisons_see_them() -> None:
    meeting = Meeting.objects.get(date=NEXT_MEETING)
    items = list(meeting.items.select_related("case"))
    in_triage = Case.objects.filter(status=CaseStatus.TRIAGE).exclude(legal_basis=PARTA)
    assert {item.case.pk for item in items} == set(in_triage.values_list("pk", flat=True))
    assert len(items) >= 2
    assert all(not item.decision for item in items)
    assert AgendaItem.objects.filter(decision="").count() == len(items)
    for username in LIAISONS:
        visible = access.cases_visible_to(User.objects.get(username=username))
        assert set(visible.values_list("pk", flat=True)) == {item.case.pk for item in items}, username


def test_a_few_registered_referrals_await_triage_some_of_them_incomplete() -> None:
    registered = Case.objects.filter(status=CaseStatus.REGISTERED)
    assert registered.count() >= 2
    assert not AgendaItem.objects.filter(case__in=registered).exists()
    meeting = Meeting.objects.get(date=NEXT_MEETING)
    complete, incomplete = selectors.agenda_candidates(
        user=User.objects.get(username="ondersteuner"), meeting=meeting
    )
    assert incomplete
    assert len(complete) + len(incomplete) == registered.exclude(legal_basis=PARTA).count()
    for case, gaps in incomplete:
        assert gaps == referral_gaps(case)


def test_cter_cases_are_not_triaged_in_the_ketenkamer() -> None:
    compartment = Case.objects.filter(legal_basis=PARTA)
    assert compartment.exists()
    assert not AgendaItem.objects.filter(case__in=compartment).exists()
    assert not WaitingListEntry.objects.filter(case__in=compartment).exists()


# --- The command ---------------------------------------------------------------------------------


def test_the_command_reports_the_triage_records(demo_data: str) -> None:
    for what in ("triage meetings", "agenda items", "waiting list entries", "weekly prioritisations"):
        assert what in demo_data


def test_the_same_seed_and_day_give_the_same_triage_records() -> None:
    before = digest()
    demo_data_remove()
    demo_data_generate(seed=SEED, today=TODAY)
    assert digest() == before
