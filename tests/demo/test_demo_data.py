"""`manage.py demo_data`: the demo case file reproduces the published 2023 figures row by row.

The data set is generated once for the module (seed and day fixed) and removed afterwards; tests that
change the database run inside their own transaction. The published figures are written out by hand in
tests/demo/published.py on purpose, independently of the profile they are generated from. The definitions
are those of docs/demo-data.md: a referral counts in the year it was received; a coordination case is
active in a year when [date received, date closed] overlaps it; the municipality is that of the main
subject.

What each demo account sees is asked of `cases.access`, whose clock is set to the day of the data set.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoDbBlocker

from cases import access, selectors
from cases.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseUserObjectPermission,
    EmergencyAccess,
    Participant,
    Person,
    Referral,
    Subject,
)
from cases.services import ReferralData, SubjectData, referral_register
from cases.validators import bsn_is_valid
from cases.workflow import CaseStatus
from demo.generator import (
    DEMO_PASSWORD,
    ProfileError,
    demo_data_create,
    demo_totp_key,
    profile_errors,
    profile_load,
)
from tests.demo.published import AGES_REFERRED, MUNICIPALITIES_2023, PARTNERS_2023
from tests.demo.support import demo_data_committed, demo_data_generate, demo_data_remove
from tests.factories import main_topic, municipality, partner
from zvhd.accounts.models import Role, User
from zvhd.audit.models import LegalBasis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

SEED = 2023
TODAY = date(2026, 11, 23)
COORDINATION = Case.Kind.COORDINATION
ADVICE = Case.Kind.EXTENDED_ADVICE
PARTA = LegalBasis.PARTA
TEAM_STATUSES = [CaseStatus.REGISTERED, CaseStatus.TRIAGE, CaseStatus.WAITING]
PARTNER_ACCOUNTS = ["politie", "ggz", "veilig-thuis", "reclassering", "gemeente"]


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """The demo data set, committed for the whole module and removed at its end.

    Browser tests empty every table when they end, so the reference data is reloaded if it is gone.
    """
    with demo_data_committed(django_db_blocker, seed=SEED, today=TODAY) as output:
        yield output


@pytest.fixture(autouse=True)
def on_the_day_of_the_data_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cases.access` compares every grant's period with today: make today the day of the data set."""
    monkeypatch.setattr(access, "timezone", SimpleNamespace(localdate=lambda: TODAY))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_default_timezone())


def coordination_active_in(year: int) -> QuerySet[Case]:
    """Coordination cases whose interval [date received, date closed] overlaps `year`."""
    still_open = Q(closed_at__isnull=True) | Q(closed_at__gte=_local_midnight(date(year, 1, 1)))
    return Case.objects.filter(still_open, kind=COORDINATION, referral__received_on__lte=date(year, 12, 31))


def coordination_inflow_in(year: int) -> QuerySet[Case]:
    return Case.objects.filter(kind=COORDINATION, referral__received_on__year=year)


def coordination_closed_in(year: int) -> QuerySet[Case]:
    return Case.objects.filter(kind=COORDINATION, closed_at__year=year)


def per_municipality(cases: QuerySet[Case]) -> Counter[str]:
    return Counter(
        Subject.objects.filter(case__in=cases, is_primary=True).values_list("municipality__code", flat=True)
    )


def age_bucket(age: int | None) -> int:
    """The index in AGES_REFERRED: 0 for up to 17 ... 4 for 66 and older, 5 for unknown."""
    if age is None:
        return 5
    return sum(age > upper for upper in (17, 23, 40, 65))


