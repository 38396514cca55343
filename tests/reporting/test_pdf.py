"""The annual report as PDF: made from a generated report's snapshot, read back as a reader would.

The case file is small: four procesregie cases and two extended-advice cases in Emmen and Assen, one of
them referred in 2022 and closed in 2023. So the overview of 2023 reads 3 new, 4 active and 2 closed.
The report is rendered once for the module (WeasyPrint takes a few seconds) and read with pypdf.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils.translation import gettext, pgettext

from cases.models import Case
from reporting.document import document_table, figures_document
from reporting.figures import Period, figures_compute
from reporting.pdf import amount, report_pdf
from tests.factories import UserFactory, referral_case
from zvhd.reference.loading import load_reference_data, read_reference_file
from zvhd.reference.models import Municipality

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FOREWORD = (
    "Dit jaar groeide de samenwerking tussen zorg en veiligheid verder.\n\nWe danken alle ketenpartners."
)
QUOTE = "Binnen een week zaten alle partijen samen aan tafel."

# The marker makes pytest-django set up the test database, which the module-scoped fixture writes to.
pytestmark = pytest.mark.django_db


def closed_on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=AMSTERDAM)


def case_file() -> None:
    """Procesregie: new in 2023 in Emmen (open), Assen (closed in November) and Assen (open); referred in
    2022 and closed in June 2023 in Emmen. Extended advice: one each in Emmen and Assen."""
    pia = UserFactory(username="pia-pdf")
    coordination, advice = Case.Kind.COORDINATION, Case.Kind.EXTENDED_ADVICE
    for received, municipality, kind, closed in (
        (datetime.date(2023, 2, 1), "emmen", coordination, None),
        (datetime.date(2023, 3, 10), "assen", coordination, datetime.date(2023, 11, 20)),
        (datetime.date(2023, 9, 1), "assen", coordination, None),
        (datetime.date(2022, 12, 1), "emmen", coordination, datetime.date(2023, 6, 1)),
        (datetime.date(2023, 5, 5), "assen", advice, None),
        (datetime.date(2023, 8, 1), "emmen", advice, None),
    ):
        fields: dict[str, Any] = {"kind": kind}
        if closed:
            fields |= {"closed": True, "closed_at": closed_on(closed)}
        referral_case(received_on=received, in_municipality=municipality, registered_by=pia, **fields)


def snapshot_of(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": 1,
        "year": 2023,
        "house": {"name": "Zorg- en Veiligheidshuis Drenthe", "short_name": "ZVHD"},
        "generated_at": "2024-03-14T10:30:00+01:00",
        "generated_by": "Mirjam Bos",
        "report": {
            "foreword": FOREWORD,
            "figures_story": "Meer aanmeldingen uit Emmen dan vorig jaar.",
            "signals": "",
            "developments": "Een vaste ketenkamer per regio.",
            "closing_word": "Op naar een goed nieuw jaar.",
            "quotes": [{"text": QUOTE, "who": "Wijkagent Emmen"}],
            "finances": [
                {"item": "Personeel", "budget": "612.500", "actual": "€ 598.210,40"},
                {"item": "Huisvesting", "budget": "84000", "actual": "86,950.00"},
            ],
            "staffing": [
                {"function": "Procesregisseur", "fte": "6,4"},
                {"function": "Manager", "fte": "1.5"},
            ],
            "version": 2,
        },
        "figures": document,
    }


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    texts: list[str]  # per page, as pypdf extracts it
    steps: list[tuple[int, str]]
    document: dict[str, Any]

    def first_page_after_contents(self, text: str) -> int:
        return next(n for n, page in enumerate(self.texts, 1) if n > 2 and text in page)


@pytest.fixture(scope="module")
def report(django_db_setup: None, django_db_blocker: Any) -> Rendered:  # type: ignore[no-untyped-def]
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        if not Municipality.objects.exists():
            load_reference_data(
                get_model=lambda name: apps.get_model("reference", name),
                data=read_reference_file(settings.ZVHD_REFERENCE_DATA),
            )
        case_file()
        document = figures_document(figures_compute(Period.year(2023)))
        transaction.set_rollback(True)
    steps: list[tuple[int, str]] = []
    pdf, pages = report_pdf(
        snapshot_of(document), progress=lambda percent, step: steps.append((percent, step))
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return Rendered(pdf, pages, [page.extract_text() for page in reader.pages], steps, document)


def test_the_cover_names_the_house_and_the_year_without_page_number(report: Rendered) -> None:
    cover = report.texts[0]

    assert "Zorg- en Veiligheidshuis Drenthe" in cover
    assert gettext("Annual report %(year)s") % {"year": 2023} in cover
    assert "2024" in cover  # the day it was made
    assert pgettext("page x of y", "of") not in cover


def test_the_contents_give_the_pages_the_sections_start_on(report: Rendered) -> None:
    contents = report.texts[1]
    listed = {}
    for line in contents.splitlines():
        found = re.match(r"^(.*?)[\s.]*?\s(\d+)$", line.strip())
        if found:
            listed[found.group(1).rstrip(" .")] = int(found.group(2))
    titles = [
        gettext("Foreword"),
        gettext("The story behind the figures"),
        gettext("Figures %(period)s") % {"period": 2023},
        gettext("Developments"),
        gettext("From practice"),
        gettext("Finances"),
        gettext("Staffing"),
        gettext("Closing word"),
        gettext("Appendix: definitions"),
        document_table(report.document, "municipalities")["title"],
    ]

    for title in titles:
        assert title in listed, title
        assert listed[title] == report.first_page_after_contents(title), title
    assert gettext("Signals") not in listed  # left empty, so left out


def test_the_key_figures_of_the_year_are_in_the_overview(report: Rendered) -> None:
    overview = document_table(report.document, "overview")
    labels = {row["key"]: row["label"] for row in overview["rows"]}
    page = report.texts[report.first_page_after_contents(overview["title"]) - 1]

    assert re.search(rf"{re.escape(labels['new'])}\s+3\s+1\s+0", page)
    assert re.search(rf"{re.escape(labels['active'])}\s+4\s+1\s+0", page)
    assert re.search(rf"{re.escape(labels['closed'])}\s+2\s+0\s+0", page)


def test_the_charts_are_text_in_the_pdf(report: Rendered) -> None:
    municipalities = document_table(report.document, "municipalities")
    page = report.texts[report.first_page_after_contents(municipalities["title"]) - 1]

    assert page.count("Emmen") >= 2  # in the table and along the chart's bars


def test_the_texts_and_quotes_of_the_report_are_printed_as_paragraphs(report: Rendered) -> None:
    everything = "\n".join(report.texts)

    assert "Dit jaar groeide de samenwerking tussen zorg en veiligheid verder." in everything
    assert "We danken alle ketenpartners." in everything
    assert QUOTE in everything
    assert "Wijkagent Emmen" in everything


def test_the_manual_tables_add_up_dutch_and_english_amounts(report: Rendered) -> None:
    everything = "\n".join(report.texts)

    assert "€ 696.500" in everything.replace("\u00a0", " ")  # 612.500 + 84000
    assert "€ 685.160,40" in everything.replace("\u00a0", " ")  # 598.210,40 + 86,950.00
    assert re.search(r"\b7,9\b", everything)  # fte 6,4 + 1.5


def test_the_appendix_has_the_general_rules_and_every_definition(report: Rendered) -> None:
    start = report.first_page_after_contents(gettext("Appendix: definitions"))
    appendix = re.sub(r"\s+", " ", " ".join(report.texts[start - 1 :]))

    assert re.sub(r"\s+", " ", report.document["general_rules"])[:60] in appendix
    for table in report.document["tables"]:
        assert table["title"] in appendix
        assert re.sub(r"\s+", " ", table["definition"])[:50] in appendix


def test_a_table_without_records_says_why(report: Rendered) -> None:
    aftercare = document_table(report.document, "aftercare")

    assert not aftercare["available"]
    assert aftercare["unavailable_reason"] in re.sub(r"\s+", " ", " ".join(report.texts))


def test_every_page_but_the_cover_says_which_page_of_how_many(report: Rendered) -> None:
    of = pgettext("page x of y", "of")

    assert report.pages == len(report.texts) > 5
    for number, text in enumerate(report.texts[1:], 2):
        assert f"{number} {of} {report.pages}" in text
        assert "ZVHD" in text


def test_making_the_pdf_reports_its_progress(report: Rendered) -> None:
    assert [percent for percent, _step in report.steps] == [10, 50, 90]
    assert report.pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("typed", "thousands", "value"),
    [
        ("€ 12.500", True, "12500"),
        ("12.500,50", True, "12500.50"),
        ("12,500.50", True, "12500.50"),
        ("9.875,-", True, "9875"),
        ("1.234.567", True, "1234567"),
        ("12.5", True, "12.5"),
        ("0,8", False, "0.8"),
        ("0.875", False, "0.875"),
        ("ongeveer tien", True, None),
        ("", True, None),
    ],
)
def test_amounts_are_read_as_people_type_them(typed: str, thousands: bool, value: str | None) -> None:
    parsed = amount(typed, thousands=thousands)

    assert (str(parsed) if parsed is not None else None) == value
