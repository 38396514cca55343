"""Writes of the annual report: the manager's draft (texts and manual tables), the request for a PDF and
the rendering itself, which the Celery task `reporting.tasks.report_render` runs.

A rendering stores the snapshot it was made from (texts and figures as they were), the PDF, its SHA-256
and page count, so a download years later returns the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.services import ConcurrentEditError
from reporting import pdf
from reporting.document import figures_document
from reporting.figures import Period, figures_compute
from reporting.models import AnnualReport, ReportRendering
from zvhd.accounts.models import User
from zvhd.reference.models import House

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
SNAPSHOT_FORMAT = 1
NARRATIVE_FIELDS = ("foreword", "figures_story", "signals", "developments", "closing_word")
# A second click on "PDF maken" while the first rendering still waits returns that one; after this long
# a waiting rendering counts as lost (worker down) and a new request makes a new one.
REQUEST_REUSE_WINDOW = datetime.timedelta(minutes=5)
ERROR_TEXT_LENGTH = 500


@dataclass(frozen=True)
class Quote:
    text: str
    who: str = ""


@dataclass(frozen=True)
class FinanceLine:
    item: str
    budget: Decimal
    actual: Decimal


@dataclass(frozen=True)
class StaffingLine:
    function: str
    fte: Decimal


@dataclass(frozen=True)
class AnnualReportData:
    """What the manager writes: five narrative sections, partner quotes, finances and staffing."""

    foreword: str = ""
    figures_story: str = ""
    signals: str = ""
    developments: str = ""
    closing_word: str = ""
    quotes: tuple[Quote, ...] = field(default_factory=tuple)
    finances: tuple[FinanceLine, ...] = field(default_factory=tuple)
    staffing: tuple[StaffingLine, ...] = field(default_factory=tuple)


def report_year_errors(year: int) -> list[str]:
    """A report is about a year that has begun, from 2000 on."""
    last = timezone.localdate().year
    if FIRST_YEAR <= year <= last:
        return []
    return [
        _("Choose a year from %(first)s up to and including %(last)s.") % {"first": FIRST_YEAR, "last": last}
    ]


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _finance_errors(index: int, line: FinanceLine) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not line.item.strip():
        errors[f"finances.{index}.item"] = [_("Enter what the amounts are for.")]
    for name in ("budget", "actual"):
        if not _is_number(getattr(line, name)):
            errors[f"finances.{index}.{name}"] = [_("Enter an amount in euros.")]
    return errors


def _staffing_errors(index: int, line: StaffingLine) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not line.function.strip():
        errors[f"staffing.{index}.function"] = [_("Enter the function.")]
    if not _is_number(line.fte):
        errors[f"staffing.{index}.fte"] = [_("Enter the FTE as a number, for example 6,2.")]
    elif line.fte < 0:
        errors[f"staffing.{index}.fte"] = [_("The FTE cannot be negative.")]
    return errors


def annual_report_data_errors(data: AnnualReportData) -> dict[str, list[str]]:
    """The rules every channel keeps, keyed by row ("finances.1.item"); the screen shows them at the field."""
    errors: dict[str, list[str]] = {}
    for index, quote in enumerate(data.quotes):
        if not quote.text.strip():
            errors[f"quotes.{index}.text"] = [_("Enter the text of the quote.")]
    for index, line in enumerate(data.finances):
        errors |= _finance_errors(index, line)
    for index, line in enumerate(data.staffing):
        errors |= _staffing_errors(index, line)
    return errors


def decimal_text(value: Decimal) -> str:
    """A number as stored in the report's tables: plain digits and a point, no exponent ("6.2", "410000")."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


@transaction.atomic(durable=True)
def annual_report_start(*, year: int, by: User) -> AnnualReport:
    """The report of a year, created empty when it does not exist yet (starting twice opens the same)."""
    errors = report_year_errors(year)
    if errors:
        raise ValidationError({"year": errors})
    report, _created = AnnualReport.objects.get_or_create(
        year=year, defaults={"updated_by": by, "updated_at": timezone.now()}
    )
    return report


@transaction.atomic(durable=True)
def annual_report_save(
    *, report: AnnualReport, data: AnnualReportData, version: int, by: User
) -> AnnualReport:
    """Save the draft. `version` is the one the manager started from: if someone saved in between,
    nothing changes and ConcurrentEditError tells the screen to show the newer text beside his input."""
    errors = annual_report_data_errors(data)
    if errors:
        raise ValidationError(errors)
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if locked.version != version:
        raise ConcurrentEditError
    for name in NARRATIVE_FIELDS:
        setattr(locked, name, getattr(data, name).strip())
    locked.quotes = [{"text": q.text.strip(), "who": q.who.strip()} for q in data.quotes]
    locked.finances = [
        {"item": line.item.strip(), "budget": decimal_text(line.budget), "actual": decimal_text(line.actual)}
        for line in data.finances
    ]
    locked.staffing = [
        {"function": line.function.strip(), "fte": decimal_text(line.fte)} for line in data.staffing
    ]
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = by
    locked.save()
    return locked