def digest() -> str:
    """Case numbers, dates, statuses and every subject's name and date of birth, in one hash."""
    lines = [
        f"{n}|{received}|{status}|{closed}|{coordinator}"
        for n, received, status, closed, coordinator in Case.objects.order_by("number").values_list(
            "number", "referral__received_on", "status", "closed_at", "coordinator__username"
        )
    ]
    lines += [
        f"{s.case.number}|{s.person.full_name}|{s.person.date_of_birth}|{s.person.bsn}|{s.relation}"
        for s in Subject.objects.select_related("case", "person").order_by("case__number", "id")
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in Case.objects.order_by("number").values_list(
            "number", "legal_basis", "closure_reason", "version"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in Participant.objects.order_by("case__number", "user__username", "start_date").values_list(
            "case__number", "user__username", "role_in_case", "start_date", "end_date", "added_at"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in CaseUserObjectPermission.objects.order_by(
            "content_object__number", "user__username", "permission__codename"
        ).values_list(
            "content_object__number", "user__username", "permission__codename", "valid_from", "valid_until"
        )
    ]
    lines += [
        "|".join(str(value) for value in row)
        for row in EmergencyAccess.objects.order_by("opened_at").values_list(
            "case__number", "user__username", "opened_at", "reason", "reviewed_at"
        )
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def user(username: str) -> User:
    return User.objects.get(username=username)


def numbers(cases: QuerySet[Case]) -> set[str]:
    return set(cases.values_list("number", flat=True))


def visible_to(username: str) -> set[str]:
    return numbers(access.cases_visible_to(user(username)))


def current_participations(username: str) -> QuerySet[Participant]:
    return Participant.objects.filter(user__username=username, start_date__lte=TODAY).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=TODAY)
    )


def team_referrals() -> QuerySet[Case]:
    """The referrals the triage team sees: registered, in triage or waiting, outside the compartment."""
    return Case.objects.filter(status__in=TEAM_STATUSES).exclude(legal_basis=PARTA)


# --- The published 2023 tables -------------------------------------------------------------------


def test_2023_referrals_per_partner_match_the_published_rows() -> None:
    received = Referral.objects.filter(received_on__year=2023)
    rows = {code: [0, 0, 0] for code in PARTNERS_2023}
    for code, kind in received.values_list("referrer_partner__code", "case__kind"):
        rows[code][0] += 1
        rows[code][1 if kind == COORDINATION else 2] += 1
    assert {code: tuple(row) for code, row in rows.items()} == PARTNERS_2023
    assert received.count() == 128
    assert received.filter(case__kind=COORDINATION).count() == 65
    assert received.filter(case__kind=ADVICE).count() == 63


def test_2023_figures_per_municipality_match_the_published_rows() -> None:
    active = per_municipality(coordination_active_in(2023))
    inflow = per_municipality(coordination_inflow_in(2023))
    advice = per_municipality(Case.objects.filter(kind=ADVICE, referral__received_on__year=2023))
    closed = per_municipality(coordination_closed_in(2023))
    rows = {code: (active[code], inflow[code], advice[code], closed[code]) for code in MUNICIPALITIES_2023}
    assert rows == MUNICIPALITIES_2023
    assert (active.total(), inflow.total(), advice.total(), closed.total()) == (129, 65, 63, 54)


@pytest.mark.parametrize(
    ("year", "new", "active", "closed"),
    [
        (2023, 65, 129, 54),
        (2022, 58, 99, 35),
        # The report says 38 closed in 2021; 77 active - closed + 58 new must be the 99 active of 2022.
        (2021, 38, 77, 36),
    ],
)
def test_the_coordination_overview_matches_the_report(year: int, new: int, active: int, closed: int) -> None:
    assert coordination_inflow_in(year).count() == new
    assert coordination_active_in(year).count() == active
    assert coordination_closed_in(year).count() == closed


@pytest.mark.parametrize(("year", "coordination", "advice"), [(2023, 65, 63), (2022, 58, 41), (2021, 38, 48)])
def test_every_referral_of_the_published_years_became_coordination_or_extended_advice(
    year: int, coordination: int, advice: int
) -> None:
    received = Referral.objects.filter(received_on__year=year)
    assert received.count() == coordination + advice
    assert received.filter(case__kind=COORDINATION).count() == coordination
    assert received.filter(case__kind=ADVICE).count() == advice


def test_coordination_cases_active_in_2021_but_older_come_from_referrals_of_2019_and_2020() -> None:
    older = coordination_active_in(2021).filter(referral__received_on__lt=date(2021, 1, 1))
    assert older.count() == 77 - 38
    assert set(older.values_list("referral__received_on__year", flat=True)) == {2019, 2020}


@pytest.mark.parametrize("year", sorted(AGES_REFERRED))
def test_age_of_the_main_subject_on_the_date_received_matches_the_published_buckets(year: int) -> None:
    buckets = [0] * 6
    primaries = Subject.objects.filter(is_primary=True, case__referral__received_on__year=year)
    for subject in primaries.select_related("person", "case__referral"):
        buckets[age_bucket(subject.person.age_on(subject.case.referral.received_on))] += 1
    assert tuple(buckets) == AGES_REFERRED[year]


# --- The 2023 coordination inflow in detail ------------------------------------------------------


def test_2023_coordination_main_topics_follow_the_published_shares_rounded_to_65_cases() -> None:
    topics = Counter(coordination_inflow_in(2023).values_list("referral__main_topic__code", flat=True))
    assert topics == {
        "confused-behaviour": 19,  # 29%
        "nuisance": 18,  # 28%
        "radicalisation": 2,  # 3%
        "neighbour-dispute": 2,  # 3%
        "domestic-violence": 7,  # 11%
        "other-safety": 17,  # 26%
    }


def test_2023_coordination_problem_areas_hold_the_published_single_double_and_triple_counts() -> None:
    combinations = Counter(
        tuple(sorted(referral.problem_areas.values_list("code", flat=True)))
        for referral in Referral.objects.filter(case__in=coordination_inflow_in(2023))
    )
    assert combinations == {
        ("addiction", "ggz", "lvb"): 19,
        ("ggz", "lvb"): 5,
        ("addiction", "ggz"): 16,
        ("addiction", "lvb"): 2,
        ("ggz",): 13,
        ("lvb",): 2,
        ("addiction",): 1,
        (): 7,
    }
    areas = Counter(code for combination in combinations.elements() for code in combination)
    assert areas == {"ggz": 53, "lvb": 28, "addiction": 38}


def test_2023_coordination_cross_border_aspects_and_minors_match_the_report() -> None:
    referrals = Referral.objects.filter(case__in=coordination_inflow_in(2023)).prefetch_related(
        "cross_border"
    )
    scopes = Counter(tuple(scope.code for scope in referral.cross_border.all()) for referral in referrals)
    assert scopes == {("other-municipality",): 9, ("other-province",): 20, ("abroad",): 1, (): 35}
    assert Counter(referrals.values_list("minors_in_system", flat=True)) == {"yes": 21, "no": 44}


def test_the_nine_pga_cases_of_2023_started_before_and_closed_in_2023_in_coevorden_and_emmen() -> None:
    pga = coordination_active_in(2023).filter(intensity=Case.Intensity.PERSON_CENTRED)
    assert per_municipality(pga) == {"coevorden": 1, "emmen": 8}
    assert not pga.filter(referral__received_on__year__gte=2023).exists()
    assert pga.filter(closed_at__year=2023).count() == 9


# --- The case file as it stands today ------------------------------------------------------------


def test_today_some_accepted_coordination_cases_wait_for_a_coordinator() -> None:
    waiting = Case.objects.filter(status=CaseStatus.WAITING)
    assert 6 <= waiting.count() <= 10
    assert set(waiting.values_list("kind", flat=True)) == {COORDINATION}
    assert not waiting.filter(coordinator__isnull=False).exists()


def test_today_recent_referrals_are_still_registered_or_in_triage() -> None:
    undecided = Case.objects.filter(status__in=[CaseStatus.REGISTERED, CaseStatus.TRIAGE])
    assert undecided.exists()
    assert not undecided.filter(referral__received_on__lt=TODAY - timedelta(weeks=3)).exists()
    assert set(undecided.values_list("kind", flat=True)) == {Case.Kind.UNDECIDED}


def test_active_coordination_cases_are_spread_over_the_procesregisseurs() -> None:
    active = Case.objects.filter(kind=COORDINATION, status=CaseStatus.ACTIVE)
    assert not active.filter(coordinator__isnull=True).exists()
    per_coordinator = Counter(active.values_list("coordinator__username", flat=True))
    assert len(per_coordinator) == 4
    assert min(per_coordinator.values()) >= active.count() // 8
    assert set(User.objects.filter(username__in=per_coordinator).values_list("role", flat=True)) == {
        Role.COORDINATOR
    }


def test_referrals_were_refused_only_after_2023() -> None:
    refused = Case.objects.filter(status__in=[CaseStatus.NOT_TAKEN_UP, CaseStatus.REFERRED_BACK])
    assert refused.exists()
    assert min(refused.values_list("referral__received_on", flat=True)) >= date(2024, 1, 1)


def test_the_last_status_change_of_every_timeline_is_the_status_of_its_case() -> None:
    # Aftercare cases start with their detention notice, not a referral (tests/demo/test_demo_aftercare.py).
    for case in Case.objects.exclude(kind=Case.Kind.AFTERCARE).prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda event: (event.occurred_at, event.pk))
        changes = [event for event in events if event.kind == CaseEvent.Kind.STATUS_CHANGED]
        assert events[0].kind == CaseEvent.Kind.REFERRAL_REGISTERED
        assert (changes[-1].payload["to"] if changes else CaseStatus.REGISTERED) == case.status, case.number
        assert events[-1].occurred_at < _local_midnight(TODAY)
        assert case.updated_at == events[-1].occurred_at
        assert case.version == len(events), case.number
        assert (case.closed_at is not None) == (case.status == CaseStatus.CLOSED), case.number
        if case.status == CaseStatus.CLOSED:
            assert events[-1] == changes[-1], case.number


