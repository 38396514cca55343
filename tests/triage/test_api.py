"""The triage API under /api/v1/: meetings, agenda, enrichment, decisions and the waiting list.

Besides the personas of conftest: the liaison of the OM sits at today's ketenkamer, so he sees its
referrals until the meeting is over; a liaison of the same organisation who does not sit at it sees
nothing. Pia plans the meetings and records the decisions.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Referral
from cases.services import ReferralData, SubjectData, referral_register
from cases.workflow import CaseStatus
from tests.factories import UserFactory, main_topic, municipality, partner
from triage import services
from triage.models import AgendaItem, Enrichment, Meeting, PrioritySnapshot, ReferrerContact, WaitingListEntry
from triage.services import DecisionData
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import AcceptanceCriterion, MeetingType, ProblemArea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
MEETINGS = reverse("api-meeting-list")
WAITING_LIST = reverse("api-waiting-list")
PRIORITISE = reverse("api-waiting-list-prioritise")
JSON = "application/json"
SUMMARY_KEYS = {"id", "position", "case_number", "case_visible", "decision"}


def referral(by: User, *, last_name: str, complete: bool = True) -> Case:
    """A registered referral, registered before the cut-off of today's meeting."""
    case = referral_register(
        by=by,
        referral=ReferralData(
            received_on=timezone.localdate() - datetime.timedelta(days=3),
            referrer_partner=partner("politie"),
            referrer_name="Wijkagent Bakker",
            referrer_phone="0592-123456",
            concerns="Escalerende burenruzie met dreiging, kinderen in huis, zorgen over de veiligheid."
            if complete
            else "Burenruzie.",
            main_topic=main_topic("neighbour-dispute"),
            subject_informed=True,
            minors_in_system=Referral.MinorsInSystem.YES,
            problem_areas=list(ProblemArea.objects.filter(code="ggz")),
        ),
        subjects=[
            SubjectData(
                first_name="Jan",
                last_name=last_name,
                municipality=municipality("emmen"),
                is_primary=True,
                date_of_birth=datetime.date(1985, 4, 12),
            )
        ],
    )
    Referral.objects.filter(case=case).update(registered_at=timezone.now() - datetime.timedelta(days=3))
    return case


def decision(**overrides: object) -> dict[str, object]:
    body = {
        "decision": "coordination_tailored",
        "safety_risk": "high",
        "ave_phase": 3,
        "criteria_met": ["area-safety"],
        "considerations": "Meerdere leefgebieden, kinderen in het systeem.",
    }
    return body | overrides


def decision_data() -> DecisionData:
    return DecisionData(
        decision="coordination_tailored",
        safety_risk="high",
        ave_phase=3,
        criteria_met=list(AcceptanceCriterion.objects.filter(code="area-safety")),
    )


@pytest.fixture
def liaison(db: None) -> User:
    return UserFactory(username="liaison-om", liaison=True)


@pytest.fixture
def meeting(pia: User, liaison: User) -> Meeting:
    """Today's ketenkamer with the OM's liaison, planned after two complete referrals came in."""
    referral(pia, last_name="Hendriks")
    referral(pia, last_name="Veenstra")
    return services.meeting_plan(
        by=pia,
        meeting_type=MeetingType.objects.get(code="ketenkamer"),
        date=timezone.localdate(),
        chair=pia,
        liaisons=[liaison],
    )


@pytest.fixture
def waiting(pia: User, meeting: Meeting) -> list[WaitingListEntry]:
    """Both referrals accepted for procesregie without a free procesregisseur."""
    for item in meeting.items.all():
        services.decision_record(item=item, by=pia, data=decision_data(), version=item.version)
    return list(WaitingListEntry.objects.order_by("pk"))


def url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


# --- Meetings, agenda and decisions ------------------------------------------------------------------


