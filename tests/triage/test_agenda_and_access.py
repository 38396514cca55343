"""The ketenkamer's agenda and who may see its referrals (privacy.md §1: a liaison sees the referrals
on his meeting's agenda only, until the meeting).

Pia is procesondersteuner and plans the ketenkamer. Olaf is the OM liaison seated at it; Gert is the
police liaison, not seated at this week's meeting.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.access import cases_visible_to
from tests.factories import UserFactory, partner
from tests.triage.builders import complete_referral, decide, ketenkamer
from triage import services
from triage.models import AgendaItem, Decision, Feedback, WaitingListEntry
from triage.selectors import agenda_candidates

pytestmark = pytest.mark.usefixtures("reference_data")

TODAY = timezone.localdate()


@pytest.fixture
def olaf(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="olaf", liaison=True)  # organisation: Openbaar Ministerie


@pytest.fixture
def gert(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="gert", role="liaison", organisation=partner("politie"))


def visible(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(cases_visible_to(user).values_list("pk", flat=True))


def test_planning_proposes_every_complete_referral_and_leaves_incomplete_ones_out(pia) -> None:
    complete = complete_referral(pia)
    incomplete = complete_referral(pia, problem_areas=[], minors_in_system="unknown")

    meeting = ketenkamer(pia)

    assert list(meeting.items.values_list("case_id", flat=True)) == [complete.pk]
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert (complete.status, incomplete.status) == ("triage", "registered")
    _complete, waiting = agenda_candidates(user=pia, meeting=meeting)
    assert [(case.pk, len(gaps)) for case, gaps in waiting] == [(incomplete.pk, 2)]  # problem areas, minors


def test_a_referral_registered_after_the_cut_off_waits_for_the_next_meeting(pia) -> None:
    tuesday = TODAY + datetime.timedelta(days=7)
    meeting = ketenkamer(pia, day=tuesday)
    late = complete_referral(pia)
    meeting.cutoff = timezone.now() - datetime.timedelta(minutes=1)
    meeting.save()
    late.referral.registered_at = timezone.now()
    late.referral.save()

    assert services.agenda_propose(meeting=meeting, by=pia) == []
    assert not AgendaItem.objects.filter(case=late).exists()


def test_a_liaison_seated_at_the_meeting_sees_its_referrals_until_the_meeting_day(pia, olaf, gert) -> None:
    case = complete_referral(pia)
    other = complete_referral(pia)
    meeting = ketenkamer(pia, liaisons=[olaf])
    services.agenda_remove(item=meeting.items.get(case=other), by=pia)

    assert visible(olaf) == {case.pk}
    assert visible(gert) == set()


def test_a_liaison_loses_sight_of_an_item_taken_off_the_agenda(pia, olaf) -> None:
    case = complete_referral(pia)
    meeting = ketenkamer(pia, liaisons=[olaf])
    services.agenda_remove(item=meeting.items.get(case=case), by=pia)
    assert visible(olaf) == set()
    case.refresh_from_db()
    assert case.status == "registered"


def test_changing_the_liaisons_present_changes_who_sees_the_agenda(pia, olaf, gert) -> None:
    case = complete_referral(pia)
    meeting = ketenkamer(pia, liaisons=[olaf])
    services.meeting_update(meeting=meeting, by=pia, version=meeting.version, chair=pia, liaisons=[gert])
    assert visible(olaf) == set()
    assert visible(gert) == {case.pk}


def test_a_liaison_of_an_organisation_not_seated_at_the_table_cannot_be_invited(pia) -> None:
    veilig_thuis = UserFactory(role="liaison", organisation=partner("veilig-thuis"))
    with pytest.raises(ValidationError) as error:
        ketenkamer(pia, liaisons=[veilig_thuis])
    assert "liaisons" in error.value.message_dict


def test_the_liaisons_grant_ends_on_the_meeting_day(pia, olaf) -> None:
    tuesday = TODAY + datetime.timedelta(days=1)
    case = complete_referral(pia)
    ketenkamer(pia, day=tuesday, liaisons=[olaf])
    grant = olaf.caseuserobjectpermission_set.get(content_object=case)
    assert (grant.valid_from, grant.valid_until) == (TODAY, tuesday)


def test_only_a_liaison_seated_at_the_meeting_can_enrich_and_only_for_his_organisation(
    pia, olaf, gert
) -> None:
    complete_referral(pia)
    item = ketenkamer(pia, liaisons=[olaf]).items.get()

    enrichment = services.enrichment_record(
        item=item, by=olaf, known="yes", information="Lopende zaak bij het OM."
    )
    assert enrichment.organisation == partner("om")
    with pytest.raises(PermissionError):
        services.enrichment_record(item=item, by=gert, known="no", information="")
    with pytest.raises(services.ConcurrentEditError):  # his colleague changed it meanwhile
        services.enrichment_record(
            item=item, by=olaf, known="no", information="", version=enrichment.version - 1
        )


@pytest.mark.parametrize(
    ("decision", "extra", "status", "kind", "waiting"),
    [
        (Decision.COORDINATION_TAILORED, {}, "waiting", "coordination", True),
        (Decision.COORDINATION_PGA, {"coordinator": "bram"}, "active", "coordination", False),
        (Decision.EXTENDED_ADVICE, {"coordinator": "bram"}, "active", "extended_advice", False),
        (
            Decision.NOT_TAKEN_UP,
            {"reason": "Geen ketenoverstijgende problematiek."},
            "not_taken_up",
            "undecided",
            False,
        ),
        (
            Decision.REFERRED_BACK,
            {"reason": "Past bij de wijkaanpak.", "referred_to": "sociaal-teams"},
            "referred_back",
            "undecided",
            False,
        ),
    ],
)
def test_the_decision_sets_the_cases_kind_and_status_and_writes_the_feedback(
    pia, bram, decision: str, extra: dict, status: str, kind: str, waiting: bool
) -> None:
    case = complete_referral(pia)
    item = ketenkamer(pia).items.get()
    if "coordinator" in extra:
        extra["coordinator"] = bram
    if "referred_to" in extra:
        extra["referred_to"] = partner(extra["referred_to"])

    decide(item, pia, decision, **extra)

    case.refresh_from_db()
    assert (case.status, case.kind) == (status, kind)
    assert case.decided_on == item.meeting.date  # the figures count the case in the year of this day
    assert WaitingListEntry.objects.filter(case=case).exists() is waiting
    feedback = Feedback.objects.get(case=case)
    assert case.number in feedback.subject
    assert case.number in feedback.body
    assert "Hoekstra" not in feedback.body  # the message names no subject
    assert case.events.filter(kind="triage_decided").exists()


def test_procesregie_needs_the_acceptance_criteria(pia) -> None:
    complete_referral(pia)
    item = ketenkamer(pia).items.get()
    with pytest.raises(ValidationError) as error:
        decide(item, pia, Decision.COORDINATION_TAILORED, criteria_met=[])
    assert "criteria_met" in error.value.message_dict


def test_decisions_are_not_taken_before_the_meeting_day(pia) -> None:
    complete_referral(pia)
    item = ketenkamer(pia, day=TODAY + datetime.timedelta(days=1)).items.get()
    with pytest.raises(ValidationError) as error:
        decide(item, pia)
    assert "decision" in error.value.message_dict


def test_a_decision_based_on_an_old_version_of_the_item_is_refused(pia) -> None:
    case = complete_referral(pia)
    item = ketenkamer(pia).items.get()
    services.agenda_reorder(item=item, up=True)
    stale = item.version
    AgendaItem.objects.filter(pk=item.pk).update(version=stale + 1)
    with pytest.raises(services.ConcurrentEditError):
        services.decision_record(
            item=item,
            by=pia,
            data=services.DecisionData(
                decision=Decision.NOT_TAKEN_UP, safety_risk="low", ave_phase=1, reason="x"
            ),
            version=stale,
        )
    case.refresh_from_db()
    assert case.status == "triage"


def test_feedback_is_sent_once_by_email(pia, mailoutbox) -> None:
    complete_referral(pia)
    item = ketenkamer(pia).items.get()
    decide(item, pia, Decision.NOT_TAKEN_UP, reason="Geen meervoudige problematiek.")
    feedback = Feedback.objects.get(item=item)

    services.feedback_send(feedback=feedback, by=pia)

    assert [message.to for message in mailoutbox] == [["bakker@politie.example"]]
    assert "Geen meervoudige problematiek." in mailoutbox[0].body
    with pytest.raises(ValidationError):
        services.feedback_send(feedback=feedback, by=pia)
    assert len(mailoutbox) == 1