def test_closed_cases_have_a_reason_for_closure_and_open_ones_none() -> None:
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert not closed.filter(closure_reason="").exists()
    assert set(closed.values_list("closure_reason", flat=True)) <= set(Case.ClosureReason.values)
    assert not Case.objects.exclude(status=CaseStatus.CLOSED).exclude(closure_reason="").exists()


def test_about_half_of_the_persons_have_a_bsn_that_passes_the_elfproef_and_none_is_used_twice() -> None:
    bsns = list(Person.objects.exclude(bsn="").values_list("bsn", flat=True))
    assert 0.4 < len(bsns) / Person.objects.count() < 0.6
    assert all(bsn_is_valid(bsn) for bsn in bsns)
    assert len(set(bsns)) == len(bsns)


def test_about_a_fifth_of_the_cases_have_more_than_one_subject() -> None:
    sizes = Counter(Subject.objects.exclude(case__kind=Case.Kind.AFTERCARE).values_list("case_id", flat=True))
    share = sum(1 for size in sizes.values() if size > 1) / len(sizes)
    assert 0.12 < share < 0.3
    assert max(sizes.values()) <= 4


# --- Who sees what -------------------------------------------------------------------------------


def test_the_police_officer_sees_exactly_the_cases_he_takes_part_in_today() -> None:
    current = current_participations("politie")
    assert visible_to("politie") == numbers(Case.objects.filter(participants__in=current))
    assert 7 <= len(visible_to("politie")) <= 10
    assert set(current.values_list("case__status", flat=True)) == {CaseStatus.ACTIVE}
    assert set(current.values_list("case__coordinator__username", flat=True)) == {"regisseur"}


