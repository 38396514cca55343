"""PDFs from templates: WeasyPrint lays out HTML that may load only the house's own static files.

WeasyPrint would fetch whatever the HTML points at; the fetcher here hands it only bundled static files
(`static:<path>`, e.g. the font), so a rendered document can never reach the network or read other files.
WeasyPrint takes about a second to import, so it is imported when a PDF is made, not with the URLs.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders

if TYPE_CHECKING:
    from weasyprint import Document
    from weasyprint.urls import URLFetcher

STATIC_SCHEME = "static:"


def bundled_file(url: str) -> tuple[bytes, str]:
    """Content and type of the static file that `static:<path>` names; ValueError for any other URL
    (http, https, file, data …) and for a path that leaves the static files."""
    if not url.startswith(STATIC_SCHEME):
        raise ValueError(f"A PDF loads only bundled files, not {url[:80]}")
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


def document_from_html(html: str) -> Document:
    """The laid-out document (its pages can be counted and read, as the tests do)."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=url_fetcher()).render()
