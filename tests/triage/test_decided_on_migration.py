"""The data migration that gives cases decided before `Case.decided_on` existed their decision day."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

BEFORE = [("cases", "0009_case_decided_on"), ("triage", "0001_initial")]
AFTER = [("triage", "0002_case_decided_on_filled")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_case_decided_in_the_ketenkamer_gets_the_day_of_its_latest_decided_meeting() -> None:
    apps = _migrate(BEFORE)
    Case = apps.get_model("cases", "Case")
    Meeting = apps.get_model("triage", "Meeting")
    AgendaItem = apps.get_model("triage", "AgendaItem")
    MeetingType = apps.get_model("reference", "MeetingType")
    meeting_type = MeetingType.objects.get(code="ketenkamer")
    chair = apps.get_model(settings.AUTH_USER_MODEL).objects.create(username="voorzitter")
    days = [datetime.date(2023, 3, 7), datetime.date(2023, 3, 14), datetime.date(2023, 3, 21)]
    meetings = [
        Meeting.objects.create(
            meeting_type=meeting_type,
            date=day,
            cutoff=datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC),
            chair=chair,
            created_by=chair,
        )
        for day in days
    ]
    decided = Case.objects.create(number="M-1")
    undecided = Case.objects.create(number="M-2")
    item = {"source": "proposed", "added_by": chair}
    AgendaItem.objects.create(meeting=meetings[0], case=decided, decision="extended_advice", **item)
    AgendaItem.objects.create(meeting=meetings[1], case=decided, decision="coordination_tailored", **item)
    AgendaItem.objects.create(meeting=meetings[2], case=decided, **item)  # on an agenda again, undecided
    AgendaItem.objects.create(meeting=meetings[2], case=undecided, **item)

    apps = _migrate(AFTER)
    Case = apps.get_model("cases", "Case")

    assert Case.objects.get(number="M-1").decided_on == days[1]
    assert Case.objects.get(number="M-2").decided_on is None
