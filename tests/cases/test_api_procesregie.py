"""The procesregie API under /api/v1/: caseload, action plan, case meetings, closure and advice.

Bram is procesregisseur of the active case, whose main subject is Anna. Petra (police) takes part in it
when a test asks for `petra_takes_part`: she reads the plan but changes nothing. Carla is another
procesregisseur with a case of her own. Ines (GGZ) takes part in nothing. Mirjam, the manager, has no
advice task.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import plans, services
from cases.models import (
    ActionPlan,
    Agreement,
    AnonymousAdvice,
    Case,
    CaseEvent,
    CaseMeeting,
    Goal,
    InformationContact,
    Subject,
)
from cases.plans import AgreementData, GoalData
from cases.workflow import CaseStatus
from tests.factories import PersonFactory, UserFactory, partner, referral_case
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import LifeDomain

pytestmark = pytest.mark.django_db
JSON = "application/json"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
MY_CASES = reverse("api-my-cases")
ANONYMOUS_ADVICE = reverse("api-anonymous-advice")
INFORMATION_CONTACTS = reverse("api-information-contacts")
ADVICE_COUNTS = reverse("api-advice-counts")
VALID_BSN = "111222333"


@pytest.fixture
def case(bram: User) -> Case:
    return referral_case(
        status=CaseStatus.ACTIVE,
        kind=Case.Kind.COORDINATION,
        coordinator=bram,
        person=PersonFactory(first_name="Anna", last_name="Berg"),
    )


@pytest.fixture
def carla(db: None) -> User:
    return UserFactory(username="carla", first_name="Carla", last_name="Kok", role=Role.COORDINATOR)


@pytest.fixture
def ines(db: None) -> User:
    return UserFactory(username="ines", partner_professional=True)


@pytest.fixture
def petra_takes_part(bram: User, petra: User, case: Case) -> User:
    services.participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)
    return petra


def main_subject(case: Case) -> Subject:
    return case.subjects.get(is_primary=True)


def url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


def goal_for(case: Case, by: User) -> Goal:
    plan = plans.plan_for_subject(subject=main_subject(case), by=by)
    return plans.goal_add(
        plan=plan,
        by=by,
        version=plan.version,
        data=GoalData(life_domain=LifeDomain.objects.get(code="housing"), description="Een vaste woonplek"),
    )


def agreement_under(goal: Goal, by: User) -> Agreement:
    plan = ActionPlan.objects.get(pk=goal.plan_id)
    data = AgreementData(what="Urgentie aanvragen", due_date=TODAY + 7 * DAY, owner_partner=partner())
    return plans.agreement_add(goal=goal, by=by, version=plan.version, data=data)


# --- Mijn casussen ------------------------------------------------------------------------------------


def test_the_caseload_lists_only_the_cases_he_runs_and_logs_the_read(client_for, bram, carla, case) -> None:
    referral_case(status=CaseStatus.ACTIVE, coordinator=carla)
    agreement_under(goal_for(case, bram), bram)

    response = client_for(bram).get(MY_CASES)

    assert response.status_code == 200, response.json()
    rows = response.json()["results"]
    assert [row["number"] for row in rows] == [case.number]
    assert (rows[0]["open_count"], rows[0]["overdue_count"]) == (1, 0)
    assert rows[0]["main_subject"]["name"] == "Anna Berg"
    assert AuditEvent.objects.filter(actor=bram, object_type="my_cases", detail="api").count() == 1


def test_the_caseload_is_for_those_who_run_cases(client_for, pia) -> None:
    assert client_for(pia).get(MY_CASES).status_code == 403


# --- The action plan ----------------------------------------------------------------------------------


def test_a_goal_and_an_agreement_added_through_the_api_appear_in_the_plan(client_for, bram, case) -> None:
    client = client_for(bram)
    subject = main_subject(case)
    goal_response = client.post(
        url("api-case-plan-goals", case.pk),
        {
            "subject": subject.pk,
            "life_domain": "housing",
            "description": "Anna woont zelfstandig",
            "version": 1,
        },
        content_type=JSON,
    )
    assert goal_response.status_code == 201, goal_response.json()
    goal = goal_response.json()
    agreement_response = client.post(
        url("api-goal-agreements", goal["id"]),
        {
            "what": "Woningcorporatie bellen",
            "owner_partner": "politie",
            "owner": bram.pk,
            "due_date": (TODAY + 7 * DAY).isoformat(),
            "version": goal["plan_version"],
        },
        content_type=JSON,
    )
    assert agreement_response.status_code == 201, agreement_response.json()

    plan = client.get(url("api-case-plan", case.pk)).json()

    assert plan["can_edit"] is True
    [entry] = plan["subjects"]
    assert entry["subject"] == {"id": subject.pk, "name": "Anna Berg", "is_primary": True}
    assert entry["plan"]["version"] == agreement_response.json()["plan_version"] == 3
    [goal_read] = entry["goals"]
    assert goal_read["description"] == "Anna woont zelfstandig"
    assert goal_read["life_domain"]["code"] == "housing"
    [agreement] = goal_read["agreements"]
    assert agreement["what"] == "Woningcorporatie bellen"
    assert agreement["owner"]["id"] == bram.pk
    assert agreement["owner_partner"]["code"] == "politie"
    assert agreement["status"] == "open"


def test_a_subject_of_another_case_is_refused_at_the_field(client_for, bram, carla, case) -> None:
    other = referral_case(status=CaseStatus.ACTIVE, coordinator=carla)
    response = client_for(bram).post(
        url("api-case-plan-goals", case.pk),
        {"subject": main_subject(other).pk, "life_domain": "housing", "description": "Doel", "version": 1},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "subject" in response.json()
    assert not ActionPlan.objects.exists()


def test_completing_an_agreement_twice_changes_it_once(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(case, bram), bram)
    client = client_for(bram)
    first = client.post(
        url("api-agreement-complete", agreement.pk), {"version": agreement.version}, content_type=JSON
    )
    second = client.post(
        url("api-agreement-complete", agreement.pk), {"version": agreement.version}, content_type=JSON
    )

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert second.json()["status"] == "done"
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.AGREEMENT_DONE).count() == 1


def test_not_done_without_a_reason_is_refused_at_the_reason(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(case, bram), bram)
    response = client_for(bram).post(
        url("api-agreement-not-done", agreement.pk), {"version": agreement.version}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["reason"]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.OPEN


def test_not_done_with_a_reason_is_recorded(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(case, bram), bram)
    response = client_for(bram).post(
        url("api-agreement-not-done", agreement.pk),
        {"version": agreement.version, "reason": "Anna wilde niet meewerken."},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["version"]) == ("not_done", agreement.version + 1)


def test_a_change_based_on_an_old_version_is_a_conflict_and_changes_nothing(client_for, bram, case) -> None:
    goal = goal_for(case, bram)
    stale = ActionPlan.objects.get(pk=goal.plan_id).version - 1
    client = client_for(bram)

    goal_response = client.post(
        url("api-case-plan-goals", case.pk),
        {
            "subject": main_subject(case).pk,
            "life_domain": "finances",
            "description": "Schulden",
            "version": stale,
        },
        content_type=JSON,
    )
    agreement_response = client.post(
        url("api-goal-agreements", goal.pk),
        {"what": "Bellen", "owner_partner": "politie", "due_date": TODAY.isoformat(), "version": stale},
        content_type=JSON,
    )

    assert (goal_response.status_code, agreement_response.status_code) == (409, 409)
    assert Goal.objects.count() == 1
    assert not Agreement.objects.exists()
    assert ActionPlan.objects.get(pk=goal.plan_id).version == stale + 1


def test_a_participant_reads_the_plan_but_changes_answer_404(
    client_for, bram, petra_takes_part, case
) -> None:
    agreement = agreement_under(goal_for(case, bram), bram)
    client = client_for(petra_takes_part)

    plan = client.get(url("api-case-plan", case.pk))
    goal_response = client.post(
        url("api-case-plan-goals", case.pk),
        {"subject": main_subject(case).pk, "life_domain": "housing", "description": "Doel", "version": 3},
        content_type=JSON,
    )
    complete = client.post(
        url("api-agreement-complete", agreement.pk), {"version": agreement.version}, content_type=JSON
    )

    assert plan.status_code == 200
    assert plan.json()["can_edit"] is False
    assert plan.json()["subjects"][0]["goals"][0]["agreements"][0]["what"] == "Urgentie aanvragen"
    assert (goal_response.status_code, complete.status_code) == (404, 404)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.OPEN
    assert Goal.objects.count() == 1
    assert AuditEvent.objects.filter(
        actor=petra_takes_part, result="denied", object_type="agreement"
    ).exists()


def test_a_partner_who_takes_no_part_gets_404_for_the_plan(client_for, bram, ines, case) -> None:
    goal_for(case, bram)
    response = client_for(ines).get(url("api-case-plan", case.pk))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=ines, result="denied", object_id=str(case.pk)).exists()


# --- Case meetings ------------------------------------------------------------------------------------


def test_recording_a_meeting_turns_its_decisions_into_agreements(client_for, bram, case) -> None:
    goal = goal_for(case, bram)
    client = client_for(bram)
    planned = client.post(
        url("api-case-meetings", case.pk),
        {
            "starts_at": timezone.now().isoformat(),
            "location": "Zorg- en Veiligheidshuis",
            "agenda": "Voortgang",
            "invitees": [bram.pk],
            "guests": [{"name": "Mevrouw De Boer", "organisation": "politie"}],
        },
        content_type=JSON,
    )
    assert planned.status_code == 201, planned.json()
    meeting = planned.json()
    attendance = [
        {"invitee": invitee["id"], "present": invitee["user"] is not None} for invitee in meeting["invitees"]
    ]

    recorded = client.post(
        url("api-case-meeting-record", meeting["id"]),
        {
            "version": meeting["version"],
            "minutes": "Besproken: de woonsituatie.",
            "attendance": attendance,
            "decisions": [
                {
                    "goal": goal.pk,
                    "what": "Huisbezoek afleggen",
                    "owner": bram.pk,
                    "due_date": (TODAY + 14 * DAY).isoformat(),
                }
            ],
        },
        content_type=JSON,
    )

    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["held"] is True
    [agreement] = Agreement.objects.filter(meeting_id=meeting["id"])
    assert (agreement.goal, agreement.what) == (goal, "Huisbezoek afleggen")
    assert [a["id"] for a in recorded.json()["agreements"]] == [agreement.pk]
    listed = client.get(url("api-case-meetings", case.pk)).json()
    assert [m["id"] for m in listed["held"]] == [meeting["id"]]


def test_a_wrong_decision_records_nothing_and_names_its_row(client_for, bram, case) -> None:
    goal = goal_for(case, bram)
    meeting = client_for(bram).post(
        url("api-case-meetings", case.pk),
        {"starts_at": timezone.now().isoformat(), "invitees": [bram.pk]},
        content_type=JSON,
    )
    body = meeting.json()
    decision = {"goal": goal.pk, "what": "Iets", "due_date": (TODAY + DAY).isoformat()}  # nobody owns it

    response = client_for(bram).post(
        url("api-case-meeting-record", body["id"]),
        {
            "version": body["version"],
            "minutes": "Verslag",
            "attendance": [{"invitee": body["invitees"][0]["id"], "present": True}],
            "decisions": [decision],
        },
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["decisions"]["0"]["owner"]
    assert CaseMeeting.objects.get().held is False
    assert not Agreement.objects.exists()


# --- Escalation, handover and closure -----------------------------------------------------------------


def test_handing_over_and_closing_through_the_api(client_for, bram, case) -> None:
    client = client_for(bram)
    escalated = client.post(
        url("api-case-escalations", case.pk),
        {"to": "driehoek", "reason": "Geen voortgang bij de woningcorporatie.", "ave_before": 3},
        content_type=JSON,
    )
    handed = client.post(
        url("api-case-handovers", case.pk),
        {"to": "case_lead", "receiver_name": "J. Smit", "receiver_organisation": "politie"},
        content_type=JSON,
    )
    too_short = client.post(
        url("api-case-close", case.pk), {"reason": "handed_over", "evaluation": "Goed."}, content_type=JSON
    )
    closed = client.post(
        url("api-case-close", case.pk),
        {"reason": "handed_over", "evaluation": "De woonsituatie is stabiel en de wijkagent houdt zicht."},
        content_type=JSON,
    )

    assert escalated.status_code == 201, escalated.json()
    assert escalated.json()["escalated_on"] == TODAY.isoformat()
    assert handed.status_code == 201, handed.json()
    assert too_short.status_code == 400
    assert "evaluation" in too_short.json()
    assert closed.status_code == 200, closed.json()
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, Case.ClosureReason.HANDED_OVER)
    again = client.post(
        url("api-case-escalations", case.pk), {"to": "other", "reason": "x"}, content_type=JSON
    )
    assert again.status_code == 404


# --- Advice -------------------------------------------------------------------------------------------


def advice_body(**overrides: object) -> dict[str, object]:
    body = {
        "asked_on": TODAY.isoformat(),
        "partner": "politie",
        "channel": "phone",
        "question": "Een man van rond de 40 dreigt zijn buren; wat kan de wijkagent doen?",
        "advice": "Melding bij Veilig Thuis overwegen en de buurtregisseur betrekken.",
        "minutes_spent": 20,
    }
    return body | overrides


def test_anonymous_advice_is_recorded_listed_and_counted(client_for, bram) -> None:
    client = client_for(bram)
    created = client.post(ANONYMOUS_ADVICE, advice_body(), content_type=JSON)
    contact = client.post(
        INFORMATION_CONTACTS,
        {"contacted_on": TODAY.isoformat(), "partner": "politie", "topic": "Wijkagent met GGZ verbonden"},
        content_type=JSON,
    )

    assert created.status_code == 201, created.json()
    assert contact.status_code == 201, contact.json()
    assert [row["id"] for row in client.get(ANONYMOUS_ADVICE).json()["results"]] == [created.json()["id"]]
    counts = client.get(ADVICE_COUNTS, {"year": TODAY.year}).json()
    assert counts["anonymous_advice"] == 1
    assert counts["anonymous_advice_minutes"] == 20
    assert counts["information_contacts"] == 1


def test_anonymous_advice_with_a_bsn_in_the_question_is_refused_and_not_saved(client_for, bram) -> None:
    response = client_for(bram).post(
        ANONYMOUS_ADVICE, advice_body(question=f"Het gaat om BSN {VALID_BSN}, wat nu?"), content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["question"]
    assert not AnonymousAdvice.objects.exists()


def test_an_information_contact_with_a_date_of_birth_is_refused(client_for, bram) -> None:
    response = client_for(bram).post(
        INFORMATION_CONTACTS,
        {"contacted_on": TODAY.isoformat(), "partner": "politie", "topic": "Geboren 12-03-1980"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["topic"]
    assert not InformationContact.objects.exists()


@pytest.mark.parametrize("name", ["api-anonymous-advice", "api-information-contacts", "api-advice-counts"])
def test_the_manager_has_no_advice_task(client_for, mirjam, name) -> None:
    client = client_for(mirjam)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), advice_body(), content_type=JSON).status_code == 403
    assert not AnonymousAdvice.objects.exists()
