"""The weekly prioritisation in a real Celery worker on the embedded (filesystem) broker, as `make run`
starts it: the task is sent through the broker, the worker ranks the list in its own database."""

import sqlite3
import time
from pathlib import Path

import pytest

from tests.workers import celery_worker, embedded_stack

PREPARE = """
from zvhd.accounts.models import Role, User
from tests.triage.builders import waiting_case
pia = User.objects.create(username="pia", role=Role.SUPPORT_OFFICER)
waiting_case(pia, risk="low")
waiting_case(pia, risk="high")
"""


@pytest.mark.slow
def test_the_worker_ranks_the_waiting_list_when_the_weekly_task_arrives(tmp_path: Path) -> None:
    stack = embedded_stack(tmp_path)
    stack.manage("shell", "-c", PREPARE)

    with celery_worker(stack, hostname="triage@%h") as worker:
        stack.celery("call", "triage.tasks.waiting_list_prioritise")
        ranked = wait_for_ranks(stack.database, timeout=60)
    assert ranked == [("high", 1), ("low", 2)], "worker output:\n" + worker.output[-3000:]
    assert "triage.tasks.waiting_list_prioritise" in worker.output
    assert "2 ranked" in worker.output


def wait_for_ranks(database: Path, timeout: float) -> list[tuple[str, int]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            snapshots = connection.execute("SELECT COUNT(*) FROM triage_prioritysnapshot").fetchone()[0]
            if snapshots:
                return connection.execute(
                    "SELECT safety_risk, rank FROM triage_waitinglistentry ORDER BY rank"
                ).fetchall()
        time.sleep(0.5)
    return []
