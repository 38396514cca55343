"""`manage.py demo_data`: the procesregie records around the demo case file (demo/procesregie_history.py).

Every case that is or was in procesregie has an action plan per subject with goals and agreements; most
have case meetings; some have people in the system, escalations, labels; every case closed as handed
over has its handover; and every year has its anonymous advice and information-desk contacts, the advice
adding up to the published totals of extended advice and support. The data set is generated once for the
module (the seed and day of tests/demo/test_demo_data.py) and removed afterwards; tests that write run in
their own transaction.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from pytest_django import DjangoDbBlocker

from cases import access, plans
from cases.advice import PersonalData, advice_counts, personal_data_found
from cases.coordination import my_cases
from cases.models import (
    ActionPlan,
    Agreement,
    AnonymousAdvice,
    Case,
    CaseEvent,
    CaseMeeting,
    Escalation,
    Goal,
    Handover,
    InformationContact,
    Participant,
    PlanRevision,
    SystemMember,
)
from cases.workflow import CaseStatus
from demo.generator import profile_errors, profile_load
from tests.demo.support import demo_data_committed, demo_data_generate, demo_data_remove
from zvhd.accounts.models import Role, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

SEED = 2023
TODAY = date(2026, 11, 23)
COORDINATION = Case.Kind.COORDINATION
BUREAU = {Role.COORDINATOR, Role.SUPPORT_OFFICER}
# Published totals of extended advice and support (annual report 2023): case-based plus anonymous.
ADVICE_AND_SUPPORT = {2021: 175, 2022: 169, 2023: 182}


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """The demo data set, committed for the whole module and removed at its end."""
    with demo_data_committed(django_db_blocker, seed=SEED, today=TODAY) as output:
        yield output


@pytest.fixture(autouse=True)
def on_the_day_of_the_data_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cases.access` compares every grant's period with today: make today the day of the data set."""
    monkeypatch.setattr(access, "timezone", SimpleNamespace(localdate=lambda: TODAY))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_default_timezone())


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def in_procesregie() -> list[Case]:
    """Coordination cases that are or were active: those the procesregisseur ran."""
    return list(
        Case.objects.filter(kind=COORDINATION, status__in=[CaseStatus.ACTIVE, CaseStatus.CLOSED])
        .select_related("referral")
        .prefetch_related("subjects__person", "events")
    )


def active_since(case: Case) -> datetime:
    return max(
        event.occurred_at
        for event in case.events.all()
        if event.kind == CaseEvent.Kind.STATUS_CHANGED and event.payload["to"] == CaseStatus.ACTIVE
    )


