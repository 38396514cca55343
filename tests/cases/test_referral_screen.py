"""Registering a referral in the browser form (without JavaScript: plain posts)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.factories import municipality, partner
from zvhd.reference.models import MainTopic

pytestmark = pytest.mark.django_db
URL = reverse("referral-create")


def form_data(subjects: list[dict[str, str]] | None = None, **overrides: str) -> dict[str, str]:
    subjects = (
        subjects
        if subjects is not None
        else [{"first_name": "Jan", "last_name": "Jansen", "is_primary": "on"}]
    )
    data = {
        "subjects-TOTAL_FORMS": str(len(subjects)),
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "20",
        "received_on": timezone.localdate().isoformat(),
        "referrer_partner": str(partner("politie").pk),
        "referrer_name": "Wijkagent Bakker",
        "referrer_phone": "0592-123456",
        "concerns": "Aanhoudende overlast in de straat.",
        "main_topic": str(MainTopic.objects.get(code="nuisance").pk),
        "minors_in_system": "no",
        "subject_informed": "true",
    }
    for index, subject in enumerate(subjects):
        row = {"gender": "male", "municipality": str(municipality("assen").pk)} | subject
        data |= {f"subjects-{index}-{key}": value for key, value in row.items()}
    return data | overrides


def test_the_form_starts_with_one_subject_marked_as_main_subject(client_for, pia) -> None:
    response = client_for(pia).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aanmelding registreren" in page
    assert response.context["formset"].forms[0].initial == {"is_primary": True}
    assert 'id="id_subjects-0-is_primary" checked' in page


def test_a_valid_referral_lands_on_its_case_page_with_the_registration_in_the_timeline(
    client_for, pia
) -> None:
    client = client_for(pia)
    response = client.post(
        URL,
        form_data(
            subjects=[
                {"first_name": "Jan", "last_name": "Jansen", "is_primary": "on"},
                {"first_name": "Els", "last_name": "Jansen"},
            ]
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Aanmelding geregistreerd" in page
    assert "door Pia de Vries" in page
    assert "Jan Jansen" in page
    assert "Els Jansen" in page
    assert f"Aanmelding {case.number} is geregistreerd." in page


def test_errors_are_shown_in_dutch_at_the_field_and_everything_typed_is_kept(client_for, pia) -> None:
    response = client_for(pia).post(
        URL,
        form_data(
            subjects=[{"first_name": "Jan", "last_name": "Jansen", "is_primary": "on", "bsn": "123456789"}],
            referrer_phone="",
            concerns="Zorgen over vervuiling van de woning.",
            received_on=(timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert form.errors["received_on"] == ["De datum van ontvangst kan niet in de toekomst liggen."]
    assert formset.forms[0].errors["bsn"] == ["Dit is geen geldig BSN: het voldoet niet aan de elfproef."]
    page = response.content.decode()
    assert "Nog niet opgeslagen: verbeter de gemarkeerde velden." in page
    assert 'value="Jan"' in page
    assert 'value="123456789"' in page
    assert "Zorgen over vervuiling van de woning." in page
    assert Case.objects.count() == 0


def test_a_missing_contact_detail_is_reported_after_the_fields_are_filled_in(client_for, pia) -> None:
    response = client_for(pia).post(URL, form_data(referrer_phone=""))
    assert response.context["form"].errors["referrer_phone"] == [
        "Vul een telefoonnummer of e-mailadres in, zodat de aanmelder bereikbaar is."
    ]


def test_two_main_subjects_are_refused(client_for, pia) -> None:
    response = client_for(pia).post(
        URL,
        form_data(
            subjects=[
                {"first_name": "A", "last_name": "B", "is_primary": "on"},
                {"first_name": "C", "last_name": "D", "is_primary": "on"},
            ]
        ),
    )
    assert response.context["formset"].non_form_errors() == ["Markeer precies één subject als hoofdpersoon."]
    assert Case.objects.count() == 0


def test_adding_a_subject_keeps_what_was_typed_and_shows_no_errors_yet(client_for, pia) -> None:
    data = form_data(referrer_name="", concerns="Half ingevuld") | {"add_subject": "1"}
    response = client_for(pia).post(URL, data)
    page = response.content.decode()
    assert response.context["formset"].total_form_count() == 2
    assert "Subject 2" in page
    assert 'value="Jan"' in page
    assert "Half ingevuld" in page
    assert "Nog niet opgeslagen" not in page
    assert Case.objects.count() == 0


def test_a_known_bsn_with_another_name_is_reported_at_the_bsn_field(client_for, pia) -> None:
    from tests.factories import PersonFactory

    PersonFactory(first_name="Kees", last_name="Pietersen", bsn="111222333")
    response = client_for(pia).post(
        URL,
        form_data(
            subjects=[{"first_name": "Jan", "last_name": "Jansen", "is_primary": "on", "bsn": "111222333"}]
        ),
    )
    assert response.context["formset"].forms[0].errors["bsn"] == [
        "Dit BSN hoort bij een persoon met een andere naam of geboortedatum. Controleer het BSN."
    ]


def test_roles_without_the_task_cannot_open_the_form(client_for, mirjam, petra) -> None:
    assert client_for(mirjam).get(URL).status_code == 403
    assert client_for(petra).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
