"""The decisions list (besluitenlijst) of a meeting as PDF.

A template is rendered to HTML and WeasyPrint lays it out. WeasyPrint would fetch whatever the HTML
points at; the fetcher here hands it only the house's own static files (the font), so a rendered
document can never reach the network or read other files.

The list names no subjects: case number, municipality and topic are enough for the minutes, and the
PDF says so (data minimisation).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from triage.models import AgendaItem, Meeting

if TYPE_CHECKING:
    from weasyprint import Document
    from weasyprint.urls import URLFetcher

# WeasyPrint takes about a second to import; it is imported when a PDF is made, not with the URLs.

STATIC_SCHEME = "static:"


def bundled_file(url: str) -> tuple[bytes, str]:
    """Content and type of the static file that `static:<path>` names; ValueError for any other URL
    (http, https, file, data …) and for a path that leaves the static files."""
    if not url.startswith(STATIC_SCHEME):
        raise ValueError(f"The decisions list loads only bundled files, not {url[:80]}")
    relative = url.removeprefix(STATIC_SCHEME).lstrip("/")
    found = finders.find(relative) if ".." not in Path(relative).parts else None
    if not found:
        raise ValueError(f"Not a bundled file: {relative[:80]}")
    content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
    return Path(found).read_bytes(), content_type


def url_fetcher() -> URLFetcher:
    """A WeasyPrint fetcher that hands out bundled files only (`bundled_file`) and never opens a URL."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            content, content_type = bundled_file(url)
            return URLFetcherResponse(url, content, headers={"Content-Type": content_type})

    return BundledFilesOnly()


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
    from weasyprint import HTML

    return HTML(string=minutes_html(meeting=meeting, items=items), url_fetcher=url_fetcher()).render()


def minutes_pdf(*, meeting: Meeting, items: Sequence[AgendaItem]) -> bytes:
    return minutes_document(meeting=meeting, items=items).write_pdf()


def minutes_filename(meeting: Meeting) -> str:
    return f"besluitenlijst-{meeting.meeting_type.code}-{meeting.date:%Y-%m-%d}.pdf"
