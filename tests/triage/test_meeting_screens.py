"""The screens of the triage meetings: planning, the agenda and its proposal, decisions, the liaisons'
enrichment and the feedback to the referrer.

Pia is procesondersteuner: she plans the ketenkamer, keeps its agenda and minutes its decisions.
Bram is procesregisseur: he can start on a case at once. Olaf is the OM liaison seated at the
ketenkamer; Paula is the police liaison, also seated. Vera is the Veilig Thuis liaison: Veilig Thuis
sits at the routeeroverleg, not at the ketenkamer. Otto is a second OM liaison who is not at the
meeting. Petra is a police officer without any role in triage.

Assertions are on data (case numbers, names, model state, element ids), not on interface text: the
Dutch translations are applied separately.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.access import cases_visible_to
from cases.models import Case, CaseUserObjectPermission, Referral
from cases.services import ReferralData, SubjectData, referral_register
from cases.workflow import CaseStatus
from tests.factories import UserFactory, main_topic, municipality, partner
from triage import services
from triage.models import (
    AgendaItem,
    AvePhase,
    Decision,
    Enrichment,
    Feedback,
    Meeting,
    SafetyRisk,
    WaitingListEntry,
)
from triage.services import DecisionData, decision_record, meeting_plan
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import AcceptanceCriterion, MeetingType, ProblemArea

pytestmark = pytest.mark.usefixtures("reference_data")

CONCERNS = "Escalerende burenruzie met dreiging, een vervuilde woning en zorgmijding."
SUBJECT = ("Zebulon", "Quakkelaar")  # no account in the suite has these names


# --- Building blocks (also used by test_minutes_pdf.py) --------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def ketenkamer() -> MeetingType:
    return MeetingType.objects.get(code="ketenkamer")


def register(
    by: User,
    *,
    name: tuple[str, str] = SUBJECT,
    complete: bool = True,
    hours_ago: int = 48,
    email: str = "wijkagent@example.org",
) -> Case:
    """A referral registered `hours_ago` hours ago; complete means triage can weigh it as it is."""
    referral = ReferralData(
        received_on=today() - datetime.timedelta(days=3),
        referrer_partner=partner("politie"),
        referrer_name="Wijkagent Bakker",
        referrer_phone="0592-123456",
        referrer_email=email,
        concerns=CONCERNS if complete else "Zorgen.",
        main_topic=main_topic("neighbour-dispute"),
        subject_informed=True,
        minors_in_system=Referral.MinorsInSystem.NO if complete else Referral.MinorsInSystem.UNKNOWN,
        problem_areas=list(ProblemArea.objects.filter(code="ggz")) if complete else [],
    )
    subject = SubjectData(
        first_name=name[0],
        last_name=name[1],
        municipality=municipality("emmen"),
        is_primary=True,
        date_of_birth=datetime.date(1985, 4, 12) if complete else None,
    )
    case = referral_register(by=by, referral=referral, subjects=[subject])
    Referral.objects.filter(case=case).update(
        registered_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    return case


def plan(by: User, *, day: datetime.date | None = None, liaisons: tuple[User, ...] = ()) -> Meeting:
    """A ketenkamer on `day` (today by default); its agenda is proposed as it is planned."""
    return meeting_plan(by=by, meeting_type=ketenkamer(), date=day or today(), chair=by, liaisons=liaisons)


def item_of(case: Case) -> AgendaItem:
    return AgendaItem.objects.select_related("meeting").get(case=case)


def decide(item: AgendaItem, by: User, **overrides: object) -> AgendaItem:
    """Not taken up, unless `overrides` say otherwise."""
    data = DecisionData(
        decision=Decision.NOT_TAKEN_UP,
        safety_risk=SafetyRisk.LOW,
        ave_phase=AvePhase.TWO,
        reason="Er is geen sprake van meervoudige problematiek.",
    )
    item.refresh_from_db()
    return decision_record(item=item, by=by, data=replace(data, **overrides), version=item.version)


def a_day_passes(meeting: Meeting) -> None:
    """Tomorrow, as the stored data sees it: the meeting and every grant one day further in the past."""
    one_day = datetime.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(date=F("date") - one_day, cutoff=F("cutoff") - one_day)
    CaseUserObjectPermission.objects.filter(valid_until__isnull=False).update(
        valid_from=F("valid_from") - one_day, valid_until=F("valid_until") - one_day
    )


def agenda_order(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("position", "id").values_list("case__number", flat=True))


def shown_cases(page: str, testid: str = "agenda-item") -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-case="([^"]+)"', page)


# --- Personas --------------------------------------------------------------------------------------


@pytest.fixture
def olaf(db: None) -> User:
    return UserFactory(username="olaf", first_name="Olaf", last_name="Kramer", liaison=True)


@pytest.fixture
def paula(db: None) -> User:
    return UserFactory(
        username="paula",
        first_name="Paula",
        last_name="Wester",
        role=Role.LIAISON,
        organisation=partner("politie"),
    )


@pytest.fixture
def vera(db: None) -> User:
    return UserFactory(
        username="vera",
        first_name="Vera",
        last_name="Lindeman",
        role=Role.LIAISON,
        organisation=partner("veilig-thuis"),
    )


@pytest.fixture
def otto(db: None) -> User:
    return UserFactory(username="otto", first_name="Otto", last_name="Brink", liaison=True)


# --- The list of meetings ----------------------------------------------------------------------------


def test_the_list_shows_coming_and_held_meetings_with_their_number_of_items(client_for, pia) -> None:
    register(pia)
    register(pia, name=("Ada", "Oostwoud"))
    coming = plan(pia)
    held = Meeting.objects.create(
        meeting_type=ketenkamer(),
        date=today() - datetime.timedelta(days=7),
        cutoff=services.meeting_cutoff(ketenkamer(), today() - datetime.timedelta(days=7)),
        chair=pia,
        created_by=pia,
    )

    response = client_for(pia).get(reverse("meeting-list"))

    assert response.status_code == 200
    assert [(m.pk, m.item_count) for m in response.context["ahead"]] == [(coming.pk, 2)]
    assert [m.pk for m in response.context["page"].object_list] == [held.pk]
    page = response.content.decode()
    assert f'data-testid="meeting-{coming.pk}"' in page
    assert coming.get_absolute_url() in page
    assert reverse("meeting-create") in page


def test_a_liaison_sees_only_the_meetings_he_sits_at_and_cannot_plan_one(client_for, pia, olaf) -> None:
    his = plan(pia, liaisons=(olaf,))
    other = plan(pia, day=today() + datetime.timedelta(days=7))
    client = client_for(olaf)

    listing = client.get(reverse("meeting-list"))

    assert [m.pk for m in listing.context["ahead"]] == [his.pk]
    assert reverse("meeting-create") not in listing.content.decode()
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("meeting-create")).status_code == 403


def test_someone_without_a_seat_in_triage_may_not_open_the_meetings(client_for, petra) -> None:
    assert client_for(petra).get(reverse("meeting-list")).status_code == 403


# --- Planning ----------------------------------------------------------------------------------------


def test_planning_a_meeting_puts_the_referrals_complete_by_the_cut_off_on_its_agenda(
    client_for, pia, olaf
) -> None:
    on_time = register(pia)
    late = register(pia, name=("Ada", "Oostwoud"), hours_ago=0)  # after yesterday noon

    response = client_for(pia).post(
        reverse("meeting-create"),
        {
            "meeting_type": ketenkamer().pk,
            "date": today().isoformat(),
            "chair": pia.pk,
            "liaisons": [olaf.pk],
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert agenda_order(meeting) == [on_time.number]
    assert list(meeting.liaisons.all()) == [olaf]
    late.refresh_from_db()
    assert late.status == CaseStatus.REGISTERED


def test_planning_in_the_past_is_refused_at_the_date_field(client_for, pia) -> None:
    response = client_for(pia).post(
        reverse("meeting-create"),
        {
            "meeting_type": ketenkamer().pk,
            "date": (today() - datetime.timedelta(days=1)).isoformat(),
            "chair": pia.pk,
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date"]
    assert 'id="id_date_errors"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_liaison_of_an_organisation_not_seated_at_the_meeting_is_refused_at_the_liaisons_field(
    client_for, pia, olaf, vera
) -> None:
    response = client_for(pia).post(
        reverse("meeting-create"),
        {
            "meeting_type": ketenkamer().pk,
            "date": today().isoformat(),
            "chair": pia.pk,
            "liaisons": [olaf.pk, vera.pk],
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["liaisons"]
    assert "Vera Lindeman" in errors["liaisons"][0]
    assert "Olaf Kramer" not in errors["liaisons"][0]
    assert 'id="id_liaisons_errors"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_plan_form_proposes_the_next_free_usual_day_of_the_meeting_type(client_for, pia) -> None:
    routeeroverleg = MeetingType.objects.get(code="routeeroverleg")
    client = client_for(pia)

    first = client.get(reverse("meeting-create"), {"type": routeeroverleg.pk}).context["form"].initial
    meeting_plan(by=pia, meeting_type=routeeroverleg, date=first["date"], chair=pia)
    second = client.get(reverse("meeting-create"), {"type": routeeroverleg.pk}).context["form"].initial

    assert first["meeting_type"] == routeeroverleg
    assert first["date"].weekday() == routeeroverleg.weekday
    assert 0 <= (first["date"] - today()).days < 7
    assert second["date"] == first["date"] + datetime.timedelta(days=7)
    assert first["chair"] == pia


# --- The agenda and its proposal -----------------------------------------------------------------------


def test_the_proposal_lists_complete_referrals_and_the_incomplete_ones_with_what_they_lack(
    client_for, pia
) -> None:
    meeting = plan(pia, day=today() + datetime.timedelta(days=7))  # cut-off still to come
    complete = register(pia)
    incomplete = register(pia, name=("Ada", "Oostwoud"), complete=False)

    response = client_for(pia).get(meeting.get_absolute_url())

    assert [case.number for case in response.context["complete"]] == [complete.number]
    [(case, gaps)] = response.context["incomplete"]
    assert case == incomplete
    assert len(gaps) == 4  # date of birth, problem areas, minors, concerns
    page = response.content.decode()
    assert page.count('data-testid="gap"') == 4
    assert 'data-testid="take-over-proposal"' in page


def test_taking_over_the_proposal_puts_only_the_complete_referrals_on_the_agenda(client_for, pia) -> None:
    meeting = plan(pia, day=today() + datetime.timedelta(days=7))
    complete = register(pia)
    incomplete = register(pia, name=("Ada", "Oostwoud"), complete=False)

    response = client_for(pia).post(reverse("meeting-propose", kwargs={"pk": meeting.pk}))

    assert response.status_code == 302
    assert agenda_order(meeting) == [complete.number]
    incomplete.refresh_from_db()
    assert incomplete.status == CaseStatus.REGISTERED


def test_a_referral_registered_after_the_cut_off_is_not_proposed_but_can_be_added_by_hand(
    client_for, pia
) -> None:
    meeting = plan(pia)  # today: the cut-off was yesterday at noon
    late = register(pia, hours_ago=1)
    client = client_for(pia)

    page = client.get(meeting.get_absolute_url())
    assert page.context["complete"] == []
    assert late in page.context["add_form"].fields["case"].queryset

    client.post(reverse("meeting-propose", kwargs={"pk": meeting.pk}))
    assert agenda_order(meeting) == []

    response = client.post(reverse("agenda-item-add", kwargs={"pk": meeting.pk}), {"case": late.pk})

    assert response.status_code == 302
    assert agenda_order(meeting) == [late.number]
    assert item_of(late).source == AgendaItem.Source.ADDED


def test_adding_a_referral_that_is_already_on_an_agenda_is_refused_at_the_field(client_for, pia) -> None:
    case = register(pia)
    meeting = plan(pia)
    other = plan(pia, day=today() + datetime.timedelta(days=7))

    response = client_for(pia).post(reverse("agenda-item-add", kwargs={"pk": other.pk}), {"case": case.pk})

    assert response.status_code == 200
    assert list(response.context["add_form"].errors) == ["case"]
    assert agenda_order(meeting) == [case.number]
    assert agenda_order(other) == []


def test_an_item_can_be_moved_to_a_coming_meeting(client_for, pia) -> None:
    case = register(pia)
    meeting = plan(pia)
    next_week = plan(pia, day=today() + datetime.timedelta(days=7))

    response = client_for(pia).post(
        reverse("agenda-item-move", kwargs={"pk": item_of(case).pk}), {"meeting": next_week.pk}
    )

    assert response.status_code == 302
    assert agenda_order(meeting) == []
    assert agenda_order(next_week) == [case.number]
    assert item_of(case).source == AgendaItem.Source.MOVED


def test_an_item_taken_off_the_agenda_waits_for_a_meeting_again(client_for, pia) -> None:
    case = register(pia)
    meeting = plan(pia)

    response = client_for(pia).post(reverse("agenda-item-remove", kwargs={"pk": item_of(case).pk}))

    assert response.status_code == 302
    assert agenda_order(meeting) == []
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_items_move_up_and_down_the_agenda(client_for, pia) -> None:
    first, second, third = (register(pia, name=("Ada", f"Oostwoud{n}")) for n in range(3))
    meeting = plan(pia)
    assert agenda_order(meeting) == [first.number, second.number, third.number]
    client = client_for(pia)

    client.post(reverse("agenda-item-reorder", kwargs={"pk": item_of(third).pk}), {"direction": "up"})
    assert agenda_order(meeting) == [first.number, third.number, second.number]

    # With htmx the same request answers the page, from which the agenda is swapped in.
    response = client.post(
        reverse("agenda-item-reorder", kwargs={"pk": item_of(first).pk}),
        {"direction": "down"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    assert agenda_order(meeting) == [third.number, first.number, second.number]
    assert shown_cases(response.content.decode()) == [third.number, first.number, second.number]


def test_the_agenda_shows_only_number_and_decision_of_a_case_the_user_no_longer_sees(client_for, pia) -> None:
    declined = register(pia)
    waiting = register(pia, name=("Ada", "Oostwoud"))
    meeting = plan(pia)
    decide(item_of(declined), pia)  # not taken up: the case leaves the triage team's sight

    page = client_for(pia).get(meeting.get_absolute_url()).content.decode()

    assert shown_cases(page) == [declined.number, waiting.number]
    assert "Oostwoud" in page
    assert "Quakkelaar" not in page
    assert str(Decision.NOT_TAKEN_UP.label) in page


def test_opening_the_agenda_is_logged_with_the_main_subjects_shown(client_for, pia) -> None:
    case = register(pia)
    meeting = plan(pia)

    client_for(pia).get(meeting.get_absolute_url())

    record = AuditEvent.objects.get(object_type="meeting_agenda")
    assert (record.actor, record.action, record.detail) == (pia, "R", f"meeting {meeting.pk}")
    assert list(record.subjects.values_list("person_id", flat=True)) == [case.subjects.get().person_id]


def test_the_chair_and_liaisons_can_be_changed(client_for, pia, bram, olaf, paula) -> None:
    meeting = plan(pia, liaisons=(olaf,))

    response = client_for(pia).post(
        reverse("meeting-edit", kwargs={"pk": meeting.pk}),
        {"chair": bram.pk, "liaisons": [olaf.pk, paula.pk], "version": meeting.version},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == bram
    assert set(meeting.liaisons.all()) == {olaf, paula}


def test_changing_a_meeting_someone_else_just_changed_is_refused_and_the_input_kept(
    client_for, pia, bram, olaf, paula
) -> None:
    meeting = plan(pia, liaisons=(olaf,))
    opened_at = meeting.version
    services.meeting_update(meeting=meeting, by=bram, version=opened_at, chair=bram, liaisons=[olaf])

    response = client_for(pia).post(
        reverse("meeting-edit", kwargs={"pk": meeting.pk}),
        {"chair": pia.pk, "liaisons": [paula.pk], "version": opened_at},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="conflict"' in page
    assert response.context["form"]["liaisons"].value() == [str(paula.pk)]
    assert response.context["version"] == opened_at + 1
    meeting.refresh_from_db()
    assert (meeting.chair, list(meeting.liaisons.all())) == (bram, [olaf])


# --- Decisions -------------------------------------------------------------------------------------------


def decision_form(item: AgendaItem, **fields: object) -> dict[str, object]:
    data = {
        "criteria_met": [AcceptanceCriterion.objects.get(code="area-safety").pk],
        "ave_phase": AvePhase.THREE,
        "safety_risk": SafetyRisk.HIGH,
        "considerations": "Meerdere ketens betrokken.",
        "decision": Decision.COORDINATION_TAILORED,
        "reason": "",
        "referred_to": "",
        "coordinator": "",
        "version": item.version,
    }
    return data | fields


def test_procesregie_without_a_free_procesregisseur_puts_the_case_on_the_waiting_list(
    client_for, pia
) -> None:
    case = register(pia)
    plan(pia)
    item = item_of(case)

    response = client_for(pia).post(
        reverse("agenda-item-decide", kwargs={"pk": item.pk}), decision_form(item)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback-edit", kwargs={"pk": item.pk})
    case.refresh_from_db()
    assert (case.status, case.kind, case.coordinator) == (CaseStatus.WAITING, Case.Kind.COORDINATION, None)
    entry = WaitingListEntry.objects.get(case=case)
    assert entry.safety_risk == SafetyRisk.HIGH
    item.refresh_from_db()
    assert (item.decision, item.ave_phase, item.decided_by) == (Decision.COORDINATION_TAILORED, 3, pia)


def test_procesregie_with_a_procesregisseur_starts_at_once(client_for, pia, bram) -> None:
    case = register(pia)
    plan(pia)
    item = item_of(case)

    client_for(pia).post(
        reverse("agenda-item-decide", kwargs={"pk": item.pk}), decision_form(item, coordinator=bram.pk)
    )

    case.refresh_from_db()
    assert (case.status, case.coordinator) == (CaseStatus.ACTIVE, bram)
    assert not WaitingListEntry.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"decision": Decision.NOT_TAKEN_UP}, "reason"),
        ({"decision": Decision.REFERRED_BACK, "reason": "Past bij de wijkteams."}, "referred_to"),
        ({"decision": Decision.EXTENDED_ADVICE}, "coordinator"),
        ({"criteria_met": []}, "criteria_met"),
        ({"ave_phase": ""}, "ave_phase"),
    ],
)
def test_a_decision_missing_what_it_needs_is_refused_at_the_field(client_for, pia, fields, field) -> None:
    case = register(pia)
    plan(pia)
    item = item_of(case)

    response = client_for(pia).post(
        reverse("agenda-item-decide", kwargs={"pk": item.pk}), decision_form(item, **fields)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_errors"' in response.content.decode()
    item.refresh_from_db()
    assert not item.is_decided


def test_referring_back_records_the_partner_and_tells_the_referrer(client_for, pia) -> None:
    case = register(pia)
    plan(pia)
    item = item_of(case)
    wijkteam = partner("sociaal-teams")

    client_for(pia).post(
        reverse("agenda-item-decide", kwargs={"pk": item.pk}),
        decision_form(
            item,
            decision=Decision.REFERRED_BACK,
            reason="Past bij het sociaal team.",
            referred_to=wijkteam.pk,
        ),
    )

    item.refresh_from_db()
    case.refresh_from_db()
    assert (item.referred_to, case.status) == (wijkteam, CaseStatus.REFERRED_BACK)
    assert "Past bij het sociaal team." in Feedback.objects.get(item=item).body


def test_a_decision_on_an_item_changed_in_the_meantime_is_refused_and_the_input_kept(client_for, pia) -> None:
    case = register(pia)
    plan(pia)
    item = item_of(case)
    form = decision_form(item, decision=Decision.NOT_TAKEN_UP, reason="Geen ketensamenwerking nodig.")
    AgendaItem.objects.filter(pk=item.pk).update(version=F("version") + 1)  # someone saved in between

    response = client_for(pia).post(reverse("agenda-item-decide", kwargs={"pk": item.pk}), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Geen ketensamenwerking nodig." in page
    assert response.context["version"] == item.version + 1
    item.refresh_from_db()
    assert not item.is_decided
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE


def test_no_decision_is_taken_before_the_day_of_the_meeting(client_for, pia) -> None:
    case = register(pia)
    plan(pia, day=today() + datetime.timedelta(days=7))
    item = item_of(case)

    response = client_for(pia).post(
        reverse("agenda-item-decide", kwargs={"pk": item.pk}), decision_form(item)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["decision"]
    item.refresh_from_db()
    assert not item.is_decided


def test_the_decision_page_shows_every_organisation_s_enrichment(client_for, pia, olaf, paula) -> None:
    case = register(pia)
    plan(pia, liaisons=(olaf, paula))
    item = item_of(case)
    services.enrichment_record(item=item, by=olaf, known="yes", information="Lopende strafzaak bij het OM.")
    services.enrichment_record(item=item, by=paula, known="no", information="")

    response = client_for(pia).get(reverse("agenda-item-decide", kwargs={"pk": item.pk}))

    assert {e.organisation.code for e in response.context["enrichments"]} == {"om", "politie"}
    assert "Lopende strafzaak bij het OM." in response.content.decode()


def test_a_liaison_may_not_record_decisions(client_for, pia, olaf) -> None:
    case = register(pia)
    plan(pia, liaisons=(olaf,))

    response = client_for(olaf).get(reverse("agenda-item-decide", kwargs={"pk": item_of(case).pk}))

    assert response.status_code == 403


# --- Enrichment by the liaisons ------------------------------------------------------------------------


def test_a_liaison_records_what_his_organisation_knows(client_for, pia, olaf) -> None:
    case = register(pia)
    meeting = plan(pia, liaisons=(olaf,))
    item = item_of(case)
    client = client_for(olaf)

    page = client.get(reverse("agenda-item-enrich", kwargs={"pk": item.pk}))
    response = client.post(
        reverse("agenda-item-enrich", kwargs={"pk": item.pk}),
        {"known": "yes", "information": "Lopende strafzaak.", "version": ""},
    )

    assert page.status_code == 200
    assert "Quakkelaar" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    enrichment = Enrichment.objects.get(item=item)
    assert (enrichment.organisation.code, enrichment.liaison, enrichment.known) == ("om", olaf, "yes")
    assert enrichment.information == "Lopende strafzaak."


def test_opening_an_item_to_enrich_is_logged_with_its_subjects(client_for, pia, olaf) -> None:
    case = register(pia)
    plan(pia, liaisons=(olaf,))
    item = item_of(case)

    client_for(olaf).get(reverse("agenda-item-enrich", kwargs={"pk": item.pk}))

    record = AuditEvent.objects.get(object_type="agenda_item", actor=olaf)
    assert (record.action, record.case_id, record.object_id) == ("R", case.pk, str(item.pk))
    assert list(record.subjects.values_list("person_id", flat=True)) == [case.subjects.get().person_id]


def test_a_liaison_sees_only_his_own_organisation_s_enrichment(client_for, pia, olaf, paula) -> None:
    case = register(pia)
    meeting = plan(pia, liaisons=(olaf, paula))
    item = item_of(case)
    services.enrichment_record(item=item, by=paula, known="yes", information="Drie meldingen van overlast.")
    client = client_for(olaf)

    enrich_page = client.get(reverse("agenda-item-enrich", kwargs={"pk": item.pk})).content.decode()
    agenda = client.get(meeting.get_absolute_url())

    assert "Drie meldingen van overlast." not in enrich_page
    assert "Drie meldingen van overlast." not in agenda.content.decode()
    assert [(o.code, e) for o, e in agenda.context["items"][0].enrichment_row] == [("om", None)]
    assert 'data-organisation="politie"' not in agenda.content.decode()


def test_a_liaison_not_seated_at_the_meeting_cannot_open_it_or_its_items(client_for, pia, olaf, otto) -> None:
    case = register(pia)
    meeting = plan(pia, liaisons=(olaf,))
    item = item_of(case)
    client = client_for(otto)  # OM as well, but not at this meeting

    assert client.get(reverse("agenda-item-enrich", kwargs={"pk": item.pk})).status_code == 404
    assert (
        client.post(
            reverse("agenda-item-enrich", kwargs={"pk": item.pk}), {"known": "yes", "version": ""}
        ).status_code
        == 404
    )
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert not Enrichment.objects.exists()


def test_the_liaison_s_access_ends_after_the_day_of_the_meeting(client_for, pia, olaf) -> None:
    case = register(pia)
    meeting = plan(pia, liaisons=(olaf,))
    item = item_of(case)
    client = client_for(olaf)
    assert case in cases_visible_to(olaf)
    assert "Quakkelaar" in client.get(meeting.get_absolute_url()).content.decode()

    a_day_passes(meeting)

    assert case not in cases_visible_to(olaf)
    assert client.get(reverse("agenda-item-enrich", kwargs={"pk": item.pk})).status_code == 404
    agenda = client.get(meeting.get_absolute_url()).content.decode()
    assert shown_cases(agenda) == [case.number]
    assert "Quakkelaar" not in agenda


def test_an_enrichment_a_colleague_saved_first_is_not_overwritten_and_the_input_is_kept(
    client_for, pia, olaf, otto
) -> None:
    case = register(pia)
    plan(pia, liaisons=(olaf, otto))
    item = item_of(case)
    services.enrichment_record(item=item, by=otto, known="no", information="")

    response = client_for(olaf).post(
        reverse("agenda-item-enrich", kwargs={"pk": item.pk}),
        {"known": "yes", "information": "Bekend van een taakstraf.", "version": ""},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Bekend van een taakstraf." in page
    assert response.context["version"] == 1
    enrichment = Enrichment.objects.get(item=item)
    assert (enrichment.liaison, enrichment.known) == (otto, "no")


def test_bureau_staff_do_not_enrich(client_for, pia) -> None:
    case = register(pia)
    plan(pia)

    assert (
        client_for(pia).get(reverse("agenda-item-enrich", kwargs={"pk": item_of(case).pk})).status_code == 403
    )


# --- Feedback to the referrer -----------------------------------------------------------------------------


def test_the_feedback_is_sent_once(client_for, pia, mailoutbox) -> None:
    case = register(pia)
    plan(pia)
    item = decide(item_of(case), pia)
    feedback = Feedback.objects.get(item=item)
    url = reverse("feedback-edit", kwargs={"pk": item.pk})
    client = client_for(pia)
    form = {
        "recipient": "bakker@politie.example",
        "subject": feedback.subject,
        "body": feedback.body + "\n\nMet vriendelijke groet, Pia",
        "version": feedback.version,
        "action": "send",
    }

    first = client.post(url, form)
    again = client.post(url, form | {"version": feedback.version + 1})

    assert first.status_code == 302
    assert again.status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["bakker@politie.example"]
    assert "Met vriendelijke groet, Pia" in mailoutbox[0].body
    assert case.number in mailoutbox[0].subject
    feedback.refresh_from_db()
    assert (feedback.sent_by, feedback.recipient) == (pia, "bakker@politie.example")
    assert 'data-testid="sent"' in again.content.decode()


def test_feedback_without_an_address_is_not_sent_and_the_error_is_at_the_recipient(
    client_for, pia, mailoutbox
) -> None:
    case = register(pia)
    plan(pia)
    item = decide(item_of(case), pia)
    feedback = Feedback.objects.get(item=item)

    response = client_for(pia).post(
        reverse("feedback-edit", kwargs={"pk": item.pk}),
        {
            "recipient": "",
            "subject": feedback.subject,
            "body": feedback.body,
            "version": feedback.version,
            "action": "send",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["recipient"]
    assert 'id="id_recipient_errors"' in response.content.decode()
    assert mailoutbox == []
    feedback.refresh_from_db()
    assert feedback.sent_at is None


def test_the_feedback_text_can_be_edited_before_it_is_sent(client_for, pia, mailoutbox) -> None:
    case = register(pia)
    plan(pia)
    item = decide(item_of(case), pia)
    feedback = Feedback.objects.get(item=item)

    client_for(pia).post(
        reverse("feedback-edit", kwargs={"pk": item.pk}),
        {
            "recipient": feedback.recipient,
            "subject": feedback.subject,
            "body": "Een aangepaste tekst.",
            "version": feedback.version,
            "action": "save",
        },
    )

    feedback.refresh_from_db()
    assert (feedback.body, feedback.sent_at) == ("Een aangepaste tekst.", None)
    assert mailoutbox == []


def test_the_letter_to_print_holds_the_feedback_and_no_subject(client_for, pia) -> None:
    case = register(pia)
    plan(pia)
    item = decide(item_of(case), pia)

    response = client_for(pia).get(reverse("feedback-letter", kwargs={"pk": item.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page
    assert "Wijkagent Bakker" in page
    assert "Quakkelaar" not in page


# --- Queries --------------------------------------------------------------------------------------------


def test_the_agenda_page_costs_the_same_number_of_queries_for_3_and_for_30_items(
    client_for, pia, olaf
) -> None:
    register(pia, name=("Ada", "Oostwoud"), complete=False)  # listed as incomplete on both pages
    client = client_for(pia)

    def agenda_with(items: int, weeks_ahead: int) -> Meeting:
        cases = [register(pia, name=("Ada", f"Oostwoud{n}")) for n in range(items)]
        meeting = plan(pia, day=today() + datetime.timedelta(weeks=weeks_ahead), liaisons=(olaf,))
        services.enrichment_record(item=item_of(cases[0]), by=olaf, known="yes", information="Bekend.")
        return meeting

    def queries_for(meeting: Meeting) -> int:
        client.get(meeting.get_absolute_url())  # warm-up: the house name is cached after the first page
        with CaptureQueriesContext(connection) as context:
            response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        return len(context.captured_queries)

    small = agenda_with(3, weeks_ahead=1)
    small_queries = queries_for(small)
    busy = agenda_with(30, weeks_ahead=2)

    assert len(agenda_order(busy)) == 30
    assert queries_for(busy) == small_queries
