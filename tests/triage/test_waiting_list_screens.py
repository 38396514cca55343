"""The werkvoorraad screens: the ranked list, one waiting case, assigning and closing.

Pia (procesondersteuner) keeps the list; Bram (procesregisseur) can use it too and takes cases from
it; Kees is a second procesregisseur with an empty caseload. Mirjam (manager) and Petra (police) may
not open it. Cases reach the list the real way: a referral, triage in a ketenkamer, and a decision for
procesregie without a free procesregisseur.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Referral
from cases.services import ReferralData, SubjectData, referral_register
from cases.workflow import CaseStatus
from tests.factories import (
    CaseFactory,
    PersonFactory,
    UserFactory,
    main_topic,
    municipality,
    partner,
    referral_case,
)
from triage.models import (
    AvePhase,
    Decision,
    PrioritySnapshot,
    PrioritySnapshotRow,
    ReferrerContact,
    SafetyRisk,
    Urgency,
    WaitingListEntry,
)
from triage.services import DecisionData, agenda_add, decision_record, meeting_plan
from triage.views_waiting import COMPONENT_LABELS
from triage.waiting_list import COMPONENTS, priority_weights, rank_override, waiting_list_prioritise
from zvhd.accounts.models import Role
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import AcceptanceCriterion, MeetingType

pytestmark = pytest.mark.django_db
LIST = reverse("waiting-list")
PRIORITISE = reverse("waiting-list-prioritise")


@pytest.fixture
def kees(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="kees", first_name="Kees", last_name="Visser", role=Role.COORDINATOR)


@pytest.fixture
def ketenkamer(reference_data, pia):  # type: ignore[no-untyped-def]
    """Today's ketenkamer, chaired by Pia."""
    return meeting_plan(
        by=pia, meeting_type=MeetingType.objects.get(code="ketenkamer"), date=timezone.localdate(), chair=pia
    )


@pytest.fixture
def to_waiting_list(ketenkamer, pia):  # type: ignore[no-untyped-def]
    """`to_waiting_list(last_name, risk, minors=...)`: a referral decided for procesregie today, with no
    procesregisseur free, so it waits on the list."""

    def decide(last_name: str, risk: str, minors: str = Referral.MinorsInSystem.NO) -> WaitingListEntry:
        case = referral_register(
            by=pia,
            referral=ReferralData(
                received_on=timezone.localdate(),
                referrer_partner=partner("politie"),
                referrer_name="Wijkagent Bakker",
                referrer_phone="0592-123456",
                concerns="Aanhoudende overlast en zorgen over de woonsituatie.",
                main_topic=main_topic("nuisance"),
                subject_informed=True,
                minors_in_system=minors,
            ),
            subjects=[
                SubjectData(
                    first_name="Jan", last_name=last_name, municipality=municipality("emmen"), is_primary=True
                )
            ],
        )
        item = agenda_add(meeting=ketenkamer, case=case, by=pia)
        decision_record(
            item=item,
            by=pia,
            data=DecisionData(
                decision=Decision.COORDINATION_TAILORED,
                safety_risk=risk,
                ave_phase=AvePhase.THREE,
                criteria_met=list(AcceptanceCriterion.objects.active().filter(sufficient_alone=False)),
            ),
            version=item.version,
        )
        return WaitingListEntry.objects.get(case=case)

    return decide


@pytest.fixture
def three_waiting(to_waiting_list):  # type: ignore[no-untyped-def]
    """Low, high and medium safety risk, in that order of arrival."""
    return {
        "low": to_waiting_list("Laag", SafetyRisk.LOW),
        "high": to_waiting_list("Hoog", SafetyRisk.HIGH),
        "medium": to_waiting_list("Midden", SafetyRisk.MEDIUM),
    }


def listed(response) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return [(entry.case.number, entry.rank) for entry in response.context["entries"]]


def numbers(*entries: WaitingListEntry) -> list[str]:
    return [entry.case.number for entry in entries]


def fresh(entry: WaitingListEntry) -> WaitingListEntry:
    return WaitingListEntry.objects.select_related("case").get(pk=entry.pk)


# --- The list ------------------------------------------------------------------------------------------


