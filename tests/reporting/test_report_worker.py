"""A PDF of the annual report made by a real Celery worker on the embedded (filesystem) broker, as
`make run` starts it: the task is sent through the broker, the worker renders with the real renderer
(WeasyPrint) in its own database and stores the PDF there."""

import sqlite3
import time
from pathlib import Path

import pytest

from tests.workers import celery_worker, embedded_stack

PREPARE = """
from zvhd.accounts.models import Role, User
from reporting.models import AnnualReport, ReportRendering
mirjam = User.objects.create(username="mirjam", first_name="Mirjam", last_name="Bos", role=Role.MANAGER)
report = AnnualReport.objects.create(
    year=2023,
    foreword="Een bewogen jaar.",
    quotes=[{"text": "Korte lijnen.", "who": "wijkagent, Politie Drenthe"}],
    finances=[{"item": "Subsidie gemeenten", "budget": "410000", "actual": "405120.5"}],
    staffing=[{"function": "Procesregisseur", "fte": "6.2"}],
    updated_by=mirjam,
)
ReportRendering.objects.create(pk=1, report=report, requested_by=mirjam)
"""


@pytest.mark.slow
def test_the_worker_makes_the_pdf_of_the_annual_report_when_the_task_arrives(tmp_path: Path) -> None:
    stack = embedded_stack(tmp_path)
    stack.manage("shell", "-c", PREPARE)

    with celery_worker(stack, hostname="reporting@%h") as worker:
        stack.celery("call", "reporting.tasks.report_render", "--args=[1]")
        status, progress, pdf, pages, sha256, error = wait_for_rendering(stack.database, timeout=120)
    output = worker.output
    assert status == "done", f"status {status}, error {error!r}; worker output:\n" + output[-3000:]
    assert progress == 100
    assert pdf is not None
    assert bytes(pdf).startswith(b"%PDF")
    assert pages is not None
    assert pages >= 1
    assert len(sha256) == 64
    assert "reporting.tasks.report_render" in output


Row = tuple[str, int, bytes | None, int | None, str, str]
QUERY = "SELECT status, progress, pdf, pages, sha256, error FROM reporting_reportrendering WHERE id = 1"


def wait_for_rendering(database: Path, timeout: float) -> Row:
    """The rendering's status, progress, PDF, pages, SHA-256 and error once it is done or failed."""
    deadline = time.monotonic() + timeout
    row: Row = ("", 0, None, None, "", "")
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            row = connection.execute(QUERY).fetchone()
        if row[0] in ("done", "failed"):
            return row
        time.sleep(0.5)
    return row
