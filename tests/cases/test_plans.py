"""The integrated action plan: a plan per subject, goals per life domain, agreements, versions.

Bram is procesregisseur of the active case, which has two subjects: Anna (main subject) and her son.
Petra (police) takes part in the case, so she reads the plan but cannot change it. Carla is another
procesregisseur of the bureau with nothing to do with this case.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import plans, selectors, services
from cases.models import ActionPlan, Agreement, Case, CaseEvent, Goal, PlanRevision, Subject
from cases.plans import AgreementData, GoalData
from cases.services import ConcurrentEditError
from cases.workflow import CaseStatus
from tests.factories import PersonFactory, SubjectFactory, UserFactory, partner, referral_case
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import LifeDomain

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case(bram: User) -> Case:
    case = referral_case(
        status=CaseStatus.ACTIVE,
        kind=Case.Kind.COORDINATION,
        coordinator=bram,
        person=PersonFactory(first_name="Anna", last_name="Berg"),
    )
    SubjectFactory(case=case, is_primary=False, relation="zoon", person=PersonFactory(first_name="Daan"))
    return case


@pytest.fixture
def carla(db: None) -> User:
    return UserFactory(username="carla", first_name="Carla", last_name="Kok", role=Role.COORDINATOR)


@pytest.fixture
def petra_takes_part(bram: User, petra: User, case: Case) -> User:
    services.participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)
    return petra


def main_subject(case: Case) -> Subject:
    return case.subjects.get(is_primary=True)


def son(case: Case) -> Subject:
    return case.subjects.get(is_primary=False)


def domain(code: str = "housing") -> LifeDomain:
    return LifeDomain.objects.get(code=code)


def goal_for(
    subject: Subject, by: User, description: str = "Een vaste woonplek", code: str = "housing"
) -> Goal:
    plan = plans.plan_for_subject(subject=subject, by=by)
    plan.refresh_from_db()
    return plans.goal_add(
        plan=plan,
        by=by,
        version=plan.version,
        data=GoalData(life_domain=domain(code), description=description),
    )


def agreement_under(
    goal: Goal, by: User, what: str = "Aanvraag urgentie indienen", due: datetime.date | None = None, **owner
) -> Agreement:
    plan = ActionPlan.objects.get(pk=goal.plan_id)
    data = AgreementData(
        what=what, due_date=due or TODAY + 7 * DAY, **(owner or {"owner_partner": partner()})
    )
    return plans.agreement_add(goal=goal, by=by, version=plan.version, data=data)


def agreement_url(name: str, agreement: Agreement) -> str:
    return reverse(name, kwargs={"pk": agreement.case_id, "agreement_pk": agreement.pk})


# --- The plan on the case page ------------------------------------------------------------------------


def test_each_subject_has_his_own_plan_with_goals_and_agreements_on_the_case_page(
    client_for, bram, case
) -> None:
    housing = goal_for(main_subject(case), bram, "Anna heeft een vaste woonplek")
    agreement_under(housing, bram, "Woningcorporatie benaderen")
    school = goal_for(son(case), bram, "Daan gaat weer naar school", code="parenting")
    agreement_under(school, bram, "Leerplicht inschakelen", owner_name="mevrouw De Boer")

    response = client_for(bram).get(case.get_absolute_url())

    assert response.status_code == 200
    entries = response.context["plan_entries"]
    assert [entry["subject"] for entry in entries] == [main_subject(case), son(case)]
    assert [[goal.description for goal in entry["goals"]] for entry in entries] == [
        ["Anna heeft een vaste woonplek"],
        ["Daan gaat weer naar school"],
    ]
    page = response.content.decode()
    for text in ("Woningcorporatie benaderen", "Leerplicht inschakelen", "mevrouw De Boer"):
        assert text in page
    assert f'data-subject="{son(case).pk}"' in page
    assert response.context["can_edit_plan"] is True


def test_an_overdue_agreement_is_marked_on_the_case_page(client_for, bram, case) -> None:
    goal = goal_for(main_subject(case), bram)
    late = agreement_under(goal, bram, "Te laat")
    on_time = agreement_under(goal, bram, "Op tijd")
    Agreement.objects.filter(pk=late.pk).update(due_date=TODAY - DAY)

    page = client_for(bram).get(case.get_absolute_url()).content.decode()

    assert f'data-agreement="{late.pk}" data-status="open" data-overdue="true"' in page
    assert f'data-agreement="{on_time.pk}" data-status="open">' in page


def test_a_case_without_procesregie_shows_no_plan_section(client_for, pia) -> None:
    case = referral_case(status=CaseStatus.TRIAGE)
    response = client_for(pia).get(case.get_absolute_url())
    assert response.context["plan_section"] is False
    assert 'data-testid="plan-section"' not in response.content.decode()


def test_the_case_page_uses_the_same_number_of_queries_for_2_and_20_agreements(client_for, bram) -> None:
    small, busy = (
        referral_case(status=CaseStatus.ACTIVE, coordinator=bram),
        referral_case(status=CaseStatus.ACTIVE, coordinator=bram),
    )
    goal = goal_for(main_subject(small), bram)
    for number in range(2):
        agreement_under(goal, bram, f"Afspraak {number}")
    SubjectFactory(case=busy, is_primary=False)
    for subject in busy.subjects.all():
        for code in ("housing", "finances"):
            goal = goal_for(subject, bram, code=code)
            for number in range(5):
                agreement_under(goal, bram, f"Afspraak {number}", owner=bram)
    assert Agreement.objects.filter(case=busy).count() == 20
    client = client_for(bram)
    client.get(small.get_absolute_url())  # warm-up: the house name is cached after the first page

    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        response = client.get(busy.get_absolute_url())

    assert response.content.decode().count('data-testid="agreement"') == 20
    assert len(few) == len(many)


def test_the_plan_section_reads_in_four_queries_whatever_its_size(
    bram, case, django_assert_num_queries
) -> None:
    for code in ("housing", "finances", "health"):
        goal = goal_for(main_subject(case), bram, code=code)
        for number in range(3):
            agreement_under(goal, bram, f"Afspraak {number}")
    goal_for(son(case), bram)
    opened = selectors.case_detail(user=bram, pk=case.pk)
    list(opened.subjects.all())

    with django_assert_num_queries(4):  # plans, goals, agreements, versions
        context = plans.plan_page_context(case=opened, user=bram)

    assert (
        sum(len(goal.agreements.all()) for entry in context["plan_entries"] for goal in entry["goals"]) == 9
    )


# --- Changes and their versions -----------------------------------------------------------------------


def test_adding_a_goal_on_its_screen_creates_the_plan_on_first_use(client_for, bram, case) -> None:
    url = reverse("plan-goal-add", kwargs={"pk": case.pk, "subject_pk": son(case).pk})
    client = client_for(bram)
    assert client.get(url).status_code == 200
    assert not ActionPlan.objects.exists()  # opening the screen changes nothing

    response = client.post(
        url,
        {"version": "1", "life_domain": domain("parenting").pk, "description": "Daan gaat weer naar school"},
    )

    assert response.status_code == 302
    plan = ActionPlan.objects.get(subject=son(case))
    assert plan.version == 2
    assert plan.goals.get().description == "Daan gaat weer naar school"
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.PLAN_CHANGED)
    assert (event.actor, event.payload["goal"]) == (bram, plan.goals.get().pk)
    assert "Daan gaat weer naar school" in event.payload["summary"]
    record = AuditEvent.objects.get(object_type="goal")
    assert (record.action, record.case_id, record.data_category, record.legal_basis) == (
        "C",
        case.pk,
        "case_file",
        case.legal_basis,
    )


def test_every_change_stores_a_version_and_an_earlier_one_stays_readable(client_for, bram, case) -> None:
    goal = goal_for(main_subject(case), bram, "Een vaste woonplek")
    agreement = agreement_under(goal, bram, "Woningcorporatie benaderen")
    plans.agreement_complete(agreement=agreement, by=bram, version=agreement.version)
    plan = ActionPlan.objects.get(subject=main_subject(case))

    assert plan.version == 4
    assert list(plan.revisions.order_by("version").values_list("version", flat=True)) == [1, 2, 3, 4]
    stored = PlanRevision.objects.get(plan=plan, version=3).content
    assert stored["goals"][0]["agreements"][0] | {"id": None} == {
        "id": None,
        "what": "Woningcorporatie benaderen",
        "owner_partner": "Politie",
        "owner": "",
        "due_date": (TODAY + 7 * DAY).isoformat(),
        "status": "open",
        "not_done_reason": "",
    }

    client = client_for(bram)
    case_page = client.get(case.get_absolute_url())
    entry = case_page.context["plan_entries"][0]
    assert [revision.version for revision in entry["earlier_versions"]] == [3, 2, 1]
    earlier = client.get(reverse("plan-version", kwargs={"pk": case.pk, "plan_pk": plan.pk, "version": 3}))
    assert earlier.status_code == 200
    assert [a["status"] for a in earlier.context["goals"][0]["agreements"]] == ["open"]
    assert "Woningcorporatie benaderen" in earlier.content.decode()
    current = client.get(reverse("plan-version", kwargs={"pk": case.pk, "plan_pk": plan.pk, "version": 4}))
    assert [a["status"] for a in current.context["goals"][0]["agreements"]] == ["done"]
    missing = client.get(reverse("plan-version", kwargs={"pk": case.pk, "plan_pk": plan.pk, "version": 9}))
    assert missing.status_code == 404


def test_completing_an_agreement_twice_records_one_event(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(main_subject(case), bram), bram)
    client = client_for(bram)
    url = agreement_url("plan-agreement-complete", agreement)

    first = client.post(url, {"version": agreement.version})
    second = client.post(url, {"version": agreement.version})  # a double click, from the same page

    assert first.status_code == second.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DONE
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.AGREEMENT_DONE).count() == 1
    assert AuditEvent.objects.filter(object_type="agreement", action="U").count() == 1


def test_not_done_needs_a_reason_shown_at_the_field(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(main_subject(case), bram), bram)

    response = client_for(bram).post(
        agreement_url("plan-agreement-not-done", agreement), {"version": agreement.version, "reason": "  "}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.OPEN
    with pytest.raises(ValidationError) as refused:
        plans.agreement_not_done(agreement=agreement, by=bram, version=agreement.version, reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.AGREEMENT_NOT_DONE).exists()


def test_not_done_with_a_reason_is_recorded_on_the_timeline(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(main_subject(case), bram), bram)

    response = client_for(bram).post(
        agreement_url("plan-agreement-not-done", agreement),
        {"version": agreement.version, "reason": "Geen plek beschikbaar"},
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.not_done_reason) == ("not_done", "Geen plek beschikbaar")
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.AGREEMENT_NOT_DONE)
    assert "Geen plek beschikbaar" in event.payload["summary"]


def test_a_save_over_someone_elses_change_is_refused_and_keeps_the_input(client_for, bram, case) -> None:
    agreement = agreement_under(goal_for(main_subject(case), bram), bram, "Eerste tekst")
    url = agreement_url("plan-agreement-edit", agreement)
    client = client_for(bram)
    opened_at = client.get(url).context["version"]
    plans.agreement_update(  # saved in another tab meanwhile
        agreement=agreement,
        by=bram,
        version=agreement.version,
        data=AgreementData(
            what="Tekst uit het andere tabblad", due_date=TODAY + DAY, owner_partner=partner()
        ),
    )
    mine = {
        "version": opened_at,
        "what": "Mijn nieuwe tekst",
        "owner_partner": partner().pk,
        "due_date": (TODAY + 3 * DAY).isoformat(),
    }

    refused = client.post(url, mine)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Mijn nieuwe tekst" in page  # his input, to reapply
    assert "Tekst uit het andere tabblad" in page  # the data as saved now, beside it
    agreement.refresh_from_db()
    assert (agreement.what, agreement.due_date) == ("Tekst uit het andere tabblad", TODAY + DAY)
    assert (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.PLAN_CHANGED, payload__agreement=agreement.pk).count()
        == 1
    )

    applied = client.post(url, mine | {"version": refused.context["version"]})
    assert applied.status_code == 302
    agreement.refresh_from_db()
    assert agreement.what == "Mijn nieuwe tekst"


def test_a_goal_saved_from_an_old_plan_version_is_refused(bram, case) -> None:
    goal = goal_for(main_subject(case), bram)
    stale = goal.plan.version - 1
    with pytest.raises(ConcurrentEditError):
        plans.goal_update(
            goal=goal, by=bram, version=stale, data=GoalData(life_domain=domain(), description="Anders")
        )
    goal.refresh_from_db()
    assert goal.description == "Een vaste woonplek"
    assert PlanRevision.objects.filter(plan=goal.plan).count() == 2


def test_only_the_procesregisseur_or_a_participant_can_own_an_agreement(bram, petra_takes_part, case) -> None:
    goal = goal_for(main_subject(case), bram)
    agreement_under(goal, bram, owner=petra_takes_part)
    stranger = UserFactory(role=Role.PARTNER_PROFESSIONAL, organisation=partner("ggz-drenthe"))
    with pytest.raises(ValidationError) as refused:
        agreement_under(goal, bram, owner=stranger)
    assert list(refused.value.message_dict) == ["owner"]


# --- Who may change the plan --------------------------------------------------------------------------


def test_a_participant_reads_the_plan_but_cannot_change_it(client_for, bram, petra_takes_part, case) -> None:
    goal = goal_for(main_subject(case), bram, "Een vaste woonplek")
    agreement = agreement_under(goal, bram)
    client = client_for(petra_takes_part)

    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert page.context["can_edit_plan"] is False
    assert "Een vaste woonplek" in page.content.decode()
    assert 'data-testid="goal-add"' not in page.content.decode()
    assert 'data-testid="agreement-complete"' not in page.content.decode()

    add = client.post(
        reverse("plan-goal-add", kwargs={"pk": case.pk, "subject_pk": main_subject(case).pk}),
        {"version": "2", "life_domain": domain().pk, "description": "Ook een doel"},
    )
    complete = client.post(
        agreement_url("plan-agreement-complete", agreement), {"version": agreement.version}
    )

    assert add.status_code == complete.status_code == 404
    assert Goal.objects.count() == 1
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.OPEN
    assert AuditEvent.objects.filter(actor=petra_takes_part, result="denied", object_type="goal").exists()
    with pytest.raises(PermissionError):
        plans.agreement_complete(agreement=agreement, by=petra_takes_part, version=agreement.version)


def test_another_procesregisseur_cannot_see_or_change_the_plan(client_for, bram, carla, case) -> None:
    goal = goal_for(main_subject(case), bram)
    response = client_for(carla).get(reverse("plan-goal-edit", kwargs={"pk": case.pk, "goal_pk": goal.pk}))
    assert response.status_code == 404
    with pytest.raises(PermissionError):
        plans.goal_update(
            goal=goal,
            by=carla,
            version=goal.plan.version,
            data=GoalData(life_domain=domain(), description="x"),
        )
    with pytest.raises(PermissionError):
        plans.plan_for_subject(subject=son(case), by=carla)
    assert not ActionPlan.objects.filter(subject=son(case)).exists()


def test_nobody_changes_the_plan_of_a_closed_case(bram, case) -> None:
    goal = goal_for(main_subject(case), bram)
    services.case_close(case=case, by=bram, reason=Case.ClosureReason.GOAL_ACHIEVED)
    with pytest.raises(PermissionError):
        agreement_under(goal, bram)
    assert not Agreement.objects.exists()