def test_after_prioritising_the_list_follows_the_ranks(client_for, pia, three_waiting) -> None:
    client = client_for(pia)
    assert client.post(PRIORITISE).url == LIST
    response = client.get(LIST)
    assert response.status_code == 200
    ordered = numbers(three_waiting["high"], three_waiting["medium"], three_waiting["low"])
    assert listed(response) == [(ordered[0], 1), (ordered[1], 2), (ordered[2], 3)]
    page = response.content.decode()
    assert [page.index(f'data-case="{number}"') for number in ordered] == sorted(
        page.index(f'data-case="{number}"') for number in ordered
    )
    assert response.context["latest"].week == PrioritySnapshot.objects.get().week
    assert 'data-testid="score"' in page


def test_each_component_of_the_score_has_a_label(client_for, pia, three_waiting) -> None:
    assert set(COMPONENT_LABELS) == set(COMPONENTS)
    client = client_for(pia)
    client.post(PRIORITISE)
    high = client.get(LIST).context["entries"][0]
    assert [points for _label, points in high.score_parts] == [high.breakdown[name] for name in COMPONENTS]
    assert sum(points for _label, points in high.score_parts) == high.score


def test_prioritising_twice_in_a_week_ranks_once_and_leaves_a_newcomer_unranked_at_the_end(
    client_for, pia, three_waiting, to_waiting_list
) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    newcomer = to_waiting_list("Nieuw", SafetyRisk.HIGH)
    assert client.post(PRIORITISE).status_code == 302
    assert PrioritySnapshot.objects.count() == 1
    assert PrioritySnapshotRow.objects.count() == 3
    response = client.get(LIST)
    assert listed(response)[-1] == (newcomer.case.number, None)
    assert [entry.movement for entry in response.context["entries"]] == ["new", "new", "new", "unranked"]
    assert 'id="newcomers"' in response.content.decode()


def test_the_list_shows_how_a_rank_moved_since_the_week_before(client_for, pia, three_waiting) -> None:
    today = timezone.localdate()
    waiting_list_prioritise(today=today)
    rank_override(
        entry=three_waiting["low"], by=pia, rank=1, reason="Dreiging richting de buren neemt toe.", version=1
    )
    waiting_list_prioritise(today=today + datetime.timedelta(days=7))
    entries = client_for(pia).get(LIST).context["entries"]
    assert [(entry.case.number, entry.movement, entry.places) for entry in entries] == [
        (three_waiting["low"].case.number, "up", 2),
        (three_waiting["high"].case.number, "down", 1),
        (three_waiting["medium"].case.number, "down", 1),
    ]


def test_reading_the_list_is_logged_with_the_main_subjects_shown(client_for, pia, three_waiting) -> None:
    client_for(pia).get(LIST)
    record = AuditEvent.objects.get(object_type="waiting_list")
    assert (record.actor, record.action, record.data_category) == (pia, "R", "identifying")
    shown = {entry.case.subjects.get().person_id for entry in three_waiting.values()}
    assert set(record.subjects.values_list("person_id", flat=True)) == shown


# --- Rank by hand ----------------------------------------------------------------------------------------


def test_a_rank_set_by_hand_with_a_reason_moves_the_case_and_is_shown(client_for, pia, three_waiting) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    low = fresh(three_waiting["low"])
    reason = "Buren melden nieuwe bedreigingen; politie vraagt voorrang."
    response = client.post(
        reverse("waiting-rank", args=[low.pk]), {"rank": "1", "reason": reason, "version": low.version}
    )
    assert response.url == LIST
    response = client.get(LIST)
    assert listed(response)[0] == (low.case.number, 1)
    assert [rank for _number, rank in listed(response)] == [1, 2, 3]
    page = response.content.decode()
    assert 'data-testid="rank-by-hand"' in page
    assert reason in page
    low = fresh(low)
    assert (low.rank_override, low.override_reason, low.override_by) == (1, reason, pia)


def test_a_rank_set_by_hand_without_a_reason_is_refused_at_the_field(client_for, pia, three_waiting) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    low = fresh(three_waiting["low"])
    response = client.post(
        reverse("waiting-rank", args=[low.pk]), {"rank": "1", "reason": "", "version": low.version}
    )
    assert response.status_code == 200
    assert set(response.context["rank_form"].errors) == {"reason"}
    assert 'id="error-summary"' in response.content.decode()
    after = fresh(low)
    assert (after.rank_override, after.rank, after.version) == (None, 3, low.version)


