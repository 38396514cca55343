"""The authorisation matrix (WGS need-to-know): every persona, every case relation, every endpoint.

The world, explained once:
- Pia is procesondersteuner; Bram and Carla are procesregisseurs; Chris is the procesregisseur of the
  cter case; Mirjam is the manager.
- Lisa is the OM liaison; the referral in triage is on her ketenkamer's agenda this week.
- Petra (police) takes part in Bram's active case now; Peter's participation there ended yesterday;
  Paul's starts tomorrow. Ines (GGZ) takes part in nothing.
- Olga (police) takes part in the cter case (Wet parta), which only she and Chris may see.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import access
from cases.models import Case, Participant
from cases.workflow import CaseStatus
from tests.factories import UserFactory, partner, referral_case
from zvhd.accounts.models import Role
from zvhd.audit.models import AuditEvent, LegalBasis

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

EXPECTED: dict[str, set[str]] = {
    "pia": {"registered", "triage", "waiting"},
    "bram": {"registered", "triage", "waiting", "active_bram", "closed_bram"},
    "carla": {"registered", "triage", "waiting", "active_carla"},
    "chris": {"registered", "triage", "waiting", "cter"},
    "mirjam": set(),
    "lisa": {"triage"},
    "petra": {"active_bram"},
    "peter": set(),
    "paul": set(),
    "ines": set(),
    "olga": {"cter"},
}
# The manager's overview lists the non-personal columns of every case outside the cter compartment.
OVERVIEW = {"registered", "triage", "waiting", "active_bram", "active_carla", "closed_bram"}
REFERRAL_LIST_ROLES = {Role.SUPPORT_OFFICER, Role.COORDINATOR}


def participant(case: Case, user, start: datetime.date, end: datetime.date | None) -> None:  # type: ignore[no-untyped-def]
    Participant.objects.create(
        case=case,
        user=user,
        organisation=user.organisation,
        role_in_case="betrokkene",
        start_date=start,
        end_date=end,
        added_by=user,
    )
    access.participant_access_sync(case=case, user=user)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    people = {
        "pia": UserFactory(username="pia", role=Role.SUPPORT_OFFICER),
        "bram": UserFactory(username="bram", role=Role.COORDINATOR),
        "carla": UserFactory(username="carla", role=Role.COORDINATOR),
        "chris": UserFactory(username="chris", role=Role.COORDINATOR),
        "mirjam": UserFactory(username="mirjam", role=Role.MANAGER),
        "lisa": UserFactory(username="lisa", liaison=True),
        "petra": UserFactory(username="petra", partner_professional=True),
        "peter": UserFactory(username="peter", partner_professional=True),
        "paul": UserFactory(username="paul", partner_professional=True),
        "ines": UserFactory(
            username="ines", role=Role.PARTNER_PROFESSIONAL, organisation=partner("ggz-drenthe")
        ),
        "olga": UserFactory(username="olga", partner_professional=True),
    }
    cases = {
        "registered": referral_case(number="M-1"),
        "triage": referral_case(number="M-2", status=CaseStatus.TRIAGE),
        "waiting": referral_case(number="M-3", status=CaseStatus.WAITING, kind=Case.Kind.COORDINATION),
        "active_bram": referral_case(number="M-4", status=CaseStatus.ACTIVE, coordinator=people["bram"]),
        "active_carla": referral_case(number="M-5", status=CaseStatus.ACTIVE, coordinator=people["carla"]),
        "closed_bram": referral_case(number="M-6", closed=True, coordinator=people["bram"]),
        "cter": referral_case(
            number="M-7", status=CaseStatus.TRIAGE, legal_basis=LegalBasis.PARTA, coordinator=people["chris"]
        ),
    }
    access.liaison_access_grant(
        case=cases["triage"], user=people["lisa"], valid_from=TODAY, valid_until=TODAY + 2 * DAY
    )
    participant(cases["active_bram"], people["petra"], TODAY - 10 * DAY, None)
    participant(cases["active_bram"], people["peter"], TODAY - 30 * DAY, TODAY - DAY)
    participant(cases["active_bram"], people["paul"], TODAY + DAY, None)
    participant(cases["cter"], people["olga"], TODAY - DAY, None)
    return people, cases


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def numbers(cases: dict[str, Case], keys: set[str]) -> set[str]:
    return {cases[key].number for key in keys}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_persona_sees_exactly_the_cases_he_needs_everywhere(world, client_for, persona: str) -> None:
    people, cases = world
    user = people[persona]
    visible = numbers(cases, EXPECTED[persona])
    web = client_for(user)
    checked = 0

    # Lists: the access layer, the API case list and, for the triage team, the referral list and its API.
    assert set(access.cases_visible_to(user).values_list("number", flat=True)) == visible
    assert {row["number"] for row in api(user).get(reverse("api-case-list")).json()["results"]} == visible
    checked += 2
    for url, list_numbers in (
        (reverse("referral-list"), lambda r: {c.number for c in r.context["page"].object_list}),
        (reverse("api-referral-list"), lambda r: {row["number"] for row in r.json()["results"]}),
    ):
        response = (web if "api" not in url else api(user)).get(url)
        checked += 1
        if user.role in REFERRAL_LIST_ROLES:
            assert list_numbers(response) == visible
        else:
            assert response.status_code == 403

    # The overview export: managers only, never the cter compartment.
    response = web.get(reverse("case-overview"), {"format": "csv"})
    checked += 1
    if user.role == Role.MANAGER:
        exported = {line.split(";")[0] for line in response.content.decode("utf-8-sig").splitlines()[1:]}
        assert exported == numbers(cases, OVERVIEW)
    else:
        assert response.status_code == 403

    # Every case, one by one: the page, the API detail, the referral form.
    for key, case in cases.items():
        allowed = key in EXPECTED[persona]
        page = web.get(case.get_absolute_url())
        detail = api(user).get(reverse("api-case-detail", kwargs={"pk": case.pk}))
        assert page.status_code == (200 if allowed else 404), (persona, key)
        assert detail.status_code == (200 if allowed else 404), (persona, key)
        if not allowed:
            assert case.referral.referrer_name not in page.content.decode()
        edit = web.get(reverse("referral-edit", kwargs={"pk": case.pk}))
        if user.role not in REFERRAL_LIST_ROLES:
            assert edit.status_code == 403
        elif not allowed:
            assert edit.status_code == 404
        checked += 3
    assert checked == 4 + 1 + 3 * len(cases)


@pytest.mark.parametrize("persona", ["petra", "peter", "ines", "mirjam", "carla", "lisa"])
def test_a_refused_change_changes_nothing_and_is_logged_as_denied(world, client_for, persona: str) -> None:
    people, cases = world
    user, case = people[persona], cases["active_bram"]
    before = (Participant.objects.count(), case.referral.referrer_name, case.version)
    web = client_for(user)

    add = web.post(
        reverse("participant-add", kwargs={"pk": case.pk}),
        {
            "user": people["ines"].pk,
            "role_in_case": "x",
            "start_date": TODAY.isoformat(),
            "legal_basis": "wgs",
        },
    )
    edit = web.post(reverse("referral-edit", kwargs={"pk": case.pk}), {"referrer_name": "Gewijzigd"})

    assert add.status_code in (403, 404)
    assert edit.status_code in (403, 404)
    case.refresh_from_db()
    case.referral.refresh_from_db()
    assert (Participant.objects.count(), case.referral.referrer_name, case.version) == before
    assert AuditEvent.objects.filter(actor=user, result="denied").exists()


def test_search_and_counts_never_reveal_the_cter_compartment(world, client_for) -> None:
    people, cases = world
    name = cases["cter"].subjects.get().person.last_name
    for persona in ("pia", "bram"):
        response = client_for(people[persona]).get(reverse("referral-list"), {"search": name})
        assert cases["cter"].number not in response.content.decode()
        assert response.context["page"].paginator.count == sum(
            1 for key in EXPECTED[persona] if cases[key].subjects.get().person.last_name == name
        )
    olga = api(people["olga"]).get(reverse("api-case-list")).json()
    assert [row["number"] for row in olga["results"]] == [cases["cter"].number]
