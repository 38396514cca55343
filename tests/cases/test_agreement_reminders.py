"""The daily reminder of overdue agreements.

Bram is procesregisseur of the active case; Petra (police) takes part in it and owns an agreement
that was due yesterday.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases import plans, services
from cases.models import Agreement, Case, CaseEvent, Notification
from cases.plans import AgreementData, GoalData
from cases.tasks import agreements_overdue_notify_task
from cases.workflow import CaseStatus
from tests.factories import partner, referral_case
from zvhd.accounts.models import User
from zvhd.reference.models import LifeDomain

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case(bram: User, petra: User) -> Case:
    case = referral_case(status=CaseStatus.ACTIVE, kind=Case.Kind.COORDINATION, coordinator=bram)
    services.participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY)
    return case


def agreement(
    case: Case, by: User, *, due: datetime.date, what: str = "Huisbezoek afleggen", **owner
) -> Agreement:
    """An agreement made earlier; its due date is then set directly, as time has passed since."""
    plan = plans.plan_for_subject(subject=case.subjects.get(), by=by)
    plan.refresh_from_db()
    if not plan.goals.exists():
        plans.goal_add(
            plan=plan,
            by=by,
            version=plan.version,
            data=GoalData(life_domain=LifeDomain.objects.get(code="safety"), description="Rust in de buurt"),
        )
        plan.refresh_from_db()
    made = plans.agreement_add(
        goal=plan.goals.get(),
        by=by,
        version=plan.version,
        data=AgreementData(what=what, due_date=TODAY + DAY, **owner),
    )
    Agreement.objects.filter(pk=made.pk).update(due_date=due)
    made.refresh_from_db()
    return made


@pytest.fixture
def overdue(bram: User, petra: User, case: Case) -> Agreement:
    return agreement(case, bram, due=TODAY - DAY, owner=petra, owner_partner=partner())


def test_the_owner_and_the_procesregisseur_are_reminded_once_a_day(bram, petra, overdue, mailoutbox) -> None:
    assert plans.agreements_overdue_notify(today=TODAY) == 1
    assert plans.agreements_overdue_notify(today=TODAY) == 0  # the second run that day: nothing

    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["bram", "petra"]
    assert set(Notification.objects.values_list("case_id", flat=True)) == {overdue.case_id}
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted([bram.email, petra.email])
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.AGREEMENT_OVERDUE).count() == 1
    overdue.refresh_from_db()
    assert overdue.overdue_notified_on == TODAY


def test_the_next_day_reminds_again_without_a_second_timeline_entry(bram, overdue, mailoutbox) -> None:
    plans.agreements_overdue_notify(today=TODAY)
    plans.agreements_overdue_notify(today=TODAY + DAY)

    assert Notification.objects.filter(user=bram).count() == 2
    assert len(mailoutbox) == 4
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.AGREEMENT_OVERDUE)
    assert (event.actor, event.payload["agreement"]) == (None, overdue.pk)


def test_the_e_mail_names_the_case_but_not_what_was_agreed(overdue, mailoutbox) -> None:
    plans.agreements_overdue_notify(today=TODAY)
    mail = mailoutbox[0]
    assert overdue.case.number in mail.subject
    assert "Huisbezoek" not in mail.subject + mail.body


def test_agreements_that_are_not_overdue_or_no_longer_open_are_left_alone(bram, case, mailoutbox) -> None:
    agreement(case, bram, due=TODAY, what="Vandaag", owner=bram)
    done = agreement(case, bram, due=TODAY + DAY, what="Gedaan", owner=bram)
    plans.agreement_complete(agreement=done, by=bram, version=done.version)
    Agreement.objects.filter(pk=done.pk).update(due_date=TODAY - DAY)
    not_done = agreement(case, bram, due=TODAY + DAY, what="Niet gedaan", owner=bram)
    plans.agreement_not_done(agreement=not_done, by=bram, version=not_done.version, reason="Geweigerd")
    Agreement.objects.filter(pk=not_done.pk).update(due_date=TODAY - DAY)

    assert plans.agreements_overdue_notify(today=TODAY) == 0
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_person_without_an_account_is_not_mailed_and_a_user_without_address_only_notified(
    bram, case, mailoutbox
) -> None:
    agreement(case, bram, due=TODAY - DAY, owner_name="Buurtwerker Jansen")
    User.objects.filter(pk=bram.pk).update(email="")

    assert plans.agreements_overdue_notify(today=TODAY) == 1

    assert list(Notification.objects.values_list("user", flat=True)) == [bram.pk]
    assert mailoutbox == []


def test_a_closed_case_sends_no_reminders(bram, overdue, mailoutbox) -> None:
    services.case_close(case=overdue.case, by=bram, reason=Case.ClosureReason.HANDED_OVER)
    assert plans.agreements_overdue_notify(today=TODAY) == 0
    assert not Notification.objects.exists()


def test_the_scheduled_task_runs_the_job_for_today(overdue, mailoutbox) -> None:
    assert agreements_overdue_notify_task() == 1
    overdue.refresh_from_db()
    assert overdue.overdue_notified_on == TODAY


def test_the_reminder_is_scheduled_every_morning() -> None:
    from zvhd.celery import app

    app.finalize()
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    daily = schedule["cases.tasks.agreements_overdue_notify"]
    assert (daily.hour, daily.minute, daily.day_of_week) == ({7}, {0}, set(range(7)))
