"""End to end: a procesondersteuner registers a referral with two subjects in the browser."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD

# The live server needs committed data, so these tests run in real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def fill_subject(page, index: int, first: str, last: str, born: str, municipality: str) -> None:  # type: ignore[no-untyped-def]
    subject = page.locator(f"#subject-{index}-legend").locator("xpath=..")
    subject.get_by_label("Voornaam").fill(first)
    subject.get_by_label("Achternaam").fill(last)
    subject.get_by_label("Geboortedatum").fill(born)
    subject.get_by_label("Gemeente van inschrijving").select_option(label=municipality)


def test_a_support_officer_registers_a_referral_with_two_subjects_and_finds_it_in_the_list(page, pia) -> None:
    log_in(page, "pia", PASSWORD)
    expect(page.get_by_role("heading", name="Aanmeldingen")).to_be_visible()
    page.get_by_role("link", name="Nieuwe aanmelding").click()

    fill_subject(page, 0, "Gerrit", "Hoekstra", "1979-08-14", "Hoogeveen")
    page.locator("#subject-0-legend").locator("xpath=..").get_by_label("Geslacht").select_option(label="man")
    page.get_by_role("button", name="Nog een subject toevoegen").click()
    expect(page.locator("#subject-1-legend")).to_have_text("Subject 2")
    expect(page.locator("#subject-0-legend").locator("xpath=..").get_by_label("Voornaam")).to_have_value(
        "Gerrit"
    )
    fill_subject(page, 1, "Sanne", "Hoekstra", "2012-02-01", "Hoogeveen")
    page.locator("#subject-1-legend").locator("xpath=..").get_by_label("Relatie tot de hoofdpersoon").fill(
        "dochter"
    )

    page.get_by_label("Aanmeldende partner").select_option(label="Politie")
    page.get_by_label("Naam aanmelder").fill("Wijkagent de Groot")
    page.get_by_label("Telefoonnummer").fill("0528-123456")
    page.get_by_label("Omschrijving van de zorgen").fill("Verward gedrag en bedreigingen richting buren.")
    page.get_by_label("Hoofdonderwerp").select_option(
        label="Verward/onbegrepen gedrag en hoog veiligheidsrisico"
    )
    page.get_by_label("Psychische gezondheid / verward gedrag (ggz)").check()
    page.get_by_label("Verslaving").check()
    page.get_by_role("group", name="Minderjarigen in het systeem").get_by_label("ja").check()
    page.get_by_role("group", name="Is het subject geïnformeerd over de aanmelding?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Er zijn problemen op meer dan één leefgebied.").check()
    page.get_by_role("button", name="Aanmelding registreren").click()

    case = Case.objects.get()
    expect(page).to_have_url(re.compile(rf"/casussen/{case.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gerrit Hoekstra, Sanne Hoekstra")
    timeline = page.locator(".zvhd-timeline")
    expect(timeline).to_contain_text("Aanmelding geregistreerd")
    expect(timeline).to_contain_text("door Pia de Vries")
    expect(page.get_by_text(f"Aanmelding {case.number} is geregistreerd.")).to_be_visible()

    page.get_by_role("link", name="Aanmeldingen").click()
    row = page.get_by_role("row", name=re.compile(case.number))
    expect(row).to_contain_text("Gerrit Hoekstra")
    expect(row).to_contain_text("Hoogeveen")
    expect(row).to_contain_text("aangemeld")

    page.get_by_label("Naam van een subject").fill("sanne")
    expect(page.locator("#results")).to_contain_text("1 aanmelding")
    expect(page.get_by_role("row", name=re.compile(case.number))).to_be_visible()


def test_a_wrong_bsn_is_marked_at_the_field_and_the_form_keeps_what_was_typed(page, pia) -> None:
    log_in(page, "pia", PASSWORD)
    page.goto("/aanmeldingen/nieuw/")
    fill_subject(page, 0, "Petra", "Veenstra", "1990-01-01", "Emmen")
    page.get_by_label("BSN").fill("123456789")
    page.get_by_label("Omschrijving van de zorgen").fill("Ernstige overlast.")
    page.get_by_role("button", name="Aanmelding registreren").click()

    expect(page.get_by_role("alert")).to_contain_text("Nog niet opgeslagen")
    expect(page.get_by_text("Dit is geen geldig BSN: het voldoet niet aan de elfproef.")).to_be_visible()
    expect(page.get_by_label("BSN")).to_have_value("123456789")
    expect(page.get_by_label("Omschrijving van de zorgen")).to_have_value("Ernstige overlast.")
    assert Case.objects.count() == 0
