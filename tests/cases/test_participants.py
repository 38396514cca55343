"""Participants: the procesregisseur invites partner professionals into his case for a period.

Bram is procesregisseur of the case; Petra (police) is invited; Ines (GGZ) is not.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import access, services
from cases.models import CaseEvent, Participant
from cases.workflow import CaseStatus
from tests.factories import UserFactory, referral_case
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case(bram):  # type: ignore[no-untyped-def]
    return referral_case(status=CaseStatus.ACTIVE, coordinator=bram)


def visible(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(access.cases_visible_to(user).values_list("pk", flat=True))


def test_adding_a_participant_on_the_case_page_gives_him_this_case_and_nothing_else(
    client_for, bram, petra, case
) -> None:
    other = referral_case(status=CaseStatus.ACTIVE, coordinator=bram)
    response = client_for(bram).post(
        reverse("participant-add", kwargs={"pk": case.pk}),
        {
            "user": petra.pk,
            "role_in_case": "wijkagent",
            "start_date": TODAY.isoformat(),
            "legal_basis": "wgs",
        },
    )
    assert response.status_code == 302
    assert visible(petra) == {case.pk}
    assert other.pk not in visible(petra)
    page = client_for(bram).get(case.get_absolute_url()).content.decode()
    assert "Deelnemer toegevoegd" in page
    assert "wijkagent" in page
    assert AuditEvent.objects.filter(object_type="participant", action="C", actor=bram).exists()


def test_access_runs_from_the_start_to_the_end_date_inclusive(bram, petra, case) -> None:
    services.participant_add(
        case=case,
        by=bram,
        user=petra,
        role_in_case="wijkagent",
        start_date=TODAY + DAY,
        end_date=TODAY + 3 * DAY,
    )
    assert case.pk not in visible(petra)
    grant = case.user_grants.get(user=petra)
    assert (grant.valid_from, grant.valid_until) == (TODAY + DAY, TODAY + 3 * DAY)
    grant.valid_from = TODAY - DAY
    grant.save()
    assert case.pk in visible(petra)
    grant.valid_until = TODAY - DAY
    grant.save()
    assert case.pk not in visible(petra)


def test_ending_a_participation_ends_access_and_is_on_the_timeline(client_for, bram, petra, case) -> None:
    participant = services.participant_add(
        case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY - 5 * DAY
    )
    assert case.pk in visible(petra)
    response = client_for(bram).post(
        reverse("participant-end", kwargs={"pk": case.pk, "participant_pk": participant.pk}),
        {"end_date": (TODAY - DAY).isoformat()},
    )
    assert response.status_code == 302
    assert case.pk not in visible(petra)
    assert client_for(petra).get(case.get_absolute_url()).status_code == 404
    assert case.events.filter(kind=CaseEvent.Kind.PARTICIPANT_ENDED).exists()


def test_closing_the_case_ends_every_participation_and_every_grant(bram, petra, case) -> None:
    services.participant_add(case=case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY - DAY)
    liaison = UserFactory(liaison=True)
    access.liaison_access_grant(case=case, user=liaison, valid_from=TODAY, valid_until=TODAY + DAY)
    services.case_close(case=case, by=bram, reason="goal_achieved")
    assert case.pk not in visible(petra)
    assert case.pk not in visible(liaison)
    assert Participant.objects.get(case=case, user=petra).end_date == TODAY
    assert case.pk in visible(bram)  # the procesregisseur keeps his own closed case


def test_invalid_participations_are_refused_at_the_field_in_dutch(client_for, bram, petra, case) -> None:
    url = reverse("participant-add", kwargs={"pk": case.pk})
    data = {"user": petra.pk, "role_in_case": "wijkagent", "legal_basis": "wgs"}
    response = client_for(bram).post(
        url, data | {"start_date": TODAY.isoformat(), "end_date": (TODAY - DAY).isoformat()}
    )
    assert response.context["form"].errors["end_date"] == ["De einddatum kan niet voor de begindatum liggen."]
    client_for(bram).post(url, data | {"start_date": TODAY.isoformat()})
    response = client_for(bram).post(url, data | {"start_date": TODAY.isoformat()})
    assert response.context["form"].errors["user"] == [
        "Deze persoon neemt in deze periode al deel aan de casus."
    ]
    assert Participant.objects.filter(case=case).count() == 1


def test_only_the_procesregisseur_or_the_triage_team_may_manage_participants(
    bram, carla_coordinator, petra, case
) -> None:
    with pytest.raises(PermissionError):
        services.participant_add(
            case=case, by=carla_coordinator, user=petra, role_in_case="x", start_date=TODAY
        )
    triage_case = referral_case(status=CaseStatus.TRIAGE)
    services.participant_add(
        case=triage_case, by=carla_coordinator, user=petra, role_in_case="x", start_date=TODAY
    )
    assert triage_case.pk in visible(petra)


def test_a_closed_case_takes_no_new_participants(bram, petra, case) -> None:
    services.case_close(case=case, by=bram, reason="handed_over")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.participant_add(case=case, by=bram, user=petra, role_in_case="x", start_date=TODAY)


@pytest.fixture
def carla_coordinator(db):  # type: ignore[no-untyped-def]
    from zvhd.accounts.models import Role

    return UserFactory(username="carla", role=Role.COORDINATOR)