def test_the_police_officer_no_longer_sees_the_case_he_left_nor_yet_the_one_he_joins_next_week() -> None:
    ended = Participant.objects.get(
        user__username="politie", case__status=CaseStatus.ACTIVE, end_date__lt=TODAY
    )
    upcoming = Participant.objects.get(user__username="politie", start_date__gt=TODAY)
    assert TODAY - timedelta(days=40) <= ended.end_date
    assert upcoming.start_date <= TODAY + timedelta(days=10)
    assert ended.case.status == upcoming.case.status == CaseStatus.ACTIVE
    assert ended.case.number not in visible_to("politie")
    assert upcoming.case.number not in visible_to("politie")
    assert not CaseUserObjectPermission.objects.filter(user=ended.user, content_object=ended.case).exists()
    grant = CaseUserObjectPermission.objects.get(user=upcoming.user, content_object=upcoming.case)
    assert (grant.valid_from, grant.valid_until) == (upcoming.start_date, None)


@pytest.mark.parametrize("username", PARTNER_ACCOUNTS)
def test_every_partner_professional_sees_only_the_open_cases_he_takes_part_in_today(username: str) -> None:
    account = user(username)
    assert account.role == Role.PARTNER_PROFESSIONAL
    cases = Case.objects.filter(participants__in=current_participations(username))
    assert visible_to(username) == numbers(cases)
    assert 5 <= cases.count() <= 12
    assert set(cases.values_list("status", flat=True)) == {CaseStatus.ACTIVE}
    assert set(Participant.objects.filter(user=account).values_list("organisation", flat=True)) == {
        account.organisation_id
    }


