"""The aftercare services: notices, persons, consent, the five conditions, release tasks, guidance and the
escalation to procesregie."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftercare import services
from aftercare.models import (
    AftercareFile,
    ConditionKind,
    ConditionState,
    Consent,
    ConsentChannel,
    DetentionKind,
    DetentionNotice,
    ReleaseTaskKind,
)
from cases.access import cases_visible_to
from cases.models import Case, CaseEvent, Notification, Person
from cases.services import ConcurrentEditError, participant_add
from cases.workflow import CaseStatus
from tests.aftercare.builders import guidance_worker, nazorg_coordinator, notice_data, notice_registered
from tests.factories import main_topic, municipality, partner, referral_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

TODAY = timezone.localdate()


@pytest.fixture
def henk():  # type: ignore[no-untyped-def]
    return nazorg_coordinator()


def test_a_notice_opens_an_aftercare_case_run_by_the_nazorgcoordinator_with_five_conditions(henk) -> None:
    aftercare = notice_registered(henk)

    case = aftercare.case
    assert (case.kind, case.status, case.coordinator) == (Case.Kind.AFTERCARE, CaseStatus.ACTIVE, henk)
    assert [c.kind for c in aftercare.conditions.order_by("id")] == list(ConditionKind.values)
    assert case.subjects.get().person == aftercare.person
    assert case.events.filter(kind=CaseEvent.Kind.DETENTION_NOTICE).count() == 1
    assert aftercare.expected_release_on == TODAY + datetime.timedelta(days=90)
    assert cases_visible_to(henk).filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    ("code", "served"),
    [("hoogeveen", True), ("tynaarlo", True), ("assen", False), ("emmen", False)],
)
def test_a_notice_for_a_municipality_the_bureau_does_not_serve_is_refused_naming_it(
    henk, code, served
) -> None:
    data = notice_data(municipality=municipality(code))
    if served:
        services.notice_register(by=henk, data=data)
        return
    with pytest.raises(ValidationError) as error:
        services.notice_register(by=henk, data=data)
    assert municipality(code).name in " ".join(error.value.message_dict["municipality"])
    assert not DetentionNotice.objects.exists()


def test_a_notice_for_someone_known_opens_on_his_open_aftercare_case(henk) -> None:
    first = notice_registered(henk, bsn="111222333")
    second = notice_registered(henk, bsn="111222333", first_name="JAN", last_name="wubbolts")
    by_name = notice_registered(henk)  # no BSN: same name and date of birth

    assert first.pk == second.pk == by_name.pk
    assert Person.objects.count() == 1
    assert first.notices.count() == 3


def test_a_bsn_of_someone_else_is_refused_rather_than_guessed(henk) -> None:
    notice_registered(henk, bsn="111222333")
    with pytest.raises(ValidationError) as error:
        services.notice_register(by=henk, data=notice_data(bsn="111222333", last_name="Jansen"))
    assert "bsn" in error.value.message_dict


def test_the_same_reference_again_changes_nothing_or_updates_the_notice(henk) -> None:
    data = notice_data()
    notice, outcome = services.notice_register(by=henk, data=data)
    assert outcome == "created"
    again, outcome = services.notice_register(by=henk, data=data)
    assert (again.pk, outcome) == (notice.pk, "unchanged")

    later = TODAY + datetime.timedelta(days=120)
    moved = notice_data(reference=data.reference, expected_release=later)
    notice, outcome = services.notice_register(by=henk, data=moved)
    assert outcome == "updated"
    aftercare = AftercareFile.objects.get()
    assert aftercare.expected_release_on == later
    contact = aftercare.tasks.get(kind=ReleaseTaskKind.CONTACT_BEFORE)
    assert contact.due_on == later - datetime.timedelta(days=42)
    assert DetentionNotice.objects.count() == 1


def test_a_self_reporter_needs_no_start_of_detention(henk) -> None:
    aftercare = notice_registered(henk, kind=DetentionKind.SELF_REPORTER, detention_start=None)
    assert aftercare.notices.get().kind == DetentionKind.SELF_REPORTER
    with pytest.raises(ValidationError) as error:
        services.notice_register(by=henk, data=notice_data(detention_start=None))
    assert "detention_start" in error.value.message_dict


def test_without_consent_the_case_closes_as_no_aftercare_wanted(henk) -> None:
    aftercare = notice_registered(henk)
    services.consent_record(
        aftercare=aftercare,
        by=henk,
        version=aftercare.version,
        consent=Consent.REFUSED,
        on=TODAY,
        channel=ConsentChannel.CASE_MANAGER,
    )
    case = Case.objects.get(pk=aftercare.case_id)
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, Case.ClosureReason.NO_AFTERCARE_WANTED)


def test_consent_on_an_old_version_is_refused(henk) -> None:
    aftercare = notice_registered(henk)
    arguments = {"by": henk, "consent": Consent.GIVEN, "on": TODAY, "channel": ConsentChannel.PHONE}
    services.consent_record(aftercare=aftercare, version=aftercare.version, **arguments)
    with pytest.raises(ConcurrentEditError):
        services.consent_record(aftercare=aftercare, version=aftercare.version, **arguments)


def test_a_condition_keeps_its_situation_at_intake_release_and_after(henk) -> None:
    aftercare = notice_registered(henk)
    housing = aftercare.conditions.get(kind=ConditionKind.HOUSING)
    services.condition_update(
        condition=housing,
        by=henk,
        version=housing.version,
        data={"at_intake": ConditionState.NOT_IN_ORDER, "intake_note": "Geen woning na vrijlating"},
    )
    housing.refresh_from_db()
    assert (housing.at_intake, housing.at_release) == (ConditionState.NOT_IN_ORDER, ConditionState.UNKNOWN)
    with pytest.raises(ConcurrentEditError):
        services.condition_update(condition=housing, by=henk, version=1, data={"at_release": "in_order"})
    action = services.condition_action_add(
        condition=housing, by=henk, what="Urgentie aanvragen", due_on=TODAY, owner_partner=partner("politie")
    )
    assert services.condition_action_done(action=action, by=henk).done_on == TODAY


def test_release_tasks_follow_the_release_and_are_reminded_once_a_day(henk) -> None:
    aftercare = notice_registered(henk, expected_release=TODAY + datetime.timedelta(days=30))
    due = {task.kind: task.due_on for task in aftercare.tasks.all()}
    assert due[ReleaseTaskKind.CONTACT_BEFORE] == TODAY - datetime.timedelta(days=12)  # already overdue

    assert services.release_tasks_remind(today=TODAY) == 1
    assert services.release_tasks_remind(today=TODAY) == 0  # idempotent per day
    assert Notification.objects.filter(user=henk, case=aftercare.case).count() == 1

    released = TODAY - datetime.timedelta(days=2)
    services.release_record(aftercare=aftercare, by=henk, version=aftercare.version, released_on=released)
    check_in = aftercare.tasks.get(kind=ReleaseTaskKind.CHECK_IN)
    assert check_in.due_on == released + datetime.timedelta(days=7)


def test_guidance_lets_the_guidance_worker_see_the_case_while_it_runs(henk) -> None:
    aftercare = notice_registered(henk)
    dennis = guidance_worker()
    assert not cases_visible_to(dennis).filter(pk=aftercare.case_id).exists()

    episode = services.guidance_start(
        aftercare=aftercare,
        by=henk,
        worker=dennis,
        reason="Mist afspraken",
        started_on=TODAY - datetime.timedelta(days=10),
        goals=["Dagritme"],
    )
    assert cases_visible_to(dennis).filter(pk=aftercare.case_id).exists()
    services.guidance_contact_add(episode=episode, by=dennis, contacted_on=TODAY, kind="visit", minutes=45)
    # Ended as of yesterday: a participation counts up to and including its last day.
    services.guidance_end(
        episode=episode, by=henk, ended_on=TODAY - datetime.timedelta(days=1), result="Stabiel"
    )
    assert not cases_visible_to(dennis).filter(pk=aftercare.case_id).exists()


def test_escalation_turns_the_case_into_a_referral_linked_both_ways(henk) -> None:
    aftercare = notice_registered(henk, bsn="111222333")
    referral = services.escalate_to_procesregie(
        aftercare=aftercare,
        by=henk,
        version=aftercare.version,
        data=services.EscalationData(
            concerns="Dreigt terug te vallen",
            main_topic=main_topic(),
            referrer_partner=partner("dji"),
            referrer_phone="0591 123456",
        ),
    )
    aftercare.refresh_from_db()
    assert aftercare.escalated_to == referral
    assert referral.status == CaseStatus.REGISTERED
    assert referral.subjects.get().person == aftercare.person  # the same person, not a copy
    assert aftercare.case.status == CaseStatus.ACTIVE  # the aftercare goes on, with its history
    assert referral.events.filter(kind=CaseEvent.Kind.ESCALATED_TO_PROCESREGIE).exists()
    with pytest.raises(ValidationError):
        services.escalate_to_procesregie(
            aftercare=aftercare,
            by=henk,
            version=aftercare.version,
            data=services.EscalationData(
                concerns="x", main_topic=main_topic(), referrer_partner=partner("dji")
            ),
        )


def test_a_partner_in_someones_procesregie_case_does_not_see_his_aftercare_case(henk, bram, petra) -> None:
    aftercare = notice_registered(henk, bsn="111222333")
    coordination = referral_case(
        number="X-1", status=CaseStatus.ACTIVE, coordinator=bram, kind=Case.Kind.COORDINATION
    )
    coordination.subjects.update(person=aftercare.person)
    participant_add(case=coordination, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)

    visible = cases_visible_to(petra)
    assert visible.filter(pk=coordination.pk).exists()
    assert not visible.filter(pk=aftercare.case_id).exists()
    assert not cases_visible_to(bram).filter(pk=aftercare.case_id).exists()


def test_only_the_nazorgcoordinator_registers_notices() -> None:
    with pytest.raises(PermissionError):
        services.notice_register(by=guidance_worker(), data=notice_data())
    assert not DetentionNotice.objects.exists()
