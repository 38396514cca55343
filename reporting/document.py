"""The figures of a period as one plain JSON document: what the dashboard shows, what a generated report
stores as its data snapshot, and what the PDF, CSV, XLSX and JSON exports are made from.

Labels and definitions are written out in the language active when the document is made (Dutch in the
application), so a stored snapshot reads the same years later. Case ids are not in it: the drill-down
lists are computed again from the records (`reporting.figures`).

Shape::

    {"format": 1, "period": {"first": "2023-01-01", "last": "2023-12-31", "label": "2023",
                             "whole_year": true},
     "periods": [{"key": "p0", "label": "2023"}, {"key": "p1", ...}, {"key": "p2", ...}],
     "computed_at": "2026-11-23T20:00:00+01:00",
     "general_rules": "...",
     "tables": [{"key": "overview", "title": "...", "definition": "...", "chart": "trend",
                 "available": true, "unavailable_reason": "",
                 "columns": [{"key": "p0", "label": "2023", "kind": "count"}, ...],
                 "rows": [{"key": "new", "label": "Nieuw", "total": false,
                           "cells": {"p0": {"value": 65, "drill": true}, ...}}, ...]}, ...]}

Column keys p0, p1, p2 are the period, the one before and the one before that.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from reporting.figures import GENERAL_RULES, Figures, Table

FORMAT = 1


def _table(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": str(table.title),
        "definition": str(table.definition),
        "chart": table.chart,
        "available": table.available,
        "unavailable_reason": str(table.unavailable_reason) if not table.available else "",
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
        "rows": [
            {
                "key": row.key,
                "label": str(row.label),
                "total": row.is_total,
                "cells": {
                    key: {"value": cell.value, "drill": cell.drillable and bool(cell.case_ids)}
                    for key, cell in row.cells.items()
                },
            }
            for row in table.rows
        ],
    }


def figures_document(figures: Figures) -> dict[str, Any]:
    period = figures.period
    return {
        "format": FORMAT,
        "period": {
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
            "label": period.label,
            "whole_year": period.is_whole_year,
        },
        "periods": [{"key": f"p{i}", "label": p.label} for i, p in enumerate(reversed(figures.periods))],
        "computed_at": (figures.computed_at or timezone.now()).isoformat(),
        "general_rules": str(GENERAL_RULES),
        "tables": [_table(table) for table in figures.tables],
    }


def document_table(document: dict[str, Any], key: str) -> dict[str, Any]:
    for table in document["tables"]:
        if table["key"] == key:
            return table
    raise KeyError(key)
