"""The aftercare API under /api/v1/aftercare/: the caseload, the case file, detention notices and every
change of an aftercare case.

Henk is the nazorgcoördinator who runs the aftercare case of Jan Wubbolts (Hoogeveen). Hanna is another
nazorgcoördinator with a case of her own. Dennis is a guidance worker: he sees Jan's case only while a
guidance episode he runs is going on. Bram (procesregisseur) runs a procesregie case of the same Jan, in
which Petra (police) takes part; neither of them has an aftercare task.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftercare import services
from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    ConditionKind,
    ConditionState,
    Consent,
    ConsentChannel,
    DetentionNotice,
    GuidanceContact,
    GuidanceEpisode,
    ReleaseTaskKind,
)
from cases.models import Case
from cases.services import participant_add
from cases.workflow import CaseStatus
from tests.aftercare.builders import guidance_worker, nazorg_coordinator, notice_data, notice_registered
from tests.factories import municipality, partner, referral_case
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
JSON = "application/json"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CASES = reverse("api-aftercare-cases")
NOTICES = reverse("api-aftercare-notices")


@pytest.fixture
def henk() -> User:
    return nazorg_coordinator()


@pytest.fixture
def hanna() -> User:
    return nazorg_coordinator("hanna")


@pytest.fixture
def dennis() -> User:
    return guidance_worker()


@pytest.fixture
def aftercare(henk: User) -> AftercareFile:
    return notice_registered(henk, bsn="111222333")


def url(name: str, aftercare: AftercareFile, **kwargs: object) -> str:
    return reverse(name, kwargs={"pk": aftercare.case_id, **kwargs})


def fresh(aftercare: AftercareFile) -> AftercareFile:
    return AftercareFile.objects.select_related("case").get(pk=aftercare.pk)


def notice_body(**overrides: object) -> dict[str, object]:
    body = {
        "reference": "DJI-API-1",
        "kind": "detention",
        "received_on": TODAY.isoformat(),
        "institution": "PI Veenhuizen",
        "detention_start": (TODAY - 30 * DAY).isoformat(),
        "expected_release": (TODAY + 90 * DAY).isoformat(),
        "first_name": "Klaas",
        "last_name": "Hoving",
        "date_of_birth": "1985-02-03",
        "municipality": "meppel",
    }
    return body | overrides


def guidance_started(aftercare: AftercareFile, henk: User, dennis: User) -> GuidanceEpisode:
    return services.guidance_start(
        aftercare=aftercare,
        by=henk,
        worker=dennis,
        reason="Mist afspraken",
        started_on=TODAY - 10 * DAY,
        goals=["Dagritme"],
    )


# --- The caseload -------------------------------------------------------------------------------------


def test_the_caseload_lists_his_aftercare_cases_filtered_and_logs_the_read(
    client_for, henk, hanna, aftercare
) -> None:
    refused = notice_registered(henk, first_name="Piet", municipality=municipality("tynaarlo"))
    services.consent_record(
        aftercare=refused,
        by=henk,
        version=refused.version,
        consent=Consent.REFUSED,
        on=TODAY,
        channel=ConsentChannel.PHONE,
    )
    notice_registered(hanna, first_name="Kees")
    client = client_for(henk)

    everything = client.get(CASES)
    still_open = client.get(CASES, {"status": "open"})
    in_tynaarlo = client.get(CASES, {"municipality": "tynaarlo"})

    assert everything.status_code == 200, everything.json()
    assert [row["id"] for row in everything.json()["results"]] == [refused.case_id, aftercare.case_id]
    [row] = still_open.json()["results"]
    assert row["id"] == aftercare.case_id
    assert row["person"] == "Jan Wubbolts"
    assert row["municipality"]["code"] == "hoogeveen"
    assert (row["status"], row["consent"], row["escalated_to"]) == ("active", "unknown", None)
    assert row["coordinator"]["id"] == henk.pk
    assert [row["id"] for row in in_tynaarlo.json()["results"]] == [refused.case_id]
    assert in_tynaarlo.json()["results"][0]["status"] == "closed"
    assert AuditEvent.objects.filter(actor=henk, object_type="aftercare_cases", detail="api").count() == 3


def test_an_unknown_municipality_in_the_filter_is_a_field_error(client_for, henk) -> None:
    response = client_for(henk).get(CASES, {"municipality": "atlantis"})
    assert response.status_code == 400
    assert response.json()["municipality"]


def test_the_caseload_takes_the_same_number_of_queries_for_3_and_for_30_cases(client_for, henk) -> None:
    def cases(count: int) -> None:
        for _ in range(count):
            number = AftercareFile.objects.count()
            aftercare = notice_registered(
                henk, first_name=f"Jan{number}", municipality=municipality("meppel")
            )
            services.information_add(
                aftercare=aftercare, by=henk, source="dji", received_on=TODAY, content="Detentieverloop"
            )

    client = client_for(henk)
    cases(3)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(CASES).json()["results"]) == 3
    cases(27)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(CASES).json()["results"]) == 25

    assert len(many) == len(few)


# --- The case file ------------------------------------------------------------------------------------


def test_the_case_file_holds_everything_of_the_aftercare_and_the_read_is_logged(
    client_for, henk, dennis, aftercare
) -> None:
    services.information_add(
        aftercare=aftercare, by=henk, source="probation", received_on=TODAY, content="Toezicht loopt"
    )
    housing = aftercare.conditions.get(kind=ConditionKind.HOUSING)
    services.condition_action_add(
        condition=housing, by=henk, what="Urgentie aanvragen", due_on=TODAY + DAY, owner_partner=partner()
    )
    guidance_started(aftercare, henk, dennis)

    response = client_for(henk).get(url("api-aftercare-case", aftercare))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["number"], body["status"]) == (
        aftercare.case_id,
        aftercare.case.number,
        "active",
    )
    assert body["person"] == {
        "name": "Jan Wubbolts",
        "date_of_birth": "1990-05-17",
        "bsn_masked": "******333",
    }
    assert body["municipality"]["code"] == "hoogeveen"
    assert [notice["kind"] for notice in body["notices"]] == ["detention"]
    assert [condition["kind"] for condition in body["conditions"]] == list(ConditionKind.values)
    [action] = body["conditions"][1]["actions"]
    assert (action["what"], action["owner_partner"]["code"]) == ("Urgentie aanvragen", "politie")
    assert {task["kind"] for task in body["tasks"]} == set(ReleaseTaskKind.values)
    assert [info["source"] for info in body["information"]] == ["probation"]
    [episode] = body["guidance"]
    assert (episode["worker"]["id"], [goal["description"] for goal in episode["goals"]]) == (
        dennis.pk,
        ["Dagritme"],
    )
    assert body["version"] == aftercare.version
    assert AuditEvent.objects.filter(
        actor=henk, object_type="case", object_id=str(aftercare.case_id), action="R", result="allowed"
    ).exists()


def test_a_case_that_is_not_an_aftercare_case_is_not_found(client_for, henk) -> None:
    other = referral_case(
        number="X-1", status=CaseStatus.ACTIVE, coordinator=henk, kind=Case.Kind.COORDINATION
    )
    response = client_for(henk).get(reverse("api-aftercare-case", kwargs={"pk": other.pk}))
    assert response.status_code == 404


# --- Detention notices --------------------------------------------------------------------------------


def test_a_notice_opens_a_case_then_is_unchanged_or_updated(client_for, henk) -> None:
    client = client_for(henk)

    created = client.post(NOTICES, notice_body(), content_type=JSON)
    again = client.post(NOTICES, notice_body(), content_type=JSON)
    later = (TODAY + 120 * DAY).isoformat()
    moved = client.post(NOTICES, notice_body(expected_release=later), content_type=JSON)

    assert created.status_code == 201, created.json()
    aftercare = AftercareFile.objects.get()
    assert created.json()["case"] == aftercare.case_id
    assert [created.json()["outcome"], again.json()["outcome"], moved.json()["outcome"]] == [
        "created",
        "unchanged",
        "updated",
    ]
    assert again.status_code == moved.status_code == 201
    assert (aftercare.case.coordinator, aftercare.expected_release_on.isoformat()) == (henk, later)
    assert DetentionNotice.objects.count() == 1


@pytest.mark.parametrize("code", ["assen", "atlantis"])
def test_a_notice_for_a_municipality_the_bureau_does_not_serve_is_refused_at_the_municipality(
    client_for, henk, code
) -> None:
    response = client_for(henk).post(NOTICES, notice_body(municipality=code), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["municipality"]
    assert not DetentionNotice.objects.exists()
    assert not Case.objects.exists()


def test_a_notice_with_a_wrong_date_is_refused_at_its_field(client_for, henk) -> None:
    body = notice_body(received_on=(TODAY + DAY).isoformat())
    response = client_for(henk).post(NOTICES, body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["received_on"]
    assert not DetentionNotice.objects.exists()


def test_the_notices_listed_are_those_of_his_cases_and_the_read_is_logged(
    client_for, henk, hanna, aftercare
) -> None:
    notice_registered(hanna, first_name="Kees")

    response = client_for(henk).get(NOTICES)

    assert response.status_code == 200, response.json()
    [row] = response.json()["results"]
    assert (row["case"]["id"], row["person"]) == (aftercare.case_id, "Jan Wubbolts")
    logged = AuditEvent.objects.get(actor=henk, object_type="detention_notices")
    assert logged.detail == "api"


# --- Consent, information, release --------------------------------------------------------------------


def test_consent_is_recorded_and_an_old_version_is_a_conflict_that_changes_nothing(
    client_for, henk, aftercare
) -> None:
    client = client_for(henk)
    body = {"consent": "given", "on": TODAY.isoformat(), "channel": "case_manager", "note": "Via PI"}

    given = client.post(url("api-aftercare-consent", aftercare), body | {"version": 1}, content_type=JSON)
    stale = client.post(
        url("api-aftercare-consent", aftercare),
        body | {"consent": "refused", "version": 1},
        content_type=JSON,
    )

    assert given.status_code == 200, given.json()
    assert (given.json()["consent"], given.json()["version"]) == ("given", 2)
    assert stale.status_code == 409
    aftercare = fresh(aftercare)
    assert (aftercare.consent, aftercare.version, aftercare.case.status) == (
        Consent.GIVEN,
        2,
        CaseStatus.ACTIVE,
    )


def test_refused_consent_closes_the_case_and_further_changes_answer_404(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    refused = client.post(
        url("api-aftercare-consent", aftercare),
        {"consent": "refused", "on": TODAY.isoformat(), "channel": "letter", "version": aftercare.version},
        content_type=JSON,
    )
    assert refused.status_code == 200, refused.json()
    assert refused.json()["status"] == "closed"
    assert fresh(aftercare).case.closure_reason == Case.ClosureReason.NO_AFTERCARE_WANTED

    information = client.post(
        url("api-aftercare-information", aftercare),
        {"source": "dji", "received_on": TODAY.isoformat(), "content": "Iets"},
        content_type=JSON,
    )
    assert information.status_code == 404
    assert not AftercareInformation.objects.exists()


def test_information_from_a_source_is_added(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("api-aftercare-information", aftercare),
        {"source": "municipality", "received_on": TODAY.isoformat(), "content": "Ingeschreven, geen woning"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["source"], response.json()["recorded_by"]["id"]) == ("municipality", henk.pk)
    assert AftercareInformation.objects.get().content == "Ingeschreven, geen woning"


def test_information_without_content_is_refused_at_the_content(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("api-aftercare-information", aftercare),
        {"source": "dji", "received_on": TODAY.isoformat(), "content": " "},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["content"]
    assert not AftercareInformation.objects.exists()


def test_the_release_dates_the_tasks_and_a_task_is_marked_done_once(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    released = TODAY - 2 * DAY

    response = client.post(
        url("api-aftercare-release", aftercare),
        {"released_on": released.isoformat(), "version": aftercare.version},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["released_on"] == released.isoformat()
    check_in = aftercare.tasks.get(kind=ReleaseTaskKind.CHECK_IN)
    assert check_in.due_on == released + 7 * DAY

    done = client.post(url("api-aftercare-task-done", aftercare, task_id=check_in.pk))
    again = client.post(url("api-aftercare-task-done", aftercare, task_id=check_in.pk))
    assert (done.status_code, again.status_code) == (200, 200)
    assert done.json() == again.json()
    assert (done.json()["done_on"], done.json()["done_by"]["id"]) == (TODAY.isoformat(), henk.pk)


def test_a_release_on_an_old_version_is_a_conflict(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("api-aftercare-release", aftercare),
        {"released_on": TODAY.isoformat(), "version": aftercare.version - 1},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert fresh(aftercare).released_on is None


# --- The five basic conditions ------------------------------------------------------------------------


def test_a_condition_changes_only_what_is_sent_and_an_old_version_is_a_conflict(
    client_for, henk, aftercare
) -> None:
    client = client_for(henk)
    condition_url = url("api-aftercare-condition", aftercare, kind="housing")

    changed = client.patch(
        condition_url,
        {"at_intake": "not_in_order", "intake_note": "Geen woning na vrijlating", "version": 1},
        content_type=JSON,
    )
    stale = client.patch(condition_url, {"at_release": "in_order", "version": 1}, content_type=JSON)
    unknown = client.patch(
        url("api-aftercare-condition", aftercare, kind="pets"), {"version": 1}, content_type=JSON
    )

    assert changed.status_code == 200, changed.json()
    assert (changed.json()["at_intake"], changed.json()["at_release"], changed.json()["version"]) == (
        "not_in_order",
        "unknown",
        2,
    )
    assert stale.status_code == 409
    assert unknown.status_code == 404
    housing = BasicCondition.objects.get(aftercare=aftercare, kind=ConditionKind.HOUSING)
    assert (housing.at_release, housing.version) == (ConditionState.UNKNOWN, 2)


def test_a_condition_state_outside_the_choices_is_a_field_error(client_for, henk, aftercare) -> None:
    response = client_for(henk).patch(
        url("api-aftercare-condition", aftercare, kind="id"),
        {"at_intake": "fine", "version": 1},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["at_intake"]
    assert BasicCondition.objects.get(aftercare=aftercare, kind="id").version == 1


def test_an_action_on_a_condition_is_agreed_and_marked_done(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    added = client.post(
        url("api-aftercare-condition-actions", aftercare, kind="id"),
        {"what": "ID-kaart aanvragen", "due_on": (TODAY + 7 * DAY).isoformat(), "owner_name": "Henk"},
        content_type=JSON,
    )
    assert added.status_code == 201, added.json()
    assert (added.json()["what"], added.json()["owner_partner"]) == ("ID-kaart aanvragen", None)

    done = client.post(url("api-aftercare-action-done", aftercare, action_id=added.json()["id"]))
    assert done.status_code == 200, done.json()
    assert done.json()["done_on"] == TODAY.isoformat()


def test_an_action_without_anyone_responsible_is_refused_at_the_owner(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("api-aftercare-condition-actions", aftercare, kind="debts"),
        {"what": "Schuldhulp", "due_on": TODAY.isoformat()},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["owner_name"]
    assert not ConditionAction.objects.exists()


# --- Guidance -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("by_username", [True, False])
def test_guidance_starts_with_its_worker_and_goals_and_ends(
    client_for, henk, dennis, aftercare, by_username
) -> None:
    client = client_for(henk)
    started = client.post(
        url("api-aftercare-guidance", aftercare),
        {
            "worker": dennis.username if by_username else dennis.pk,
            "reason": "Reguliere nazorg komt niet aan",
            "started_on": (TODAY - 3 * DAY).isoformat(),
            "goals": ["Dagritme", "Contact met schuldhulp"],
        },
        content_type=JSON,
    )
    assert started.status_code == 201, started.json()
    episode = started.json()
    assert episode["worker"]["id"] == dennis.pk
    assert [goal["description"] for goal in episode["goals"]] == ["Dagritme", "Contact met schuldhulp"]

    ended = client.post(
        url("api-aftercare-guidance-end", aftercare, episode_id=episode["id"]),
        {"ended_on": TODAY.isoformat(), "result": "Stabiel"},
        content_type=JSON,
    )
    assert ended.status_code == 200, ended.json()
    assert (ended.json()["ended_on"], ended.json()["end_note"]) == (TODAY.isoformat(), "Stabiel")


def test_guidance_needs_a_guidance_worker(client_for, henk, hanna, aftercare) -> None:
    client = client_for(henk)
    body = {"reason": "Reden", "goals": ["Doel"]}
    not_a_worker = client.post(
        url("api-aftercare-guidance", aftercare), body | {"worker": hanna.username}, content_type=JSON
    )
    nobody = client.post(
        url("api-aftercare-guidance", aftercare), body | {"worker": "niemand"}, content_type=JSON
    )
    assert (not_a_worker.status_code, nobody.status_code) == (400, 400)
    assert not_a_worker.json()["worker"]
    assert nobody.json()["worker"]
    assert not GuidanceEpisode.objects.exists()


def test_the_guidance_worker_records_contacts_of_his_episode_but_changes_nothing_else(
    client_for, henk, dennis, aftercare
) -> None:
    episode = guidance_started(aftercare, henk, dennis)
    client = client_for(dennis)

    contact = client.post(
        url("api-aftercare-guidance-contacts", aftercare, episode_id=episode.pk),
        {"contacted_on": TODAY.isoformat(), "kind": "visit", "minutes": 45, "note": "Thuis bezocht"},
        content_type=JSON,
    )
    read = client.get(url("api-aftercare-case", aftercare))
    consent = client.post(
        url("api-aftercare-consent", aftercare),
        {"consent": "refused", "on": TODAY.isoformat(), "channel": "phone", "version": aftercare.version},
        content_type=JSON,
    )
    end = client.post(
        url("api-aftercare-guidance-end", aftercare, episode_id=episode.pk), {}, content_type=JSON
    )

    assert contact.status_code == 201, contact.json()
    assert (contact.json()["minutes"], contact.json()["recorded_by"]["id"]) == (45, dennis.pk)
    assert read.status_code == 200
    assert (consent.status_code, end.status_code) == (404, 404)
    aftercare = fresh(aftercare)
    assert (aftercare.consent, aftercare.case.status) == (Consent.UNKNOWN, CaseStatus.ACTIVE)
    assert GuidanceEpisode.objects.get().ended_on is None
    assert AuditEvent.objects.filter(actor=dennis, result="denied", object_type="consent").exists()


def test_a_contact_before_the_guidance_started_is_refused_at_the_date(
    client_for, henk, dennis, aftercare
) -> None:
    episode = guidance_started(aftercare, henk, dennis)
    response = client_for(henk).post(
        url("api-aftercare-guidance-contacts", aftercare, episode_id=episode.pk),
        {"contacted_on": (TODAY - 30 * DAY).isoformat(), "kind": "phone"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["contacted_on"]
    assert not GuidanceContact.objects.exists()


# --- Escalation ---------------------------------------------------------------------------------------


def test_escalation_answers_the_new_referral_which_the_case_file_names(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    body = {"concerns": "Dreigt terug te vallen", "main_topic": "nuisance", "referrer_partner": "dji"}

    stale = client.post(
        url("api-aftercare-escalate", aftercare), body | {"version": aftercare.version - 1}, content_type=JSON
    )
    assert stale.status_code == 409
    assert fresh(aftercare).escalated_to is None
    assert Case.objects.count() == 1

    escalated = client.post(
        url("api-aftercare-escalate", aftercare), body | {"version": aftercare.version}, content_type=JSON
    )
    assert escalated.status_code == 201, escalated.json()
    referral = Case.objects.get(pk=escalated.json()["id"])
    assert (escalated.json()["number"], referral.status) == (referral.number, CaseStatus.REGISTERED)
    case_file = client.get(url("api-aftercare-case", aftercare)).json()
    assert case_file["escalated_to"] == {"id": referral.pk, "number": referral.number}


def test_escalation_without_concerns_is_refused_at_the_concerns(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("api-aftercare-escalate", aftercare),
        {"concerns": "", "main_topic": "nuisance", "referrer_partner": "dji", "version": aftercare.version},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["concerns"]
    assert Case.objects.count() == 1


# --- Who sees someone's aftercare case ----------------------------------------------------------------


def test_another_nazorgcoordinator_cannot_see_the_case_nor_change_it(
    client_for, henk, hanna, aftercare
) -> None:
    client = client_for(hanna)
    housing = aftercare.conditions.get(kind=ConditionKind.HOUSING)

    listed = client.get(CASES).json()["results"]
    notices = client.get(NOTICES).json()["results"]
    detail = client.get(url("api-aftercare-case", aftercare))
    change = client.patch(
        url("api-aftercare-condition", aftercare, kind="housing"),
        {"at_intake": "in_order", "version": housing.version},
        content_type=JSON,
    )

    assert (listed, notices) == ([], [])
    assert (detail.status_code, change.status_code) == (404, 404)
    housing.refresh_from_db()
    assert (housing.at_intake, housing.version) == (ConditionState.UNKNOWN, 1)
    assert AuditEvent.objects.filter(
        actor=hanna, result="denied", object_id=str(aftercare.case_id), detail="api"
    ).exists()


def test_a_procesregisseur_and_a_partner_in_his_procesregie_case_do_not_see_the_aftercare_case(
    client_for, henk, bram, petra, aftercare
) -> None:
    coordination = referral_case(
        number="X-2", status=CaseStatus.ACTIVE, coordinator=bram, kind=Case.Kind.COORDINATION
    )
    coordination.subjects.update(person=aftercare.person)
    participant_add(case=coordination, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)

    for user in (bram, petra):
        client = client_for(user)
        # Without an aftercare task the aftercare endpoints are closed to them altogether ...
        assert client.get(CASES).status_code == 403
        assert client.get(url("api-aftercare-case", aftercare)).status_code == 403
        assert client.post(NOTICES, notice_body(), content_type=JSON).status_code == 403
        # ... and the case API answers as for a case that does not exist.
        listed = client.get(reverse("api-case-list")).json()["results"]
        assert [row["id"] for row in listed] == [coordination.pk]
        assert client.get(reverse("api-case-detail", kwargs={"pk": aftercare.case_id})).status_code == 404
        assert AuditEvent.objects.filter(
            actor=user, result="denied", object_id=str(aftercare.case_id), detail="api"
        ).exists()
    assert not DetentionNotice.objects.filter(reference="DJI-API-1").exists()


def test_the_guidance_worker_sees_the_case_only_while_his_episode_runs(
    client_for, henk, dennis, aftercare
) -> None:
    client = client_for(dennis)
    assert client.get(url("api-aftercare-case", aftercare)).status_code == 404

    episode = guidance_started(aftercare, henk, dennis)
    assert [row["id"] for row in client.get(CASES).json()["results"]] == [aftercare.case_id]

    services.guidance_end(episode=episode, by=henk, ended_on=TODAY - DAY, result="Klaar")
    assert client.get(CASES).json()["results"] == []
    assert client.get(url("api-aftercare-case", aftercare)).status_code == 404


def test_a_notice_on_someone_elses_case_does_not_tell_which_case(client_for, henk, hanna) -> None:
    first = notice_data(bsn="111222333")
    services.notice_register(by=hanna, data=first)

    response = client_for(henk).post(
        NOTICES,
        notice_body(
            reference="DJI-API-2",
            first_name=first.first_name,
            last_name=first.last_name,
            date_of_birth=first.date_of_birth.isoformat(),
            bsn="111222333",
        ),
        content_type=JSON,
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["case"], response.json()["outcome"]) == (None, "created")
