"""`manage.py annual_figures --year 2023`: the annual report's figures of a year in the terminal.

`--measure` adds what they cost: wall time, queries and peak Python memory of computing every figure and
of rendering the PDF (with the report's texts as saved, or none), as `make bench` reports them for the
demo year. `--pdf FILE` writes that PDF. Reads only; writes nothing to the database.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.document import figures_document
from reporting.figures import Period, figures_compute
from reporting.models import AnnualReport
from reporting.services import report_snapshot

T = TypeVar("T")
MIB = 1024 * 1024


def measured(work: Callable[[], T]) -> tuple[T, float, int, float]:
    """The result, seconds, queries and peak MiB of one call (memory traced in a second, untimed call)."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        work()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, seconds, len(queries), peak / MIB


class Command(BaseCommand):
    help = "Print the annual report's figures of a year; with --measure, what computing them costs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--measure", action="store_true", help="time, queries, memory; and of the PDF")
        parser.add_argument("--pdf", type=Path, help="write the PDF of the year's report to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be a year, e.g. 2023.")
        period = Period.year(year)
        figures, seconds, queries, peak = measured(lambda: figures_compute(period))
        document = figures_document(figures)
        for table in document["tables"]:
            self._table(table)
        if options["measure"]:
            self.stdout.write(
                f"figures of {year}: {seconds * 1000:.0f} ms, {queries} queries, peak {peak:.1f} MiB"
            )
        if options["measure"] or options["pdf"]:
            self._pdf(year, options)

    def _pdf(self, year: int, options: dict[str, Any]) -> None:
        from reporting.pdf import report_pdf

        report = AnnualReport.objects.filter(year=year).first() or AnnualReport(year=year)
        snapshot = report_snapshot(report=report, by=None)
        (pdf, pages), seconds, _queries, peak = measured(lambda: report_pdf(snapshot))
        if options["measure"]:
            self.stdout.write(
                f"PDF of {year}: {seconds * 1000:.0f} ms, {pages} pages, {len(pdf) / 1024:.0f} KiB, "
                f"peak {peak:.1f} MiB"
            )
        if options["pdf"]:
            options["pdf"].write_bytes(pdf)
            self.stdout.write(f"written: {options['pdf']}")

    def _table(self, table: dict[str, Any]) -> None:
        self.stdout.write(f"\n{table['title']}")
        if not table["available"]:
            self.stdout.write(f"  {table['unavailable_reason']}")
            return
        labels = [column["label"] for column in table["columns"]]
        self.stdout.write("  " + " | ".join([" " * 40, *(f"{label[:14]:>14}" for label in labels)]))
        for row in table["rows"]:
            values = [row["cells"][column["key"]]["value"] for column in table["columns"]]
            shown = ["\u2013" if value is None else f"{value:g}" for value in values]
            self.stdout.write("  " + " | ".join([f"{row['label'][:40]:<40}", *(f"{v:>14}" for v in shown)]))
