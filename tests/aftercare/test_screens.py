"""The nazorgcoördinator's screens: the aftercare section of the case page with its board of the five
basic conditions, the screens that change an aftercare case, a detention notice by hand and the caseload.

Henk is nazorgcoördinator and runs the aftercare cases built here; Hilde is another nazorgcoördinator
with no case of Henk's. Dennis is a guidance worker: he sees a case only while his guidance episode on
it runs. Bram (procesregisseur) and Petra (police) have nothing to do with aftercare; Pia
(procesondersteuner) sees a referral for procesregie once an aftercare case is escalated.
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
from aftercare.selectors import aftercare_detail, aftercare_section_context
from cases.models import Case, CaseEvent
from cases.selectors import case_detail
from cases.workflow import CaseStatus
from tests.aftercare.builders import guidance_worker, nazorg_coordinator, notice_registered
from tests.factories import main_topic, municipality, partner
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import ProblemArea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CASELOAD = reverse("aftercare-caseload")


@pytest.fixture
def henk():  # type: ignore[no-untyped-def]
    return nazorg_coordinator()


@pytest.fixture
def hilde():  # type: ignore[no-untyped-def]
    return nazorg_coordinator("hilde")


@pytest.fixture
def dennis():  # type: ignore[no-untyped-def]
    return guidance_worker()


@pytest.fixture
def aftercare(henk) -> AftercareFile:
    return notice_registered(henk, bsn="111222333")


def url(name: str, aftercare: AftercareFile, *args: object) -> str:
    return reverse(name, args=[aftercare.case_id, *args])


def back_to_section(aftercare: AftercareFile) -> str:
    return f"{aftercare.case.get_absolute_url()}#aftercare"


def condition(aftercare: AftercareFile, kind: str = ConditionKind.HOUSING) -> BasicCondition:
    return BasicCondition.objects.get(aftercare=aftercare, kind=kind)


def guidance_running(aftercare: AftercareFile, henk, dennis, *, days: int = 10) -> GuidanceEpisode:  # type: ignore[no-untyped-def]
    return services.guidance_start(
        aftercare=aftercare,
        by=henk,
        worker=dennis,
        reason="Komt afspraken niet na",
        started_on=TODAY - days * DAY,
        goals=["Dagritme", "Contact met de schuldhulp"],
    )


def errors_of(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return response.context["form"].errors


# --- The case page's section ----------------------------------------------------------------------


def test_the_board_shows_the_five_basic_conditions_at_their_three_moments(
    client_for, henk, aftercare
) -> None:
    housing = condition(aftercare)
    services.condition_update(
        condition=housing,
        by=henk,
        version=housing.version,
        data={"at_intake": ConditionState.NOT_IN_ORDER, "at_release": ConditionState.ATTENTION},
    )

    response = client_for(henk).get(aftercare.case.get_absolute_url())

    board = {row.kind: row for row in response.context["board"]}
    assert list(board) == list(ConditionKind.values)
    assert [moment["state"] for moment in board["housing"].moments] == [
        "not_in_order",
        "attention",
        "unknown",
    ]
    page = response.content.decode()
    assert page.count('data-testid="condition"') == 5
    assert 'data-state="not_in_order"' in page
    assert 'id="aftercare"' in page


def test_open_actions_show_their_owner_and_due_date_and_an_overdue_one_is_marked(
    client_for, henk, aftercare
) -> None:
    housing = condition(aftercare)
    late = services.condition_action_add(
        condition=housing, by=henk, what="Urgentie aanvragen", due_on=TODAY - DAY, owner_partner=partner()
    )
    services.condition_action_add(
        condition=housing, by=henk, what="Kamer zoeken", due_on=TODAY + DAY, owner_name="Moeder"
    )

    response = client_for(henk).get(aftercare.case.get_absolute_url())

    housing_row = next(row for row in response.context["board"] if row.kind == "housing")
    assert [(action.what, action.overdue) for action in housing_row.open_actions] == [
        ("Urgentie aanvragen", True),
        ("Kamer zoeken", False),
    ]
    assert f'data-action="{late.pk}" data-overdue="true"' in response.content.decode()


def test_the_section_reads_in_nine_queries_whatever_the_size_of_the_case(
    henk, dennis, aftercare, django_assert_num_queries
) -> None:
    fill(aftercare, henk, dennis, size=6)
    opened = case_detail(user=henk, pk=aftercare.case_id)

    with django_assert_num_queries(9):
        context = aftercare_section_context(aftercare=aftercare_detail(opened), user=henk)
        episodes = context["episodes"]
        assert sum(len(episode.contacts.all()) + len(episode.goals.all()) for episode in episodes) == 8

    assert sum(len(row.open_actions) for row in context["board"]) == 30


def fill(aftercare: AftercareFile, henk, dennis, *, size: int) -> None:  # type: ignore[no-untyped-def]
    """`size` actions on each condition and `size` contacts and pieces of information."""
    for item in aftercare.conditions.all():
        for number in range(size):
            services.condition_action_add(
                condition=item,
                by=henk,
                what=f"Actie {number}",
                due_on=TODAY + number * DAY,
                owner_name="Henk",
            )
    episode = guidance_running(aftercare, henk, dennis)
    for number in range(size):
        services.guidance_contact_add(
            episode=episode, by=dennis, contacted_on=TODAY, kind="visit", minutes=number
        )
        services.information_add(
            aftercare=aftercare, by=henk, source="dji", received_on=TODAY, content=f"Bericht {number}"
        )


def test_the_case_page_costs_the_same_queries_for_a_small_and_a_busy_aftercare_case(
    client_for, henk, dennis
) -> None:
    small = notice_registered(henk, last_name="Klein")
    busy = notice_registered(henk, last_name="Druk")
    fill(small, henk, guidance_worker("daan"), size=1)
    fill(busy, henk, dennis, size=8)
    client = client_for(henk)
    client.get(small.case.get_absolute_url())  # warm-up: the house name is cached after the first page

    with CaptureQueriesContext(connection) as few:
        client.get(small.case.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        response = client.get(busy.case.get_absolute_url())

    assert response.content.decode().count('data-testid="condition-action"') == 40
    assert len(few) == len(many)


def test_only_the_nazorgcoordinator_gets_the_buttons(client_for, henk, dennis, aftercare) -> None:
    guidance_running(aftercare, henk, dennis)
    page = client_for(henk).get(aftercare.case.get_absolute_url()).content.decode()
    assert 'data-testid="condition-edit"' in page
    assert 'data-testid="consent-record"' in page
    assert 'data-testid="guidance-contact-add"' in page

    # Dennis sees the case while his guidance runs, and may only record contacts.
    page = client_for(dennis).get(aftercare.case.get_absolute_url()).content.decode()
    assert 'data-testid="conditions-board"' in page
    assert 'data-testid="guidance-contact-add"' in page
    assert 'data-testid="condition-edit"' not in page
    assert 'data-testid="consent-record"' not in page
    assert 'data-testid="task-done"' not in page


@pytest.mark.parametrize("persona", ["bram", "petra"])
def test_a_procesregisseur_or_a_partner_cannot_open_an_aftercare_case(
    client_for, request, persona, aftercare
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)

    assert client.get(aftercare.case.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(
        actor=user, object_type="case", object_id=str(aftercare.case_id), result="denied"
    ).exists()
    assert client.get(url("aftercare-consent", aftercare)).status_code == 403  # no aftercare screens at all


def test_another_nazorgcoordinator_cannot_change_the_case(client_for, hilde, aftercare) -> None:
    client = client_for(hilde)
    response = client.post(
        url("aftercare-consent", aftercare),
        {"version": aftercare.version, "consent": "given", "on": TODAY.isoformat(), "channel": "phone"},
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=hilde, object_type="case", object_id=str(aftercare.case_id), result="denied"
    ).exists()
    aftercare.refresh_from_db()
    assert aftercare.consent == Consent.UNKNOWN


def test_the_escalated_case_links_to_the_referral_for_who_may_see_it(
    client_for, henk, pia, aftercare
) -> None:
    referral = services.escalate_to_procesregie(
        aftercare=aftercare,
        by=henk,
        version=aftercare.version,
        data=services.EscalationData(
            concerns="Dreigt terug te vallen", main_topic=main_topic(), referrer_partner=partner("dji")
        ),
    )
    response = client_for(henk).get(aftercare.case.get_absolute_url())
    assert response.context["escalated_to"] == referral
    assert response.context["escalated_to_visible"] is False  # Henk does not run the referral
    assert referral.get_absolute_url() not in response.content.decode()
    assert f'data-case="{referral.number}"' in response.content.decode()
    # Pia, who sees new referrals, would get the link.
    as_pia = aftercare_section_context(aftercare=aftercare_detail(aftercare.case), user=pia)
    assert as_pia["escalated_to_visible"] is True


# --- A detention notice by hand -------------------------------------------------------------------

NOTICE_URL = reverse("aftercare-notice-create")


def notice_input(**overrides: object) -> dict[str, object]:
    return {
        "reference": "DJI-777001",
        "kind": "detention",
        "received_on": TODAY.isoformat(),
        "institution": "PI Veenhuizen",
        "detention_start": (TODAY - 20 * DAY).isoformat(),
        "expected_release": (TODAY + 60 * DAY).isoformat(),
        "first_name": "Kees",
        "name_prefix": "van",
        "last_name": "Dijk",
        "date_of_birth": "1988-03-02",
        "bsn": "",
        "municipality": municipality("meppel").pk,
    } | overrides


def test_a_notice_entered_by_hand_opens_an_aftercare_case_run_by_him(client_for, henk) -> None:
    response = client_for(henk).post(NOTICE_URL, notice_input())

    notice = DetentionNotice.objects.select_related("aftercare__case").get(reference="DJI-777001")
    assert response.status_code == 302
    assert response["Location"] == back_to_section(notice.aftercare)
    assert notice.aftercare.case.coordinator == henk
    assert notice.aftercare.municipality.code == "meppel"
    assert notice.aftercare.tasks.count() == 4


def test_a_notice_for_a_municipality_the_bureau_does_not_serve_is_refused_at_the_field(
    client_for, henk
) -> None:
    response = client_for(henk).post(NOTICE_URL, notice_input(municipality=municipality("assen").pk))

    assert response.status_code == 200
    assert list(errors_of(response)) == ["municipality"]
    assert municipality("assen").name in errors_of(response)["municipality"][0]
    assert not DetentionNotice.objects.exists()


def test_a_notice_without_start_of_detention_is_refused_at_the_field(client_for, henk) -> None:
    response = client_for(henk).post(NOTICE_URL, notice_input(detention_start=""))
    assert "detention_start" in errors_of(response)
    assert not DetentionNotice.objects.exists()


def test_a_guidance_worker_does_not_register_notices(client_for, dennis) -> None:
    assert client_for(dennis).get(NOTICE_URL).status_code == 403
    assert AuditEvent.objects.filter(actor=dennis, object_type="screen", result="denied").exists()


# --- Consent and information ----------------------------------------------------------------------


def consent_input(aftercare: AftercareFile, **overrides: object) -> dict[str, object]:
    return {
        "version": aftercare.version,
        "consent": "given",
        "on": TODAY.isoformat(),
        "channel": ConsentChannel.CASE_MANAGER,
        "note": "Via de casemanager in de PI",
    } | overrides


def test_recording_consent_returns_to_the_section(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(url("aftercare-consent", aftercare), consent_input(aftercare))

    assert response.status_code == 302
    assert response["Location"] == back_to_section(aftercare)
    aftercare.refresh_from_db()
    assert (aftercare.consent, aftercare.consent_channel) == (Consent.GIVEN, ConsentChannel.CASE_MANAGER)


def test_a_refusal_closes_the_case(client_for, henk, aftercare) -> None:
    client_for(henk).post(url("aftercare-consent", aftercare), consent_input(aftercare, consent="refused"))
    assert Case.objects.get(pk=aftercare.case_id).status == CaseStatus.CLOSED


def test_consent_on_a_future_date_is_refused_at_the_field(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-consent", aftercare), consent_input(aftercare, on=(TODAY + DAY).isoformat())
    )
    assert response.status_code == 200
    assert list(errors_of(response)) == ["on"]
    aftercare.refresh_from_db()
    assert aftercare.consent == Consent.UNKNOWN


def test_consent_over_someone_elses_change_is_refused_and_keeps_the_input(
    client_for, henk, aftercare
) -> None:
    client = client_for(henk)
    opened_at = client.get(url("aftercare-consent", aftercare)).context["version"]
    services.release_record(  # saved in another tab meanwhile
        aftercare=aftercare, by=henk, version=aftercare.version, released_on=TODAY - DAY
    )
    mine = consent_input(aftercare, version=opened_at, note="Mijn notitie over de toestemming")

    refused = client.post(url("aftercare-consent", aftercare), mine)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Mijn notitie over de toestemming" in page  # his input, to reapply
    aftercare.refresh_from_db()
    assert aftercare.consent == Consent.UNKNOWN
    assert refused.context["version"] == aftercare.version

    applied = client.post(url("aftercare-consent", aftercare), mine | {"version": refused.context["version"]})
    assert applied.status_code == 302
    aftercare.refresh_from_db()
    assert aftercare.consent_note == "Mijn notitie over de toestemming"


def test_information_is_recorded_per_source(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    response = client.post(
        url("aftercare-information-add", aftercare),
        {"source": "probation", "received_on": TODAY.isoformat(), "content": "Meldplicht wekelijks"},
    )
    assert response["Location"] == back_to_section(aftercare)

    section = client.get(aftercare.case.get_absolute_url()).context["information"]
    by_source = {group["source"]: [record.content for record in group["records"]] for group in section}
    assert by_source == {"dji": [], "probation": ["Meldplicht wekelijks"], "municipality": []}


def test_information_without_content_is_refused_at_the_field(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-information-add", aftercare), {"source": "dji", "received_on": TODAY.isoformat()}
    )
    assert list(errors_of(response)) == ["content"]


# --- The basic conditions -------------------------------------------------------------------------


def condition_input(version: int, **overrides: object) -> dict[str, object]:
    return {
        "version": version,
        "at_intake": "not_in_order",
        "intake_note": "Geen woning na vrijlating",
        "at_release": "unknown",
        "release_note": "",
        "after_three_months": "unknown",
        "after_note": "",
    } | overrides


def test_changing_a_condition_returns_to_the_board(client_for, henk, aftercare) -> None:
    housing = condition(aftercare)
    response = client_for(henk).post(
        url("aftercare-condition-edit", aftercare, "housing"), condition_input(housing.version)
    )
    assert response["Location"] == back_to_section(aftercare)
    housing.refresh_from_db()
    assert (housing.at_intake, housing.intake_note) == ("not_in_order", "Geen woning na vrijlating")


def test_a_state_that_does_not_exist_is_refused_at_the_field(client_for, henk, aftercare) -> None:
    housing = condition(aftercare)
    response = client_for(henk).post(
        url("aftercare-condition-edit", aftercare, "housing"),
        condition_input(housing.version, at_release="splendid"),
    )
    assert list(errors_of(response)) == ["at_release"]


def test_a_condition_saved_over_someone_elses_change_is_refused_and_keeps_the_input(
    client_for, henk, aftercare
) -> None:
    housing = condition(aftercare)
    edit = url("aftercare-condition-edit", aftercare, "housing")
    client = client_for(henk)
    opened_at = client.get(edit).context["version"]
    services.condition_update(
        condition=housing, by=henk, version=housing.version, data={"intake_note": "Uit het andere tabblad"}
    )
    mine = condition_input(opened_at, intake_note="Mijn eigen beschrijving")

    refused = client.post(edit, mine)

    page = refused.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Mijn eigen beschrijving" in page
    assert "Uit het andere tabblad" in page  # the data as saved now, beside it
    housing.refresh_from_db()
    assert housing.intake_note == "Uit het andere tabblad"

    assert client.post(edit, mine | {"version": refused.context["version"]}).status_code == 302
    housing.refresh_from_db()
    assert housing.intake_note == "Mijn eigen beschrijving"


def test_an_unknown_condition_answers_404(client_for, henk, aftercare) -> None:
    assert client_for(henk).get(url("aftercare-condition-edit", aftercare, "luck")).status_code == 404


def test_an_action_is_added_and_ticked_off(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    response = client.post(
        url("aftercare-action-add", aftercare, "id"),
        {
            "what": "ID-kaart aanvragen",
            "owner_partner": partner("dji").pk,
            "due_on": (TODAY + 7 * DAY).isoformat(),
        },
    )
    assert response["Location"] == back_to_section(aftercare)
    action = ConditionAction.objects.get(condition__aftercare=aftercare, condition__kind="id")

    done = client.post(url("aftercare-action-done", aftercare, action.pk))

    assert done["Location"] == back_to_section(aftercare)
    action.refresh_from_db()
    assert action.done_on == TODAY


def test_an_action_without_anyone_responsible_is_refused_at_the_field(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-action-add", aftercare, "id"),
        {"what": "ID-kaart aanvragen", "due_on": TODAY.isoformat()},
    )
    assert list(errors_of(response)) == ["owner_name"]
    assert not ConditionAction.objects.exists()


# --- Release --------------------------------------------------------------------------------------


def test_recording_the_release_dates_the_tasks_after_it(client_for, henk, aftercare) -> None:
    released = TODAY - 3 * DAY
    response = client_for(henk).post(
        url("aftercare-release", aftercare),
        {"version": aftercare.version, "released_on": released.isoformat()},
    )
    assert response["Location"] == back_to_section(aftercare)
    aftercare.refresh_from_db()
    assert aftercare.released_on == released
    assert aftercare.tasks.get(kind=ReleaseTaskKind.CHECK_IN).due_on == released + 7 * DAY


def test_a_release_in_the_future_is_refused_at_the_field(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-release", aftercare),
        {"version": aftercare.version, "released_on": (TODAY + DAY).isoformat()},
    )
    assert list(errors_of(response)) == ["released_on"]


def test_a_release_task_is_ticked_off_and_an_overdue_one_marked(client_for, henk) -> None:
    aftercare = notice_registered(henk, expected_release=TODAY + 30 * DAY)  # contact is 12 days overdue
    client = client_for(henk)
    tasks = {task.kind: task for task in client.get(aftercare.case.get_absolute_url()).context["tasks"]}
    assert tasks[ReleaseTaskKind.CONTACT_BEFORE].overdue
    assert not tasks[ReleaseTaskKind.CHECK_IN].overdue

    client.post(url("aftercare-task-done", aftercare, tasks[ReleaseTaskKind.CONTACT_BEFORE].pk))

    task = aftercare.tasks.get(kind=ReleaseTaskKind.CONTACT_BEFORE)
    assert (task.done_on, task.done_by) == (TODAY, henk)


# --- Guidance -------------------------------------------------------------------------------------


def test_guidance_starts_with_its_goals_one_per_line(client_for, henk, dennis, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-guidance-start", aftercare),
        {
            "worker": dennis.pk,
            "reason": "Mist afspraken bij de gemeente",
            "started_on": TODAY.isoformat(),
            "goals": "Dagritme\n\n  Schulden in beeld  \n",
        },
    )
    assert response["Location"] == back_to_section(aftercare)
    episode = GuidanceEpisode.objects.get(aftercare=aftercare)
    assert episode.worker == dennis
    assert [goal.description for goal in episode.goals.all()] == ["Dagritme", "Schulden in beeld"]


def test_guidance_without_goals_is_refused_at_the_field(client_for, henk, dennis, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-guidance-start", aftercare),
        {"worker": dennis.pk, "reason": "Mist afspraken", "started_on": TODAY.isoformat(), "goals": " \n "},
    )
    assert list(errors_of(response)) == ["goals"]
    assert not GuidanceEpisode.objects.exists()


def test_the_guidance_worker_records_a_contact_of_his_own_running_episode(
    client_for, henk, dennis, aftercare
) -> None:
    episode = guidance_running(aftercare, henk, dennis)
    response = client_for(dennis).post(
        url("aftercare-guidance-contact-add", aftercare, episode.pk),
        {"contacted_on": TODAY.isoformat(), "kind": "outreach", "minutes": 40, "note": "Op straat gesproken"},
    )
    assert response["Location"] == back_to_section(aftercare)
    assert GuidanceContact.objects.get(episode=episode).recorded_by == dennis


def test_a_contact_before_the_guidance_started_is_refused_at_the_field(
    client_for, henk, dennis, aftercare
) -> None:
    episode = guidance_running(aftercare, henk, dennis, days=2)
    response = client_for(dennis).post(
        url("aftercare-guidance-contact-add", aftercare, episode.pk),
        {"contacted_on": (TODAY - 5 * DAY).isoformat(), "kind": "visit", "minutes": 30},
    )
    assert list(errors_of(response)) == ["contacted_on"]


def test_the_guidance_worker_changes_nothing_else(client_for, henk, dennis, aftercare) -> None:
    guidance_running(aftercare, henk, dennis)
    client = client_for(dennis)
    housing = condition(aftercare)
    response = client.post(
        url("aftercare-condition-edit", aftercare, "housing"), condition_input(housing.version)
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=dennis, object_type="basic_condition", result="denied").exists()
    housing.refresh_from_db()
    assert housing.at_intake == ConditionState.UNKNOWN


def test_a_guidance_worker_of_another_episode_records_no_contact(client_for, henk, dennis, aftercare) -> None:
    other = notice_registered(henk, last_name="Anders")
    guidance_running(other, henk, dennis)
    episode = guidance_running(aftercare, henk, guidance_worker("daan"))
    response = client_for(dennis).get(url("aftercare-guidance-contact-add", aftercare, episode.pk))
    assert response.status_code == 404


def test_ending_the_guidance_ends_the_workers_participation(client_for, henk, dennis, aftercare) -> None:
    episode = guidance_running(aftercare, henk, dennis)
    response = client_for(henk).post(
        url("aftercare-guidance-end", aftercare, episode.pk),
        {"ended_on": (TODAY - DAY).isoformat(), "result": "Stabiel"},
    )
    assert response["Location"] == back_to_section(aftercare)
    episode.refresh_from_db()
    assert (episode.ended_on, episode.end_note) == (TODAY - DAY, "Stabiel")
    assert client_for(dennis).get(aftercare.case.get_absolute_url()).status_code == 404


def test_an_end_before_the_start_is_refused_at_the_field(client_for, henk, dennis, aftercare) -> None:
    episode = guidance_running(aftercare, henk, dennis, days=2)
    response = client_for(henk).post(
        url("aftercare-guidance-end", aftercare, episode.pk), {"ended_on": (TODAY - 5 * DAY).isoformat()}
    )
    assert list(errors_of(response)) == ["ended_on"]


# --- Escalation to procesregie --------------------------------------------------------------------


def escalation_input(aftercare: AftercareFile, **overrides: object) -> dict[str, object]:
    return {
        "version": aftercare.version,
        "concerns": "Dreigt terug te vallen in geweld",
        "main_topic": main_topic().pk,
        "referrer_partner": partner("reclassering-nederland").pk,
        "referrer_phone": "0591 123456",
        "referrer_email": "",
        "problem_areas": [ProblemArea.objects.first().pk],
    } | overrides


def test_escalation_registers_a_referral_the_procesondersteuner_sees(
    client_for, henk, pia, aftercare
) -> None:
    response = client_for(henk).post(url("aftercare-escalate", aftercare), escalation_input(aftercare))

    assert response["Location"] == back_to_section(aftercare)
    aftercare.refresh_from_db()
    referral = aftercare.escalated_to
    assert referral.referral.referrer_partner.code == "reclassering-nederland"
    assert referral.referral.referrer_email == henk.email
    assert referral.subjects.get().person == aftercare.person
    assert referral.events.filter(kind=CaseEvent.Kind.ESCALATED_TO_PROCESREGIE).exists()
    listed = client_for(pia).get(reverse("referral-list")).context["page"].object_list
    assert referral in listed


def test_escalation_without_concerns_is_refused_at_the_field(client_for, henk, aftercare) -> None:
    response = client_for(henk).post(
        url("aftercare-escalate", aftercare), escalation_input(aftercare, concerns="")
    )
    assert list(errors_of(response)) == ["concerns"]
    aftercare.refresh_from_db()
    assert aftercare.escalated_to is None


def test_an_escalated_case_is_not_escalated_twice(client_for, henk, aftercare) -> None:
    client = client_for(henk)
    client.post(url("aftercare-escalate", aftercare), escalation_input(aftercare))
    aftercare.refresh_from_db()
    again = client.post(url("aftercare-escalate", aftercare), escalation_input(aftercare))
    assert again.status_code == 302
    assert Case.objects.filter(referral__isnull=False).count() == 1


# --- The caseload ---------------------------------------------------------------------------------


def numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.case.number for row in response.context["page"].object_list]


@pytest.fixture
def caseload(henk, hilde, dennis):  # type: ignore[no-untyped-def]
    """Henk's cases: Soon (release in 30 days: a task overdue), Later (release in 120 days), Tynaarlo
    (no release date, in Tynaarlo) and Closed (refused); one case of Hilde's with Dennis's guidance."""
    soon = notice_registered(henk, last_name="Soon", expected_release=TODAY + 30 * DAY)
    later = notice_registered(henk, last_name="Later", expected_release=TODAY + 120 * DAY)
    tynaarlo = notice_registered(
        henk, last_name="Tynaarlo", municipality=municipality("tynaarlo"), expected_release=None
    )
    closed = notice_registered(henk, last_name="Closed")
    services.consent_record(
        aftercare=closed, by=henk, version=closed.version, consent="refused", on=TODAY, channel="letter"
    )
    hildes = notice_registered(hilde, last_name="Hildes")
    guidance_running(hildes, hilde, dennis)
    return {"soon": soon, "later": later, "tynaarlo": tynaarlo, "closed": closed, "hildes": hildes}


def test_the_caseload_lists_his_open_cases_next_release_task_first(client_for, henk, caseload) -> None:
    response = client_for(henk).get(CASELOAD)

    assert numbers(response) == [caseload[name].case.number for name in ("soon", "later", "tynaarlo")]
    first = response.context["page"].object_list[0]
    assert (first.next_task_due, first.next_task_kind, first.next_task_overdue) == (
        TODAY - 12 * DAY,
        ReleaseTaskKind.CONTACT_BEFORE,
        True,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "closed"}, ["closed"]),
        ({"municipality": "tynaarlo"}, ["tynaarlo"]),
        ({"state": "open", "municipality": "meppel"}, []),
    ],
)
def test_the_caseload_filters_by_open_or_closed_and_municipality(
    client_for, henk, caseload, query, expected
) -> None:
    response = client_for(henk).get(CASELOAD, query)
    assert numbers(response) == [caseload[name].case.number for name in expected]


def test_a_guidance_worker_sees_the_cases_of_his_running_guidance(client_for, dennis, caseload) -> None:
    response = client_for(dennis).get(CASELOAD)
    assert numbers(response) == [caseload["hildes"].case.number]
    assert response.context["page"].object_list[0].guidance_running.worker == dennis


def test_opening_the_caseload_is_logged_with_the_persons_shown(client_for, henk, caseload) -> None:
    client_for(henk).get(CASELOAD)
    record = AuditEvent.objects.get(object_type="aftercare_caseload")
    shown = {caseload[name].person_id for name in ("soon", "later", "tynaarlo")}
    assert set(record.subjects.values_list("person_id", flat=True)) == shown


def test_a_procesregisseur_has_no_aftercare_caseload(client_for, bram) -> None:
    assert client_for(bram).get(CASELOAD).status_code == 403


def load(henk, dennis, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    for index in range(start, start + count):
        aftercare = notice_registered(
            henk, last_name=f"Persoon{index}", expected_release=TODAY + (index % 40) * DAY
        )
        if index % 3 == 0:
            services.guidance_start(
                aftercare=aftercare,
                by=henk,
                worker=dennis,
                reason="Vastgelopen",
                started_on=TODAY,
                goals=["Rust"],
            )


# Session, user and second factor (3); the municipality filter's choices, read to validate and to show (2);
# count, cases, main subjects, running guidance (4); the access log record (6); the session's save (3).
CASELOAD_QUERIES = 18


@pytest.mark.parametrize("count", [3, 30])
def test_the_caseload_costs_the_same_queries_for_3_and_for_30_cases(
    client_for, henk, dennis, count, django_assert_num_queries
) -> None:
    client = client_for(henk)
    client.get(CASELOAD)  # warm-up: the house name is cached after the first page
    load(henk, dennis, 100, count)

    with django_assert_num_queries(CASELOAD_QUERIES):
        response = client.get(CASELOAD, {"state": "open", "municipality": "hoogeveen"})

    assert len(response.context["page"].object_list) == count