# --- The PDF ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def report_rendering_request(*, report: AnnualReport, by: User) -> ReportRendering:
    """Queue a PDF of the report's saved draft; the worker makes it once this transaction has committed.

    A double click returns the rendering that is still waiting for the same draft instead of a second one.
    """
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    waiting = (
        ReportRendering.objects.filter(
            report=report,
            status=ReportRendering.Status.QUEUED,
            report_version=report.version,
            requested_at__gte=timezone.now() - REQUEST_REUSE_WINDOW,
        )
        .defer("pdf", "snapshot")
        .first()
    )
    if waiting is not None:
        return waiting
    rendering = ReportRendering.objects.create(
        report=report,
        requested_by=by,
        report_version=report.version,
        step=_("Waiting for the worker"),
    )
    transaction.on_commit(lambda: _enqueue(rendering.pk))
    return rendering


def _enqueue(rendering_id: int) -> None:
    from reporting.tasks import report_render  # the task module imports this one

    report_render.delay(rendering_id)


def report_snapshot(*, report: AnnualReport, by: User | None) -> dict[str, Any]:
    """Everything the PDF shows, as plain JSON: the house, the manager's texts and tables, the figures
    (`by` None: made outside the application, e.g. by `manage.py annual_figures --pdf`)."""
    house = House.objects.order_by("pk").first()
    with translation.override(settings.LANGUAGE_CODE):
        figures = figures_document(figures_compute(Period.year(report.year)))
    return {
        "format": SNAPSHOT_FORMAT,
        "year": report.year,
        "house": {"name": house.name if house else "", "short_name": house.short_name if house else ""},
        "generated_at": timezone.localtime().isoformat(),
        "generated_by": (by.get_full_name() or by.username) if by is not None else "",
        "report": {
            **{name: getattr(report, name) for name in NARRATIVE_FIELDS},
            "quotes": list(report.quotes),
            "finances": list(report.finances),
            "staffing": list(report.staffing),
            "version": report.version,
        },
        "figures": figures,
    }


def _progress_store(rendering_id: int, percent: int, step: str) -> None:
    """One update on its own (the task runs outside a transaction), so the status page sees it at once."""
    percent = max(0, min(100, int(percent)))
    ReportRendering.objects.filter(pk=rendering_id, status=ReportRendering.Status.RUNNING).update(
        progress=percent, step=str(step)[:200]
    )


def report_render_run(rendering_id: int) -> str:
    """Make the PDF of a queued rendering and store it with its snapshot; idempotent (a rendering that is
    not queued is left alone). A failure is logged with context and leaves the rendering failed, with
    nothing of a half-made PDF stored."""
    with translation.override(settings.LANGUAGE_CODE):  # the snapshot's labels and the steps in Dutch
        return _render(rendering_id)


def _render(rendering_id: int) -> str:
    claimed = ReportRendering.objects.filter(pk=rendering_id, status=ReportRendering.Status.QUEUED).update(
        status=ReportRendering.Status.RUNNING, progress=0, step=_("Computing the figures")
    )
    if not claimed:
        return f"rendering {rendering_id}: not queued, nothing to do"
    rendering = (
        ReportRendering.objects.select_related("report", "requested_by").defer("pdf").get(pk=rendering_id)
    )
    try:
        snapshot = report_snapshot(report=rendering.report, by=rendering.requested_by)
        content, pages = pdf.report_pdf(
            snapshot, progress=lambda percent, step: _progress_store(rendering_id, percent, step)
        )
        if not content.startswith(b"%PDF"):
            raise ValueError("the renderer returned something that is not a PDF")
    except Exception as error:
        logger.exception(
            "Rendering %s of the annual report %s (version %s, requested by user %s) failed",
            rendering_id,
            rendering.report.year,
            rendering.report.version,
            rendering.requested_by_id,
        )
        _rendering_fail(rendering_id, error)
        return f"rendering {rendering_id}: failed"
    ReportRendering.objects.filter(pk=rendering_id).update(
        status=ReportRendering.Status.DONE,
        progress=100,
        step=_("Ready"),
        finished_at=timezone.now(),
        report_version=snapshot["report"]["version"],
        snapshot=snapshot,
        pdf=content,
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        error="",
    )
    return f"rendering {rendering_id}: {pages} pages"


def _rendering_fail(rendering_id: int, error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:ERROR_TEXT_LENGTH]
    ReportRendering.objects.filter(pk=rendering_id).update(
        status=ReportRendering.Status.FAILED,
        step=_("Failed"),
        finished_at=timezone.now(),
        error=text,
        pdf=None,
        sha256="",
        pages=None,
    )
