"""The aftercare figures of a calendar year per municipality, for the annual report.

Definitions (the annual report prints them in its appendix):
- **inflow**: aftercare cases that started in the year. A case starts on the day its first detention
  notice was received (not the day it was typed in), so a notice of 28 December registered on 3 January
  counts in the old year.
- **active**: aftercare cases open on at least one day of the year: started on or before 31 December and
  not closed before 1 January. Every case that came in during the year is active in it.
- **no aftercare wanted**: cases closed in the year because the detainee did not accept help; they are in
  the inflow and active figures too (the offer was made).
- The municipality is the one the aftercare case is for (the person's municipality on the notice). Every
  municipality the bureau does aftercare for has a row, with zeros when nothing happened there.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from aftercare.models import AftercareFile, DetentionNotice
from cases.models import Case
from zvhd.reference.models import Municipality


@dataclass(frozen=True)
class MunicipalityFigures:
    code: str
    name: str
    inflow: int
    active: int
    no_aftercare_wanted: int
    # The cases behind each count (case ids), for the annual report's drill-down lists.
    inflow_case_ids: frozenset[int] = field(default=frozenset(), compare=False)
    active_case_ids: frozenset[int] = field(default=frozenset(), compare=False)
    refused_case_ids: frozenset[int] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class AftercareFigures:
    year: int
    municipalities: list[MunicipalityFigures]

    @property
    def inflow(self) -> int:
        return sum(row.inflow for row in self.municipalities)

    @property
    def active(self) -> int:
        return sum(row.active for row in self.municipalities)

    @property
    def no_aftercare_wanted(self) -> int:
        return sum(row.no_aftercare_wanted for row in self.municipalities)


def aftercare_figures(*, year: int) -> AftercareFigures:
    """Inflow, active and 'no aftercare wanted' per municipality for `year`."""
    return aftercare_figures_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31), year=year)


def aftercare_figures_between(
    first: datetime.date, last: datetime.date, *, year: int | None = None
) -> AftercareFigures:
    """The same figures for the period [first, last] (two queries), with the cases behind each count."""
    # The start of a case is the day its first notice was received.
    first_notice = (
        DetentionNotice.objects.filter(aftercare=OuterRef("pk"))
        .order_by("received_on")
        .values("received_on")[:1]
    )
    files = (
        AftercareFile.objects.annotate(started_on=Subquery(first_notice))
        .annotate(closed_on=TruncDate("case__closed_at"))
        .filter(started_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .values_list("municipality_id", "case_id", "started_on", "closed_on", "case__closure_reason")
    )
    active: dict[int, set[int]] = defaultdict(set)
    inflow: dict[int, set[int]] = defaultdict(set)
    refused: dict[int, set[int]] = defaultdict(set)
    for municipality_id, case_id, started_on, closed_on, reason in files:
        active[municipality_id].add(case_id)
        if started_on >= first:
            inflow[municipality_id].add(case_id)
        if reason == Case.ClosureReason.NO_AFTERCARE_WANTED and closed_on is not None and closed_on <= last:
            refused[municipality_id].add(case_id)
    served = Municipality.objects.filter(Q(provides_aftercare=True) | Q(pk__in=active.keys()))
    rows = [
        MunicipalityFigures(
            code=municipality.code,
            name=municipality.name,
            inflow=len(inflow[municipality.pk]),
            active=len(active[municipality.pk]),
            no_aftercare_wanted=len(refused[municipality.pk]),
            inflow_case_ids=frozenset(inflow[municipality.pk]),
            active_case_ids=frozenset(active[municipality.pk]),
            refused_case_ids=frozenset(refused[municipality.pk]),
        )
        for municipality in served.order_by("name")
    ]
    return AftercareFigures(year=year if year is not None else first.year, municipalities=rows)
