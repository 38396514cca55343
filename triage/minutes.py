"""The decisions list (besluitenlijst) of a meeting as PDF (laid out by `zvhd.pdf`, which loads only
bundled files).

The list names no subjects: case number, municipality and topic are enough for the minutes, and the
PDF says so (data minimisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from triage.models import AgendaItem, Meeting
from zvhd.pdf import STATIC_SCHEME, document_from_html
from zvhd.pdf import url_fetcher as url_fetcher  # the fetcher the minutes are made with

if TYPE_CHECKING:
    from weasyprint import Document


def minutes_html(*, meeting: Meeting, items: Sequence[AgendaItem]) -> str:
    """The decisions list as HTML. `items` as `selectors.agenda_items` gives them (with main subjects)."""
    rows = []
    for item in items:
        primary = item.case.primary_subjects[0] if item.case.primary_subjects else None
        rows.append({"item": item, "municipality": primary.municipality.name if primary else ""})
    context = {
        "meeting": meeting,
        "rows": rows,
        "liaisons": sorted(meeting.liaisons.all(), key=lambda user: (user.organisation_label, str(user))),
        "made_at": timezone.localtime(),
        "static": STATIC_SCHEME,
    }
    return render_to_string("triage/meeting_minutes.html", context)


def minutes_document(*, meeting: Meeting, items: Sequence[AgendaItem]) -> Document:
    """The laid-out document (its pages can be counted and read, as the tests do)."""
    return document_from_html(minutes_html(meeting=meeting, items=items))


def minutes_pdf(*, meeting: Meeting, items: Sequence[AgendaItem]) -> bytes:
    return minutes_document(meeting=meeting, items=items).write_pdf()


def minutes_filename(meeting: Meeting) -> str:
    return f"besluitenlijst-{meeting.meeting_type.code}-{meeting.date:%Y-%m-%d}.pdf"
