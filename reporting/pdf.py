"""Stub: being built. `report_pdf(snapshot, progress=None) -> (pdf bytes, page count)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def report_pdf(
    snapshot: dict[str, Any], progress: Callable[[int, str], None] | None = None
) -> tuple[bytes, int]:
    raise NotImplementedError