def test_planning_proposing_and_deciding_through_the_api_puts_the_case_on_the_waiting_list(
    client_for, pia, liaison
) -> None:
    first = referral(pia, last_name="Hendriks")
    client = client_for(pia)
    response = client.post(
        MEETINGS,
        {
            "meeting_type": "ketenkamer",
            "date": timezone.localdate().isoformat(),
            "chair": pia.pk,
            "liaisons": [liaison.pk],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    planned = response.json()
    assert [item["case_number"] for item in planned["items"]] == [first.number]
    assert planned["liaisons"][0]["organisation"]["code"] == "om"

    second = referral(pia, last_name="Veenstra")
    response = client.post(url("api-meeting-propose", planned["id"]), content_type=JSON)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["case_number"] for item in items] == [first.number, second.number]
    assert [item["source"] for item in items] == ["proposed", "proposed"]

    item = items[0]
    response = client.post(
        url("api-agenda-item-decision", item["id"]), decision(version=item["version"]), content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["decision"] == "coordination_tailored"
    assert response.json()["case"]["status"] == "waiting"
    assert WaitingListEntry.objects.get().case == first

    rows = client.get(WAITING_LIST).json()["results"]
    assert [row["case"]["number"] for row in rows] == [first.number]
    assert rows[0]["case"]["main_subject"]["name"] == "Jan Hendriks"
    assert rows[0]["weeks_waiting"] == 0


def test_the_meeting_list_shows_meetings_with_their_number_of_items(client_for, pia, meeting) -> None:
    rows = client_for(pia).get(MEETINGS).json()["results"]
    assert [(row["id"], row["meeting_type"]["code"], row["item_count"]) for row in rows] == [
        (meeting.pk, "ketenkamer", 2)
    ]


def test_a_referral_can_be_added_by_hand_but_only_one_the_user_may_see(client_for, pia, meeting) -> None:
    incomplete = referral(pia, last_name="Kuipers", complete=False)
    closed = Case.objects.create(number="2020-0001", status=CaseStatus.CLOSED)
    client = client_for(pia)
    refused = client.post(url("api-meeting-items", meeting.pk), {"case": closed.pk}, content_type=JSON)
    assert refused.status_code == 400
    assert "case" in refused.json()

    response = client.post(url("api-meeting-items", meeting.pk), {"case": incomplete.pk}, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "added"
    incomplete.refresh_from_db()
    assert incomplete.status == CaseStatus.TRIAGE


def test_adding_a_case_already_on_an_agenda_is_refused_at_the_case(client_for, pia, meeting) -> None:
    item = meeting.items.first()
    response = client_for(pia).post(
        url("api-meeting-items", meeting.pk), {"case": item.case_id}, content_type=JSON
    )
    assert response.status_code == 400
    assert "case" in response.json()
    assert meeting.items.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"criteria_met": []}, "criteria_met"),
        ({"decision": "referred_back"}, "referred_to"),
        ({"decision": "not_taken_up", "reason": ""}, "reason"),
        ({"decision": "extended_advice"}, "coordinator"),
        ({"referred_to": "no-such-partner"}, "referred_to"),
    ],
)
def test_an_invalid_decision_is_refused_at_the_field_and_changes_nothing(
    client_for, pia, meeting, overrides, field
) -> None:
    item = meeting.items.first()
    response = client_for(pia).post(
        url("api-agenda-item-decision", item.pk),
        decision(version=item.version, **overrides),
        content_type=JSON,
    )
    assert response.status_code == 400
    assert field in response.json()
    item.refresh_from_db()
    assert (item.decision, item.version, item.case.status) == ("", 1, CaseStatus.TRIAGE)
    assert not WaitingListEntry.objects.exists()


