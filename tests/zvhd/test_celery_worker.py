"""The embedded stack of `make run`: a real Celery worker with beat on the filesystem broker.

This starts the worker as a separate process on its own SQLite file (as `make run` does), and waits
for the scheduled heartbeat to arrive in the database. No eager mode, no mocks.
"""

import sqlite3
import time
from pathlib import Path

import pytest

from tests.workers import celery_worker, embedded_stack


@pytest.mark.slow
def test_the_worker_runs_the_scheduled_heartbeat_on_the_embedded_broker(tmp_path: Path) -> None:
    stack = embedded_stack(tmp_path, ZVHD_HEARTBEAT_SECONDS="5")

    with celery_worker(stack, hostname="test@%h", beat=True) as worker:
        seen = wait_for_heartbeat(stack.database, timeout=60)
    assert seen, "no heartbeat within 60 s; worker output:\n" + worker.output[-3000:]
    assert "zvhd.health.tasks.worker_heartbeat" in worker.output


def wait_for_heartbeat(database: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            if connection.execute("SELECT COUNT(*) FROM health_workerheartbeat").fetchone()[0]:
                return True
        time.sleep(1)
    return False