def test_a_rank_saved_over_someone_elses_change_is_refused_and_the_input_kept(
    client_for, pia, bram, three_waiting
) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    low = fresh(three_waiting["low"])
    opened_version = low.version
    rank_override(
        entry=low,
        by=bram,
        rank=2,
        reason="Kinderen in het gezin, school trekt aan de bel.",
        version=low.version,
    )
    mine = "Dreiging richting de buren neemt toe."
    response = client.post(
        reverse("waiting-rank", args=[low.pk]), {"rank": "1", "reason": mine, "version": opened_version}
    )
    assert response.status_code == 200
    assert response.context["conflict"] is True
    assert 'id="conflict"' in response.content.decode()
    assert response.context["rank_form"]["reason"].value() == mine
    assert response.context["rank_form"]["rank"].value() == "1"
    after = fresh(low)
    assert (after.rank_override, after.override_by) == (2, bram)
    assert response.context["rank_version"] == after.version
    resubmitted = client.post(
        reverse("waiting-rank", args=[low.pk]), {"rank": "1", "reason": mine, "version": after.version}
    )
    assert resubmitted.status_code == 302
    assert fresh(low).rank_override == 1


def test_clearing_the_rank_lets_the_case_follow_its_score_again(client_for, pia, three_waiting) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    low = rank_override(
        entry=three_waiting["low"], by=pia, rank=1, reason="Tijdelijk voorrang gegeven.", version=1
    )
    response = client.post(
        reverse("waiting-rank", args=[low.pk]), {"rank": "", "reason": "", "version": low.version}
    )
    assert response.status_code == 302
    after = fresh(low)
    assert (after.rank_override, after.override_reason) == (None, "")


# --- One waiting case: contacts and history ----------------------------------------------------------------


def test_the_entry_page_shows_the_score_history_and_contacts_and_logs_the_read(
    client_for, pia, three_waiting
) -> None:
    high = three_waiting["high"]
    today = timezone.localdate()
    waiting_list_prioritise(today=today - datetime.timedelta(days=7))
    waiting_list_prioritise(today=today)
    response = client_for(pia).get(reverse("waiting-entry", args=[high.pk]))
    assert response.status_code == 200
    assert [(row.snapshot.week, row.rank) for row in response.context["history"]] == [
        (PrioritySnapshot.objects.order_by("-week")[0].week, 1),
        (PrioritySnapshot.objects.order_by("-week")[1].week, 1),
    ]
    assert 'id="score-breakdown"' in response.content.decode()
    record = AuditEvent.objects.get(object_type="waiting_list_entry")
    assert (record.action, record.case_id, record.data_category) == ("R", high.case_id, "case_file")
    assert list(record.subjects.values_list("person_id", flat=True)) == [high.case.subjects.get().person_id]


def test_a_logged_contact_shows_as_last_contact_and_its_escalation_signal_raises_next_weeks_score(
    client_for, pia, three_waiting
) -> None:
    today = timezone.localdate()
    medium = three_waiting["medium"]
    waiting_list_prioritise(today=today)
    before = fresh(medium)
    assert before.breakdown["escalation_signals"] == 0
    client = client_for(pia)
    response = client.post(
        reverse("waiting-contact-add", args=[medium.pk]),
        {
            "occurred_on": today.isoformat(),
            "kind": ReferrerContact.Kind.CONTACT,
            "note": "Aanmelder belt: situatie verslechterd, nieuwe incidenten.",
            "escalation_signal": "on",
            "urgency": Urgency.HIGH,
        },
    )
    assert response.url == reverse("waiting-entry", args=[medium.pk])
    contact = ReferrerContact.objects.get(case=medium.case)
    assert (contact.escalation_signal, contact.urgency, contact.by) == (True, Urgency.HIGH, pia)
    entry_page = client.get(response.url)
    assert list(entry_page.context["contacts"]) == [contact]
    by_case = {entry.case.number: entry for entry in client.get(LIST).context["entries"]}
    assert by_case[medium.case.number].last_contact_on == today
    assert by_case[three_waiting["low"].case.number].last_contact_on is None

    waiting_list_prioritise(today=today + datetime.timedelta(days=7))
    after = fresh(medium)
    weights = priority_weights()
    assert after.breakdown["escalation_signals"] == weights.per_escalation_signal
    assert after.breakdown["partner_urgency"] == weights.urgency_high
    assert after.score > before.score + weights.per_week_waiting


