"""Scoping a list costs the same number of queries whether a user may see 5 or 5,000 cases.

Petra (police) takes part in a growing number of cases; Pia's team list grows likewise.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.access import Grounds
from cases.models import Case, CaseUserObjectPermission, Participant
from tests.cases.test_referral_list import bulk_referrals, statistics_refresh

pytestmark = pytest.mark.django_db


def take_part_in_all_cases_not_yet_joined(user) -> None:  # type: ignore[no-untyped-def]
    """Bulk participations with their grants, as participant_access_sync would write them."""
    joined = Participant.objects.filter(user=user).values("case_id")
    cases = list(Case.objects.exclude(pk__in=joined))
    start = timezone.localdate() - datetime.timedelta(days=1)
    Participant.objects.bulk_create(
        Participant(
            case=case,
            user=user,
            organisation=user.organisation,
            role_in_case="wijkagent",
            start_date=start,
            added_by=user,
        )
        for case in cases
    )
    permission = Permission.objects.get(codename=Grounds.PARTICIPANT.value)
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=user, permission=permission, content_object=case, valid_from=start)
        for case in cases
    )
    statistics_refresh()


def queries(client, url: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        count = client.get(url).json()["count"]
    return count, len(captured)


def test_the_partners_case_list_needs_as_many_queries_for_5_as_for_5000_cases(pia, petra) -> None:
    client = APIClient()
    client.force_authenticate(petra)
    bulk_referrals(5, pia)
    take_part_in_all_cases_not_yet_joined(petra)
    five = queries(client, reverse("api-case-list"))
    bulk_referrals(4995, pia)
    take_part_in_all_cases_not_yet_joined(petra)
    many = queries(client, reverse("api-case-list"))
    assert (five[0], many[0]) == (5, 5000)
    assert five[1] == many[1]


def test_the_team_list_needs_as_many_queries_for_5_as_for_5000_referrals(pia, client_for) -> None:
    client = client_for(pia)
    bulk_referrals(5, pia)
    client.get(reverse("referral-list"))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("referral-list"))
    bulk_referrals(4995, pia)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("referral-list"))
    assert response.context["page"].paginator.count == 5000
    assert len(five) == len(many)
