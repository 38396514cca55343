"""Stub: being built. `table_chart_svg(table, periods)` returns an inline SVG (str) for a document table."""

from __future__ import annotations

from typing import Any


def table_chart_svg(table: dict[str, Any], periods: list[dict[str, Any]]) -> str:
    return ""