def test_a_decision_on_a_stale_version_is_a_conflict_and_changes_nothing(client_for, pia, meeting) -> None:
    item = meeting.items.first()
    AgendaItem.objects.filter(pk=item.pk).update(version=2)  # a colleague saved the item meanwhile

    response = client_for(pia).post(
        url("api-agenda-item-decision", item.pk), decision(version=1), content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["detail"]
    item.refresh_from_db()
    assert (item.decision, item.version, item.case.status) == ("", 2, CaseStatus.TRIAGE)
    assert not WaitingListEntry.objects.exists()


def test_names_never_appear_for_items_the_user_cannot_see(client_for, pia, bram, meeting) -> None:
    item = meeting.items.get(case__subjects__person__last_name="Hendriks")
    data = dataclasses.replace(decision_data(), coordinator=bram)
    services.decision_record(item=item, by=pia, data=data, version=item.version)  # Bram's case now

    client = client_for(pia)
    response = client.get(url("api-meeting-detail", meeting.pk))
    assert response.status_code == 200
    hidden, shown = response.json()["items"]
    assert set(hidden) == SUMMARY_KEYS
    assert (hidden["case_visible"], hidden["decision"]) == (False, "coordination_tailored")
    assert shown["case_visible"] is True
    assert "Hendriks" not in response.content.decode()
    assert "Veenstra" in response.content.decode()
    assert client.get(url("api-agenda-item-detail", item.pk)).status_code == 404

    assert "Hendriks" in client_for(bram).get(url("api-agenda-item-detail", item.pk)).content.decode()


def test_reading_an_agenda_is_in_the_access_log_with_the_subjects_shown(client_for, pia, meeting) -> None:
    client_for(pia).get(url("api-meeting-detail", meeting.pk))
    record = AuditEvent.objects.get(object_type="meeting_agenda")
    subjects = {item.case.subjects.get().person_id for item in meeting.items.all()}
    assert set(record.subjects.values_list("person_id", flat=True)) == subjects

    item = meeting.items.first()
    client_for(pia).get(url("api-agenda-item-detail", item.pk))
    assert AuditEvent.objects.filter(object_type="agenda_item", action="R", case_id=item.case_id).exists()


# --- Enrichment --------------------------------------------------------------------------------------


def test_a_liaison_at_the_meeting_enriches_an_item_and_can_change_it(client_for, liaison, meeting) -> None:
    item = meeting.items.first()
    client = client_for(liaison)
    assert client.get(url("api-meeting-detail", meeting.pk)).json()["items"][0]["case_visible"] is True

    enrich = url("api-agenda-item-enrichment", item.pk)
    response = client.post(enrich, {"known": "yes", "information": "Lopende zaak."}, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["organisation"]["code"] == "om"
    version = response.json()["version"]

    response = client.post(
        enrich,
        {"known": "yes", "information": "Zitting volgende week.", "version": version},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert Enrichment.objects.get().information == "Zitting volgende week."

    stale = client.post(enrich, {"known": "no", "version": version}, content_type=JSON)
    assert stale.status_code == 409
    assert Enrichment.objects.get().known == "yes"


def test_a_liaison_not_at_the_meeting_and_bureau_staff_cannot_enrich(client_for, pia, meeting) -> None:
    item = meeting.items.first()
    elsewhere = UserFactory(username="liaison-om-2", liaison=True)
    for user in (elsewhere, pia):
        response = client_for(user).post(
            url("api-agenda-item-enrichment", item.pk), {"known": "yes"}, content_type=JSON
        )
        assert response.status_code == 404
    assert client_for(elsewhere).get(url("api-meeting-detail", meeting.pk)).status_code == 404
    assert client_for(elsewhere).get(MEETINGS).json()["count"] == 0
    assert not Enrichment.objects.exists()


# --- Access by role ----------------------------------------------------------------------------------


def test_a_partner_professional_is_refused_meetings_and_the_waiting_list(client_for, petra, pia) -> None:
    client = client_for(petra)
    body = {"meeting_type": "ketenkamer", "date": timezone.localdate().isoformat(), "chair": pia.pk}
    assert client.get(MEETINGS).status_code == 403
    assert client.post(MEETINGS, body, content_type=JSON).status_code == 403
    assert client.get(WAITING_LIST).status_code == 403
    assert client.post(PRIORITISE, content_type=JSON).status_code == 403
    assert not Meeting.objects.exists()
    assert not PrioritySnapshot.objects.exists()
    assert AuditEvent.objects.filter(actor=petra, result="denied", object_type="screen").count() == 4


def test_a_liaison_may_open_his_meetings_but_not_plan_them_or_see_the_waiting_list(
    client_for, liaison, meeting
) -> None:
    client = client_for(liaison)
    assert client.get(MEETINGS).json()["count"] == 1
    body = {"meeting_type": "ketenkamer", "date": timezone.localdate().isoformat(), "chair": liaison.pk}
    assert client.post(MEETINGS, body, content_type=JSON).status_code == 403
    assert client.post(url("api-meeting-propose", meeting.pk), content_type=JSON).status_code == 403
    assert client.get(WAITING_LIST).status_code == 403
    assert Meeting.objects.count() == 1


def test_anonymous_requests_are_refused(client, meeting) -> None:
    for path in (MEETINGS, url("api-meeting-detail", meeting.pk), WAITING_LIST):
        assert client.get(path).status_code in (401, 403)


# --- The waiting list --------------------------------------------------------------------------------


def test_prioritising_twice_in_a_week_changes_nothing_the_second_time(client_for, pia, waiting) -> None:
    client = client_for(pia)
    response = client.post(PRIORITISE, content_type=JSON)
    assert response.status_code == 201
    assert (response.json()["entries"], response.json()["created"]) == (2, True)
    ranks = list(WaitingListEntry.objects.order_by("pk").values_list("rank", "score"))
    assert sorted(rank for rank, _score in ranks) == [1, 2]

    again = client.post(PRIORITISE, content_type=JSON)
    assert again.status_code == 200
    assert again.json() == response.json() | {"created": False}
    assert list(WaitingListEntry.objects.order_by("pk").values_list("rank", "score")) == ranks
    assert PrioritySnapshot.objects.count() == 1

    rows = client.get(WAITING_LIST).json()["results"]
    assert [row["rank"] for row in rows] == [1, 2]
    assert set(rows[0]["breakdown"]) >= {"safety_risk", "weeks_waiting"}
    assert AuditEvent.objects.filter(object_type="waiting_list", actor=pia).count() == 1


def test_assigning_a_coordinator_takes_the_case_off_the_waiting_list(client_for, pia, bram, waiting) -> None:
    entry = waiting[0]
    client = client_for(pia)
    response = client.post(
        url("api-waiting-list-assign", entry.pk),
        {"coordinator": bram.pk, "version": entry.version},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["coordinator"]["id"]) == ("active", bram.pk)
    entry.refresh_from_db()
    assert entry.left_because == WaitingListEntry.LeftBecause.ASSIGNED
    assert [row["id"] for row in client.get(WAITING_LIST).json()["results"]] == [waiting[1].pk]


def test_assigning_on_a_stale_version_or_to_someone_else_than_a_coordinator_is_refused(
    client_for, pia, bram, waiting
) -> None:
    entry = waiting[0]
    client = client_for(pia)
    assign = url("api-waiting-list-assign", entry.pk)
    stale = client.post(assign, {"coordinator": bram.pk, "version": entry.version + 1}, content_type=JSON)
    assert stale.status_code == 409
    wrong = client.post(assign, {"coordinator": pia.pk, "version": entry.version}, content_type=JSON)
    assert wrong.status_code == 400
    assert "coordinator" in wrong.json()
    entry.refresh_from_db()
    assert (entry.left_on, entry.case.status) == (None, CaseStatus.WAITING)


def test_a_rank_set_by_hand_needs_a_reason_and_is_kept(client_for, pia, waiting) -> None:
    client = client_for(pia)
    client.post(PRIORITISE, content_type=JSON)
    last = WaitingListEntry.objects.get(rank=2)
    rank = url("api-waiting-list-rank", last.pk)

    refused = client.post(rank, {"rank": 1, "reason": "", "version": last.version}, content_type=JSON)
    assert refused.status_code == 400
    assert "reason" in refused.json()

    response = client.post(
        rank, {"rank": 1, "reason": "Kinderen acuut in gevaar.", "version": last.version}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["rank"], response.json()["rank_override"]) == (1, 1)
    assert client.get(WAITING_LIST).json()["results"][0]["id"] == last.pk


def test_a_contact_with_the_referrer_is_logged_on_the_waiting_case(client_for, pia, waiting) -> None:
    entry = waiting[0]
    client = client_for(pia)
    contacts = url("api-waiting-list-contacts", entry.pk)
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = client.post(contacts, {"occurred_on": future, "note": "Gebeld."}, content_type=JSON)
    assert refused.status_code == 400
    assert "occurred_on" in refused.json()

    today = timezone.localdate().isoformat()
    body = {"occurred_on": today, "note": "Gebeld.", "escalation_signal": True, "urgency": "high"}
    response = client.post(contacts, body, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["urgency"]) == ("contact", "high")
    assert ReferrerContact.objects.get().case == entry.case
    assert client.get(WAITING_LIST).json()["results"][0]["last_contact_on"] == today
