"""The aftercare figures of a year per municipality (inflow, active, no aftercare wanted)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aftercare import services
from aftercare.figures import aftercare_figures
from aftercare.models import Consent, ConsentChannel
from cases.models import Case
from tests.aftercare.builders import nazorg_coordinator, notice_registered
from tests.factories import municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

YEAR = timezone.localdate().year - 1


def _day(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def _notice(henk, received_on: datetime.date, code: str, last_name: str):  # type: ignore[no-untyped-def]
    return notice_registered(
        henk,
        received_on=received_on,
        municipality=municipality(code),
        last_name=last_name,
        detention_start=received_on - datetime.timedelta(days=3),
        expected_release=received_on + datetime.timedelta(days=200),
    )


def _close(aftercare, on: datetime.date, reason: str = Case.ClosureReason.GOAL_ACHIEVED) -> None:  # type: ignore[no-untyped-def]
    moment = datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)
    Case.objects.filter(pk=aftercare.case_id).update(status="closed", closed_at=moment, closure_reason=reason)


def test_inflow_counts_by_the_first_notice_and_active_by_any_open_day_of_the_year() -> None:
    henk = nazorg_coordinator()
    carried = _notice(henk, _day(YEAR - 1, 11, 1), "hoogeveen", "Aalders")  # active, not inflow
    _close(_notice(henk, _day(YEAR - 1, 3, 1), "hoogeveen", "Bakker"), _day(YEAR - 1, 12, 31))  # neither
    new = _notice(henk, _day(YEAR, 2, 1), "hoogeveen", "Claassen")  # inflow and active
    _close(new, _day(YEAR, 9, 1))
    refused = _notice(henk, _day(YEAR, 12, 31), "meppel", "Dijkstra")
    services.consent_record(
        aftercare=refused,
        by=henk,
        version=refused.version,
        consent=Consent.REFUSED,
        on=timezone.localdate(),
        channel=ConsentChannel.PHONE,
    )
    Case.objects.filter(pk=refused.case_id).update(
        closed_at=datetime.datetime(YEAR, 12, 31, 15, tzinfo=datetime.UTC)
    )
    _notice(henk, _day(YEAR + 1, 1, 2), "meppel", "Evers")  # next year: not in this one
    # A later notice on a carried-over case does not make it new.
    notice_registered(
        henk, received_on=_day(YEAR, 5, 5), last_name="Aalders", municipality=municipality("hoogeveen")
    )

    figures = aftercare_figures(year=YEAR)

    rows = {row.code: row for row in figures.municipalities}
    assert (rows["hoogeveen"].inflow, rows["hoogeveen"].active) == (1, 2)
    assert (rows["meppel"].inflow, rows["meppel"].active, rows["meppel"].no_aftercare_wanted) == (1, 1, 1)
    assert set(rows) == {"aa-en-hunze", "de-wolden", "hoogeveen", "meppel", "midden-drenthe", "tynaarlo"}
    assert rows["tynaarlo"].active == 0
    assert (figures.inflow, figures.active, figures.no_aftercare_wanted) == (2, 3, 1)
    assert carried.notices.count() == 2
