"""The weekly prioritisation in a real Celery worker on the embedded (filesystem) broker, as `make run`
starts it: the task is sent through the broker, the worker ranks the list in its own database."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")

PREPARE = """
from zvhd.accounts.models import Role, User
from tests.triage.builders import waiting_case
pia = User.objects.create(username="pia", role=Role.SUPPORT_OFFICER)
waiting_case(pia, risk="low")
waiting_case(pia, risk="high")
"""


def environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DATABASE_URL" and not key.startswith("CELERY")
    }
    return env | {"DJANGO_DEBUG": "true", "ZVHD_VAR_DIR": str(var_dir)}


def run(env: dict[str, str], *args: str) -> None:
    subprocess.run([*args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


@pytest.mark.slow
def test_the_worker_ranks_the_waiting_list_when_the_weekly_task_arrives(tmp_path: Path) -> None:
    env = environment(tmp_path)
    (tmp_path / "celery" / "queue").mkdir(parents=True)
    (tmp_path / "celery" / "processed").mkdir()
    run(env, sys.executable, "manage.py", "migrate", "--no-input")
    run(env, sys.executable, "manage.py", "shell", "-c", PREPARE)

    worker = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "zvhd",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
            "--hostname",
            "triage@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        run(env, str(CELERY), "-A", "zvhd", "call", "triage.tasks.waiting_list_prioritise")
        ranked = wait_for_ranks(tmp_path / "zvhd.sqlite3", timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert ranked == [("high", 1), ("low", 2)], "worker output:\n" + output[-3000:]
    assert "triage.tasks.waiting_list_prioritise" in output
    assert "2 ranked" in output


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
