"""The figures of the annual report, computed from the records: one structure for the dashboard, the
PDF, the CSV / XLSX / JSON exports and the drill-down lists.

`figures_compute(period)` reads the records once (`reporting.records`, a fixed number of queries) and
builds every table. A table has rows and columns of cells; a cell that counts cases keeps the ids of the
cases behind it, so the dashboard can list them (through the access layer). Every table carries its
written definition; the general rules are in `GENERAL_RULES`.

Deliberate differences from the published report 2023 are listed in docs/annual-report-figures.md and
asserted in tests/reporting/test_published_figures.py.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.figures import aftercare_figures_between
from aftercare.models import AftercareFile
from cases.models import Case
from reporting.records import CaseRecord, Records, records_read
from zvhd.reference.models import (
    CaseLabel,
    CrossBorderScope,
    Domain,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)

COORDINATION = Case.Kind.COORDINATION
ADVICE = Case.Kind.EXTENDED_ADVICE
PCA = Case.Intensity.PERSON_CENTRED
AGE_BUCKETS = ((0, 17), (18, 23), (24, 40), (41, 65), (66, None))


# --- The structure --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A period within one calendar year (the whole year unless a start and end are chosen)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def is_whole_year(self) -> bool:
        return (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31)

    @property
    def label(self) -> str:
        if self.is_whole_year:
            return str(self.first.year)
        return f"{self.first:%d-%m-%Y} t/m {self.last:%d-%m-%Y}"

    def earlier(self, years: int) -> Period:
        """The same period `years` years before (29 February becomes 28 February)."""

        def back(day: datetime.date) -> datetime.date:
            try:
                return day.replace(year=day.year - years)
            except ValueError:
                return day.replace(year=day.year - years, day=28)

        return Period(back(self.first), back(self.last))

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.first <= day <= self.last


@dataclass
class Cell:
    value: int | float | None
    case_ids: frozenset[int] | None = None  # the cases behind a count, for the drill-down list
    share_of: int | None = None  # a percentage: of how many

    @property
    def drillable(self) -> bool:
        return self.case_ids is not None


@dataclass
class Row:
    key: str
    label: str
    cells: dict[str, Cell]
    is_total: bool = False


@dataclass
class Column:
    key: str
    label: str
    kind: str = "count"  # count, percent, days, weeks


@dataclass
class Table:
    key: str
    title: str
    definition: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    available: bool = True
    unavailable_reason: str = ""
    chart: str = ""  # pie, bars, ages, trend: how the report draws it

    def cell(self, row_key: str, column_key: str) -> Cell:
        for row in self.rows:
            if row.key == row_key:
                return row.cells[column_key]
        raise KeyError(row_key)

    def values(self) -> dict[str, dict[str, Any]]:
        """{row key: {column key: value}}, as the tests and the JSON export read a table."""
        return {row.key: {key: cell.value for key, cell in row.cells.items()} for row in self.rows}


@dataclass
class Figures:
    period: Period
    periods: list[Period]  # the period and the two before it, oldest first
    tables: list[Table]
    computed_at: datetime.datetime | None = None

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


# --- Helpers --------------------------------------------------------------------------------------------


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, halves rounded up (as people round, not as Python's `round`)."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def count(records: Iterable[CaseRecord]) -> Cell:
    return count_of_ids(frozenset(record.id for record in records))


def count_of_ids(ids: frozenset[int]) -> Cell:
    return Cell(len(ids), ids)


def share(part: Cell, whole: Cell) -> Cell:
    return Cell(percent(int(part.value or 0), int(whole.value or 0)), part.case_ids, int(whole.value or 0))


def median_and_max(days: list[int]) -> tuple[float | None, int | None]:
    if not days:
        return None, None
    return float(statistics.median(days)), max(days)


def age_bucket(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high in AGE_BUCKETS:
        if high is None or age <= high:
            return _bucket_key(low, high)
    raise AssertionError(age)  # pragma: no cover


def _bucket_key(low: int, high: int | None) -> str:
    return f"{low}-{high}" if high is not None else f"{low}-plus"


def _bucket_label(low: int, high: int | None) -> str:
    if low == 0:
        return _("up to %(high)s") % {"high": high}
    if high is None:
        return _("%(low)s and older") % {"low": low}
    return f"{low}\u2013{high}"


class _Selection:
    """The case records of the three periods, with the sets most tables start from (each made once:
    at national scale a pass over the records costs a tenth of a second)."""

    def __init__(self, records: Records, period: Period) -> None:
        self.records, self.period = records, period
        self._made: dict[tuple[str, Period, tuple[str, ...] | None], list[CaseRecord]] = {}

    def _kept(
        self, name: str, period: Period, kinds: tuple[str, ...] | None, keep: Callable[[CaseRecord], bool]
    ) -> list[CaseRecord]:
        key = (name, period, kinds)
        if key not in self._made:
            self._made[key] = [
                r for r in self.records.cases if (kinds is None or r.kind in kinds) and keep(r)
            ]
        return self._made[key]

    def received(self, period: Period, kinds: tuple[str, ...] | None = None) -> list[CaseRecord]:
        first, last = period.first, period.last
        return self._kept("received", period, kinds, lambda r: first <= r.received_on <= last)

    def active(self, period: Period, kinds: tuple[str, ...]) -> list[CaseRecord]:
        first, last = period.first, period.last
        return self._kept("active", period, kinds, lambda r: r.open_in(first, last))

    def closed(self, period: Period, kinds: tuple[str, ...]) -> list[CaseRecord]:
        return self._kept("closed", period, kinds, lambda r: period.contains(r.closed_on))


def _grouped(chosen: list[CaseRecord], key_of: Callable[[CaseRecord], Any]) -> dict[Any, list[CaseRecord]]:
    """The records by a key, in one pass."""
    groups: dict[Any, list[CaseRecord]] = defaultdict(list)
    for record in chosen:
        groups[key_of(record)].append(record)
    return groups


# --- The tables -----------------------------------------------------------------------------------------


def _year_columns(periods: list[Period]) -> list[Column]:
    return [Column(f"p{index}", period.label) for index, period in enumerate(reversed(periods))]


def _overview(sel: _Selection, periods: list[Period]) -> Table:
    table = Table(
        "overview",
        _("Procesregie: new, active and closed cases"),
        _(
            "New: procesregie cases whose referral was received in the period. Active: procesregie cases "
            "open on at least one day of the period (received on or before its last day and not closed "
            "before its first day). Closed: procesregie cases closed in the period. A case counts once, "
            "however many subjects it has."
        ),
        _year_columns(periods),
        chart="trend",
    )
    kinds = (COORDINATION,)
    for key, label, pick in (
        ("new", _("New (inflow)"), lambda p: sel.received(p, kinds)),
        ("active", _("Active"), lambda p: sel.active(p, kinds)),
        ("closed", _("Closed"), lambda p: sel.closed(p, kinds)),
    ):
        cells = {f"p{i}": count(pick(p)) for i, p in enumerate(reversed(periods))}
        table.rows.append(Row(key, label, cells))
    return table


def _municipalities(sel: _Selection, period: Period, municipalities: list[Municipality]) -> Table:
    table = Table(
        "municipalities",
        _("Per municipality"),
        _(
            "The municipality is that of the case's main subject. Active, inflow and closed are the "
            "procesregie figures of the overview; extended advice counts the cases handled as extended "
            "advice whose referral was received in the period."
        ),
        [
            Column("active", _("Active procesregie")),
            Column("inflow", _("Inflow procesregie")),
            Column("advice", _("Extended advice")),
            Column("closed", _("Closed procesregie")),
        ],
        chart="bars",
    )
    sets = {
        "active": sel.active(period, (COORDINATION,)),
        "inflow": sel.received(period, (COORDINATION,)),
        "advice": sel.received(period, (ADVICE,)),
        "closed": sel.closed(period, (COORDINATION,)),
    }
    _per_reference_row(table, sets, municipalities, lambda r: r.municipality_id)
    return table


def _per_reference_row(
    table: Table,
    sets: dict[str, list[CaseRecord]],
    rows: list[Any],
    key_of: Callable[[CaseRecord], int | None],
    *,
    keep_empty: bool = True,
) -> None:
    groups = {column: _grouped(chosen, key_of) for column, chosen in sets.items()}
    for reference in rows:
        pk = reference.pk
        cells = {column: count(groups[column].get(pk, ())) for column in sets}
        if keep_empty or any(cell.value for cell in cells.values()):
            table.rows.append(Row(reference.code, reference.name, cells))
    known = {reference.pk for reference in rows}
    unknown = {
        column: count(r for key, chosen in groups[column].items() if key not in known for r in chosen)
        for column in sets
    }
    if any(cell.value for cell in unknown.values()):
        table.rows.append(Row("unknown", _("Unknown"), unknown))
    table.rows.append(
        Row("total", _("Total"), {column: count(chosen) for column, chosen in sets.items()}, True)
    )


def _partners(sel: _Selection, period: Period, partners: list[Partner]) -> Table:
    table = Table(
        "partners",
        _("Referrals per partner"),
        _(
            "Referrals received in the period, by the referring partner, and how they were handled: taken "
            "up as procesregie, as extended advice, or otherwise (not taken up, referred back, or not yet "
            "decided when the figures were made)."
        ),
        [
            Column("total", _("Referrals")),
            Column("coordination", _("Procesregie")),
            Column("advice", _("Extended advice")),
            Column("other", _("Otherwise")),
        ],
    )
    received = sel.received(period)
    sets = {
        "total": received,
        "coordination": [r for r in received if r.kind == COORDINATION],
        "advice": [r for r in received if r.kind == ADVICE],
        "other": [r for r in received if r.kind not in (COORDINATION, ADVICE)],
    }
    _per_reference_row(table, sets, partners, lambda r: r.partner_id)
    return table


def _domains(sel: _Selection, periods: list[Period], partners: list[Partner]) -> Table:
    domain_of = {partner.pk: partner.domain for partner in partners}
    table = Table(
        "domains",
        _("Referrals per domain"),
        _(
            "Referrals received in the period, by the domain of the referring partner (care, safety, "
            "municipalities), as a share of all referrals of the period."
        ),
        [Column("count", _("Referrals %(period)s") % {"period": periods[-1].label})]
        + [
            Column(f"p{i}", _("%% %(period)s") % {"period": p.label}, "percent")
            for i, p in enumerate(reversed(periods))
        ],
        chart="pie",
    )
    totals = [count(sel.received(p)) for p in reversed(periods)]
    per_domain = [_grouped(sel.received(p), lambda r: domain_of.get(r.partner_id)) for p in reversed(periods)]
    for value, label in Domain.choices:
        cells = {}
        for index in range(len(periods)):
            part = count(per_domain[index].get(value, ()))
            if index == 0:
                cells["count"] = part
            cells[f"p{index}"] = share(part, totals[index])
        table.rows.append(Row(value, str(label), cells))
    cells = {"count": totals[0]} | {f"p{i}": share(total, total) for i, total in enumerate(totals)}
    table.rows.append(Row("total", _("Total"), cells, True))
    return table


def _shares_table(
    key: str,
    title: str,
    definition: str,
    base: list[CaseRecord],
    rows: list[tuple[str, str, list[CaseRecord]]],
    **kw: Any,
) -> Table:
    table = Table(
        key, title, definition, [Column("count", _("Cases")), Column("percent", _("%"), "percent")], **kw
    )
    whole = count(base)
    for row_key, label, chosen in rows:
        part = count(chosen)
        table.rows.append(Row(row_key, label, {"count": part, "percent": share(part, whole)}))
    table.rows.append(
        Row("total", _("Procesregie inflow"), {"count": whole, "percent": share(whole, whole)}, True)
    )
    return table


def _main_topics(inflow: list[CaseRecord], topics: list[MainTopic]) -> Table:
    rows = [(t.code, t.name, [r for r in inflow if r.main_topic_id == t.pk]) for t in topics]
    rows = [row for row in rows if row[2]] or rows[:0]
    return _shares_table(
        "main_topics",
        _("Main topic of the new procesregie cases"),
        _("The main topic the referral gave, for the procesregie cases of the inflow (one topic per case)."),
        inflow,
        rows,
        chart="pie",
    )


def _problem_areas(inflow: list[CaseRecord], areas: list[ProblemArea]) -> Table:
    ids = {area.pk for area in areas}
    rows = [(a.code, a.name, [r for r in inflow if a.pk in r.problem_areas]) for a in areas]
    rows.append(
        ("double", _("Exactly two of them (dubbel)"), [r for r in inflow if len(r.problem_areas & ids) == 2])
    )
    rows.append(("triple", _("All three (triple)"), [r for r in inflow if len(r.problem_areas & ids) == 3]))
    return _shares_table(
        "problem_areas",
        _("Problem areas"),
        _(
            "For the procesregie cases of the inflow: the share of cases in which the referral names each "
            "problem area (a case can name several, so the shares add up to more than 100); dubbel: exactly "
            "two of the three, triple: all three."
        ),
        inflow,
        rows,
    )


def _cross_border(inflow: list[CaseRecord], scopes: list[CrossBorderScope]) -> Table:
    rows = [(s.code, s.name, [r for r in inflow if s.pk in r.cross_border]) for s in scopes]
    rows.append(("any", _("Cross-border in any way"), [r for r in inflow if r.cross_border]))
    return _shares_table(
        "cross_border",
        _("Cross-border cases"),
        _(
            "For the procesregie cases of the inflow: the share with each cross-border aspect the referral "
            "names (several are possible) and with at least one."
        ),
        inflow,
        rows,
    )


def _minors(inflow: list[CaseRecord]) -> Table:
    rows = [
        ("yes", _("With minors"), [r for r in inflow if r.minors == "yes"]),
        ("no", _("Without minors"), [r for r in inflow if r.minors == "no"]),
    ]
    unknown = [r for r in inflow if r.minors not in ("yes", "no")]
    if unknown:
        rows.append(("unknown", _("Unknown"), unknown))
    return _shares_table(
        "minors",
        _("Minors in the subject's system"),
        _(
            "For the procesregie cases of the inflow: whether the referral says minors are part of the "
            "system."
        ),
        inflow,
        rows,
        chart="pie",
    )


def _ages(key: str, title: str, definition: str, chosen: list[CaseRecord]) -> Table:
    table = Table(key, title, definition, [Column("count", _("Cases"))], chart="ages")
    buckets = _grouped(chosen, lambda r: age_bucket(r.age))
    for low, high in AGE_BUCKETS:
        bucket = _bucket_key(low, high)
        table.rows.append(Row(bucket, _bucket_label(low, high), {"count": count(buckets.get(bucket, ()))}))
    table.rows.append(
        Row("unknown", _("Date of birth unknown"), {"count": count(buckets.get("unknown", ()))})
    )
    table.rows.append(Row("total", _("Total"), {"count": count(chosen)}, True))
    return table


def _stalking(sel: _Selection, period: Period, label_id: int | None) -> Table:
    def pick(chosen: list[CaseRecord]) -> list[CaseRecord]:
        return [r for r in chosen if label_id is not None and label_id in r.labels]

    received = sel.received(period)
    referred = count(pick(received))
    table = Table(
        "stalking",
        _("Stalking"),
        _(
            "Cases with the label stalking: referrals received in the period (and their share of all "
            "referrals of the period), and procesregie and extended-advice cases active in the period."
        ),
        [Column("count", _("Cases")), Column("percent", _("Share of referrals (%)"), "percent")],
        available=label_id is not None,
        unavailable_reason=_("The house does not use the label stalking."),
    )
    empty = Cell(None)
    table.rows += [
        Row("referred", _("Referred"), {"count": referred, "percent": share(referred, count(received))}),
        Row(
            "active_coordination",
            _("Active procesregie"),
            {"count": count(pick(sel.active(period, (COORDINATION,)))), "percent": empty},
        ),
        Row(
            "active_advice",
            _("Active extended advice"),
            {"count": count(pick(sel.active(period, (ADVICE,)))), "percent": empty},
        ),
    ]
    return table


def _new_active_closed(
    key: str,
    title: str,
    definition: str,
    sel: _Selection,
    period: Period,
    chosen: Callable[[list[CaseRecord]], list[CaseRecord]],
    rows: list[Any] | None = None,
    key_of: Callable[[CaseRecord], int | None] | None = None,
    **kw: Any,
) -> Table:
    table = Table(
        key,
        title,
        definition,
        [Column("active", _("Active")), Column("inflow", _("New")), Column("closed", _("Closed"))],
        **kw,
    )
    sets = {
        "active": chosen(sel.active(period, (COORDINATION,))),
        "inflow": chosen(sel.received(period, (COORDINATION,))),
        "closed": chosen(sel.closed(period, (COORDINATION,))),
    }
    if rows is None or key_of is None:
        table.rows.append(Row("total", _("Total"), {c: count(s) for c, s in sets.items()}, True))
    else:
        _per_reference_row(table, sets, rows, key_of, keep_empty=False)
    return table


def _advice(sel: _Selection, periods: list[Period]) -> Table:
    table = Table(
        "advice",
        _("Advice and the information desk"),
        _(
            "Case-based extended advice: cases handled as extended advice whose referral was received in "
            "the period. Anonymous advice: advice trajectories about someone who stays unnamed, by the day "
            "the advice was asked. Information desk: contact moments in the period."
        ),
        _year_columns(periods),
        chart="trend",
    )
    cells: dict[str, dict[str, Cell]] = {"case": {}, "anonymous": {}, "total": {}, "information": {}}
    for index, period in enumerate(reversed(periods)):
        column = f"p{index}"
        case_based = count(sel.received(period, (ADVICE,)))
        anonymous = sum(1 for day in sel.records.anonymous_advice if period.contains(day))
        contacts = sum(1 for day in sel.records.information_contacts if period.contains(day))
        cells["case"][column] = case_based
        cells["anonymous"][column] = Cell(anonymous)
        cells["total"][column] = Cell(int(case_based.value or 0) + anonymous)
        cells["information"][column] = Cell(contacts)
    table.rows += [
        Row("case", _("Extended advice (case-based)"), cells["case"]),
        Row("anonymous", _("Anonymous advice"), cells["anonymous"]),
        Row("total", _("Advice and support, total"), cells["total"], True),
        Row("information", _("Information desk contact moments"), cells["information"]),
    ]
    return table


def _waiting_list(sel: _Selection, period: Period) -> Table:
    waited, came, waits = [], [], []
    for record in sel.records.cases:
        on_list = [
            (a, left)
            for a, left in record.waits
            if a <= period.last and (left is None or left >= period.first)
        ]
        if not on_list:
            continue
        waited.append(record)
        if any(period.contains(a) for a, _left in on_list):
            came.append(record)
        # Up to leaving the list, or up to the period's end: what happens later does not change it.
        waits.append(sum((min(left or period.last, period.last) - a).days for a, left in on_list))
    median, longest = median_and_max(waits)
    table = Table(
        "waiting_list",
        _("Waiting list (werkvoorraad)"),
        _(
            "Procesregie cases on the waiting list on at least one day of the period, and of them those that "
            "came on it in the period. The wait of a case is the number of days it was on the list up to "
            "leaving it, or up to the last day of the period when it was still waiting."
        ),
        [Column("value", _("Value"))],
    )
    table.rows += [
        Row("waited", _("Cases that waited"), {"value": count(waited)}),
        Row("came", _("Of which came on the list in the period"), {"value": count(came)}),
        Row("median_days", _("Median wait (days)"), {"value": Cell(median, frozenset(r.id for r in waited))}),
        Row(
            "longest_days",
            _("Longest wait (days)"),
            {"value": Cell(longest, frozenset(r.id for r in waited))},
        ),
    ]
    return table


def _lead_times(sel: _Selection, period: Period) -> Table:
    decided = [r for r in sel.records.cases if period.contains(r.decided_on)]
    started = [r for r in sel.records.cases if r.kind == COORDINATION and period.contains(r.started_on)]
    closed = [r for r in sel.closed(period, (COORDINATION,)) if r.started_on is not None]
    table = Table(
        "lead_times",
        _("Lead times (days)"),
        _(
            "Referral to triage decision: for the referrals decided in the period, days from the date "
            "received to the decision. Decision to start: for the procesregie cases started in the period "
            "(a procesregisseur assigned), days from the decision. Duration: for the procesregie cases "
            "closed in the period, days from the start to the closure."
        ),
        [
            Column("cases", _("Cases")),
            Column("median", _("Median"), "days"),
            Column("longest", _("Longest"), "days"),
        ],
    )
    for key, label, chosen, days in (
        (
            "to_decision",
            _("Referral to triage decision"),
            decided,
            lambda r: (r.decided_on - r.received_on).days,
        ),
        (
            "to_start",
            _("Decision to start of procesregie"),
            started,
            lambda r: (r.started_on - r.decided_on).days,
        ),
        ("duration", _("Duration of procesregie"), closed, lambda r: (r.closed_on - r.started_on).days),
    ):
        median, longest = median_and_max([days(r) for r in chosen])
        cases = count(chosen)
        table.rows.append(
            Row(
                key,
                label,
                {
                    "cases": cases,
                    "median": Cell(median, cases.case_ids),
                    "longest": Cell(longest, cases.case_ids),
                },
            )
        )
    return table


def _aftercare(period: Period) -> Table:
    figures = aftercare_figures_between(period.first, period.last)
    table = Table(
        "aftercare",
        _("Aftercare of ex-detainees per municipality"),
        _(
            "Inflow: aftercare cases whose first detention notice was received in the period. Active: "
            "aftercare cases open on at least one day of the period. No aftercare wanted: cases closed in "
            "the period because the detainee did not accept help. The municipality is the one the aftercare "
            "case is for."
        ),
        [
            Column("inflow", _("Inflow")),
            Column("active", _("Active")),
            Column("refused", _("No aftercare wanted")),
        ],
        available=AftercareFile.objects.exists(),
        unavailable_reason=_("Not yet available: there are no aftercare records yet."),
    )
    # (column, count attribute, case ids attribute) of aftercare.figures.MunicipalityFigures
    columns = (
        ("inflow", "inflow", "inflow_case_ids"),
        ("active", "active", "active_case_ids"),
        ("refused", "no_aftercare_wanted", "refused_case_ids"),
    )
    for row in figures.municipalities:
        cells = {key: Cell(getattr(row, value), frozenset(getattr(row, ids))) for key, value, ids in columns}
        table.rows.append(Row(row.code, row.name, cells))
    totals = {
        key: count_of_ids(frozenset().union(*(getattr(row, ids) for row in figures.municipalities)))
        for key, _value, ids in columns
    }
    table.rows.append(Row("total", _("Total"), totals, True))
    return table


# --- All of them ----------------------------------------------------------------------------------------


@dataclass
class _Reference:
    municipalities: list[Municipality]
    partners: list[Partner]
    topics: list[MainTopic]
    areas: list[ProblemArea]
    scopes: list[CrossBorderScope]
    labels: dict[str, int]


def _reference() -> _Reference:
    return _Reference(
        list(Municipality.objects.order_by("name")),
        list(Partner.objects.order_by("name")),
        list(MainTopic.objects.order_by("name")),
        list(ProblemArea.objects.order_by("name")),
        list(CrossBorderScope.objects.order_by("id")),
        dict(CaseLabel.objects.values_list("code", "id")),
    )


def figures_compute(period: Period) -> Figures:
    """Every table of the annual report for `period`, with the two periods before it where the report
    shows three years."""
    periods = [period.earlier(2), period.earlier(1), period]
    sel = _Selection(records_read(periods[0].first, period.last), period)
    ref = _reference()
    inflow = sel.received(period, (COORDINATION,))
    active_any = sel.active(period, (COORDINATION, ADVICE))
    pga = ref.labels.get("pga")
    lla = ref.labels.get("lla")
    tables = [
        _overview(sel, periods),
        _municipalities(sel, period, ref.municipalities),
        _partners(sel, period, ref.partners),
        _domains(sel, periods, ref.partners),
        _main_topics(inflow, ref.topics),
        _problem_areas(inflow, ref.areas),
        _cross_border(inflow, ref.scopes),
        _minors(inflow),
        _ages(
            "ages_referred",
            _("Age of the main subject, referred cases"),
            _("Referrals received in the period, by the age of the main subject on the date received."),
            sel.received(period),
        ),
        _ages(
            "ages_active",
            _("Age of the main subject, active cases"),
            _(
                "Procesregie and extended-advice cases active in the period, by the age of the main subject "
                "on the date the referral was received."
            ),
            active_any,
        ),
        _stalking(sel, period, ref.labels.get("stalking")),
        _new_active_closed(
            "lla",
            _("Landelijke Levensloopaanpak (LLA)"),
            _("Procesregie cases with the label LLA: active in, new in and closed in the period."),
            sel,
            period,
            lambda chosen: [r for r in chosen if lla is not None and lla in r.labels],
            available=lla is not None,
            unavailable_reason=_("The house does not use the label LLA."),
        ),
        _new_active_closed(
            "pga",
            _("PGA-tafel per municipality"),
            _(
                "Procesregie cases run as the person-centred approach (PGA), or labelled PGA, per "
                "municipality of the main subject: active in, new in and closed in the period."
            ),
            sel,
            period,
            lambda chosen: [r for r in chosen if r.intensity == PCA or (pga is not None and pga in r.labels)],
            ref.municipalities,
            lambda r: r.municipality_id,
        ),
        _advice(sel, periods),
        _waiting_list(sel, period),
        _lead_times(sel, period),
        _aftercare(period),
    ]
    return Figures(period, periods, tables)


GENERAL_RULES = gettext_lazy(
    "A referral counts in the period in which it was received (not the day it was typed in). A case "
    "counts once, however many subjects it has; where a figure is per municipality or by age, the main "
    "subject decides. Cases of the cter compartment (Wet parta) appear in no figure. Percentages are "
    "rounded to whole numbers, halves up; they are of the count named in the table."
)
