"""Charts of the annual report's tables as inline SVG, drawn by matplotlib: the same SVG in the dashboard
and in the PDF.

A table of the document (`reporting.document`) says how it is drawn in its "chart": "pie" (shares),
"bars" (active and inflow per municipality), "ages" (cases per age bucket) or "trend" (the three periods,
oldest first). Total rows are never drawn.

matplotlib keeps its settings in one global dictionary, so a chart is drawn with the object API (no
pyplot) under a lock while the settings of this module are in force. The text stays text (selectable,
extractable from the PDF) in the house font, Noto Sans; matplotlib measures it with DejaVu Sans, which is
a little wider, so labels never run out of their room. The output is deterministic: the same table gives
the same bytes (no date, fixed hash salt, ids derived from the table key).
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from django.utils.html import escape
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

HOUSE_FONT = "'Noto Sans', sans-serif"
MEASURING_FONT = "DejaVu Sans"  # what matplotlib measures with; replaced by the house font in the SVG
INK = "#1c2b39"
MUTED = "#5c6670"
GRID = "#d6dde4"
DARK_BLUE = "#154273"
# Calm tints for slices and series, dark to light, with two quiet accents for pies with many slices.
PALETTE = ("#154273", "#007bc7", "#8fcae7", "#76d2b6", "#4b6f93", "#c3d4e6", "#b4975a", "#9aa5b1")
PERIOD_TINTS = ("#c3d4e6", "#6c9bc9", "#154273")  # oldest to newest
UNKNOWN_GREY = "#9aa5b1"
WIDTH = 6.4  # inches: the text width of the PDF page, and a comfortable width in the dashboard
MAX_SLICES_LABELLED = 0.04  # slices smaller than this share get their number in the legend only

_LOCK = threading.Lock()
# Charts kept per process: some twenty tables of a few years' dashboards and reports.
CACHED_CHARTS = 256
_SETTINGS = {
    "svg.fonttype": "none",
    "svg.hashsalt": "zvhd-reporting",
    "font.family": [MEASURING_FONT],
    "font.size": 9,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.edgecolor": GRID,
    "legend.frameon": False,
    "path.simplify": True,
}


def table_chart_svg(table: dict[str, Any], periods: list[dict[str, Any]]) -> str:
    """The table's chart as an inline `<svg>`; "" when the table has no chart, is not available or has
    nothing but zeros to draw.

    Drawing takes about a tenth of a second a chart, and the same figures give the same bytes, so the
    charts of figures seen before (the dashboard opened again, the PDF after the dashboard) come from a
    small cache per process, keyed by the table and periods as JSON."""
    if _DRAWERS.get(table.get("chart") or "") is None or not table.get("available", True):
        return ""
    return _chart_svg_cached(json.dumps([table, periods], sort_keys=True, default=str))


@functools.lru_cache(maxsize=CACHED_CHARTS)
def _chart_svg_cached(table_and_periods: str) -> str:
    table, periods = json.loads(table_and_periods)
    return _chart_svg(table, periods)


def _chart_svg(table: dict[str, Any], periods: list[dict[str, Any]]) -> str:
    draw = _DRAWERS[table["chart"]]
    with _drawing():
        figure = draw(table, periods)
        if figure is None:
            return ""
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    return _inline(buffer.getvalue(), key=str(table["key"]), title=str(table["title"]))


@contextmanager
def _drawing() -> Iterator[None]:
    with _LOCK, matplotlib.rc_context(_SETTINGS):
        yield


# --- Reading the table ----------------------------------------------------------------------------------


def _rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in table["rows"] if not row.get("total")]


def _total_row(table: dict[str, Any]) -> dict[str, Any] | None:
    return next((row for row in table["rows"] if row.get("total")), None)


def _value(row: dict[str, Any], column: str) -> float:
    cell = row["cells"].get(column) or {}
    return float(cell.get("value") or 0)


def _number(value: float) -> str:
    """A count as Dutch readers write it (12.345)."""
    return f"{round(value):,}".replace(",", ".")


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _column_label(table: dict[str, Any], key: str) -> str:
    return next((str(c["label"]) for c in table["columns"] if c["key"] == key), key)


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasSVG(figure)  # drawn by the SVG backend only: no pyplot, no GUI, no global figure list
    return figure


def _plain(ax: Axes, *, keep: str) -> None:
    """Only the axis that carries labels (`keep`: "x" or "y"); numbers are written on the bars."""
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom" if keep == "x" else "left"].set_visible(True)
    ax.tick_params(length=0)
    if keep == "x":
        ax.set_yticks([])
    else:
        ax.set_xticks([])


# --- The charts -----------------------------------------------------------------------------------------


def _pie(table: dict[str, Any], periods: list[dict[str, Any]]) -> Figure | None:
    percent_column = next((c["key"] for c in table["columns"] if c["kind"] == "percent"), None)
    slices = [(row, _value(row, "count")) for row in _rows(table)]
    slices = [(row, value) for row, value in slices if value > 0]
    if not slices:
        return None
    whole = sum(value for _row, value in slices)
    figure = _figure(2.7)
    ax = figure.add_subplot()
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(slices))]
    wedges, _texts = ax.pie(
        [value for _row, value in slices],
        colors=colours,
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.42, "edgecolor": "white", "linewidth": 1.2},
    )
    for wedge, (_row, value), colour in zip(wedges, slices, colours, strict=True):
        if value / whole < MAX_SLICES_LABELLED:
            continue
        _slice_number(ax, wedge, _number(value), light=colour in PALETTE[2:4] + PALETTE[5:6])
    total = _total_row(table)
    ax.text(0, 0.08, _number(whole), ha="center", va="center", fontsize=15, fontweight="bold", color=INK)
    if total is not None:
        ax.text(0, -0.2, _wrap(str(total["label"]), 14), ha="center", va="center", fontsize=7, color=MUTED)
    labels = []
    for row, value in slices:
        share = row["cells"].get(percent_column, {}).get("value") if percent_column else None
        amount = _number(value) + (f" ({share}%)" if share is not None else "")
        labels.append(f"{_wrap(str(row['label']), 38)}\n{amount}")
    ax.legend(
        wedges,
        labels,
        loc="center left",
        bbox_to_anchor=(1.02, 0.5),
        fontsize=8,
        labelspacing=0.7,
        handlelength=1.1,
        handleheight=1.1,
    )
    ax.set_aspect("equal")
    return figure


def _slice_number(ax: Axes, wedge: Any, text: str, *, light: bool) -> None:
    angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
    radius = 1 - 0.21
    ax.text(
        radius * math.cos(angle),
        radius * math.sin(angle),
        text,
        ha="center",
        va="center",
        fontsize=8,
        fontweight="bold",
        color=INK if light else "white",
    )


def _bars(table: dict[str, Any], periods: list[dict[str, Any]]) -> Figure | None:
    rows = _rows(table)
    series = [key for key in ("active", "inflow") if any(c["key"] == key for c in table["columns"])]
    if not rows or not any(_value(row, key) for row in rows for key in series):
        return None
    figure = _figure(0.6 + 0.27 * len(rows))
    ax = figure.add_subplot()
    height = 0.8 / len(series)
    positions = range(len(rows))
    longest = max(_value(row, key) for row in rows for key in series)
    for index, key in enumerate(series):
        values = [_value(row, key) for row in rows]
        offsets = [p - 0.4 + height * (index + 0.5) for p in positions]
        colour = DARK_BLUE if index == 0 else PALETTE[2]
        bars = ax.barh(offsets, values, height=height * 0.92, color=colour, label=_column_label(table, key))
        ax.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=7.5, color=INK)
    ax.set_yticks(list(positions), [_wrap(str(row["label"]), 28) for row in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, longest * 1.1)
    _plain(ax, keep="y")
    ax.legend(loc="lower right", fontsize=8, ncols=len(series), bbox_to_anchor=(1, 1), borderaxespad=0.2)
    return figure


def _ages(table: dict[str, Any], periods: list[dict[str, Any]]) -> Figure | None:
    rows = _rows(table)
    values = [_value(row, "count") for row in rows]
    if not any(values):
        return None
    figure = _figure(2.5)
    ax = figure.add_subplot()
    colours = [UNKNOWN_GREY if row["key"] == "unknown" else DARK_BLUE for row in rows]
    bars = ax.bar(range(len(rows)), values, width=0.62, color=colours)
    ax.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=8, color=INK)
    ax.set_xticks(range(len(rows)), [_wrap(str(row["label"]), 14) for row in rows], fontsize=8)
    ax.set_ylim(0, max(values) * 1.15)
    _plain(ax, keep="x")
    return figure


def _trend(table: dict[str, Any], periods: list[dict[str, Any]]) -> Figure | None:
    rows = _rows(table)
    columns = [p["key"] for p in reversed(periods) if any(c["key"] == p["key"] for c in table["columns"])]
    if not rows or not any(_value(row, key) for row in rows for key in columns):
        return None
    figure = _figure(2.7)
    ax = figure.add_subplot()
    width = 0.8 / len(columns)
    tints = PERIOD_TINTS[-len(columns) :] if len(columns) <= len(PERIOD_TINTS) else PALETTE
    highest = 0.0
    for index, key in enumerate(columns):
        values = [_value(row, key) for row in rows]
        highest = max(highest, *values)
        offsets = [p - 0.4 + width * (index + 0.5) for p in range(len(rows))]
        bars = ax.bar(
            offsets,
            values,
            width=width * 0.92,
            color=tints[index % len(tints)],
            label=_column_label(table, key),
        )
        ax.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=7.5, color=INK)
    ax.set_xticks(range(len(rows)), [_wrap(str(row["label"]), 24) for row in rows], fontsize=8)
    ax.set_ylim(0, highest * 1.15)
    _plain(ax, keep="x")
    ax.legend(loc="lower right", fontsize=8, ncols=len(columns), bbox_to_anchor=(1, 1), borderaxespad=0.2)
    return figure


_DRAWERS: dict[str, Callable[[dict[str, Any], list[dict[str, Any]]], Figure | None]] = {
    "pie": _pie,
    "bars": _bars,
    "ages": _ages,
    "trend": _trend,
}


# --- From matplotlib's file to an inline element --------------------------------------------------------

_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLESHEET = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_IDS = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_FONT = re.compile(r"font-family: '" + re.escape(MEASURING_FONT) + r"'")


def _inline(svg: str, *, key: str, title: str) -> str:
    """matplotlib's SVG file as an element that can sit in an HTML page among other charts: no XML
    prologue, metadata or stylesheet, ids scoped to this chart, the house font, a title for screen
    readers."""
    prefix = "zvhd-chart-" + re.sub(r"[^a-z0-9_-]", "-", key.lower())
    svg = _PROLOGUE.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _IDS.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    svg = _STYLESHEET.sub("", svg)
    svg = _FONT.sub(f"font-family: {HOUSE_FONT}", svg)
    svg = _STYLE.sub(_presentation_attributes, svg)
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None  # matplotlib always writes one
    size = " ".join(re.findall(r'\b(?:width|height|viewBox)="[^"]*"', root.group(0)))
    label = escape(title)
    opening = (
        f'<svg id="{prefix}" class="zvhd-chart" role="img" aria-label="{label}" {size}'
        ' stroke-linejoin="round" stroke-linecap="butt"'
        ' xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    )
    return (opening + f"<title>{label}</title>" + svg[root.end() :]).strip()


def _presentation_attributes(match: re.Match[str]) -> str:
    """`style="fill: #fff; text-anchor: middle"` as `fill="#fff" text-anchor="middle"`: the same drawing,
    but WeasyPrint does not read SVG properties in a style attribute as CSS of the page (and warn about
    each one)."""
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _colon, value = declaration.partition(":")
        if name.strip() and value.strip():
            attributes.append(f' {name.strip()}="{value.strip()}"')
    return "".join(attributes)