def test_participations_in_closed_cases_ended_on_the_closing_day_and_grant_nothing() -> None:
    closed = Participant.objects.filter(case__status=CaseStatus.CLOSED).select_related("case")
    assert closed.count() >= 10
    for participant in closed:
        assert participant.end_date == timezone.localtime(participant.case.closed_at).date()
        assert participant.ended_by == participant.case.coordinator
    assert not CaseUserObjectPermission.objects.filter(content_object__status=CaseStatus.CLOSED).exists()


def test_every_participant_grant_is_what_the_access_layer_would_grant_today() -> None:
    def grants() -> set[tuple[object, ...]]:
        return set(
            CaseUserObjectPermission.objects.values_list(
                "content_object_id", "user_id", "permission__codename", "valid_from", "valid_until"
            )
        )

    before = grants()
    for participant in Participant.objects.select_related("case", "user"):
        access.participant_access_sync(case=participant.case, user=participant.user, today=TODAY)
    assert grants() == before


def test_every_participation_and_emergency_access_is_on_the_timeline_of_its_case() -> None:
    added = CaseEvent.objects.filter(kind=CaseEvent.Kind.PARTICIPANT_ADDED)
    assert sorted(added.values_list("payload__participant", flat=True)) == sorted(
        Participant.objects.values_list("pk", flat=True)
    )
    opened = CaseEvent.objects.filter(kind=CaseEvent.Kind.EMERGENCY_ACCESS)
    assert sorted(opened.values_list("payload__emergency_access", flat=True)) == sorted(
        EmergencyAccess.objects.values_list("pk", flat=True)
    )


def test_every_active_coordination_case_has_a_coordinator_and_the_demo_regisseur_a_realistic_caseload() -> (
    None
):
    assert not Case.objects.filter(status=CaseStatus.ACTIVE, coordinator__isnull=True).exists()
    assert 15 <= Case.objects.filter(status=CaseStatus.ACTIVE, coordinator=user("regisseur")).count() <= 20


def test_the_procesregisseur_sees_his_own_cases_and_the_referrals_of_the_team() -> None:
    own = Case.objects.filter(coordinator=user("regisseur"))
    assert visible_to("regisseur") == numbers(own) | numbers(team_referrals())
    assert own.filter(legal_basis=PARTA).exists()