def test_a_contact_dated_in_the_future_is_refused_at_the_date(client_for, pia, three_waiting) -> None:
    low = three_waiting["low"]
    response = client_for(pia).post(
        reverse("waiting-contact-add", args=[low.pk]),
        {
            "occurred_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "kind": ReferrerContact.Kind.INTERIM_ADVICE,
            "note": "Advies gegeven over woonbegeleiding.",
            "urgency": Urgency.NONE,
        },
    )
    assert response.status_code == 200
    assert set(response.context["contact_form"].errors) == {"occurred_on"}
    assert response.context["contact_form"]["note"].value() == "Advies gegeven over woonbegeleiding."
    assert not ReferrerContact.objects.exists()


# --- Off the list -----------------------------------------------------------------------------------------


def test_the_assign_page_shows_each_coordinators_caseload(client_for, pia, bram, kees, three_waiting) -> None:
    # Numbers of another year than the referrals, which take this year's first numbers.
    for number, kind in (("2020-0001", Case.Kind.COORDINATION), ("2020-0002", Case.Kind.COORDINATION)):
        CaseFactory(number=number, status=CaseStatus.ACTIVE, kind=kind, coordinator=bram)
    CaseFactory(
        number="2020-0003", status=CaseStatus.ACTIVE, kind=Case.Kind.EXTENDED_ADVICE, coordinator=bram
    )
    CaseFactory(number="2020-0004", closed=True, coordinator=kees)
    response = client_for(pia).get(reverse("waiting-assign", args=[three_waiting["high"].pk]))
    assert response.status_code == 200
    loads = {user.username: (user.caseload, user.advice_load) for user in response.context["coordinators"]}
    assert loads == {"kees": (0, 0), "bram": (2, 1)}
    page = response.content.decode()
    assert str(bram) in page
    assert str(kees) in page


def test_assigning_takes_the_case_off_the_list_and_starts_procesregie(
    client_for, pia, bram, three_waiting
) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    high = fresh(three_waiting["high"])
    response = client.post(
        reverse("waiting-assign", args=[high.pk]), {"coordinator": bram.pk, "version": high.version}
    )
    # Pia no longer sees a case in procesregie, so she goes back to the list.
    assert response.url == LIST
    case = Case.objects.get(pk=high.case_id)
    assert (case.status, case.coordinator) == (CaseStatus.ACTIVE, bram)
    after = fresh(high)
    assert (after.left_because, after.left_on) == (
        WaitingListEntry.LeftBecause.ASSIGNED,
        timezone.localdate(),
    )
    remaining = client.get(LIST)
    assert high.case.number not in [number for number, _rank in listed(remaining)]
    assert [rank for _number, rank in listed(remaining)] == [1, 2]
    assert client.get(reverse("waiting-entry", args=[high.pk])).status_code == 404


def test_a_coordinator_who_takes_a_case_himself_lands_on_the_case_page(
    client_for, bram, three_waiting
) -> None:
    low = three_waiting["low"]
    response = client_for(bram).post(
        reverse("waiting-assign", args=[low.pk]), {"coordinator": bram.pk, "version": low.version}
    )
    assert response.url == reverse("case-detail", args=[low.case_id])


def test_assigning_without_a_choice_is_refused_at_the_field(client_for, pia, bram, three_waiting) -> None:
    low = three_waiting["low"]
    response = client_for(pia).post(reverse("waiting-assign", args=[low.pk]), {"version": low.version})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"coordinator"}
    assert Case.objects.get(pk=low.case_id).status == CaseStatus.WAITING


