"""The embedded stack of `make run`: a real Celery worker with beat on the filesystem broker.

This starts the worker as a separate process on its own SQLite file (as `make run` does), and waits
for the scheduled heartbeat to arrive in the database. No eager mode, no mocks.
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


@pytest.mark.slow
def test_the_worker_runs_the_scheduled_heartbeat_on_the_embedded_broker(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DATABASE_URL" and not key.startswith("CELERY")
    }
    env |= {"DJANGO_DEBUG": "true", "ZVHD_VAR_DIR": str(tmp_path), "ZVHD_HEARTBEAT_SECONDS": "5"}
    (tmp_path / "celery" / "queue").mkdir(parents=True)
    (tmp_path / "celery" / "processed").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    worker = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "zvhd",
            "worker",
            "--beat",
            "--concurrency=1",
            "--loglevel=INFO",
            "--hostname",
            "test@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = wait_for_heartbeat(tmp_path / "zvhd.sqlite3", timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert seen, "no heartbeat within 60 s; worker output:\n" + output[-3000:]
    assert "zvhd.health.tasks.worker_heartbeat" in output


def wait_for_heartbeat(database: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            if connection.execute("SELECT COUNT(*) FROM health_workerheartbeat").fetchone()[0]:
                return True
        time.sleep(1)
    return False