def test_a_few_radicalisation_referrals_after_2023_fall_under_the_wet_parta() -> None:
    compartment = Case.objects.filter(legal_basis=PARTA)
    assert 2 <= compartment.count() <= 3
    assert set(compartment.values_list("referral__main_topic__code", flat=True)) == {"radicalisation"}
    assert min(compartment.values_list("referral__received_on", flat=True)) >= date(2024, 1, 1)
    assert compartment.filter(status__in=TEAM_STATUSES).exists()  # the team rule must be seen to fail
    for case in compartment.exclude(coordinator=None):
        assert case.coordinator.username == "regisseur"
        partners = case.participants.filter(user__role=Role.PARTNER_PROFESSIONAL)
        assert 1 <= partners.count() <= 2
        assert set(case.participants.values_list("legal_basis", flat=True)) == {PARTA}


def test_a_cter_case_is_seen_by_its_coordinator_and_its_participants_only() -> None:
    usernames = [row["username"] for row in profile_load()["accounts"]]
    seen_by: dict[str, set[str]] = {}
    for username in usernames:
        for number in (
            access.cases_visible_to(user(username)).filter(legal_basis=PARTA).values_list("number", flat=True)
        ):
            seen_by.setdefault(number, set()).add(username)
    for case in Case.objects.filter(legal_basis=PARTA).select_related("coordinator"):
        participants = case.participants.select_related("user")
        entitled = {p.user.username for p in participants if p.is_current_on(TODAY)}
        if case.coordinator:
            entitled.add(case.coordinator.username)
        assert seen_by.get(case.number, set()) == entitled, case.number
        assert "ondersteuner" not in entitled


def test_the_procesondersteuner_sees_the_team_referrals_but_no_cter_case_and_no_active_case() -> None:
    assert visible_to("ondersteuner") == numbers(team_referrals())
    assert not access.cases_visible_to(user("ondersteuner")).filter(legal_basis=PARTA).exists()
    assert not access.cases_visible_to(user("ondersteuner")).filter(status=CaseStatus.ACTIVE).exists()


def test_the_liaison_sees_exactly_the_referrals_in_triage_outside_the_compartment() -> None:
    in_triage = Case.objects.filter(status=CaseStatus.TRIAGE).exclude(legal_basis=PARTA)
    assert in_triage.exists()
    assert visible_to("liaison-om") == numbers(in_triage)
    grants = CaseUserObjectPermission.objects.filter(user=user("liaison-om"))
    assert set(grants.values_list("permission__codename", flat=True)) == {"view_case_on_agenda"}
    next_tuesday = TODAY + timedelta(days=(1 - TODAY.weekday()) % 7)
    for grant in grants:
        assert grant.valid_from <= TODAY <= next_tuesday <= grant.valid_until


def test_the_manager_sees_no_case_file_but_his_overview_lists_every_case_outside_the_compartment() -> None:
    manager = user("manager")
    assert not access.cases_visible_to(manager).exists()
    assert numbers(access.cases_in_overview_for(manager)) == numbers(Case.objects.exclude(legal_basis=PARTA))


def test_the_review_list_holds_the_unreviewed_emergency_accesses_of_the_last_weeks(client_for) -> None:  # type: ignore[no-untyped-def]
    pending = list(selectors.emergency_accesses(reviewed=False))
    assert 1 <= len(pending) <= 2
    for record in pending + list(selectors.emergency_accesses(reviewed=True)):
        assert record.user.role == Role.COORDINATOR
        assert record.case.coordinator != record.user
        assert not record.case.participants.filter(user=record.user).exists()
        assert record.valid_until == timezone.localtime(record.opened_at).date()
        assert TODAY - timedelta(weeks=4) <= record.valid_until < TODAY
        assert record.case.legal_basis != PARTA
    reviewed = selectors.emergency_accesses(reviewed=True).get()
    assert reviewed.reviewed_by == user("manager")
    assert reviewed.opened_at < reviewed.reviewed_at < _local_midnight(TODAY)
    assert not CaseUserObjectPermission.objects.filter(permission__codename="view_case_emergency").exists()
    page = client_for(user("manager")).get(reverse("emergency-review-list"))
    assert {record.case.number for record in page.context["page"].object_list} == {
        record.case.number for record in pending
    }


