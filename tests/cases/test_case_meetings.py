"""Case meetings (maatwerkoverleg): planning with invitees, recording attendance, minutes and decisions
that become agreements of the action plan in one step, and the minutes as PDF.

Bram is procesregisseur of the active case of Anna Berg, whose plan has a housing goal. Petra (police)
takes part in the case: she can be invited and reads the minutes, but plans nothing. Ines works for the
GGZ and takes part in nothing, so she cannot be invited with her account. Carla is another procesregisseur
of the bureau with nothing to do with this case.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import case_meetings, plans, services
from cases.case_meetings import DecisionData, InviteeData
from cases.models import ActionPlan, Agreement, Case, CaseEvent, CaseMeeting, Goal, PlanRevision
from cases.plans import GoalData
from cases.services import ConcurrentEditError
from cases.workflow import CaseStatus
from tests.factories import PersonFactory, UserFactory, partner, referral_case
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import LifeDomain

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case(bram: User) -> Case:
    return referral_case(
        status=CaseStatus.ACTIVE,
        kind=Case.Kind.COORDINATION,
        coordinator=bram,
        person=PersonFactory(first_name="Anna", last_name="Berg"),
    )


@pytest.fixture
def petra_takes_part(bram: User, petra: User, case: Case) -> User:
    services.participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)
    return petra


@pytest.fixture
def ines(db: None) -> User:
    return UserFactory(
        username="ines",
        first_name="Ines",
        last_name="Vos",
        role=Role.PARTNER_PROFESSIONAL,
        organisation=partner("ggz-drenthe"),
    )


@pytest.fixture
def carla(db: None) -> User:
    return UserFactory(username="carla", first_name="Carla", last_name="Kok", role=Role.COORDINATOR)


@pytest.fixture
def goal(bram: User, case: Case) -> Goal:
    plan = plans.plan_for_subject(subject=case.subjects.get(), by=bram)
    return plans.goal_add(
        plan=plan,
        by=bram,
        version=plan.version,
        data=GoalData(life_domain=LifeDomain.objects.get(code="housing"), description="Een vaste woonplek"),
    )


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def planned(case: Case, by: User, *invitees: InviteeData, day: datetime.date = TODAY) -> CaseMeeting:
    return case_meetings.case_meeting_plan(
        case=case,
        by=by,
        starts_at=at(day),
        location="Zorg- en Veiligheidshuis, kamer 2",
        agenda="1. Woonsituatie\n2. Schulden",
        invitees=list(invitees),
    )


@pytest.fixture
def meeting(bram: User, case: Case, petra_takes_part: User) -> CaseMeeting:
    return planned(
        case,
        bram,
        InviteeData(user=bram),
        InviteeData(user=petra_takes_part),
        InviteeData(name="Mevrouw Hazelaar", organisation=partner("ggz-drenthe")),
    )


def formset_data(
    prefix: str, rows: list[dict[str, Any]], *, initial: int = 0, total: int = 3
) -> dict[str, Any]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(max(total, len(rows))),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def url(name: str, meeting: CaseMeeting) -> str:
    return reverse(name, kwargs={"pk": meeting.case_id, "meeting_pk": meeting.pk})


def record_post(meeting: CaseMeeting, decisions: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"version": meeting.version, "minutes": "Anna zoekt actief naar een woning."}
    for invitee in meeting.invitees.all():
        data[f"attended_{invitee.pk}"] = "absent" if invitee.name else "present"
    return data | formset_data("decisions", decisions) | fields


# --- Planning -----------------------------------------------------------------------------------------


def test_a_meeting_is_planned_with_participants_bureau_staff_and_guests(bram, case, meeting, petra) -> None:
    rows = list(meeting.invitees.order_by("id"))

    assert [(row.user, row.name, row.organisation) for row in rows] == [
        (bram, "", None),
        (petra, "", partner("politie")),
        (None, "Mevrouw Hazelaar", partner("ggz-drenthe")),
    ]
    assert not meeting.held
    event = case.events.get(kind=CaseEvent.Kind.MEETING_PLANNED)
    assert (event.actor, event.payload["meeting"]) == (bram, meeting.pk)
    assert AuditEvent.objects.filter(object_type="case_meeting", action=AuditEvent.Action.CREATE).exists()


def test_a_partner_who_does_not_take_part_cannot_be_invited_with_his_account(bram, case, ines) -> None:
    with pytest.raises(ValidationError) as refused:
        planned(case, bram, InviteeData(user=ines))

    assert "invitees" in refused.value.message_dict
    assert not CaseMeeting.objects.exists()


def test_the_plan_screen_refuses_a_non_participant_partner_at_the_field(
    client_for, bram, case, ines, petra_takes_part
) -> None:
    plan_url = reverse("case-meeting-plan", kwargs={"pk": case.pk})
    client = client_for(bram)
    assert client.get(plan_url).status_code == 200

    response = client.post(
        plan_url,
        {"starts_at": f"{TODAY:%Y-%m-%d}T14:00", "invitees": [petra_takes_part.pk, ines.pk]}
        | formset_data("guests", []),
    )

    assert response.status_code == 200
    assert "invitees" in response.context["form"].errors
    assert not CaseMeeting.objects.exists()


def test_the_plan_screen_plans_the_meeting_with_guests_and_ignores_empty_rows(
    client_for, bram, case, petra_takes_part
) -> None:
    response = client_for(bram).post(
        reverse("case-meeting-plan", kwargs={"pk": case.pk}),
        {"starts_at": f"{TODAY:%Y-%m-%d}T14:00", "location": "Kamer 2", "invitees": [petra_takes_part.pk]}
        | formset_data("guests", [{"name": "Dhr. Kuipers", "organisation": partner("ggz-drenthe").pk}]),
    )

    assert response.status_code == 302
    meeting = CaseMeeting.objects.get(case=case)
    assert timezone.localtime(meeting.starts_at) == at(TODAY, 14)
    assert sorted(str(row) for row in meeting.invitees.all()) == ["Dhr. Kuipers", str(petra_takes_part)]


def test_changing_the_planning_keeps_the_invitees_that_stay(bram, meeting, petra) -> None:
    kept = meeting.invitees.get(user=petra)

    changed = case_meetings.case_meeting_update(
        meeting=meeting,
        by=bram,
        version=meeting.version,
        starts_at=at(TODAY + DAY),
        location="Gemeentehuis",
        agenda="Woonsituatie",
        invitees=[InviteeData(user=petra)],
    )

    assert (changed.version, changed.location) == (2, "Gemeentehuis")
    assert list(changed.invitees.all()) == [kept]


# --- Recording: decisions become agreements in one step ----------------------------------------------


def test_recording_a_meeting_turns_its_decisions_into_agreements_of_the_plan(
    client_for, bram, petra, case, goal, meeting
) -> None:
    plan_version = ActionPlan.objects.get(case=case).version
    client = client_for(bram)
    assert client.get(url("case-meeting-record", meeting)).status_code == 200
    decisions = [
        {"goal": goal.pk, "what": "Urgentie aanvragen", "owner": petra.pk, "due_date": f"{TODAY + 7 * DAY}"},
        {},  # an empty row is ignored
        {
            "goal": goal.pk,
            "what": "Budgetcoach zoeken",
            "owner_partner": partner("ggz-drenthe").pk,
            "owner_name": "Mevrouw Hazelaar",
            "due_date": f"{TODAY + 14 * DAY}",
        },
    ]

    response = client.post(url("case-meeting-record", meeting), record_post(meeting, decisions))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held
    assert meeting.minutes == "Anna zoekt actief naar een woning."
    assert meeting.minutes_final_at is not None
    assert {row.name or row.user.username: row.attended for row in meeting.invitees.all()} == {
        "bram": True,
        "petra": True,
        "Mevrouw Hazelaar": False,
    }
    agreements = list(meeting.agreements.order_by("due_date"))
    assert [(a.what, a.goal, a.owner, a.owner_name) for a in agreements] == [
        ("Urgentie aanvragen", goal, petra, ""),
        ("Budgetcoach zoeken", goal, None, "Mevrouw Hazelaar"),
    ]
    plan = ActionPlan.objects.get(case=case)
    assert plan.version == plan_version + 2
    assert PlanRevision.objects.filter(plan=plan, version=plan.version).exists()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(CaseEvent.Kind.AGREEMENT_ADDED) == 2
    held = case.events.get(kind=CaseEvent.Kind.MEETING_HELD)
    assert sorted(held.payload["agreements"]) == sorted(a.pk for a in agreements)

    page = client.get(case.get_absolute_url()).content.decode()
    for agreement in agreements:
        assert f'data-testid="agreement" data-agreement="{agreement.pk}"' in page  # in the plan
        assert f'data-testid="meeting-agreement" data-agreement="{agreement.pk}"' in page
    assert f'data-meeting="{meeting.pk}" data-held="true"' in page


def test_a_failing_decision_row_saves_nothing_at_all(bram, case, goal, meeting, ines) -> None:
    plan_version = ActionPlan.objects.get(case=case).version
    events = case.events.count()
    attendance = {row.pk: True for row in meeting.invitees.all()}
    decisions = [
        DecisionData(goal=goal, what="Urgentie aanvragen", due_date=TODAY + DAY, owner=bram),
        DecisionData(goal=goal, what="Behandeling starten", due_date=TODAY + DAY, owner=ines),
    ]

    with pytest.raises(ValidationError) as refused:
        case_meetings.case_meeting_record(
            meeting=meeting,
            by=bram,
            version=meeting.version,
            attendance=attendance,
            minutes="Verslag",
            decisions=decisions,
        )

    assert list(refused.value.message_dict) == ["decisions.1.owner"]
    meeting.refresh_from_db()
    assert not meeting.held
    assert meeting.minutes == ""
    assert set(meeting.invitees.values_list("attended", flat=True)) == {None}
    assert not Agreement.objects.exists()
    assert ActionPlan.objects.get(case=case).version == plan_version
    assert case.events.count() == events


def test_the_record_screen_shows_a_failing_row_at_its_field_and_saves_nothing(
    client_for, bram, goal, meeting
) -> None:
    decisions = [
        {"goal": goal.pk, "what": "Urgentie aanvragen", "owner": bram.pk, "due_date": f"{TODAY + DAY}"},
        {"goal": goal.pk, "what": "Te laat", "owner": bram.pk, "due_date": f"{TODAY - DAY}"},
    ]

    response = client_for(bram).post(url("case-meeting-record", meeting), record_post(meeting, decisions))

    assert response.status_code == 200
    assert "due_date" in response.context["formset"].forms[1].errors
    meeting.refresh_from_db()
    assert not meeting.held
    assert not Agreement.objects.exists()


def test_a_stale_version_is_refused_and_nothing_changes(bram, case, goal, meeting) -> None:
    started_from = meeting.version
    case_meetings.case_meeting_update(
        meeting=meeting,
        by=bram,
        version=started_from,
        starts_at=meeting.starts_at,
        location="Elders",
        agenda=meeting.agenda,
        invitees=[InviteeData(user=bram)],
    )

    with pytest.raises(ConcurrentEditError):
        case_meetings.case_meeting_record(
            meeting=meeting,
            by=bram,
            version=started_from,
            attendance={row.pk: True for row in meeting.invitees.all()},
            minutes="Verslag",
            decisions=[DecisionData(goal=goal, what="Iets", due_date=TODAY + DAY, owner=bram)],
        )

    meeting.refresh_from_db()
    assert (meeting.held, meeting.minutes, meeting.version) == (False, "", started_from + 1)
    assert not Agreement.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.MEETING_HELD).exists()


def test_the_record_screen_keeps_the_input_after_a_stale_save(client_for, bram, goal, meeting) -> None:
    data = record_post(meeting, [], minutes="Mijn eigen verslag")
    CaseMeeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)

    response = client_for(bram).post(url("case-meeting-record", meeting), data)

    assert response.status_code == 200
    assert response.context["conflict"] is True
    assert response.context["version"] == meeting.version + 1
    assert 'data-testid="conflict"' in response.content.decode()
    assert "Mijn eigen verslag" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.held


# --- Who may plan and record ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["petra_takes_part", "carla", "mirjam", "pia"])
def test_only_the_procesregisseur_plans_and_records(request, client_for, case, goal, meeting, who) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    plan_url = reverse("case-meeting-plan", kwargs={"pk": case.pk})

    responses = [
        client.get(plan_url),
        client.post(plan_url, {"starts_at": f"{TODAY:%Y-%m-%d}T14:00"} | formset_data("guests", [])),
        client.get(url("case-meeting-record", meeting)),
        client.post(url("case-meeting-record", meeting), record_post(meeting, [])),
        client.post(url("case-meeting-edit", meeting), {"version": meeting.version, "location": "X"}),
    ]

    assert {response.status_code for response in responses} <= {403, 404}
    assert CaseMeeting.objects.count() == 1
    meeting.refresh_from_db()
    assert (meeting.held, meeting.version) == (False, 1)


def test_a_participant_cannot_record_through_the_service(petra_takes_part, meeting) -> None:
    with pytest.raises(PermissionError):
        case_meetings.case_meeting_record(
            meeting=meeting, by=petra_takes_part, version=1, attendance={}, minutes="x", decisions=[]
        )
    meeting.refresh_from_db()
    assert not meeting.held


# --- Minutes as PDF ------------------------------------------------------------------------------------


def text_of(document) -> str:  # type: ignore[no-untyped-def]
    """The text WeasyPrint laid out on the pages, in reading order."""

    def texts(box):  # type: ignore[no-untyped-def]
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or ():
            yield from texts(child)

    return " ".join(text for page in document.pages for text in texts(page._page_box))


@pytest.fixture
def held(bram: User, petra: User, goal: Goal, meeting: CaseMeeting) -> CaseMeeting:
    attendance = {row.pk: row.user_id is not None for row in meeting.invitees.all()}
    return case_meetings.case_meeting_record(
        meeting=meeting,
        by=bram,
        version=meeting.version,
        attendance=attendance,
        minutes="Anna heeft zich ingeschreven bij Woonservice.",
        decisions=[
            DecisionData(goal=goal, what="Urgentieverklaring aanvragen", due_date=TODAY + DAY, owner=petra),
            DecisionData(
                goal=goal,
                what="Budgetcoach inschakelen",
                due_date=TODAY + 7 * DAY,
                owner_partner=partner("ggz-drenthe"),
                owner_name="Mevrouw Hazelaar",
            ),
        ],
    )


def test_the_minutes_hold_place_attendance_minutes_and_the_agreements(case, held) -> None:
    text = " ".join(text_of(case_meetings.case_meeting_minutes_document(held)).split())

    for expected in (
        case.number,
        "Zorg- en Veiligheidshuis, kamer 2",
        "Bram Smit",
        "Petra Mulder (Politie)",
        "Mevrouw Hazelaar",
        "Woonsituatie",
        "Anna heeft zich ingeschreven bij Woonservice.",
        "Urgentieverklaring aanvragen",
        "Budgetcoach inschakelen",
    ):
        assert expected in text, expected


def test_a_participant_downloads_the_minutes_as_a_pdf_logged_as_an_export(
    client_for, case, held, petra
) -> None:
    response = client_for(petra).get(url("case-meeting-minutes", held))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    record = AuditEvent.objects.get(object_type="case_meeting_minutes")
    assert (record.actor, record.action, record.object_id, record.case_id) == (
        petra,
        AuditEvent.Action.EXPORT,
        str(held.pk),
        case.pk,
    )
    assert record.data_category == AuditEvent.DataCategory.CASE_FILE
    assert set(record.subjects.values_list("person_id", flat=True)) == {case.subjects.get().person_id}


def test_someone_who_cannot_open_the_case_gets_no_minutes(client_for, carla, held) -> None:
    assert client_for(carla).get(url("case-meeting-minutes", held)).status_code == 404
    assert not AuditEvent.objects.filter(object_type="case_meeting_minutes").exists()


def test_a_meeting_not_yet_held_has_no_minutes(client_for, bram, meeting) -> None:
    assert client_for(bram).get(url("case-meeting-minutes", meeting)).status_code == 404


@pytest.mark.parametrize("address", ["https://example.org/style.css", "file:///etc/passwd", "static:../x"])
def test_making_the_minutes_fetches_nothing_but_bundled_files(address) -> None:
    with pytest.raises(ValueError, match="bundled"):
        case_meetings.url_fetcher().fetch(address)


# --- The case page -------------------------------------------------------------------------------------


def test_the_case_page_uses_the_same_number_of_queries_for_1_and_10_meetings(client_for, bram, petra) -> None:
    few, many = (
        referral_case(status=CaseStatus.ACTIVE, coordinator=bram),
        referral_case(status=CaseStatus.ACTIVE, coordinator=bram),
    )
    guest = InviteeData(name="Dhr. Kuipers", organisation=partner("ggz-drenthe"))
    planned(few, bram, InviteeData(user=bram), guest)
    for number in range(10):
        planned(many, bram, InviteeData(user=bram), guest, day=TODAY + number * DAY)
    client = client_for(bram)
    client.get(few.get_absolute_url())  # warm-up: the house name is cached after the first page

    with CaptureQueriesContext(connection) as one:
        client.get(few.get_absolute_url())
    with CaptureQueriesContext(connection) as ten:
        response = client.get(many.get_absolute_url())

    assert response.content.decode().count('data-testid="meeting"') == 10
    assert len(one) == len(ten)


def test_the_edit_screen_keeps_the_input_after_a_stale_save(client_for, bram, meeting, petra) -> None:
    client = client_for(bram)
    assert client.get(url("case-meeting-edit", meeting)).status_code == 200
    CaseMeeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)

    response = client.post(
        url("case-meeting-edit", meeting),
        {
            "version": meeting.version,
            "starts_at": f"{TODAY:%Y-%m-%d}T15:30",
            "location": "Mijn nieuwe locatie",
            "invitees": [petra.pk],
        }
        | formset_data(
            "guests", [{"name": "Mevrouw Hazelaar", "organisation": partner("ggz-drenthe").pk}], initial=1
        ),
    )

    assert response.status_code == 200
    assert response.context["conflict"] is True
    assert "Mijn nieuwe locatie" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.location == "Zorg- en Veiligheidshuis, kamer 2"
    assert meeting.invitees.count() == 3
