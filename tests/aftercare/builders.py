"""Builders for aftercare tests: the nazorgcoördinator and detention notices."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from aftercare import services
from aftercare.models import AftercareFile, DetentionKind
from tests.factories import UserFactory, municipality
from zvhd.accounts.models import Role, User

_references = itertools.count(1)


def nazorg_coordinator(username: str = "henk") -> User:
    return UserFactory(
        username=username, first_name="Henk", last_name="Oosting", role=Role.AFTERCARE_COORDINATOR
    )


def guidance_worker(username: str = "dennis") -> User:
    return UserFactory(username=username, first_name="Dennis", last_name="Zwiers", role=Role.GUIDANCE_WORKER)


def notice_data(**overrides: object) -> services.NoticeData:
    today = timezone.localdate()
    fields: dict[str, object] = {
        "reference": f"DJI-{next(_references):06d}",
        "kind": DetentionKind.DETENTION,
        "received_on": today,
        "first_name": "Jan",
        "last_name": "Wubbolts",
        "date_of_birth": datetime.date(1990, 5, 17),
        "municipality": municipality("hoogeveen"),
        "institution": "PI Veenhuizen",
        "detention_start": today - datetime.timedelta(days=30),
        "expected_release": today + datetime.timedelta(days=90),
    }
    fields.update(overrides)
    return services.NoticeData(**fields)  # type: ignore[arg-type]


def notice_registered(by: User, **overrides: object) -> AftercareFile:
    notice, _outcome = services.notice_register(by=by, data=notice_data(**overrides))
    return AftercareFile.objects.select_related("case", "person").get(pk=notice.aftercare_id)
