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
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
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
    """Inflow, active and 'no aftercare wanted' per municipality for `year` (two queries)."""
    # The start of a case is the day its first notice was received.
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
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
        .values("municipality_id")
        .annotate(
            active=Count("id"),
            inflow=Count("id", filter=Q(started_on__gte=first)),
            refused=Count(
                "id",
                filter=Q(case__closure_reason=Case.ClosureReason.NO_AFTERCARE_WANTED, closed_on__lte=last),
            ),
        )
    )
    per_municipality = {row["municipality_id"]: row for row in files}
    served = Municipality.objects.filter(Q(provides_aftercare=True) | Q(pk__in=per_municipality.keys()))
    rows = []
    for municipality in served.order_by("name"):
        counts = per_municipality.get(municipality.pk, {})
        rows.append(
            MunicipalityFigures(
                code=municipality.code,
                name=municipality.name,
                inflow=counts.get("inflow", 0),
                active=counts.get("active", 0),
                no_aftercare_wanted=counts.get("refused", 0),
            )
        )
    return AftercareFigures(year=year, municipalities=rows)
