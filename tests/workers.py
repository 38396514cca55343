"""A real Celery worker on the embedded (filesystem) broker, as `make run` starts it, for the worker tests.

The stack lives in a directory of its own (ZVHD_VAR_DIR): its SQLite database and the broker's queue. The
worker is a separate process, so the tests look in that database with plain sqlite3. No eager mode, no
mocks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")


@dataclass
class EmbeddedStack:
    """The environment of an embedded stack in `var_dir`, migrated and with the broker's folders."""

    var_dir: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.var_dir / "zvhd.sqlite3"

    def run(self, *args: str) -> None:
        subprocess.run([*args], cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120)

    def manage(self, *args: str) -> None:
        """`manage.py` with these arguments, in the stack's environment."""
        self.run(sys.executable, "manage.py", *args)

    def celery(self, *args: str) -> None:
        """The `celery -A zvhd` command with these arguments, e.g. `call <task>` to send a task."""
        self.run(str(CELERY), "-A", "zvhd", *args)


def embedded_stack(var_dir: Path, **extra_env: str) -> EmbeddedStack:
    """A migrated embedded stack in `var_dir`: this test run's environment without its database and Celery
    settings, with DEBUG on and the extra variables given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DATABASE_URL" and not key.startswith("CELERY")
    }
    env |= {"DJANGO_DEBUG": "true", "ZVHD_VAR_DIR": str(var_dir), **extra_env}
    (var_dir / "celery" / "queue").mkdir(parents=True)
    (var_dir / "celery" / "processed").mkdir()
    stack = EmbeddedStack(var_dir=var_dir, env=env)
    stack.manage("migrate", "--no-input")
    return stack


@dataclass
class Worker:
    """A running worker; `output` holds what it printed once it has stopped."""

    process: subprocess.Popen[str]
    output: str = ""


@contextmanager
def celery_worker(stack: EmbeddedStack, *, hostname: str, beat: bool = False) -> Iterator[Worker]:
    """A worker (with beat if asked) on the stack while the block runs; stopped when it ends."""
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "zvhd",
            "worker",
            *(["--beat"] if beat else []),
            "--concurrency=1",
            "--loglevel=INFO",
            "--hostname",
            hostname,
        ],
        cwd=ROOT,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = Worker(process=process)
    try:
        yield worker
    finally:
        process.terminate()
        worker.output, _ = process.communicate(timeout=30)
