"""The annual report: Mirjam (manager) writes the texts and tables and has PDFs made; Kees
(kwaliteitscoördinator) reads the list and downloads the PDFs; Pia and Petra may not come here.

The PDF renderer is replaced by a fake here (the real one runs in test_report_worker.py); the task's
function is called directly, as the worker would, without eager mode.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting import pdf, services
from reporting.models import AnnualReport, ReportRendering
from reporting.tasks import report_render
from tests.factories import referral_case
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("reference_data")

YEAR = 2023
FAKE_PDF = b"%PDF-1.7 fake"


@pytest.fixture
def report(mirjam: User) -> AnnualReport:
    return AnnualReport.objects.create(
        year=YEAR,
        foreword="Een bewogen jaar.",
        quotes=[{"text": "Korte lijnen.", "who": "wijkagent, Politie Drenthe"}],
        finances=[{"item": "Subsidie gemeenten", "budget": "410000", "actual": "405120.5"}],
        staffing=[{"function": "Procesregisseur", "fte": "6.2"}],
        updated_by=mirjam,
    )


@pytest.fixture
def fake_renderer(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the PDF renderer; returns the snapshots it was given."""
    seen: list[dict[str, Any]] = []

    def render(
        snapshot: dict[str, Any], progress: Callable[[int, str], None] | None = None
    ) -> tuple[bytes, int]:
        seen.append(snapshot)
        if progress is not None:
            progress(50, "Opmaken")
            progress(90, "PDF schrijven")
        return FAKE_PDF, 3

    monkeypatch.setattr(pdf, "report_pdf", render)
    return seen


def editor_post(report: AnnualReport, **changes: str) -> dict[str, str]:
    """The editor's form as the browser posts it: the saved report plus `changes`, two empty rows each."""
    data = {
        "version": str(report.version),
        "foreword": report.foreword,
        "figures_story": report.figures_story,
        "signals": report.signals,
        "developments": report.developments,
        "closing_word": report.closing_word,
    }
    rows = {"quotes": report.quotes, "finances": report.finances, "staffing": report.staffing}
    for prefix, saved in rows.items():
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(saved) + 2),
            f"{prefix}-INITIAL_FORMS": str(len(saved)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50",
        }
        for index, row in enumerate(saved):
            data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data | changes


def edit_url(year: int = YEAR) -> str:
    return reverse("reporting-report-edit", kwargs={"year": year})


def generate_url(year: int = YEAR) -> str:
    return reverse("reporting-report-generate", kwargs={"year": year})


def done_rendering(report: AnnualReport, by: User, fake_renderer: object) -> ReportRendering:
    rendering = ReportRendering.objects.create(report=report, requested_by=by, report_version=report.version)
    report_render.run(rendering.pk)
    rendering.refresh_from_db()
    return rendering


# --- Access ----------------------------------------------------------------------------------------------


def test_the_manager_opens_the_list_and_the_editor(
    client_for: Callable[[User], Client], mirjam, report
) -> None:
    client = client_for(mirjam)
    listing = client.get(reverse("reporting-reports"))
    assert listing.status_code == 200
    assert f'data-year="{YEAR}"'.encode() in listing.content
    assert edit_url().encode() in listing.content
    assert client.get(edit_url()).status_code == 200


def test_the_quality_coordinator_reads_the_list_but_may_not_edit_or_generate(
    client_for: Callable[[User], Client], kees, report
) -> None:
    client = client_for(kees)
    listing = client.get(reverse("reporting-reports"))
    assert listing.status_code == 200
    assert edit_url().encode() not in listing.content
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), editor_post(report, foreword="Van Kees")).status_code == 403
    assert client.post(generate_url()).status_code == 403
    assert client.post(reverse("reporting-reports"), {"year": "2022"}).status_code == 403
    report.refresh_from_db()
    assert report.foreword == "Een bewogen jaar."
    assert not ReportRendering.objects.exists()
    assert not AnnualReport.objects.filter(year=2022).exists()


@pytest.mark.parametrize("persona", ["pia", "petra"])
def test_staff_without_figures_may_not_see_the_annual_report(
    client_for: Callable[[User], Client], persona: str, request: pytest.FixtureRequest, report, mirjam
) -> None:
    rendering = done_rendering(report, mirjam, request.getfixturevalue("fake_renderer"))
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("reporting-reports"),
        edit_url(),
        reverse("reporting-rendering-status", kwargs={"pk": rendering.pk}),
        reverse("reporting-rendering-download", kwargs={"pk": rendering.pk}),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(generate_url()).status_code == 403
    assert ReportRendering.objects.count() == 1


