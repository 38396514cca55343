"""End to end: the manager's figures and annual report in the browser.

Mirjam (manager) chooses 2023 on the figures page, finds three new procesregie cases, opens the list
behind the inflow of Assen and sees exactly Assen's cases of 2023. She then writes a foreword and a
finance row in the annual report of 2023, saves the draft and asks for a PDF. No Celery worker runs here:
the test does the worker's part and she downloads the PDF from the status page, which follows the worker.
"""

import datetime
import io
import re

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from cases.workflow import CaseStatus
from reporting.models import ReportRendering
from reporting.services import report_render_run
from reporting.tasks import report_render
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, referral_case

# The live server needs committed data, so these tests run in real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

FOREWORD = "Een bewogen jaar: samen met onze ketenpartners hielden wij de regie op complexe casussen."


def case_of_2023(
    number: str, received: str, municipality: str, *, kind: str = Case.Kind.COORDINATION, closed: str = ""
) -> Case:
    closed_at = timezone.make_aware(datetime.datetime.fromisoformat(f"{closed}T12:00")) if closed else None
    return referral_case(
        number=number,
        received_on=datetime.date.fromisoformat(received),
        in_municipality=municipality,
        kind=kind,
        status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
        decided_on=datetime.date.fromisoformat(received),
        closed_at=closed_at,
    )


def test_a_manager_checks_the_figures_of_2023_and_downloads_the_annual_report(
    page, mirjam, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_of_2023("2023-0011", "2023-02-01", "assen", closed="2023-10-01")
    case_of_2023("2023-0012", "2023-04-12", "assen")
    case_of_2023("2023-0013", "2023-05-10", "emmen")
    case_of_2023("2023-0014", "2023-06-01", "emmen", kind=Case.Kind.EXTENDED_ADVICE)
    queued: list[int] = []
    monkeypatch.setattr(report_render, "delay", queued.append)  # what would go to the worker

    log_in(page, "mirjam", PASSWORD)

    # The figures of 2023: three new procesregie cases (the extended advice is no procesregie).
    page.get_by_role("link", name="Cijfers", exact=True).click()
    page.wait_for_url("**/cijfers/")
    period = page.get_by_role("search")
    period.get_by_label("Jaar").fill("2023")
    period.get_by_role("button", name="Cijfers tonen").click()
    page.wait_for_url(re.compile(r"/cijfers/\?.*year=2023"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers 2023")
    overview = page.locator("[data-testid=figures-table][data-table=overview]").get_by_role("table")
    expect(overview.get_by_role("columnheader").first).to_have_text("2023")
    new = overview.get_by_role("row", name=re.compile(r"^Nieuw"))
    expect(new.get_by_role("cell").first).to_have_text("3")

    # Behind the inflow of Assen: exactly Assen's two procesregie cases.
    municipalities = page.get_by_role("table", name="Per gemeente")
    assen = municipalities.get_by_role("row", name=re.compile(r"^Assen\b"))
    inflow = assen.get_by_role("cell").nth(1)  # active, inflow, extended advice, closed
    expect(inflow).to_have_text("2")
    inflow.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/cijfers/lijst/municipalities/assen/inflow/\?year=2023$"))
    expect(page.get_by_test_id("figure-value")).to_have_text("2")
    listed = page.get_by_role("table", name=re.compile("Per gemeente")).get_by_role("row")
    expect(listed).to_have_count(3)  # the header and two cases
    expect(page.get_by_role("link", name="2023-0011", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="2023-0012", exact=True)).to_be_visible()
    expect(page.get_by_text("2023-0013")).to_have_count(0)
    expect(page.get_by_text("2023-0014")).to_have_count(0)

    # The annual report of 2023: a foreword and a finance row.
    page.get_by_role("link", name="Jaarverslag", exact=True).click()
    page.wait_for_url("**/jaarverslag/")
    page.get_by_label("Jaar", exact=True).fill("2023")
    page.get_by_role("button", name="Jaarverslag openen").click()
    page.wait_for_url("**/jaarverslag/2023/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaarverslag 2023")
    page.get_by_label("Voorwoord").fill(FOREWORD)
    finance = page.get_by_role("group", name="Financiën").get_by_role("group", name="Regel 1")
    finance.get_by_label("Post").fill("Personeel")
    finance.get_by_label("Begroting (€)").fill("410.000")
    finance.get_by_label("Werkelijk (€)").fill("405.120,50")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Het concept van het jaarverslag is opgeslagen.")
    expect(page.get_by_label("Voorwoord")).to_have_value(FOREWORD)
    expect(finance.get_by_label("Werkelijk (€)")).to_have_value("405120,5")

    # "PDF maken": the status page waits for the worker; the test does the worker's part.
    page.get_by_role("button", name="PDF maken").click()
    page.wait_for_url(re.compile(r"/jaarverslag/weergave/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pdf van het jaarverslag 2023")
    status = page.get_by_test_id("rendering-status")
    expect(status).to_have_attribute("data-status", "queued")
    rendering = ReportRendering.objects.get()
    assert queued == [rendering.pk]
    report_render_run(rendering.pk)

    download_link = page.get_by_role("link", name="Jaarverslag 2023 downloaden (pdf)")
    expect(download_link).to_be_visible(timeout=15_000)
    expect(status).to_have_attribute("data-status", "done")
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "jaarverslag-2023-v2.pdf"
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(sheet.extract_text() for sheet in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Een bewogen jaar" in " ".join(text.split())
