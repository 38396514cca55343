"""The records the annual figures are counted from: one compact row per case, read in a fixed number of
queries whatever the number of cases.

Only columns without personal data are read, except the main subject's date of birth, which is turned
into an age on the date received at once and not kept. The cter compartment (Wet parta) is left out: it
appears in no figure of the annual report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import AnonymousAdvice, Case, InformationContact, Referral, Subject
from triage.models import WaitingListEntry
from zvhd.audit.models import LegalBasis

REFERRAL_KINDS = (Case.Kind.UNDECIDED, Case.Kind.COORDINATION, Case.Kind.EXTENDED_ADVICE)


@dataclass(slots=True)
class CaseRecord:
    """What the figures need of one case that started with a referral."""

    id: int
    kind: str
    intensity: str
    status: str
    received_on: datetime.date
    decided_on: datetime.date | None
    closed_on: datetime.date | None
    partner_id: int | None
    main_topic_id: int | None
    minors: str
    municipality_id: int | None = None
    age: int | None = None  # of the main subject on the date received
    problem_areas: set[int] = field(default_factory=set)
    cross_border: set[int] = field(default_factory=set)
    labels: set[int] = field(default_factory=set)
    # On the waiting list: (added, left or None) per entry; procesregie started on (assigned or decided).
    waits: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)
    started_on: datetime.date | None = None

    def received_in(self, first: datetime.date, last: datetime.date) -> bool:
        return first <= self.received_on <= last

    def open_in(self, first: datetime.date, last: datetime.date) -> bool:
        """Open on at least one day of [first, last]: received by its end, not closed before its start."""
        return self.received_on <= last and (self.closed_on is None or self.closed_on >= first)

    def closed_in(self, first: datetime.date, last: datetime.date) -> bool:
        return self.closed_on is not None and first <= self.closed_on <= last


@dataclass
class Records:
    first: datetime.date
    last: datetime.date
    cases: list[CaseRecord]
    anonymous_advice: list[datetime.date]
    information_contacts: list[datetime.date]


def _age(born: datetime.date | None, day: datetime.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _cases_in(first: datetime.date, last: datetime.date) -> QuerySet[Case]:
    """Cases from a referral that were received by `last` and not closed before `first` (local time).

    The closing moment is compared with local midnight rather than truncated to a date in SQL: on SQLite
    the truncation is a Python function called for every row, ten times slower at national scale."""
    midnight = datetime.datetime.combine(first, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return (
        Case.objects.filter(kind__in=REFERRAL_KINDS, referral__received_on__lte=last)
        .exclude(legal_basis=LegalBasis.PARTA)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=midnight))
    )


def records_read(first: datetime.date, last: datetime.date) -> Records:
    """Every record a figure of a period in [first, last] counts: seven queries."""
    cases = _cases_in(first, last)
    by_id: dict[int, CaseRecord] = {}
    rows = cases.values_list(
        "id",
        "kind",
        "intensity",
        "status",
        "referral__received_on",
        "decided_on",
        "closed_at",
        "referral__referrer_partner_id",
        "referral__main_topic_id",
        "referral__minors_in_system",
    )
    zone = timezone.get_current_timezone()
    for row in rows.iterator(chunk_size=5000):
        closed_at = row[6]
        closed_on = closed_at.astimezone(zone).date() if closed_at is not None else None
        by_id[row[0]] = CaseRecord(*row[:6], closed_on, *row[7:])
    ids = cases.values("id")
    primaries = Subject.objects.filter(case__in=ids, is_primary=True).values_list(
        "case_id", "municipality_id", "person__date_of_birth"
    )
    for case_id, municipality_id, born in primaries.iterator(chunk_size=5000):
        record = by_id[case_id]
        record.municipality_id = municipality_id
        record.age = _age(born, record.received_on)
    through = Referral.problem_areas.through.objects.filter(referral_id__in=ids)
    for case_id, area_id in through.values_list("referral_id", "problemarea_id").iterator(chunk_size=5000):
        by_id[case_id].problem_areas.add(area_id)
    through = Referral.cross_border.through.objects.filter(referral_id__in=ids)
    for case_id, scope_id in through.values_list("referral_id", "crossborderscope_id").iterator(
        chunk_size=5000
    ):
        by_id[case_id].cross_border.add(scope_id)
    through = Case.labels.through.objects.filter(case_id__in=ids)
    for case_id, label_id in through.values_list("case_id", "caselabel_id").iterator(chunk_size=5000):
        by_id[case_id].labels.add(label_id)
    entries = WaitingListEntry.objects.filter(case_id__in=ids).order_by("added_on", "id")
    assigned: dict[int, datetime.date] = {}
    for case_id, added, left, because in entries.values_list(
        "case_id", "added_on", "left_on", "left_because"
    ).iterator(chunk_size=5000):
        by_id[case_id].waits.append((added, left))
        if because == WaitingListEntry.LeftBecause.ASSIGNED and left is not None:
            assigned[case_id] = left
    for record in by_id.values():
        # Procesregie starts when a procesregisseur is assigned from the waiting list, or on the day of
        # the decision when the case did not wait.
        if record.kind == Case.Kind.COORDINATION:
            record.started_on = assigned.get(record.id) if record.waits else record.decided_on
    advice = AnonymousAdvice.objects.filter(asked_on__range=(first, last)).values_list("asked_on", flat=True)
    contacts = InformationContact.objects.filter(contacted_on__range=(first, last)).values_list(
        "contacted_on", flat=True
    )
    return Records(first, last, list(by_id.values()), list(advice), list(contacts))


def label_ids(codes: list[str]) -> dict[str, int | None]:
    """The ids of the case labels with these codes (None for a label the house does not use)."""
    from zvhd.reference.models import CaseLabel

    found = dict(CaseLabel.objects.filter(code__in=codes).values_list("code", "id"))
    return {code: found.get(code) for code in codes}
