"""The charts of the annual report's tables: one per kind of table, the same SVG for the same figures, and
no chart where there is nothing to draw.

The tables are written out as the figures document has them (`reporting.document`), with labels that
appear nowhere else in the SVG, so finding them proves the chart names what it draws.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from reporting import charts
from reporting.charts import table_chart_svg

PERIODS = [{"key": "p0", "label": "2023"}, {"key": "p1", "label": "2022"}, {"key": "p2", "label": "2021"}]


def table(key: str, chart: str, columns: list[tuple[str, str, str]], rows: list[tuple], **kw: Any) -> dict:
    """A document table: columns as (key, label, kind), rows as (label, total, {column: value})."""
    return {
        "key": key,
        "title": kw.get("title", f"Tabel {key}"),
        "definition": "",
        "chart": chart,
        "available": kw.get("available", True),
        "unavailable_reason": "",
        "columns": [{"key": k, "label": label, "kind": kind} for k, label, kind in columns],
        "rows": [
            {
                "key": f"r{i}",
                "label": label,
                "total": total,
                "cells": {column: {"value": value, "drill": False} for column, value in values.items()},
            }
            for i, (label, total, values) in enumerate(rows)
        ],
    }


def minors() -> dict:
    return table(
        "minors",
        "pie",
        [("count", "Casussen", "count"), ("percent", "%", "percent")],
        [
            ("Met minderjarigen", False, {"count": 21, "percent": 32}),
            ("Zonder minderjarigen", False, {"count": 44, "percent": 68}),
            ("Instroom procesregie", True, {"count": 65, "percent": 100}),
        ],
        title="Minderjarigen in het systeem",
    )


def domains() -> dict:
    return table(
        "domains",
        "pie",
        [("count", "Aanmeldingen 2023", "count"), ("p0", "% 2023", "percent"), ("p1", "% 2022", "percent")],
        [
            ("Zorgdomein", False, {"count": 20, "p0": 16, "p1": 14}),
            ("Veiligheidsdomein", False, {"count": 68, "p0": 53, "p1": 65}),
            ("Gemeentelijk domein", False, {"count": 40, "p0": 31, "p1": 21}),
            ("Totaal", True, {"count": 128, "p0": 100, "p1": 100}),
        ],
    )


def municipalities() -> dict:
    return table(
        "municipalities",
        "bars",
        [("active", "Actief", "count"), ("inflow", "Instroom", "count"), ("advice", "Advies", "count")],
        [
            ("Emmen", False, {"active": 38, "inflow": 21, "advice": 15}),
            ("Hoogeveen", False, {"active": 13, "inflow": 6, "advice": 11}),
            ("Westerveld", False, {"active": 0, "inflow": 0, "advice": 1}),
            ("Alle gemeenten samen", True, {"active": 51, "inflow": 27, "advice": 27}),
        ],
    )


def ages() -> dict:
    return table(
        "ages_referred",
        "ages",
        [("count", "Casussen", "count")],
        [
            ("tot en met 17", False, {"count": 7}),
            ("24\u201340", False, {"count": 60}),
            ("Geboortedatum onbekend", False, {"count": 13}),
            ("Alle leeftijden", True, {"count": 80}),
        ],
    )


def overview() -> dict:
    return table(
        "overview",
        "trend",
        [("p0", "2023", "count"), ("p1", "2022", "count"), ("p2", "2021", "count")],
        [
            ("Nieuw (instroom)", False, {"p0": 65, "p1": 58, "p2": 38}),
            ("Lopend", False, {"p0": 129, "p1": 99, "p2": 77}),
            ("Afgesloten", False, {"p0": 54, "p1": 35, "p2": 36}),
        ],
    )


def texts(svg: str) -> list[str]:
    """The text the chart shows (what a reader and a PDF text extractor see)."""
    root = ET.fromstring(svg)
    return ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(
    ("make", "labels", "numbers"),
    [
        (minors, ["Met minderjarigen", "Zonder minderjarigen"], ["21", "44", "65"]),
        (domains, ["Zorgdomein", "Veiligheidsdomein", "Gemeentelijk domein"], ["68", "40", "128"]),
        (municipalities, ["Emmen", "Hoogeveen", "Westerveld", "Actief", "Instroom"], ["38", "21", "13"]),
        (ages, ["tot en met 17", "24\u201340", "Geboortedatum onbekend"], ["7", "60", "13"]),
        (overview, ["Nieuw (instroom)", "Lopend", "Afgesloten", "2021", "2022", "2023"], ["65", "129", "36"]),
    ],
)
def test_each_kind_of_chart_names_its_rows_and_writes_its_numbers(make, labels, numbers) -> None:  # type: ignore[no-untyped-def]
    svg = table_chart_svg(make(), PERIODS)

    shown = " ".join(texts(svg))
    for label in labels:
        assert label in shown
    for number in numbers:
        assert number in texts(svg) or any(text.startswith(number) for text in texts(svg))
    assert len(svg.encode()) < 60_000


def test_a_chart_is_an_inline_svg_named_for_screen_readers() -> None:
    svg = table_chart_svg(minors(), PERIODS)

    assert svg.startswith("<svg ")
    assert svg.endswith("</svg>")
    assert "<?xml" not in svg
    assert "DOCTYPE" not in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Minderjarigen in het systeem"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Minderjarigen in het systeem"


def test_a_chart_writes_its_text_as_text_in_the_house_font() -> None:
    svg = table_chart_svg(overview(), PERIODS)

    fonts = {node.get("font-family") for node in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert fonts == {"'Noto Sans', sans-serif"}
    assert "<path" in svg
    assert "glyph" not in svg


def test_total_rows_are_not_drawn() -> None:
    assert "Alle gemeenten samen" not in table_chart_svg(municipalities(), PERIODS)
    assert "Alle leeftijden" not in table_chart_svg(ages(), PERIODS)


def test_the_same_table_gives_the_same_svg_when_drawn_again() -> None:
    """Drawn twice (not taken from the cache of drawn charts): byte for byte the same, as the PDF of a
    stored snapshot must show what the dashboard showed."""
    first = table_chart_svg(domains(), PERIODS)
    charts._chart_svg_cached.cache_clear()
    assert table_chart_svg(domains(), PERIODS) == first


def test_two_charts_on_one_page_share_no_ids() -> None:
    def ids(svg: str) -> set[str]:
        return {node.get("id") for node in ET.fromstring(svg).iter() if node.get("id")}

    assert not ids(table_chart_svg(minors(), PERIODS)) & ids(table_chart_svg(domains(), PERIODS))


def test_a_table_that_is_not_available_or_holds_only_zeros_has_no_chart() -> None:
    empty = overview()
    for row in empty["rows"]:
        row["cells"] = {key: {"value": 0, "drill": False} for key in row["cells"]}
    unavailable = minors() | {"available": False}
    without_chart = minors() | {"chart": ""}

    assert table_chart_svg(empty, PERIODS) == ""
    assert table_chart_svg(unavailable, PERIODS) == ""
    assert table_chart_svg(without_chart, PERIODS) == ""
