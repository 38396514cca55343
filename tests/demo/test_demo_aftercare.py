"""`manage.py demo_data`: the aftercare cases beside the demo case file (demo/aftercare_history.py).

Aftercare cases from 2019 up to the day of the data set, run by the nazorgcoördinator: the published 2023
figures per municipality (inflow and active cases) come out exactly; refusals are closed as "no aftercare
wanted"; every case has its five basic conditions, its notices and release tasks; the guidance worker sees
the cases of his running episodes; and a few procesregie cases of the case file came from aftercare. The
data set is generated once for the module (the seed and day of tests/demo/test_demo_data.py) and removed
afterwards; tests that write run in their own transaction.

Personas: `nazorg` is the nazorgcoördinator who runs every aftercare case; `trajectbegeleider` is the
guidance worker who takes part in a case while his guidance episode in it runs; `ondersteuner` is a
procesondersteuner, who has no business with aftercare.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Q, QuerySet
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from aftercare.figures import aftercare_figures
from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    Consent,
    DetentionNotice,
    GuidanceContact,
    GuidanceEpisode,
    ReleaseTask,
)
from aftercare.services import RELEASE_TASK_OFFSETS, release_tasks_remind
from cases import access
from cases.models import Case, CaseEvent, CaseNumberCounter, Participant, Person, Subject
from cases.validators import bsn_is_valid
from cases.workflow import CaseStatus
from demo.generator import profile_errors, profile_load
from tests.demo.published import AFTERCARE_2023
from tests.demo.support import demo_data_committed, demo_data_generate, demo_data_remove
from zvhd.accounts.models import User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import Municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

SEED = 2023
TODAY = date(2026, 11, 23)
AFTERCARE = Case.Kind.AFTERCARE
REFERENCE = re.compile(r"^DJI-(\d{4})-\d{6}$")


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


def user(username: str) -> User:
    return User.objects.get(username=username)


def numbers(cases: QuerySet[Case]) -> set[str]:
    return set(cases.values_list("number", flat=True))


def aftercare_cases() -> QuerySet[Case]:
    return Case.objects.filter(kind=AFTERCARE)


def files() -> list[AftercareFile]:
    return list(
        AftercareFile.objects.select_related("case", "municipality", "person").prefetch_related(
            "notices", "conditions", "tasks", "guidance", "case__events"
        )
    )


def started_on(aftercare: AftercareFile) -> date:
    return min(notice.received_on for notice in aftercare.notices.all())


def digest() -> str:
    """The aftercare cases with their notices, conditions, tasks and guidance, in one hash."""
    tables = [
        Case.objects.filter(kind=AFTERCARE)
        .order_by("number")
        .values_list("number", "status", "created_at", "closed_at", "closure_reason", "version"),
        AftercareFile.objects.order_by("case__number").values_list(
            "case__number",
            "person__last_name",
            "person__bsn",
            "municipality__code",
            "consent",
            "consent_on",
            "expected_release_on",
            "released_on",
            "escalated_to__number",
        ),
        DetentionNotice.objects.order_by("reference").values_list(
            "reference", "aftercare__case__number", "institution", "received_on", "expected_release"
        ),
        BasicCondition.objects.order_by("aftercare__case__number", "kind").values_list(
            "aftercare__case__number", "kind", "at_intake", "at_release", "after_three_months"
        ),
        ReleaseTask.objects.order_by("aftercare__case__number", "kind").values_list(
            "aftercare__case__number", "kind", "due_on", "done_on", "reminded_on"
        ),
        GuidanceEpisode.objects.order_by("aftercare__case__number").values_list(
            "aftercare__case__number", "started_on", "ended_on"
        ),
    ]
    lines = ["|".join(str(value) for value in row) for table in tables for row in table]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# --- The published figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "published"), AFTERCARE_2023.items())
def test_the_2023_aftercare_figures_of_each_municipality_are_the_published_ones(
    code: str, published: tuple[int, int]
) -> None:
    row = next(row for row in aftercare_figures(year=2023).municipalities if row.code == code)
    inflow, active = published
    assert row.inflow == inflow, f"{row.name}: inflow {row.inflow}, published {inflow}"
    assert row.active == active, f"{row.name}: active {row.active}, published {active}"


def test_the_2023_aftercare_totals_are_the_published_156_new_and_269_active_cases() -> None:
    figures = aftercare_figures(year=2023)
    assert (figures.inflow, figures.active) == (156, 269)
    assert {row.code for row in figures.municipalities} == set(AFTERCARE_2023)
    assert 0 < figures.no_aftercare_wanted < figures.inflow


def test_the_profile_publishes_the_figures_of_the_annual_report() -> None:
    published = profile_load()["aftercare"]["published"]["2023"]
    assert {code: (row["inflow"], row["active"]) for code, row in published.items()} == AFTERCARE_2023


def test_the_other_years_have_a_plausible_inflow_and_active_cases_follow_from_it() -> None:
    inflow = {year: aftercare_figures(year=year).inflow for year in range(2019, 2027)}
    assert 120 <= inflow[2021] <= 140
    assert 135 <= inflow[2022] <= 155
    assert all(145 <= inflow[year] <= 165 for year in (2024, 2025))
    assert 100 < inflow[2026] < 165  # up to the day before 23 November
    for year in range(2020, 2027):
        first = date(year, 1, 1)
        carried = sum(
            1
            for aftercare in files()
            if started_on(aftercare) < first
            and (aftercare.case.closed_at is None or local_day(aftercare.case.closed_at) >= first)
        )
        assert aftercare_figures(year=year).active == inflow[year] + carried, year


def test_the_figures_command_prints_the_computed_2023_figures_beside_the_published_ones() -> None:
    out = StringIO()
    call_command("aftercare_figures", "--year", "2023", "--published", stdout=out)
    lines = out.getvalue().splitlines()
    names = dict(Municipality.objects.values_list("code", "name"))
    for code, (inflow, active) in AFTERCARE_2023.items():
        row = next(line for line in lines if line.startswith(names[code]))
        assert row.split()[-4:] == [str(inflow), str(inflow), str(active), str(active)], row
    assert "Every row equals the published figures." in lines[-1]


# --- Each aftercare case --------------------------------------------------------------------------------


def test_every_aftercare_case_is_run_by_the_nazorgcoordinator_on_consent() -> None:
    cases = aftercare_cases()
    assert cases.count() == AftercareFile.objects.count() > 1000
    assert set(cases.values_list("coordinator__username", flat=True)) == {"nazorg"}
    assert set(cases.values_list("legal_basis", flat=True)) == {LegalBasis.CONSENT}
    assert set(cases.values_list("status", flat=True)) == {CaseStatus.ACTIVE, CaseStatus.CLOSED}
    assert not cases.filter(decided_on__isnull=False).exists()


def test_every_aftercare_case_has_exactly_five_conditions_and_at_least_one_notice() -> None:
    for aftercare in files():
        assert len(aftercare.conditions.all()) == 5, aftercare.case.number
        assert 1 <= len(aftercare.notices.all()) <= 2, aftercare.case.number
    assert DetentionNotice.objects.count() > AftercareFile.objects.count()  # some have a second notice


def test_the_main_subject_is_the_person_of_the_aftercare_file_in_its_municipality() -> None:
    subjects = Subject.objects.filter(case__kind=AFTERCARE)
    assert subjects.count() == AftercareFile.objects.count()
    assert not subjects.filter(is_primary=False).exists()
    for aftercare in AftercareFile.objects.select_related("case"):
        subject = aftercare.case.subjects.get()
        assert (subject.person_id, subject.municipality_id) == (
            aftercare.person_id,
            aftercare.municipality_id,
        )


def test_refused_consent_closes_the_case_as_no_aftercare_wanted_on_the_day_it_was_recorded() -> None:
    refused = AftercareFile.objects.filter(consent=Consent.REFUSED).select_related("case")
    assert 0.05 < refused.count() / AftercareFile.objects.exclude(consent=Consent.UNKNOWN).count() < 0.15
    for aftercare in refused:
        assert aftercare.case.status == CaseStatus.CLOSED, aftercare.case.number
        assert aftercare.case.closure_reason == Case.ClosureReason.NO_AFTERCARE_WANTED
        assert local_day(aftercare.case.closed_at) == aftercare.consent_on
        assert aftercare.released_on is None
    wanted_none = aftercare_cases().filter(closure_reason=Case.ClosureReason.NO_AFTERCARE_WANTED)
    assert wanted_none.count() == refused.count()


def test_consent_is_unknown_only_for_the_latest_notices() -> None:
    unknown = AftercareFile.objects.filter(consent=Consent.UNKNOWN)
    assert unknown.exists()
    for aftercare in unknown.prefetch_related("notices"):
        assert started_on(aftercare) >= TODAY - timedelta(weeks=4)
        assert aftercare.case.status == CaseStatus.ACTIVE


def test_no_notice_or_person_in_a_municipality_the_bureau_does_not_serve() -> None:
    served = set(Municipality.objects.filter(provides_aftercare=True).values_list("pk", flat=True))
    assert set(AftercareFile.objects.values_list("municipality_id", flat=True)) <= served
    assert (
        set(Subject.objects.filter(case__kind=AFTERCARE).values_list("municipality_id", flat=True)) <= served
    )


def test_dji_references_are_unique_and_numbered_per_year_of_receipt() -> None:
    notices = list(DetentionNotice.objects.values_list("reference", "received_on"))
    assert len({reference for reference, _ in notices}) == len(notices)
    for reference, received_on in notices:
        match = REFERENCE.match(reference)
        assert match is not None, reference
        assert int(match.group(1)) == received_on.year, reference


def test_notices_come_from_real_institutions_and_self_reporters_from_home() -> None:
    institutions = set(DetentionNotice.objects.values_list("institution", flat=True))
    assert {"PI Veenhuizen", "PI Leeuwarden", "PI Zwolle", "PI Groningen Ter Apel"} <= institutions
    self_reporters = DetentionNotice.objects.filter(kind="self_reporter")
    assert self_reporters.exists()
    assert set(self_reporters.values_list("institution", flat=True)) == {""}
    for notice in DetentionNotice.objects.exclude(kind="self_reporter"):
        assert notice.detention_start <= notice.received_on < notice.expected_release


def test_every_person_has_a_bsn_that_passes_the_elfproef_or_none_and_no_bsn_is_used_twice() -> None:
    bsns = list(Person.objects.exclude(bsn="").values_list("bsn", flat=True))
    assert all(bsn_is_valid(bsn) for bsn in bsns)
    assert len(set(bsns)) == len(bsns)
    with_bsn = Person.objects.filter(aftercare_files__isnull=False).exclude(bsn="").distinct().count()
    assert 0.4 < with_bsn / Person.objects.filter(aftercare_files__isnull=False).distinct().count() < 0.6


def test_detainees_are_adults() -> None:
    for aftercare in AftercareFile.objects.select_related("person").prefetch_related("notices"):
        assert aftercare.person.age_on(started_on(aftercare)) >= 18, aftercare.case_id


def test_case_numbers_continue_the_yearly_numbering_of_the_case_file_and_the_counters_after_them() -> None:
    per_year = Counter(number[:4] for number in Case.objects.values_list("number", flat=True))
    for year, count in per_year.items():
        serials = sorted(int(number[5:]) for number in numbers(Case.objects.filter(number__startswith=year)))
        assert serials == list(range(1, count + 1)), year
        assert CaseNumberCounter.objects.get(year=int(year)).last == count, year
    for aftercare in files():
        assert aftercare.case.number.startswith(f"{started_on(aftercare).year}-")


# --- Timeline, release tasks, conditions ------------------------------------------------------------------


def test_the_timeline_holds_the_main_steps_with_the_payloads_of_the_services() -> None:
    K = CaseEvent.Kind
    keys = {
        K.DETENTION_NOTICE: {"reference", "kind", "institution"},
        K.CONSENT_RECORDED: {"consent", "on", "channel"},
        K.RELEASE_RECORDED: {"released_on"},
        K.CASE_CLOSED: {"from", "reason"},
        K.GUIDANCE_STARTED: {"worker"},
        K.GUIDANCE_ENDED: {"worker"},
        K.PARTICIPANT_ADDED: {"participant", "user", "role"},
        K.PARTICIPANT_ENDED: {"participant", "user", "until"},
        K.ESCALATED_TO_PROCESREGIE: {"referral", "number", "summary"},
    }
    for aftercare in files():
        case = aftercare.case
        events = sorted(case.events.all(), key=lambda event: (event.occurred_at, event.pk))
        assert events[0].kind == K.DETENTION_NOTICE
        assert events[0].occurred_at == case.created_at
        assert [event.payload["reference"] for event in events if event.kind == K.DETENTION_NOTICE] == [
            notice.reference
            for notice in sorted(aftercare.notices.all(), key=lambda notice: notice.received_on)
        ]
        assert case.version == len(events), case.number
        assert case.updated_at == events[-1].occurred_at, case.number
        assert (events[-1].kind == K.CASE_CLOSED) == (case.status == CaseStatus.CLOSED), case.number
        assert events[-1].occurred_at < local_midnight(TODAY)
        for event in events:
            assert set(event.payload) == keys[event.kind], (case.number, event.kind)
            assert event.actor.username == "nazorg"


def test_a_case_closes_after_its_release_or_at_the_refusal() -> None:
    for aftercare in files():
        case = aftercare.case
        if case.status != CaseStatus.CLOSED or aftercare.consent == Consent.REFUSED:
            continue
        assert aftercare.released_on is not None, case.number
        assert aftercare.consent_on < aftercare.released_on < local_day(case.closed_at), case.number
        assert case.closure_reason in {"goal_achieved", "stopped", "other"}


def test_release_tasks_are_dated_by_the_service_offsets_from_the_release_they_counted_from() -> None:
    for aftercare in files():
        tasks = {task.kind: task for task in aftercare.tasks.all()}
        assert set(tasks) == set(RELEASE_TASK_OFFSETS), aftercare.case.number
        release = aftercare.released_on or aftercare.expected_release_on
        for kind, offset in RELEASE_TASK_OFFSETS.items():
            task = tasks[kind]
            if task.done_on is None:
                assert task.due_on == release + timedelta(days=offset), aftercare.case.number
            else:
                assert task.done_on < TODAY
                assert task.done_by.username == "nazorg"
                assert aftercare.consent == Consent.GIVEN


def test_past_release_tasks_are_mostly_done_and_a_few_in_open_cases_are_overdue_for_the_reminder() -> None:
    past = ReleaseTask.objects.filter(due_on__lt=TODAY - timedelta(weeks=5), aftercare__consent=Consent.GIVEN)
    assert past.filter(done_on__isnull=False).count() / past.count() > 0.9
    open_tasks = ReleaseTask.objects.filter(done_on__isnull=True, aftercare__case__status=CaseStatus.ACTIVE)
    overdue = open_tasks.filter(due_on__lt=TODAY)
    assert 1 <= overdue.count() <= 40
    assert set(overdue.values_list("reminded_on", flat=True)) == {TODAY - timedelta(days=1)}
    assert release_tasks_remind(today=TODAY) == open_tasks.filter(due_on__lte=TODAY).count()


def test_basic_conditions_mostly_improve_after_the_release() -> None:
    order = {"not_in_order": 0, "attention": 1, "in_order": 2}
    followed = BasicCondition.objects.exclude(after_three_months="unknown").exclude(at_intake="unknown")
    assert followed.count() > 1000
    better = sum(order[row.after_three_months] > order[row.at_intake] for row in followed)
    worse = sum(order[row.after_three_months] < order[row.at_intake] for row in followed)
    assert better > 5 * worse
    no_consent = BasicCondition.objects.exclude(aftercare__consent=Consent.GIVEN)
    assert set(no_consent.values_list("at_intake", flat=True)) == {"unknown"}
    assert ConditionAction.objects.filter(done_on__isnull=True, due_on__lt=TODAY).exists()


def test_information_comes_from_the_three_sources_before_the_release() -> None:
    records = AftercareInformation.objects.select_related("aftercare")
    assert set(records.values_list("source", flat=True)) == {"dji", "probation", "municipality"}
    assert not records.exclude(aftercare__consent=Consent.GIVEN).exclude(source="dji").exists()
    for record in records.filter(aftercare__released_on__isnull=False)[::20]:
        assert record.received_on <= record.aftercare.released_on + timedelta(days=6)


def test_nothing_is_recorded_today_or_later_except_expected_releases_call_ups_and_due_dates() -> None:
    midnight = local_midnight(TODAY)
    assert not DetentionNotice.objects.filter(
        Q(received_on__gte=TODAY) | Q(registered_at__gte=midnight)
    ).exists()
    assert not DetentionNotice.objects.filter(kind="detention", detention_start__gte=TODAY).exists()
    assert not AftercareFile.objects.filter(Q(consent_on__gte=TODAY) | Q(released_on__gte=TODAY)).exists()
    assert not aftercare_cases().filter(Q(closed_at__gte=midnight) | Q(updated_at__gte=midnight)).exists()
    assert not ReleaseTask.objects.filter(Q(done_on__gte=TODAY) | Q(reminded_on__gte=TODAY)).exists()
    assert not ConditionAction.objects.filter(Q(done_on__gte=TODAY) | Q(created_at__gte=midnight)).exists()
    assert not AftercareInformation.objects.filter(received_on__gte=TODAY).exists()
    assert not GuidanceEpisode.objects.filter(Q(started_on__gte=TODAY) | Q(ended_on__gte=TODAY)).exists()
    assert not GuidanceContact.objects.filter(contacted_on__gte=TODAY).exists()
    assert AftercareFile.objects.filter(expected_release_on__gte=TODAY).exists()
    assert ReleaseTask.objects.filter(due_on__gte=TODAY).exists()


# --- Who sees what ------------------------------------------------------------------------------------------


def test_the_nazorgcoordinator_sees_every_aftercare_case_and_nothing_else() -> None:
    visible = access.cases_visible_to(user("nazorg"))
    assert numbers(visible) == numbers(aftercare_cases())


def test_the_procesondersteuner_sees_no_aftercare_case() -> None:
    assert not access.cases_visible_to(user("ondersteuner")).filter(kind=AFTERCARE).exists()


def test_the_guidance_worker_sees_exactly_the_cases_of_his_running_episodes() -> None:
    running = GuidanceEpisode.objects.filter(worker__username="trajectbegeleider", ended_on__isnull=True)
    assert running.exists()
    assert GuidanceEpisode.objects.filter(ended_on__isnull=False).exists()
    assert not running.exclude(aftercare__case__status=CaseStatus.ACTIVE).exists()
    assert numbers(access.cases_visible_to(user("trajectbegeleider"))) == set(
        running.values_list("aftercare__case__number", flat=True)
    )


def test_every_guidance_episode_is_a_participation_of_the_guidance_worker_for_its_period() -> None:
    episodes = GuidanceEpisode.objects.select_related("aftercare__case")
    assert 0.05 < episodes.count() / AftercareFile.objects.filter(consent=Consent.GIVEN).count() < 0.15
    for episode in episodes:
        participant = Participant.objects.get(case=episode.aftercare.case, user=episode.worker)
        assert (participant.start_date, participant.end_date) == (episode.started_on, episode.ended_on)
        assert participant.legal_basis == LegalBasis.CONSENT
        assert episode.goals.exists()
        assert episode.contacts.exists()
        case = episode.aftercare.case
        if case.status == CaseStatus.CLOSED:
            assert episode.ended_on is not None
            assert episode.ended_on <= local_day(case.closed_at)


# --- Escalation to procesregie --------------------------------------------------------------------------


def test_escalated_aftercare_cases_link_to_a_procesregie_case_of_the_same_person_both_ways() -> None:
    escalated = AftercareFile.objects.filter(escalated_to__isnull=False).select_related(
        "case", "escalated_to"
    )
    assert 3 <= escalated.count() <= 5
    for aftercare in escalated.prefetch_related("notices"):
        referral = aftercare.escalated_to
        assert referral.kind == Case.Kind.COORDINATION
        assert referral.subjects.get(is_primary=True).person_id == aftercare.person_id
        assert started_on(aftercare) < aftercare.released_on < referral.referral.received_on
        assert referral.subjects.get(is_primary=True).municipality_id == aftercare.municipality_id
        there = referral.events.get(kind=CaseEvent.Kind.ESCALATED_TO_PROCESREGIE)
        here = aftercare.case.events.get(kind=CaseEvent.Kind.ESCALATED_TO_PROCESREGIE)
        assert (there.payload["aftercare"], there.payload["number"]) == (
            aftercare.case_id,
            aftercare.case.number,
        )
        assert (here.payload["referral"], here.payload["number"]) == (referral.pk, referral.number)
        assert local_day(here.occurred_at) == referral.referral.received_on
        assert referral.version == referral.events.count()
        assert referral.updated_at == max(event.occurred_at for event in referral.events.all())


def test_no_escalation_touches_the_published_year() -> None:
    for aftercare in AftercareFile.objects.filter(escalated_to__isnull=False).prefetch_related("notices"):
        assert started_on(aftercare) >= date(2024, 1, 1)


# --- The profile and the command ----------------------------------------------------------------------------


def test_a_profile_whose_published_aftercare_rows_do_not_add_up_is_refused() -> None:
    profile = copy.deepcopy(profile_load())
    profile["aftercare"]["published"]["2023"]["meppel"] = {"inflow": 30, "active": 28}
    profile["aftercare"]["coordinator"] = "regisseur"
    errors = profile_errors(profile)
    assert "aftercare: 2023: meppel has more inflow than active cases." in errors
    assert "aftercare: 'regisseur' is not an account with the role aftercare_coordinator." in errors


def test_the_command_reports_the_aftercare_counts(demo_data: str) -> None:
    counts = {
        "aftercare cases": aftercare_cases().count(),
        "detention notices": DetentionNotice.objects.count(),
        "basic conditions": BasicCondition.objects.count(),
        "release tasks": ReleaseTask.objects.count(),
        "guidance episodes": GuidanceEpisode.objects.count(),
    }
    for what, count in counts.items():
        assert f"{count} {what}" in demo_data


def test_the_same_seed_and_day_give_the_same_aftercare_cases() -> None:
    before = digest()
    demo_data_remove()
    demo_data_generate(seed=SEED, today=TODAY)
    assert digest() == before