# --- Accounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_there_is_a_demo_account_for_every_role_that_logs_in_with_the_demo_password(role: Role) -> None:
    usernames = {row["username"] for row in profile_load()["accounts"]}
    account = User.objects.filter(username__in=usernames, role=role).order_by("id").first()
    assert account is not None
    assert authenticate(username=account.username, password=DEMO_PASSWORD) == account
    assert account.email.endswith("@example.org")


def test_the_functional_administrator_may_use_the_django_admin() -> None:
    administrator = User.objects.get(username="beheerder")
    assert administrator.is_staff
    assert administrator.is_superuser
    assert authenticate(username="beheerder", password=DEMO_PASSWORD) == administrator


def test_every_demo_account_has_a_confirmed_authenticator_app_whose_key_follows_from_the_seed() -> None:
    usernames = [row["username"] for row in profile_load()["accounts"]]
    devices = TOTPDevice.objects.filter(user__username__in=usernames).select_related("user")
    assert sorted(device.user.username for device in devices) == sorted(usernames)
    assert all(device.confirmed for device in devices)
    assert all(device.key == demo_totp_key(device.user.username, SEED) for device in devices)


def test_partner_accounts_belong_to_their_organisation() -> None:
    assert User.objects.get(username="liaison-om").organisation == partner("om")
    assert User.objects.get(username="politie").organisation == partner("politie")


def test_the_command_prints_the_accounts_and_their_password(demo_data: str) -> None:
    assert DEMO_PASSWORD in demo_data
    assert "regisseur" in demo_data
    assert "beheerder" in demo_data


# --- The command ---------------------------------------------------------------------------------


def test_the_same_seed_and_day_give_the_same_data() -> None:
    before = digest()
    demo_data_remove()
    demo_data_generate(seed=SEED, today=TODAY)
    assert digest() == before


def test_if_empty_leaves_a_filled_database_alone() -> None:
    before = digest()
    out = StringIO()
    call_command("demo_data", "--if-empty", f"--today={TODAY:%Y-%m-%d}", stdout=out)
    assert "already holds cases" in out.getvalue()
    assert digest() == before


def test_without_if_empty_a_filled_database_is_refused() -> None:
    with pytest.raises(CommandError, match="already holds cases"):
        call_command("demo_data", f"--today={TODAY:%Y-%m-%d}", stdout=StringIO())


def test_a_new_registration_continues_the_case_numbering(pia: User) -> None:
    last_of_2025 = Case.objects.filter(number__startswith="2025-").count()
    assert CaseNumberCounter.objects.get(year=2025).last == last_of_2025
    case = referral_register(
        by=pia,
        referral=ReferralData(
            received_on=date(2025, 6, 2),
            referrer_partner=partner("politie"),
            referrer_name="Wijkagent Bakker",
            referrer_phone="0592-123456",
            concerns="Aanhoudende overlast in de straat.",
            main_topic=main_topic("nuisance"),
            subject_informed=True,
        ),
        subjects=[
            SubjectData(first_name="Jan", last_name="Jansen", municipality=municipality(), is_primary=True)
        ],
    )
    assert case.number == f"2025-{last_of_2025 + 1:04d}"


def test_a_day_before_the_published_years_are_settled_is_refused() -> None:
    with pytest.raises(ProfileError, match="2024-02-01"):
        demo_data_create(today=date(2024, 1, 15), profile=profile_load())


def test_a_profile_whose_rows_do_not_add_up_is_refused() -> None:
    profile = copy.deepcopy(profile_load())
    profile["years"]["2023"]["referrals_per_partner"]["politie"]["coordination"] = 20
    assert any("politie" in error for error in profile_errors(profile))
    profile["years"]["2021"]["coordination"]["closed"] = 38
    assert any("2022" in error and "99" in error for error in profile_errors(profile))
