"""End to end: the nazorgcoördinator's aftercare case in the browser.

Henk (nazorgcoördinator) imports a DJI file with a detention notice for Jan Wubbolts and runs the case it
opens. He records Jan's consent, fills in two basic conditions on the board, records the release and,
when the risk rises, escalates the case to procesregie. Pia (procesondersteuner) then finds the new
referral in her list of referrals.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftercare.models import AftercareFile
from tests.aftercare.builders import nazorg_coordinator
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD

# The live server needs committed data, so these tests run in real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

HEADER = (
    "dji_referentie;soort;voornaam;tussenvoegsel;achternaam;geboortedatum;bsn;gemeente;inrichting;"
    "start_detentie;verwachte_uitstroom;ontvangen_op"
)


def dji_file(today: datetime.date) -> bytes:
    start, release = today - datetime.timedelta(days=60), today + datetime.timedelta(days=5)
    row = (
        f"DJI-900001;detentie;Jan;;Wubbolts;17-05-1990;;Hoogeveen;PI Veenhuizen;"
        f"{start:%d-%m-%Y};{release:%d-%m-%Y};{today:%d-%m-%Y}"
    )
    return f"{HEADER}\n{row}\n".encode()


def on_case_page(page, pk: int) -> None:  # type: ignore[no-untyped-def]
    """The case page, at its aftercare section or at its top."""
    page.wait_for_url(re.compile(rf"/casussen/{pk}/(#aftercare)?$"))


def condition_change(page, kind: str, state: str, note: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"[data-testid=condition][data-kind={kind}] [data-testid=condition-edit]").click()
    page.locator("[name=at_intake]").select_option(state)
    page.locator("[name=intake_note]").fill(note)
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/casussen/\d+/#aftercare$"))


def test_a_nazorgcoordinator_runs_an_imported_notice_up_to_procesregie(page, pia) -> None:
    nazorg_coordinator()
    today = timezone.localdate()

    # Henk imports DJI's file through the import screen, from his caseload.
    log_in(page, "henk", PASSWORD)
    page.goto("/nazorg/")
    page.get_by_test_id("notice-import").click()
    page.locator("[name=file]").set_input_files(
        files=[{"name": "dji.csv", "mimeType": "text/csv", "buffer": dji_file(today)}]
    )
    page.get_by_test_id("import").click()
    page.wait_for_url(re.compile(r"/nazorg/import/\d+/$"))
    aftercare = AftercareFile.objects.select_related("case").get()

    page.goto("/nazorg/")
    row = page.locator(f"[data-testid=aftercare-case][data-case='{aftercare.case.number}']")
    expect(row).to_have_attribute("data-next-task", (today - datetime.timedelta(days=37)).isoformat())
    row.get_by_role("link").click()
    on_case_page(page, aftercare.case_id)
    expect(page.get_by_test_id("notice")).to_have_attribute("data-reference", "DJI-900001")

    # Jan accepts help, through the case manager in the prison.
    page.get_by_test_id("consent-record").click()
    page.locator("[name=consent][value=given]").check()
    page.locator("[name=channel]").select_option("case_manager")
    page.locator("[name=note]").fill("Via de casemanager van PI Veenhuizen")
    page.get_by_test_id("save").click()
    on_case_page(page, aftercare.case_id)
    expect(page.get_by_test_id("consent")).to_have_attribute("data-consent", "given")

    # The board: no ID and no home yet.
    condition_change(page, "id", "not_in_order", "ID-kaart verlopen tijdens detentie")
    condition_change(page, "housing", "attention", "Kan tijdelijk bij zijn zus wonen")
    board = page.get_by_test_id("conditions-board")
    intake = "[data-moment='1'] [data-testid=condition-state]"
    expect(board.locator(f"[data-kind=id] {intake}")).to_have_attribute("data-state", "not_in_order")
    expect(board.locator(f"[data-kind=housing] {intake}")).to_have_attribute("data-state", "attention")
    expect(board.locator(f"[data-kind=debts] {intake}")).to_have_attribute("data-state", "unknown")

    # He is released today.
    page.get_by_test_id("release-record").click()
    page.locator("[name=released_on]").fill(today.isoformat())
    page.get_by_test_id("save").click()
    on_case_page(page, aftercare.case_id)
    expect(page.get_by_test_id("released-on")).to_have_attribute("data-date", today.isoformat())
    check_in = page.locator("[data-testid=release-task][data-kind=check_in] time")
    expect(check_in).to_have_attribute("datetime", (today + datetime.timedelta(days=7)).isoformat())

    # The risk rises: escalate to procesregie.
    page.get_by_test_id("escalate-to-procesregie").click()
    page.locator("[name=concerns]").fill("Dreigt terug te vallen; bedreigt zijn zus, woonplek vervalt.")
    page.locator("[name=main_topic]").select_option(index=1)
    page.locator("[name=referrer_partner]").select_option(label="Reclassering Nederland")
    page.locator("[name=problem_areas]").first.check()
    page.get_by_test_id("save").click()
    on_case_page(page, aftercare.case_id)
    aftercare.refresh_from_db()
    referral = aftercare.escalated_to
    assert referral is not None
    expect(page.get_by_test_id("escalated-to")).to_have_attribute("data-case", referral.number)

    # Pia finds the new referral among the referrals.
    page.context.clear_cookies()
    log_in(page, "pia", PASSWORD)
    page.goto("/aanmeldingen/")
    link = page.get_by_role("link", name=referral.number, exact=True)
    expect(link).to_be_visible()
    link.click()
    on_case_page(page, referral.pk)
    expect(page.locator("[data-testid=timeline] [data-kind=escalated_to_procesregie]")).to_have_count(1)