def test_the_manager_starts_the_report_of_the_last_complete_year(
    client_for: Callable[[User], Client], mirjam
) -> None:
    client = client_for(mirjam)
    last_year = timezone.localdate().year - 1
    page = client.get(reverse("reporting-reports"))
    assert f'value="{last_year}"'.encode() in page.content
    response = client.post(reverse("reporting-reports"), {"year": str(last_year)})
    assert response.status_code == 302
    assert response["Location"] == edit_url(last_year)
    assert AnnualReport.objects.get(year=last_year).version == 1


@pytest.mark.parametrize("year", ["1999", str(timezone.now().year + 1)])
def test_a_year_before_2000_or_in_the_future_is_refused_at_the_field(
    client_for: Callable[[User], Client], mirjam, year: str
) -> None:
    response = client_for(mirjam).post(reverse("reporting-reports"), {"year": year})
    assert response.status_code == 200
    assert "Kies een jaar van 2000" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_the_editor_of_a_year_without_a_report_is_not_found(
    client_for: Callable[[User], Client], mirjam
) -> None:
    assert client_for(mirjam).get(edit_url(2019)).status_code == 404


# --- The draft -------------------------------------------------------------------------------------------


def test_the_manager_saves_a_draft_and_sees_it_again(
    client_for: Callable[[User], Client], mirjam, report
) -> None:
    client = client_for(mirjam)
    data = editor_post(
        report,
        signals="Meer meldingen van verward gedrag.",
        **{
            "quotes-1-text": "Eindelijk één aanspreekpunt.",
            "quotes-1-who": "GGZ Drenthe",
            "finances-1-item": "Bijdrage provincie",
            "finances-1-budget": "€ 25.000",
            "finances-1-actual": "24.512,75",
            "staffing-0-DELETE": "on",
            "staffing-1-function": "Procesondersteuner",
            "staffing-1-fte": "2,5",
        },
    )
    response = client.post(edit_url(), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 2
    assert report.updated_by == mirjam
    assert report.signals == "Meer meldingen van verward gedrag."
    assert report.quotes[1] == {"text": "Eindelijk één aanspreekpunt.", "who": "GGZ Drenthe"}
    assert report.finances[1] == {"item": "Bijdrage provincie", "budget": "25000", "actual": "24512.75"}
    assert report.staffing == [{"function": "Procesondersteuner", "fte": "2.5"}]
    page = client.get(edit_url()).content.decode()
    assert "Meer meldingen van verward gedrag." in page
    assert "24512,75" in page
    assert "Procesondersteuner" in page


def test_a_saved_draft_based_on_an_old_version_is_refused_and_the_input_kept(
    client_for: Callable[[User], Client], mirjam, report
) -> None:
    client = client_for(mirjam)
    stale = editor_post(report, foreword="Mijn nieuwe voorwoord.")
    services.annual_report_save(
        report=report,
        data=services.AnnualReportData(foreword="Voorwoord van een collega."),
        version=report.version,
        by=mirjam,
    )
    response = client.post(edit_url(), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="conflict"' in page
    assert "Mijn nieuwe voorwoord." in page  # his input is kept
    assert "Voorwoord van een collega." in page  # beside what is saved now
    report.refresh_from_db()
    assert (report.foreword, report.version) == ("Voorwoord van een collega.", 2)
    # Saving the kept input again applies it.
    response = client.post(edit_url(), editor_post(report, foreword="Mijn nieuwe voorwoord."))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.foreword == "Mijn nieuwe voorwoord."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("finances-0-budget", "veel", "Vul een bedrag in euro"),
        ("finances-0-actual", "12,3,4", "Vul een bedrag in euro"),
        ("staffing-0-fte", "zes", "Vul de fte in als getal"),
        ("staffing-0-fte", "-1", "De fte kan niet negatief zijn"),
        ("quotes-0-text", "", "Vul de tekst van het citaat in"),
    ],
)
def test_bad_input_gets_a_dutch_error_at_the_field_and_nothing_is_lost(
    client_for: Callable[[User], Client], mirjam, report, field: str, value: str, message: str
) -> None:
    data = editor_post(report, foreword="Niet kwijtraken.", **{field: value})
    response = client_for(mirjam).post(edit_url(), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Niet kwijtraken." in page
    if value:
        assert f'value="{value}"' in page
    report.refresh_from_db()
    assert (report.version, report.foreword) == (1, "Een bewogen jaar.")


def test_adding_a_row_keeps_the_input_and_saves_nothing(
    client_for: Callable[[User], Client], mirjam, report
) -> None:
    data = editor_post(report, foreword="Nog niet bewaard.", add_row="staffing")
    response = client_for(mirjam).post(edit_url(), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nog niet bewaard." in page
    assert 'name="staffing-3-function"' in page  # one saved row, two empty ones, one added
    report.refresh_from_db()
    assert report.version == 1


def test_the_service_refuses_rows_that_break_the_rules(mirjam, report) -> None:
    data = services.AnnualReportData(
        quotes=(services.Quote(text=" "),),
        staffing=(services.StaffingLine(function="Manager", fte=Decimal("-0.5")),),
    )
    with pytest.raises(ValidationError) as refused:
        services.annual_report_save(report=report, data=data, version=report.version, by=mirjam)
    assert set(refused.value.message_dict) == {"quotes.0.text", "staffing.0.fte"}


# --- Generating ------------------------------------------------------------------------------------------


def test_make_pdf_queues_a_rendering_and_sends_it_to_the_worker_after_commit(
    client_for: Callable[[User], Client],
    mirjam,
    report,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(report_render, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(mirjam).post(generate_url())
    rendering = ReportRendering.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting-rendering-status", kwargs={"pk": rendering.pk})
    assert (rendering.status, rendering.requested_by, rendering.report_version) == ("queued", mirjam, 1)
    assert len(callbacks) == 1
    assert sent == [rendering.pk]


def test_a_double_click_on_make_pdf_queues_one_rendering(
    client_for: Callable[[User], Client], mirjam, report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_render, "delay", lambda rendering_id: None)
    client = client_for(mirjam)
    client.post(generate_url())
    client.post(generate_url())
    assert ReportRendering.objects.count() == 1


def test_the_task_stores_the_pdf_with_its_snapshot(mirjam, report, fake_renderer) -> None:
    rendering = ReportRendering.objects.create(report=report, requested_by=mirjam)
    report_render.run(rendering.pk)
    rendering.refresh_from_db()
    assert rendering.status == ReportRendering.Status.DONE
    assert (rendering.progress, rendering.pages, bytes(rendering.pdf)) == (100, 3, FAKE_PDF)
    assert rendering.sha256 == hashlib.sha256(FAKE_PDF).hexdigest()
    assert rendering.finished_at is not None
    assert rendering.report_version == 1
    snapshot = rendering.snapshot
    assert snapshot == fake_renderer[0]
    assert (snapshot["format"], snapshot["year"], snapshot["generated_by"]) == (1, YEAR, "Mirjam Bos")
    assert snapshot["house"]["name"]
    assert snapshot["report"]["foreword"] == "Een bewogen jaar."
    assert snapshot["report"]["finances"] == report.finances
    assert snapshot["report"]["version"] == 1
    assert snapshot["figures"]["period"]["label"] == str(YEAR)
    assert {table["key"] for table in snapshot["figures"]["tables"]} >= {"overview"}


def test_the_task_reports_progress_as_it_goes(mirjam, report, monkeypatch: pytest.MonkeyPatch) -> None:
    rendering = ReportRendering.objects.create(report=report, requested_by=mirjam)
    seen: list[tuple[str, int, str]] = []

    def render(
        snapshot: dict[str, Any], progress: Callable[[int, str], None] | None = None
    ) -> tuple[bytes, int]:
        assert progress is not None
        progress(40, "Grafieken tekenen")
        seen.append(ReportRendering.objects.values_list("status", "progress", "step").get(pk=rendering.pk))
        return FAKE_PDF, 1

    monkeypatch.setattr(pdf, "report_pdf", render)
    report_render.run(rendering.pk)
    assert seen == [("running", 40, "Grafieken tekenen")]


def test_the_task_leaves_a_rendering_that_is_not_queued_alone(mirjam, report, fake_renderer) -> None:
    rendering = done_rendering(report, mirjam, fake_renderer)
    report_render.run(rendering.pk)
    assert len(fake_renderer) == 1


def test_a_failing_renderer_leaves_the_rendering_failed_without_a_pdf(
    mirjam, report, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(
        snapshot: dict[str, Any], progress: Callable[[int, str], None] | None = None
    ) -> tuple[bytes, int]:
        raise RuntimeError("font missing")

    monkeypatch.setattr(pdf, "report_pdf", broken)
    rendering = ReportRendering.objects.create(report=report, requested_by=mirjam)
    report_render.run(rendering.pk)
    rendering.refresh_from_db()
    assert rendering.status == ReportRendering.Status.FAILED
    assert "font missing" in rendering.error
    assert (rendering.pdf, rendering.sha256, rendering.pages) == (None, "", None)
    assert f"Rendering {rendering.pk} of the annual report {YEAR}" in caplog.text


def test_the_status_page_polls_while_running_and_offers_the_download_when_done(
    client_for: Callable[[User], Client], kees, mirjam, report, fake_renderer
) -> None:
    rendering = ReportRendering.objects.create(report=report, requested_by=mirjam)
    url = reverse("reporting-rendering-status", kwargs={"pk": rendering.pk})
    client = client_for(kees)
    waiting = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "<progress" in waiting
    report_render.run(rendering.pk)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert "every 1s" not in fragment
    assert reverse("reporting-rendering-download", kwargs={"pk": rendering.pk}) in fragment


# --- Downloading -----------------------------------------------------------------------------------------


def test_the_download_returns_the_stored_bytes_and_is_logged_every_time(
    client_for: Callable[[User], Client], kees, mirjam, report, fake_renderer
) -> None:
    rendering = done_rendering(report, mirjam, fake_renderer)
    url = reverse("reporting-rendering-download", kwargs={"pk": rendering.pk})
    client = client_for(kees)
    first, second = client.get(url), client.get(url)
    for response in (first, second):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="jaarverslag-{YEAR}-v1.pdf"'
        assert response.content == FAKE_PDF
    records = AuditEvent.objects.filter(object_type="annual_report", action=AuditEvent.Action.EXPORT)
    assert records.count() == 2
    record = records.first()
    assert (record.actor, record.object_id) == (kees, str(rendering.pk))
    assert record.data_category == AuditEvent.DataCategory.STATISTICS
    assert str(YEAR) in record.detail
    assert rendering.sha256[:12] in record.detail


def test_a_rendering_that_is_not_done_cannot_be_downloaded(
    client_for: Callable[[User], Client], mirjam, report
) -> None:
    rendering = ReportRendering.objects.create(report=report, requested_by=mirjam)
    url = reverse("reporting-rendering-download", kwargs={"pk": rendering.pk})
    assert client_for(mirjam).get(url).status_code == 404
    assert not AuditEvent.objects.filter(object_type="annual_report").exists()


def test_the_stored_report_does_not_change_when_data_is_added_later(
    client_for: Callable[[User], Client], mirjam, report, monkeypatch: pytest.MonkeyPatch
) -> None:
    def render(
        snapshot: dict[str, Any], progress: Callable[[int, str], None] | None = None
    ) -> tuple[bytes, int]:
        tables = [table["rows"] for table in snapshot["figures"]["tables"]]
        return b"%PDF-1.7 " + repr(tables).encode(), 1

    monkeypatch.setattr(pdf, "report_pdf", render)
    rendering = done_rendering(report, mirjam, None)
    before = (bytes(rendering.pdf), rendering.snapshot)
    referral_case(received_on=datetime.date(YEAR, 6, 1))
    services.annual_report_save(
        report=report, data=services.AnnualReportData(foreword="Later herschreven."), version=1, by=mirjam
    )
    response = client_for(mirjam).get(reverse("reporting-rendering-download", kwargs={"pk": rendering.pk}))
    rendering.refresh_from_db()
    assert response.content == before[0]
    assert rendering.snapshot == before[1]
    assert rendering.snapshot["report"]["foreword"] == "Een bewogen jaar."
    # A new PDF does see the new case and the new text.
    later = done_rendering(AnnualReport.objects.get(pk=report.pk), mirjam, None)
    assert bytes(later.pdf) != before[0]
    assert later.snapshot["report"]["foreword"] == "Later herschreven."