def digest() -> str:
    """Plans, agreements, meetings and the other procesregie and advice records, in one hash."""
    tables = [
        ActionPlan.objects.order_by(
            "case__number", "subject__person__last_name", "subject__person__first_name"
        ).values_list("case__number", "summary", "version", "updated_at"),
        Goal.objects.order_by("plan__case__number", "plan__subject__is_primary", "position").values_list(
            "plan__case__number", "life_domain__code", "description", "achieved"
        ),
        Agreement.objects.order_by("case__number", "created_at", "what").values_list(
            "case__number", "what", "owner__username", "owner_name", "due_date", "status", "completed_at"
        ),
        CaseMeeting.objects.order_by("case__number", "starts_at").values_list(
            "case__number", "starts_at", "held"
        ),
        SystemMember.objects.order_by("case__number", "added_at").values_list("case__number", "description"),
        Escalation.objects.order_by("case__number", "escalated_on").values_list(
            "case__number", "to", "resolved_on"
        ),
        Handover.objects.order_by("case__number").values_list(
            "case__number", "receiver_name", "handed_over_on"
        ),
        AnonymousAdvice.objects.order_by("recorded_at", "question").values_list(
            "asked_on", "partner__code", "question"
        ),
        InformationContact.objects.order_by("recorded_at", "topic").values_list("contacted_on", "topic"),
        Case.objects.filter(labels__isnull=False)
        .order_by("number", "labels__code")
        .values_list("number", "labels__code"),
    ]
    # Sorted per table: rows that tie on the ordering (two relatives' goals at one position) come back in
    # any order on PostgreSQL.
    lines = [
        line for table in tables for line in sorted("|".join(str(value) for value in row) for row in table)
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# --- The action plans ----------------------------------------------------------------------------


def test_every_case_in_procesregie_has_a_plan_per_subject_with_goals_and_agreements() -> None:
    cases = in_procesregie()
    assert len(cases) > 300
    plans_per_case = Counter(ActionPlan.objects.values_list("case_id", flat=True))
    goals_per_plan = Counter(Goal.objects.values_list("plan_id", flat=True))
    agreements_per_goal = Counter(Agreement.objects.values_list("goal_id", flat=True))
    for case in cases:
        assert plans_per_case[case.pk] == len(case.subjects.all()), case.number
    assert set(plans_per_case) == {case.pk for case in cases}
    assert set(goals_per_plan.values()) == {2, 3, 4}
    assert len(goals_per_plan) == ActionPlan.objects.count()
    assert set(agreements_per_goal.values()) == {1, 2, 3}
    assert len(agreements_per_goal) == Goal.objects.count()


def test_an_agreement_belongs_to_the_case_of_its_goal_as_the_services_set_it() -> None:
    assert Agreement.objects.exists()
    assert not Agreement.objects.exclude(case_id=F("goal__plan__case_id")).exists()


def test_closed_cases_have_no_open_agreements() -> None:
    closed = Agreement.objects.filter(case__status=CaseStatus.CLOSED)
    assert closed.exists()
    assert not closed.filter(status=Agreement.Status.OPEN).exists()
    statuses = Counter(closed.values_list("status", flat=True))
    assert statuses[Agreement.Status.DONE] > 3 * statuses[Agreement.Status.NOT_DONE] > 0
    assert not Agreement.objects.filter(status=Agreement.Status.NOT_DONE, not_done_reason="").exists()


def test_a_handful_of_open_agreements_are_overdue_and_only_in_active_cases() -> None:
    overdue = Agreement.objects.filter(status=Agreement.Status.OPEN, due_date__lt=TODAY)
    assert 3 <= overdue.count() <= 25
    assert set(overdue.values_list("case__status", flat=True)) == {CaseStatus.ACTIVE}
    active = Agreement.objects.filter(case__status=CaseStatus.ACTIVE)
    assert active.filter(status=Agreement.Status.OPEN, due_date__gte=TODAY).exists()
    assert active.filter(status=Agreement.Status.DONE).exists()
    # The daily reminder reported those overdue since before yesterday, yesterday for the last time.
    for agreement in overdue:
        reported = agreement.due_date < TODAY - timedelta(days=1)
        assert agreement.overdue_notified_on == (TODAY - timedelta(days=1) if reported else None)
        events = CaseEvent.objects.filter(
            kind=CaseEvent.Kind.AGREEMENT_OVERDUE, payload__agreement=agreement.pk
        )
        assert events.count() == int(reported)


def test_the_reminder_job_today_reports_every_overdue_agreement() -> None:
    overdue = Agreement.objects.filter(status=Agreement.Status.OPEN, due_date__lt=TODAY)
    assert plans.agreements_overdue_notify(today=TODAY) == overdue.count()


def test_mijn_casussen_shows_overdue_agreements_and_the_time_since_the_last_activity() -> None:
    counted = []
    for username in ("regisseur", "lotte.dekker", "martijn.koster", "sandra.vanderveen"):
        cases = list(my_cases(user=User.objects.get(username=username), today=TODAY))
        assert all(case.last_activity_at is not None for case in cases)
        counted += [case.overdue_count for case in cases]
    assert sum(counted) == Agreement.objects.filter(status=Agreement.Status.OPEN, due_date__lt=TODAY).count()


def test_a_plans_version_counts_its_changes_and_its_latest_version_is_stored_as_the_service_stores_it() -> (
    None
):
    changes: dict[int, list[int]] = defaultdict(list)
    kinds = [
        CaseEvent.Kind.PLAN_CHANGED,
        CaseEvent.Kind.AGREEMENT_ADDED,
        CaseEvent.Kind.AGREEMENT_DONE,
        CaseEvent.Kind.AGREEMENT_NOT_DONE,
    ]
    for payload in (
        CaseEvent.objects.filter(kind__in=kinds)
        .order_by("occurred_at", "id")
        .values_list("payload", flat=True)
    ):
        changes[payload["plan"]].append(payload["version"])
    for plan in ActionPlan.objects.all():
        assert changes[plan.pk] == list(range(2, plan.version + 1)), plan.pk
    assert PlanRevision.objects.count() == ActionPlan.objects.count()
    for plan in ActionPlan.objects.select_related("case", "subject__person").order_by("id")[::12]:
        revision = plan.revisions.get()
        assert revision.version == plan.version
        assert revision.created_at == plan.updated_at
        assert revision.content == plans._plan_content(plan)
        assert plans.revision_goals(revision)  # the version page can read it


# --- Case meetings -------------------------------------------------------------------------------


def test_most_cases_in_procesregie_had_case_meetings_with_minutes_and_attendance() -> None:
    cases = in_procesregie()
    held = CaseMeeting.objects.filter(held=True)
    with_meetings = set(held.values_list("case_id", flat=True))
    assert len(with_meetings) > len(cases) * 0.6
    assert set(Counter(held.values_list("case_id", flat=True)).values()) <= {1, 2, 3, 4}
    for meeting in held.prefetch_related("invitees"):
        assert meeting.minutes
        assert meeting.version == 2
        assert meeting.starts_at < meeting.minutes_final_at < local_midnight(TODAY)
        assert all(invitee.attended is not None for invitee in meeting.invitees.all())


def test_a_few_active_cases_have_a_meeting_planned_for_the_coming_weeks() -> None:
    planned = CaseMeeting.objects.filter(held=False).select_related("case").prefetch_related("invitees")
    assert 3 <= planned.count() <= 20
    for meeting in planned:
        assert meeting.case.status == CaseStatus.ACTIVE
        assert TODAY < local_day(meeting.starts_at) <= TODAY + timedelta(weeks=5)
        assert all(invitee.attended is None for invitee in meeting.invitees.all())


def test_invitees_with_an_account_are_bureau_staff_or_took_part_in_the_case() -> None:
    taking_part = set(Participant.objects.values_list("case_id", "user_id"))
    meetings = CaseMeeting.objects.prefetch_related("invitees__user")
    guests = 0
    for meeting in meetings:
        for invitee in meeting.invitees.all():
            if invitee.user is None:
                guests += 1
                assert invitee.name
                assert invitee.organisation_id
            else:
                assert invitee.user.role in BUREAU or (meeting.case_id, invitee.user_id) in taking_part
    assert guests > meetings.count()


def test_agreements_decided_in_a_meeting_belong_to_its_case_and_were_made_when_it_was_recorded() -> None:
    decided = Agreement.objects.filter(meeting__isnull=False).select_related("meeting")
    assert decided.count() > 200
    for agreement in decided:
        assert agreement.case_id == agreement.meeting.case_id
        assert agreement.meeting.held
        assert agreement.created_at > agreement.meeting.minutes_final_at
    for event in CaseEvent.objects.filter(kind=CaseEvent.Kind.MEETING_HELD):
        made = Agreement.objects.filter(meeting_id=event.payload["meeting"], case_id=event.case_id)
        assert sorted(event.payload["agreements"]) == sorted(made.values_list("pk", flat=True))


# --- People in the system, labels, escalations, handovers ----------------------------------------


def test_minors_in_the_system_are_recorded_where_the_referral_says_there_are_some() -> None:
    minors = SystemMember.objects.filter(is_minor=True)
    assert minors.exists()
    assert set(minors.values_list("case__referral__minors_in_system", flat=True)) == {"yes"}
    for case in in_procesregie():
        if case.referral.minors_in_system != "yes":
            continue
        received = case.referral.received_on
        minor_subject = any(
            (age := subject.person.age_on(received)) is not None and age < 18
            for subject in case.subjects.all()
        )
        assert minor_subject or case.system_members.filter(is_minor=True).exists(), case.number


def test_every_case_closed_as_handed_over_and_only_those_have_their_handover() -> None:
    handed_over = Case.objects.filter(status=CaseStatus.CLOSED, closure_reason=Case.ClosureReason.HANDED_OVER)
    assert set(Handover.objects.values_list("case_id", flat=True)) == set(
        handed_over.values_list("pk", flat=True)
    )
    for handover in Handover.objects.select_related("case"):
        assert handover.handed_over_on <= local_day(handover.case.closed_at)
        assert Handover.objects.filter(case=handover.case).count() == 1


def test_escalations_are_few_and_in_closed_cases_resolved_before_they_closed() -> None:
    escalations = Escalation.objects.select_related("case")
    assert 5 <= escalations.count() <= 60
    assert escalations.filter(resolved_on__isnull=False).count() > escalations.count() / 2
    for escalation in escalations:
        if escalation.case.status == CaseStatus.CLOSED:
            assert escalation.resolved_on is not None
            assert escalation.resolved_on <= local_day(escalation.case.closed_at)
        if escalation.resolved_on is not None:
            assert escalation.outcome
            assert escalation.ave_after <= escalation.ave_before
            assert escalation.escalated_on <= escalation.resolved_on < TODAY


def test_labels_follow_the_case_file_and_their_event_names_them() -> None:
    pga = Case.objects.filter(kind=COORDINATION, intensity=Case.Intensity.PERSON_CENTRED)
    pga = pga.filter(status__in=[CaseStatus.ACTIVE, CaseStatus.CLOSED])
    assert set(pga.values_list("pk", flat=True)) <= set(
        Case.objects.filter(labels__code="pga").values_list("pk", flat=True)
    )
    for event in CaseEvent.objects.filter(kind=CaseEvent.Kind.LABELS_CHANGED).select_related("case"):
        assert sorted(event.payload["added"]) == sorted(event.case.labels.values_list("code", flat=True))


# --- Timelines -----------------------------------------------------------------------------------


def test_procesregie_events_fall_while_the_case_was_active_and_name_records_of_their_case() -> None:
    named = {
        "agreement": Agreement,
        "goal": Goal,
        "meeting": CaseMeeting,
        "system_member": SystemMember,
        "escalation": Escalation,
        "handover": Handover,
    }
    cases = {case.pk: case for case in in_procesregie()}
    kinds = [
        CaseEvent.Kind.PLAN_CHANGED,
        CaseEvent.Kind.AGREEMENT_ADDED,
        CaseEvent.Kind.AGREEMENT_DONE,
        CaseEvent.Kind.MEETING_PLANNED,
        CaseEvent.Kind.SYSTEM_MEMBER_ADDED,
        CaseEvent.Kind.ESCALATED,
    ]
    owners = {
        key: dict(model.objects.values_list("pk", "case_id" if key != "goal" else "plan__case_id"))
        for key, model in named.items()
    }
    for event in CaseEvent.objects.filter(kind__in=kinds):
        case = cases[event.case_id]
        assert active_since(case) < event.occurred_at < (case.closed_at or local_midnight(TODAY))
        for key in named.keys() & event.payload.keys():
            assert owners[key][event.payload[key]] == event.case_id


def test_timeline_summaries_read_as_the_services_write_them() -> None:
    for event in CaseEvent.objects.filter(kind=CaseEvent.Kind.MEETING_PLANNED)[::25]:
        meeting = CaseMeeting.objects.get(pk=event.payload["meeting"])
        assert event.payload["summary"] == date_format(timezone.localtime(meeting.starts_at), "j F Y H:i")
    added = CaseEvent.objects.filter(kind=CaseEvent.Kind.AGREEMENT_ADDED)
    for event in added[::50]:
        agreement = Agreement.objects.select_related("owner", "owner_partner").get(
            pk=event.payload["agreement"]
        )
        facts = {
            "what": agreement.what,
            "who": plans._who(agreement),
            "due": date_format(agreement.due_date, "j F Y"),
        }
        assert event.payload["summary"] == gettext("%(what)s (%(who)s, due %(due)s)") % facts
        assert event.payload.get("meeting") == agreement.meeting_id


def test_nothing_is_recorded_today_or_later_except_planned_meetings_and_due_dates() -> None:
    midnight = local_midnight(TODAY)
    assert not Agreement.objects.filter(Q(created_at__gte=midnight) | Q(completed_at__gte=midnight)).exists()
    assert not CaseMeeting.objects.filter(held=True, starts_at__gte=midnight).exists()
    assert not SystemMember.objects.filter(added_at__gte=midnight).exists()
    assert not Escalation.objects.filter(escalated_on__gte=TODAY).exists()
    assert not Handover.objects.filter(handed_over_on__gte=TODAY).exists()
    assert not PlanRevision.objects.filter(created_at__gte=midnight).exists()
    assert not AnonymousAdvice.objects.filter(Q(asked_on__gte=TODAY) | Q(recorded_at__gte=midnight)).exists()
    assert not InformationContact.objects.filter(
        Q(contacted_on__gte=TODAY) | Q(recorded_at__gte=midnight)
    ).exists()


# --- Advice and the information desk -------------------------------------------------------------


def anonymous_in(year: int) -> int:
    return AnonymousAdvice.objects.filter(asked_on__year=year).count()


def test_anonymous_advice_makes_up_the_published_totals_of_advice_and_support() -> None:
    assert anonymous_in(2023) == 119  # 182 - 63
    for year, total in ADVICE_AND_SUPPORT.items():
        extended = Case.objects.filter(kind=Case.Kind.EXTENDED_ADVICE, referral__received_on__year=year)
        assert anonymous_in(year) + extended.count() == total, year
    for year in range(2019, TODAY.year + 1):
        assert anonymous_in(year) > 50, year
    for year, total in ADVICE_AND_SUPPORT.items():  # the figure the advice page and the report show
        assert advice_counts(year=year)["advice_total"] == total, year


def test_the_information_desk_grew_from_about_100_contacts_a_year_to_about_200() -> None:
    per_year = Counter(day.year for day in InformationContact.objects.values_list("contacted_on", flat=True))
    assert 80 <= per_year[2019] <= 120
    assert per_year[2023] == 200
    assert all(150 <= per_year[year] <= 250 for year in (2024, 2025))
    assert per_year[2026] > 100


def test_every_advice_question_and_answer_passes_the_personal_data_check() -> None:
    texts = set(AnonymousAdvice.objects.values_list("question", flat=True))
    texts |= set(AnonymousAdvice.objects.values_list("advice", flat=True))
    templates = profile_load()["procesregie"]["texts"]["anonymous_advice"]
    assert len(texts) == 2 * len(templates)
    for text in texts:
        assert personal_data_found(text, today=TODAY) is None, text
    topics = set(InformationContact.objects.values_list("topic", flat=True))
    kinds = frozenset({PersonalData.BSN, PersonalData.DATE_OF_BIRTH})
    for topic in topics:
        assert personal_data_found(topic, kinds=kinds, today=TODAY) is None, topic


def test_advice_and_contacts_are_given_by_bureau_staff() -> None:
    assert set(AnonymousAdvice.objects.values_list("given_by__role", flat=True)) == BUREAU
    assert set(InformationContact.objects.values_list("by__role", flat=True)) == {Role.SUPPORT_OFFICER}


# --- The profile and the command -----------------------------------------------------------------


def test_a_profile_whose_advice_total_is_below_the_case_based_advice_is_refused() -> None:
    profile = copy.deepcopy(profile_load())
    assert not profile_errors(profile)
    profile["procesregie"]["advice"]["extended_advice_and_support"]["2023"] = 50
    assert any("2023" in error and "63" in error for error in profile_errors(profile))
    del profile["procesregie"]["advice"]["information_contacts"]["2020"]
    assert any("2020" in error for error in profile_errors(profile))


def test_the_command_reports_the_procesregie_records(demo_data: str) -> None:
    counts = {
        "action plans": ActionPlan.objects.count(),
        "agreements": Agreement.objects.count(),
        "case meetings": CaseMeeting.objects.count(),
        "handovers": Handover.objects.count(),
        "anonymous advice": AnonymousAdvice.objects.count(),
        "information desk contacts": InformationContact.objects.count(),
    }
    for what, count in counts.items():
        assert f"{count} {what}" in demo_data


def test_the_same_seed_and_day_give_the_same_procesregie_records() -> None:
    before = digest()
    demo_data_remove()
    demo_data_generate(seed=SEED, today=TODAY)
    assert digest() == before