def test_a_case_can_be_closed_while_it_waits(client_for, pia, three_waiting) -> None:
    client = client_for(pia)
    client.post(PRIORITISE)
    medium = three_waiting["medium"]
    assert client.get(reverse("waiting-close", args=[medium.pk])).status_code == 200
    response = client.post(
        reverse("waiting-close", args=[medium.pk]), {"reason": Case.ClosureReason.GOAL_ACHIEVED}
    )
    assert response.url == LIST
    case = Case.objects.get(pk=medium.case_id)
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, Case.ClosureReason.GOAL_ACHIEVED)
    assert fresh(medium).left_because == WaitingListEntry.LeftBecause.CLOSED
    assert [rank for _number, rank in listed(client.get(LIST))] == [1, 2]


def test_closing_without_a_reason_is_refused_at_the_field(client_for, pia, three_waiting) -> None:
    medium = three_waiting["medium"]
    response = client_for(pia).post(reverse("waiting-close", args=[medium.pk]), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason"}
    assert Case.objects.get(pk=medium.case_id).status == CaseStatus.WAITING


# --- Who may use it -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mirjam", "petra"])
def test_the_manager_and_partner_professionals_are_refused(
    request, client_for, persona, three_waiting
) -> None:
    client = client_for(request.getfixturevalue(persona))
    entry = three_waiting["high"]
    for url in (
        LIST,
        reverse("waiting-entry", args=[entry.pk]),
        reverse("waiting-assign", args=[entry.pk]),
        reverse("waiting-close", args=[entry.pk]),
    ):
        assert client.get(url).status_code == 403
    for url, data in (
        (PRIORITISE, {}),
        (
            reverse("waiting-rank", args=[entry.pk]),
            {"rank": "1", "reason": "Voorrang gevraagd.", "version": 1},
        ),
        (reverse("waiting-contact-add", args=[entry.pk]), {"occurred_on": "2026-01-01", "note": "x"}),
        (reverse("waiting-close", args=[entry.pk]), {"reason": Case.ClosureReason.OTHER}),
    ):
        assert client.post(url, data).status_code == 403
    assert not PrioritySnapshot.objects.exists()
    assert not ReferrerContact.objects.exists()
    after = fresh(entry)
    assert (after.rank_override, after.left_on, after.case.status) == (None, None, CaseStatus.WAITING)
    assert AuditEvent.objects.filter(object_type="screen", result=AuditEvent.Result.DENIED).count() == 8


def test_an_entry_that_does_not_exist_is_not_found_and_the_attempt_is_logged(
    client_for, pia, reference_data
) -> None:
    assert client_for(pia).get(reverse("waiting-entry", args=[999])).status_code == 404
    record = AuditEvent.objects.get(object_type="waiting_list_entry")
    assert (record.object_id, record.result) == ("999", AuditEvent.Result.DENIED)


# --- Queries ---------------------------------------------------------------------------------------------


def waiting_in_bulk(count: int, by) -> None:  # type: ignore[no-untyped-def]
    """`count` waiting cases made directly with factories (the real flow is slow for many)."""
    for _ in range(count):
        case = referral_case(
            registered_by=by, status=CaseStatus.WAITING, kind=Case.Kind.COORDINATION, person=PersonFactory()
        )
        WaitingListEntry.objects.create(
            case=case, added_on=timezone.localdate(), added_by=by, safety_risk=SafetyRisk.MEDIUM
        )


def list_queries(client) -> int:  # type: ignore[no-untyped-def]
    client.get(LIST)  # warm-up: the house name is cached after the first page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_uses_the_same_number_of_queries_for_10_and_60_entries(
    client_for, pia, reference_data, django_assert_num_queries
) -> None:
    client = client_for(pia)
    today = timezone.localdate()
    waiting_in_bulk(9, pia)
    waiting_list_prioritise(today=today - datetime.timedelta(days=7))
    waiting_list_prioritise(today=today)
    first = WaitingListEntry.objects.order_by("rank").first()
    ReferrerContact.objects.create(case=first.case, occurred_on=today, note="Gebeld.", by=pia)
    rank_override(
        entry=first, by=pia, rank=3, reason="Voorrang gevraagd door de politie.", version=first.version
    )
    waiting_in_bulk(1, pia)  # a newcomer after the ranking
    with_10 = list_queries(client)
    waiting_in_bulk(50, pia)
    assert WaitingListEntry.objects.count() == 60
    with django_assert_num_queries(with_10):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["entries"]) == 50
