"""Advice: anonymous advice without personal data, the information desk's contact moments, the year's
counts, and concluding a case handled as extended advice.

Bram is procesregisseur and gives the extended advice on his case; Pia (procesondersteuner) records
anonymous advice and contact moments too; Kees is another procesregisseur, not on Bram's case; Mirjam
(manager) and Petra (police) may not use the advice screens at all.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import advice, services
from cases.advice import PersonalData
from cases.forms_advice import AnonymousAdviceForm
from cases.models import AnonymousAdvice, Case, CaseEvent, InformationContact, Referral
from cases.workflow import CaseStatus
from tests.factories import UserFactory, days_ago, main_topic, municipality, partner, referral_case
from tests.triage.builders import complete_referral, decide, ketenkamer
from triage.models import Decision
from zvhd.accounts.models import Role
from zvhd.audit.models import AuditEvent, LegalBasis

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DETECTION_DAY = datetime.date(2026, 11, 23)  # two-digit years are read relative to this day


@pytest.fixture
def kees(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="kees", role=Role.COORDINATOR)


@pytest.fixture
def advice_case(bram):  # type: ignore[no-untyped-def]
    return referral_case(status=CaseStatus.ACTIVE, kind=Case.Kind.EXTENDED_ADVICE, coordinator=bram)


# --- The detector -----------------------------------------------------------------------------------

BSN, BIRTH, NAME = PersonalData.BSN, PersonalData.DATE_OF_BIRTH, PersonalData.NAME


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # BSN: 9 digits that pass the elfproef, however they are written
        ("BSN 111222333", BSN),
        ("zijn bsn is 123456782.", BSN),
        ("1112 22 333", BSN),
        ("111.222.333", BSN),
        ("111-222-333", BSN),
        ("in 2023 123456782 gemeld", BSN),
        ("nummer 123456789", None),  # 9 digits, but the elfproef fails
        ("12345678", None),
        ("1234567890", None),
        # phone numbers are not BSNs
        ("bel 06-12345678", None),
        ("0592 123456", None),
        ("+31 6 12345678", None),
        ("0031 6 12345678", None),
        ("tel. 0592-123456, fax 0592 654321", None),
        # complete past dates may be dates of birth
        ("geboren 12-03-1980", BIRTH),
        ("3/4/85", BIRTH),
        ("1.5.1990", BIRTH),
        ("1980-03-12", BIRTH),
        ("12 maart 1980", BIRTH),
        ("3 mrt. '85", BIRTH),
        ("1e januari 2001", BIRTH),
        ("31-02-1980", None),  # no such day
        ("zitting op 12-12-2030", None),  # in the future: not a date of birth
        ("geboren in maart 1980", None),  # month and year do not identify
        ("sinds 1980", None),
        # names after a label or a title
        ("naam: Jansen", NAME),
        ("Naam: piet", NAME),
        ("naam: onbekend", None),
        ("zijn naam is Henk", NAME),
        ("de naam is bekend bij de politie", None),
        ("genaamd Kees", NAME),
        ("roepnaam “Sjonnie”", NAME),
        ("hij heet Henk", NAME),
        ("dhr. Jansen", NAME),
        ("dhr Jansen", NAME),
        ("mevr. de Vries", NAME),
        ("mevrouw van der Berg", NAME),
        ("meneer Yilmaz", NAME),
        ("de heer J. Bakker", NAME),
        ("mw. Bakker", NAME),
        ("MW Emmen vraagt advies", None),  # maatschappelijk werk
        ("een mevrouw van GGZ belde", None),
        ("Ik sprak een meneer. Hij was boos.", None),
        ("Meneer is boos op de buren", None),
        # descriptions that must pass
        ("een man van rond de 40 uit Emmen", None),
        ("GGZ-cliënt met 3 kinderen", None),
        ("2023: 119 trajecten, 63 casussen", None),
        ("vrouw, 34 jaar, schulden van 12.500 euro", None),
    ],
)
def test_the_detector_finds_identifying_data_and_lets_descriptions_pass(text: str, found: str | None) -> None:
    finding = advice.personal_data_found(text, today=DETECTION_DAY)
    assert (finding.kind if finding else None) == found


def test_the_detector_reports_every_kind_of_data_it_found_with_the_fragment() -> None:
    findings = advice.personal_data_findings("dhr. Jansen, bsn 111222333", today=DETECTION_DAY)
    assert [(finding.kind, finding.fragment) for finding in findings] == [
        (BSN, "111222333"),
        (NAME, "dhr. Jansen"),
    ]


def test_the_detector_can_be_limited_to_some_kinds_of_data() -> None:
    only_numbers = frozenset({BSN, BIRTH})
    assert advice.personal_data_found("dhr. Jansen van de wijk", kinds=only_numbers) is None
    assert advice.personal_data_found("dhr. Jansen, 111222333", kinds=only_numbers).kind == BSN


# --- Anonymous advice -------------------------------------------------------------------------------


def _record(by, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "asked_on": TODAY,
        "partner": partner("politie"),
        "question": "Een man van rond de 40 uit Emmen weigert zorg; hoe pakken we dit op?",
        "advice": "Wijkagent en GGZ samen op huisbezoek; bij escalatie aanmelden.",
    }
    return advice.anonymous_advice_record(by=by, **(fields | overrides))


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("question", "Zorgen om dhr. Jansen, hij dreigt de buren."),
        ("question", "Cliënt met BSN 111222333 weigert hulp."),
        ("advice", "Meld mevrouw, geboren 12-03-1980, aan bij Veilig Thuis."),
    ],
)
def test_anonymous_advice_with_personal_data_is_refused_at_the_field_and_nothing_is_saved(
    pia, field: str, text: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(pia, **{field: text})
    assert list(refused.value.message_dict) == [field]
    assert not AnonymousAdvice.objects.exists()


def test_anonymous_advice_cannot_be_dated_in_the_future(pia) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(pia, asked_on=TODAY + datetime.timedelta(days=1))
    assert list(refused.value.message_dict) == ["asked_on"]
    assert not AnonymousAdvice.objects.exists()


def test_anonymous_advice_is_recorded_without_any_trace_in_a_case_or_the_access_log(pia) -> None:
    record = _record(pia, municipality=municipality("emmen"), main_topic=main_topic(), minutes_spent=30)
    assert (record.given_by, record.minutes_spent, record.municipality.code) == (pia, 30, "emmen")
    assert not CaseEvent.objects.exists()
    assert not AuditEvent.objects.filter(object_type__icontains="advice").exists()


def test_the_advice_form_has_no_field_for_a_name_bsn_or_date_of_birth(client_for, pia) -> None:
    fields = set(AnonymousAdviceForm().fields)
    assert fields == {
        "asked_on",
        "partner",
        "channel",
        "municipality",
        "main_topic",
        "question",
        "advice",
        "minutes_spent",
    }
    page = client_for(pia).get(reverse("advice")).content.decode()
    inputs = re.findall(r'name="advies-([^"]+)"', page)
    assert set(inputs) == fields
    assert not [name for name in inputs if re.search("name|bsn|birth|born", name)]


def test_the_screen_shows_the_refusal_at_the_field_and_keeps_the_text(client_for, pia) -> None:
    response = client_for(pia).post(
        reverse("anonymous-advice-create"),
        {
            "advies-asked_on": TODAY.isoformat(),
            "advies-partner": partner("politie").pk,
            "advies-channel": "phone",
            "advies-question": "Zorgen om mevr. de Vries, BSN 111 222 333.",
            "advies-advice": "Samen op huisbezoek.",
            "advies-minutes_spent": "20",
        },
    )
    assert response.status_code == 200
    assert set(response.context["advice_form"].errors) == {"question"}
    assert "mevr. de Vries" in response.content.decode()  # shown back to correct, never stored
    assert not AnonymousAdvice.objects.exists()


def test_anonymous_advice_recorded_on_the_screen_appears_in_the_list_newest_first(client_for, pia) -> None:
    _record(pia, asked_on=days_ago(10))
    response = client_for(pia).post(
        reverse("anonymous-advice-create"),
        {
            "advies-asked_on": TODAY.isoformat(),
            "advies-partner": partner("ggz-drenthe").pk,
            "advies-channel": "email",
            "advies-question": "Vrouw van rond de 30 met schulden en drie kinderen; wie pakt het op?",
            "advies-advice": "Sociaal team in positie brengen.",
            "advies-minutes_spent": "45",
        },
    )
    assert response.status_code == 302
    newest = AnonymousAdvice.objects.get(asked_on=TODAY)
    assert (newest.channel, newest.minutes_spent, newest.given_by) == ("email", 45, pia)
    page = client_for(pia).get(reverse("advice"))
    listed = [record.pk for record in page.context["page"].object_list]
    assert listed[0] == newest.pk
    assert len(listed) == 2


# --- The information desk ---------------------------------------------------------------------------


def test_a_contact_moment_is_logged_in_a_few_fields_with_today_as_the_default(client_for, pia) -> None:
    page = client_for(pia).get(reverse("advice"))
    assert page.context["contact_form"]["contacted_on"].value() == TODAY
    response = client_for(pia).post(
        reverse("information-contact-create"),
        {
            "contact-contacted_on": TODAY.isoformat(),
            "contact-partner": partner("politie").pk,
            "contact-topic": "Wijkagent in contact gebracht met het FACT-team.",
            "contact-minutes_spent": "5",
        },
    )
    assert response.status_code == 302
    contact = InformationContact.objects.get()
    assert (contact.by, contact.contacted_on, contact.minutes_spent) == (pia, TODAY, 5)
    page = client_for(pia).get(reverse("advice")).content.decode()
    assert f'data-testid="information-contact" data-id="{contact.pk}"' in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": "Vraag over BSN 111222333"}, "topic"),
        ({"topic": "Cliënt geboren 1-2-1990"}, "topic"),
        ({"contacted_on": TODAY + datetime.timedelta(days=1)}, "contacted_on"),
    ],
)
def test_a_contact_moment_with_a_bsn_a_birth_date_or_a_future_date_is_refused(
    pia, fields: dict, field: str
) -> None:
    data = {"contacted_on": TODAY, "partner": partner("politie"), "topic": "Doorverwezen"} | fields
    with pytest.raises(ValidationError) as refused:
        advice.information_contact_record(by=pia, **data)
    assert list(refused.value.message_dict) == [field]
    assert not InformationContact.objects.exists()


def test_the_topic_of_a_contact_moment_may_name_the_professionals_connected(pia) -> None:
    contact = advice.information_contact_record(
        by=pia, contacted_on=TODAY, partner=partner("politie"), topic="Doorverbonden met mevrouw Bakker (GGD)"
    )
    assert contact.minutes_spent == 5


# --- Counts per year --------------------------------------------------------------------------------


def _extended_advice_decided_in_triage(pia, bram) -> Case:  # type: ignore[no-untyped-def]
    case = complete_referral(pia)
    decide(ketenkamer(pia).items.get(case=case), pia, Decision.EXTENDED_ADVICE, coordinator=bram)
    case.refresh_from_db()
    return case


def test_the_counts_of_a_year_follow_the_referral_and_the_dates_of_advice_and_contacts(pia, bram) -> None:
    year = TODAY.year
    decided = _extended_advice_decided_in_triage(pia, bram)
    # Received last year, decided this year: it counts in the year of the referral, as the annual report
    # splits a year's referrals into procesregie and advice.
    Referral.objects.filter(case=decided).update(received_on=datetime.date(year - 1, 12, 20))
    active = {"status": CaseStatus.ACTIVE, "coordinator": bram}
    # Numbered by hand: the factory's numbers would collide with the one triage gave.
    referral_case(number="X-1", kind=Case.Kind.EXTENDED_ADVICE, **active)  # received today, no triage
    referral_case(number="X-2", kind=Case.Kind.COORDINATION, **active)
    referral_case(number="X-3", kind=Case.Kind.EXTENDED_ADVICE, legal_basis=LegalBasis.PARTA, **active)
    _record(pia, minutes_spent=30)
    _record(pia, minutes_spent=15)
    _record(pia, asked_on=datetime.date(year - 1, 12, 31), minutes_spent=60)
    for day, minutes in ((TODAY, 5), (TODAY, 10), (datetime.date(year - 1, 1, 1), 5)):
        advice.information_contact_record(
            by=pia, contacted_on=day, partner=partner("politie"), topic="Doorverbonden", minutes_spent=minutes
        )

    assert advice.advice_counts(year=year) == {
        "extended_advice": 1,
        "anonymous_advice": 2,
        "anonymous_advice_minutes": 45,
        "information_contacts": 2,
        "information_contact_minutes": 15,
        "advice_total": 3,
    }
    assert advice.advice_counts(year=year - 1) == {
        "extended_advice": 1,
        "anonymous_advice": 1,
        "anonymous_advice_minutes": 60,
        "information_contacts": 1,
        "information_contact_minutes": 5,
        "advice_total": 2,
    }


def test_the_advice_page_shows_the_counts_of_the_year_asked_for(client_for, pia) -> None:
    _record(pia, asked_on=datetime.date(TODAY.year - 1, 3, 1))
    client = client_for(pia)
    assert client.get(reverse("advice")).context["counts"]["anonymous_advice"] == 0
    page = client.get(reverse("advice"), {"jaar": TODAY.year - 1})
    assert page.context["counts"]["anonymous_advice"] == 1
    assert 'data-testid="count-anonymous-advice">1<' in page.content.decode()
    assert client.get(reverse("advice"), {"jaar": "onzin"}).context["year"] == TODAY.year


# --- Concluding extended advice ---------------------------------------------------------------------


def test_the_procesregisseur_concludes_extended_advice_and_the_case_closes_with_the_evaluation(
    client_for, bram, petra, advice_case
) -> None:
    services.participant_add(
        case=advice_case, by=bram, user=petra, role_in_case="wijkagent", start_date=TODAY
    )
    url = reverse("advice-conclude", kwargs={"pk": advice_case.pk})
    client = client_for(bram)
    assert client.get(url).status_code == 200
    response = client.post(url, {"summary": "Advies: gezamenlijk huisbezoek wijkagent en GGZ."})

    assert response.status_code == 302
    advice_case.refresh_from_db()
    assert advice_case.status == CaseStatus.CLOSED
    assert advice_case.closure_reason == Case.ClosureReason.GOAL_ACHIEVED
    assert advice_case.closure_evaluation == "Advies: gezamenlijk huisbezoek wijkagent en GGZ."
    given = advice_case.events.get(kind=CaseEvent.Kind.ADVICE_GIVEN)
    assert (given.actor, given.payload) == (bram, {"summary": advice_case.closure_evaluation})
    assert advice_case.events.filter(kind=CaseEvent.Kind.CASE_CLOSED).exists()
    assert advice_case.participants.get().end_date == TODAY
    assert AuditEvent.objects.filter(
        case_id=advice_case.pk, actor=bram, action="U", result="allowed"
    ).exists()


def test_an_empty_summary_is_refused_at_the_field_and_the_case_stays_open(
    client_for, bram, advice_case
) -> None:
    response = client_for(bram).post(
        reverse("advice-conclude", kwargs={"pk": advice_case.pk}), {"summary": "   "}
    )
    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    advice_case.refresh_from_db()
    assert advice_case.status == CaseStatus.ACTIVE
    assert not advice_case.events.filter(kind=CaseEvent.Kind.ADVICE_GIVEN).exists()


def test_only_the_cases_procesregisseur_may_conclude_the_advice(client_for, kees, pia, advice_case) -> None:
    url = reverse("advice-conclude", kwargs={"pk": advice_case.pk})
    for user in (kees, pia):
        assert client_for(user).post(url, {"summary": "Advies gegeven."}).status_code == 404
    with pytest.raises(PermissionError):
        advice.extended_advice_conclude(case=advice_case, by=kees, summary="Advies gegeven.")
    advice_case.refresh_from_db()
    assert (advice_case.status, advice_case.closure_evaluation) == (CaseStatus.ACTIVE, "")
    assert not advice_case.events.filter(kind=CaseEvent.Kind.ADVICE_GIVEN).exists()
    assert AuditEvent.objects.filter(object_type="case", actor=kees, result="denied").exists()


def test_a_coordination_case_or_a_closed_case_cannot_be_concluded_as_advice(client_for, bram) -> None:
    coordination = referral_case(status=CaseStatus.ACTIVE, kind=Case.Kind.COORDINATION, coordinator=bram)
    closed = referral_case(status=CaseStatus.CLOSED, kind=Case.Kind.EXTENDED_ADVICE, coordinator=bram)
    for case in (coordination, closed):
        url = reverse("advice-conclude", kwargs={"pk": case.pk})
        assert client_for(bram).post(url, {"summary": "Advies gegeven."}).status_code == 404
    with pytest.raises(ValidationError):
        advice.extended_advice_conclude(case=coordination, by=bram, summary="Advies gegeven.")
    coordination.refresh_from_db()
    assert coordination.status == CaseStatus.ACTIVE
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.ADVICE_GIVEN).exists()


# --- Who may use the screens ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mirjam", "petra"])
def test_roles_without_the_advice_capability_are_refused_and_nothing_is_saved(
    request, client_for, persona: str, advice_case
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("advice")).status_code == 403
    posted = {
        "advies-asked_on": TODAY.isoformat(),
        "advies-partner": partner("politie").pk,
        "advies-channel": "phone",
        "advies-question": "Vraag",
        "advies-advice": "Advies",
        "contact-contacted_on": TODAY.isoformat(),
        "contact-partner": partner("politie").pk,
        "contact-topic": "Doorverbonden",
        "summary": "Advies gegeven.",
    }
    for name in ("anonymous-advice-create", "information-contact-create"):
        assert client.post(reverse(name), posted).status_code == 403
    conclude = reverse("advice-conclude", kwargs={"pk": advice_case.pk})
    assert client.post(conclude, posted).status_code == 403
    assert not AnonymousAdvice.objects.exists()
    assert not InformationContact.objects.exists()
    advice_case.refresh_from_db()
    assert advice_case.status == CaseStatus.ACTIVE
