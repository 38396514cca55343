"""`manage.py annual_figures`: a year's figures in the terminal, what they cost, and the report as a PDF."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from cases.models import Case
from cases.workflow import CaseStatus
from tests.factories import referral_case

pytestmark = pytest.mark.usefixtures("reference_data")


def figures(*args: str) -> str:
    out = StringIO()
    call_command("annual_figures", *args, stdout=out)
    return out.getvalue()


def test_the_overview_of_the_year_is_printed_with_its_counts() -> None:
    for number, received in enumerate(("2023-02-01", "2023-05-10", "2022-06-01"), start=1):
        referral_case(
            number=f"T-{number}",
            received_on=datetime.date.fromisoformat(received),
            kind=Case.Kind.COORDINATION,
            status=CaseStatus.ACTIVE,
            decided_on=datetime.date.fromisoformat(received),
        )
    output = figures("--year", "2023")
    overview = output.split("\n\n")[0].splitlines()  # the first table
    new = next(line for line in overview if line.strip().startswith(("Nieuw", "New")))
    active = next(line for line in overview if line.strip().startswith(("Lopend", "Active")))
    # This year, the year before, the one before that.
    assert [value.strip() for value in new.split("|")[1:]] == ["2", "1", "0"]
    assert [value.strip() for value in active.split("|")[1:]] == ["3", "1", "0"]


def test_measure_prints_time_queries_and_memory_and_the_pdf_is_written(tmp_path: Path) -> None:
    target = tmp_path / "jaarverslag.pdf"
    output = figures("--year", "2023", "--measure", "--pdf", str(target))
    measured = output.splitlines()[-3:]
    assert measured[0].startswith("figures of 2023:")
    assert "queries" in measured[0]
    assert measured[1].startswith("PDF of 2023:")
    assert "pages" in measured[1]
    assert measured[2] == f"written: {target}"
    assert len(PdfReader(target).pages) > 3


def test_a_year_that_is_not_one_is_refused() -> None:
    with pytest.raises(CommandError, match="--year"):
        figures("--year", "23")
