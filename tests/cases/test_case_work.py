"""Procesregie on the case page: people in the system, labels, escalation, handover, closure with
evaluation and the timeline filter.

Bram is procesregisseur of the case; Petra (police) takes part in it; Cor is another procesregisseur,
who does not run it; Pia (procesondersteuner) no longer sees it once it is active.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import access, coordination, services
from cases.models import Case, CaseEvent, Escalation, Handover, SystemMember
from cases.workflow import CaseStatus
from tests.factories import UserFactory, referral_case
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.reference.models import CaseLabel

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
EVALUATION = "Wonen is geregeld, de wijkcoach houdt vinger aan de pols en de overlast is gestopt."


@pytest.fixture
def cor(db: None) -> User:
    return UserFactory(username="cor", first_name="Cor", last_name="Jansen", role=Role.COORDINATOR)


@pytest.fixture
def case(bram, petra):  # type: ignore[no-untyped-def]
    case = referral_case(status=CaseStatus.ACTIVE, kind=Case.Kind.COORDINATION, coordinator=bram)
    services.participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)
    return case


def url(name: str, case: Case, **kwargs: int) -> str:
    return reverse(name, kwargs={"pk": case.pk, **kwargs})


def events(case: Case, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=kind))


def escalation(case: Case, by: User) -> Escalation:
    return coordination.escalation_record(
        case=case,
        by=by,
        data=coordination.EscalationData(
            to=Escalation.To.PARTNER_MANAGEMENT, reason="GGZ reageert niet", escalated_on=TODAY - DAY
        ),
    )


# --- People in the system ----------------------------------------------------------------------------


def test_a_person_in_the_system_is_added_without_becoming_a_subject(client_for, bram, case) -> None:
    response = client_for(bram).post(
        url("system-member-add", case),
        {
            "system-description": "Jongste zoon",
            "system-relation": "zoon",
            "system-is_minor": "on",
            "system-note": "Woont bij moeder",
        },
    )
    assert response.status_code == 302
    member = SystemMember.objects.get(case=case)
    assert (member.description, member.relation, member.is_minor, member.added_by) == (
        "Jongste zoon",
        "zoon",
        True,
        bram,
    )
    assert case.subjects.count() == 1
    assert len(events(case, CaseEvent.Kind.SYSTEM_MEMBER_ADDED)) == 1
    assert AuditEvent.objects.filter(object_type="system_member", action="C", case_id=case.pk).exists()
    page = client_for(bram).get(case.get_absolute_url())
    assert page.context["system_members"] == [member]


def test_a_person_in_the_system_needs_a_relation_and_a_description_that_is_more_than_spaces(
    client_for, bram, case
) -> None:
    client = client_for(bram)
    missing = client.post(url("system-member-add", case), {"system-description": "Buurman"})
    assert missing.status_code == 200
    assert "relation" in missing.context["form"].errors
    blank = client.post(
        url("system-member-add", case), {"system-description": "   ", "system-relation": "buurman"}
    )
    assert blank.status_code == 200
    assert "description" in blank.context["form"].errors
    assert not SystemMember.objects.exists()


def test_removing_a_person_from_the_system_is_recorded(client_for, bram, case) -> None:
    member = coordination.system_member_add(
        case=case, by=bram, description="Oom", relation="oom", is_minor=False
    )
    response = client_for(bram).post(url("system-member-remove", case, member_pk=member.pk))
    assert response.status_code == 302
    assert not SystemMember.objects.exists()
    assert len(events(case, CaseEvent.Kind.SYSTEM_MEMBER_REMOVED)) == 1
    assert AuditEvent.objects.filter(object_type="system_member", action="D", case_id=case.pk).exists()


# --- Labels ----------------------------------------------------------------------------------------------


def test_labels_are_set_and_the_change_is_on_the_timeline(client_for, bram, case) -> None:
    pga, lla = CaseLabel.objects.get(code="pga"), CaseLabel.objects.get(code="lla")
    case.labels.add(lla)
    response = client_for(bram).post(url("case-labels", case), {"labels": [pga.pk], "version": case.version})
    assert response.status_code == 302
    assert list(case.labels.all()) == [pga]
    (event,) = events(case, CaseEvent.Kind.LABELS_CHANGED)
    assert (event.payload["added"], event.payload["removed"]) == (["pga"], ["lla"])
    assert event.detail
    assert AuditEvent.objects.filter(object_type="case_labels", action="U", case_id=case.pk).exists()


def test_the_cter_label_is_refused_at_the_field_on_a_case_outside_the_wet_parta(
    client_for, bram, case
) -> None:
    cter = CaseLabel.objects.get(code="cter")
    response = client_for(bram).post(url("case-labels", case), {"labels": [cter.pk], "version": case.version})
    assert response.status_code == 200
    assert "labels" in response.context["form"].errors
    assert not case.labels.exists()
    assert not events(case, CaseEvent.Kind.LABELS_CHANGED)


def test_the_cter_label_cannot_be_removed_from_a_case_outside_the_wet_parta_either(bram, case) -> None:
    cter = CaseLabel.objects.get(code="cter")
    case.labels.add(cter)
    with pytest.raises(ValidationError) as refused:
        coordination.case_labels_set(case=case, by=bram, labels=[], version=case.version)
    assert "labels" in refused.value.message_dict
    assert list(case.labels.all()) == [cter]


def test_the_cter_label_can_be_set_on_a_case_that_already_falls_under_the_wet_parta(bram) -> None:
    case = referral_case(status=CaseStatus.ACTIVE, coordinator=bram, legal_basis=LegalBasis.PARTA)
    cter = CaseLabel.objects.get(code="cter")
    coordination.case_labels_set(case=case, by=bram, labels=[cter], version=case.version)
    case.refresh_from_db()
    assert list(case.labels.all()) == [cter]
    assert case.legal_basis == LegalBasis.PARTA


def test_labels_saved_from_an_old_version_of_the_case_are_not_applied(client_for, bram, case) -> None:
    pga = CaseLabel.objects.get(code="pga")
    stale = case.version
    coordination.case_labels_set(
        case=case, by=bram, labels=[CaseLabel.objects.get(code="lla")], version=stale
    )
    response = client_for(bram).post(url("case-labels", case), {"labels": [pga.pk], "version": stale})
    assert response.status_code == 200
    assert response.context["conflict"] is True
    assert [label.code for label in case.labels.all()] == ["lla"]


# --- Escalation ------------------------------------------------------------------------------------------


def test_an_escalation_is_recorded_and_later_its_outcome(client_for, bram, case) -> None:
    client = client_for(bram)
    response = client.post(
        url("escalation-add", case),
        {
            "to": "driehoek",
            "to_detail": "Burgemeester van Emmen",
            "reason": "Geen passende woonplek, overlast neemt toe",
            "ave_before": "2",
            "ave_after": "",
            "escalated_on": (TODAY - 3 * DAY).isoformat(),
        },
    )
    assert response.status_code == 302
    record = Escalation.objects.get(case=case)
    assert (record.to, record.ave_before, record.ave_after, record.resolved_on) == ("driehoek", 2, None, None)
    assert len(events(case, CaseEvent.Kind.ESCALATED)) == 1

    response = client.post(
        url("escalation-outcome", case, escalation_pk=record.pk),
        {
            "outcome": "Woonplek via de gemeente",
            "resolved_on": TODAY.isoformat(),
            "ave_after": "3",
            "version": 1,
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.outcome, record.resolved_on, record.ave_after, record.version) == (
        "Woonplek via de gemeente",
        TODAY,
        3,
        2,
    )
    assert len(events(case, CaseEvent.Kind.ESCALATION_RESOLVED)) == 1


def test_an_ave_phase_outside_one_to_four_and_a_future_date_are_refused_at_the_field(
    client_for, bram, case
) -> None:
    client = client_for(bram)
    data = {"to": "other", "reason": "Vast", "escalated_on": TODAY.isoformat()}
    phase = client.post(url("escalation-add", case), data | {"ave_before": "7"})
    assert phase.status_code == 200
    assert "ave_before" in phase.context["form"].errors
    future = client.post(url("escalation-add", case), data | {"escalated_on": (TODAY + DAY).isoformat()})
    assert future.status_code == 200
    assert "escalated_on" in future.context["form"].errors
    assert not Escalation.objects.exists()
    with pytest.raises(ValidationError) as refused:
        coordination.escalation_record(
            case=case,
            by=bram,
            data=coordination.EscalationData(to="other", reason="Vast", escalated_on=TODAY, ave_after=5),
        )
    assert "ave_after" in refused.value.message_dict


def test_an_outcome_needs_words_and_cannot_precede_the_escalation(client_for, bram, case) -> None:
    record = escalation(case, bram)
    response = client_for(bram).post(
        url("escalation-outcome", case, escalation_pk=record.pk),
        {"outcome": " ", "resolved_on": (TODAY - 5 * DAY).isoformat(), "version": record.version},
    )
    assert response.status_code == 200
    assert {"outcome"} <= response.context["form"].errors.keys()
    response = client_for(bram).post(
        url("escalation-outcome", case, escalation_pk=record.pk),
        {"outcome": "Opgelost", "resolved_on": (TODAY - 5 * DAY).isoformat(), "version": record.version},
    )
    assert "resolved_on" in response.context["form"].errors
    record.refresh_from_db()
    assert (record.outcome, record.resolved_on) == ("", None)


def test_an_outcome_saved_from_an_old_version_is_not_applied_and_his_input_is_kept(
    client_for, bram, case
) -> None:
    record = escalation(case, bram)
    coordination.escalation_resolve(
        escalation=record, by=bram, version=record.version, outcome="Eerste uitkomst", resolved_on=TODAY
    )
    response = client_for(bram).post(
        url("escalation-outcome", case, escalation_pk=record.pk),
        {"outcome": "Tweede uitkomst", "resolved_on": TODAY.isoformat(), "version": 1},
    )
    assert response.status_code == 200
    assert response.context["conflict"] is True
    assert response.context["form"]["outcome"].value() == "Tweede uitkomst"
    assert response.context["form"]["version"].value() == "2"
    record.refresh_from_db()
    assert record.outcome == "Eerste uitkomst"


# --- Handover and closure --------------------------------------------------------------------------------


def test_after_a_handover_closing_with_an_evaluation_ends_the_participants_access(
    client_for, bram, petra, case
) -> None:
    assert case.pk in access.cases_visible_to(petra).values_list("pk", flat=True)
    client = client_for(bram)
    response = client.post(
        url("handover-add", case),
        {
            "to": "municipal_coordinator",
            "receiver_name": "J. de Boer",
            "receiver_organisation": "",
            "handed_over_on": TODAY.isoformat(),
            "note": "Plan van aanpak en netwerk overgedragen",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("case-close-evaluated", case)
    assert Handover.objects.get(case=case).receiver_name == "J. de Boer"
    assert len(events(case, CaseEvent.Kind.HANDED_OVER)) == 1
    assert client.get(url("case-close-evaluated", case)).context["form"].initial["reason"] == "handed_over"

    response = client.post(
        url("case-close-evaluated", case), {"reason": "handed_over", "evaluation": EVALUATION}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closure_evaluation) == (
        "closed",
        "handed_over",
        EVALUATION,
    )
    assert len(events(case, CaseEvent.Kind.CASE_CLOSED)) == 1
    assert case.pk not in access.cases_visible_to(petra).values_list("pk", flat=True)
    assert case.pk in access.cases_visible_to(bram).values_list("pk", flat=True)


@pytest.mark.parametrize("evaluation", ["", "Klaar."])
def test_closing_without_a_real_evaluation_is_refused_at_the_field(
    client_for, bram, petra, case, evaluation
) -> None:
    response = client_for(bram).post(
        url("case-close-evaluated", case), {"reason": "goal_achieved", "evaluation": evaluation}
    )
    assert response.status_code == 200
    assert "evaluation" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.pk in access.cases_visible_to(petra).values_list("pk", flat=True)


def test_closing_as_handed_over_needs_a_recorded_handover(client_for, bram, case) -> None:
    response = client_for(bram).post(
        url("case-close-evaluated", case), {"reason": "handed_over", "evaluation": EVALUATION}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


# --- Only the procesregisseur ---------------------------------------------------------------------------


def work_posts(case: Case, bram: User) -> list[tuple[str, dict[str, object]]]:
    member = SystemMember.objects.create(case=case, description="Oom", relation="oom", added_by=bram)
    record = escalation(case, bram)
    return [
        (url("system-member-add", case), {"system-description": "Tante", "system-relation": "tante"}),
        (url("system-member-remove", case, member_pk=member.pk), {}),
        (
            url("case-labels", case),
            {"labels": [CaseLabel.objects.get(code="pga").pk], "version": case.version},
        ),
        (url("escalation-add", case), {"to": "other", "reason": "Vast", "escalated_on": TODAY.isoformat()}),
        (
            url("escalation-outcome", case, escalation_pk=record.pk),
            {"outcome": "Klaar", "resolved_on": TODAY.isoformat(), "version": record.version},
        ),
        (
            url("handover-add", case),
            {"to": "other", "receiver_name": "X", "handed_over_on": TODAY.isoformat()},
        ),
        (url("case-close-evaluated", case), {"reason": "goal_achieved", "evaluation": EVALUATION}),
    ]


def snapshot(case: Case) -> tuple[object, ...]:
    case.refresh_from_db()
    return (
        case.status,
        case.version,
        SystemMember.objects.count(),
        list(case.labels.all()),
        list(Escalation.objects.values_list("outcome", "version")),
        Handover.objects.count(),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize("who", ["petra", "cor", "pia"])
def test_nobody_but_the_procesregisseur_can_do_this_work(request, client_for, bram, case, who) -> None:
    other = request.getfixturevalue(who)
    posts = work_posts(case, bram)
    before = snapshot(case)
    client = client_for(other)
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
        assert client.get(target).status_code in (404, 405), target
    assert snapshot(case) == before
    assert AuditEvent.objects.filter(actor=other, result="denied").exists()


def test_the_procesregisseur_can_no_longer_work_on_a_closed_case(client_for, bram, case) -> None:
    posts = work_posts(case, bram)
    services.case_close(case=case, by=bram, reason="goal_achieved")
    before = snapshot(case)
    client = client_for(bram)
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
    assert snapshot(case) == before


def test_the_services_refuse_anyone_who_does_not_run_the_case(petra, cor, case) -> None:
    for user in (petra, cor):
        with pytest.raises(PermissionError):
            coordination.system_member_add(
                case=case, by=user, description="Oom", relation="oom", is_minor=False
            )
        with pytest.raises(PermissionError):
            coordination.case_close_with_evaluation(
                case=case, by=user, reason="stopped", evaluation=EVALUATION
            )


# --- The case page and its timeline ---------------------------------------------------------------------


def test_the_case_page_shows_the_work_section_to_the_procesregisseur_only(
    client_for, bram, petra, case
) -> None:
    assert client_for(bram).get(case.get_absolute_url()).context["can_work"] is True
    page = client_for(petra).get(case.get_absolute_url())
    assert page.context["can_work"] is False
    assert "system_member_form" not in page.context


def test_the_case_page_costs_the_same_queries_with_one_or_many_people_escalations_and_handovers(
    client_for, bram, case
) -> None:
    client = client_for(bram)
    client.get(case.get_absolute_url())  # warm-up
    with CaptureQueriesContext(connection) as few:
        client.get(case.get_absolute_url())
    for index in range(5):
        SystemMember.objects.create(case=case, description=f"Kind {index}", relation="kind", added_by=bram)
        escalation(case, bram)
        Handover.objects.create(case=case, to="other", receiver_name="X", handed_over_on=TODAY, by=bram)
    case.labels.add(*CaseLabel.objects.exclude(code="cter"))
    with CaptureQueriesContext(connection) as many:
        client.get(case.get_absolute_url())
    assert len(few) == len(many)


def test_the_timeline_filter_returns_only_events_of_that_kind(client_for, bram, petra, case) -> None:
    coordination.system_member_add(case=case, by=bram, description="Oom", relation="oom", is_minor=False)
    escalation(case, bram)
    target = url("case-timeline", case)
    for client in (client_for(bram), client_for(petra)):
        response = client.get(target, {"soort": CaseEvent.Kind.ESCALATED})
        assert response.status_code == 200
        assert [event.kind for event in response.context["events"]] == [CaseEvent.Kind.ESCALATED]
        assert "cases/work_timeline.html" in [template.name for template in response.templates]
    everything = client_for(bram).get(target)
    assert len(everything.context["events"]) == CaseEvent.objects.filter(case=case).count() > 2


def test_with_htmx_the_timeline_filter_answers_with_the_timeline_section_only(client_for, bram, case) -> None:
    response = client_for(bram).get(
        url("case-timeline", case),
        {"soort": CaseEvent.Kind.PARTICIPANT_ADDED},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    names = [template.name for template in response.templates]
    assert names[0] == "cases/_timeline.html"
    assert "base.html" not in names
    assert [event.kind for event in response.context["events"]] == [CaseEvent.Kind.PARTICIPANT_ADDED]


def test_the_timeline_of_a_case_one_may_not_see_answers_404_and_is_logged(client_for, cor, case) -> None:
    assert client_for(cor).get(url("case-timeline", case)).status_code == 404
    assert AuditEvent.objects.filter(actor=cor, result="denied", object_id=str(case.pk)).exists()
