"""The annual report's benchmark data: a year of generated cases at national scale (by default
100,000 cases received in the last complete year: some 25 houses' worth), made before the reporting
operations of `manage.py bench` and removed after them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cases.models import Referral
from demo import scale
from reporting.document import figures_document
from reporting.figures import Period, figures_compute
from reporting.models import AnnualReport
from reporting.services import report_snapshot
from zvhd.accounts.models import User
from zvhd.audit.models import LegalBasis


@dataclass(frozen=True)
class ReportYear:
    year: int
    cases: int


def report_year_number() -> int:
    return timezone.localdate().year - 1


@contextmanager
def report_year(*, cases: int, seed: int) -> Iterator[ReportYear]:
    year = report_year_number()
    registrar = scale.year_generate(cases=cases, seed=seed, year=year)
    try:
        yield ReportYear(year, cases)
    finally:
        scale.generated_delete(registrar)


def report_pdf_of(year: ReportYear) -> tuple[bytes, int]:
    """What the Celery task does: the snapshot (every figure computed) and the PDF made from it."""
    from reporting.pdf import report_pdf  # WeasyPrint takes a second to import

    manager = User.objects.get(username=scale.MANAGER)
    report = AnnualReport(year=year.year, foreword="Voorwoord.\n\nTweede alinea.", figures_story="Cijfers.")
    return report_pdf(report_snapshot(report=report, by=manager))


def figures_of(year: ReportYear) -> Any:
    return figures_compute(Period.year(year.year))


def counts_every_case(year: ReportYear, figures: Any) -> str:
    """The partner table counts every referral of the year: the generated year's and any other."""
    counted = figures_document(figures)["tables"]
    partners = next(table for table in counted if table["key"] == "partners")
    total = next(row for row in partners["rows"] if row["key"] == "total")["cells"]["total"]["value"]
    received = Referral.objects.filter(received_on__year=year.year).exclude(
        case__legal_basis=LegalBasis.PARTA
    )
    expected = received.count()
    if expected < year.cases:
        return f"only {expected} referrals of {year.year}, {year.cases} generated"
    return "" if total == expected else f"the partner table counts {total} of {expected} referrals"
