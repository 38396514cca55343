"""The decisions list (besluitenlijst) of a meeting as PDF: what it holds, what it leaves out, and that
making it reaches no network.

Pia minutes the ketenkamer, Bram (procesregisseur) takes on one of its cases, Olaf is the OM liaison
present. The subjects carry names no account in the suite has, so the text of the PDF can be checked
for them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.triage.test_meeting_screens import decide, item_of, plan, register
from triage.minutes import minutes_document, url_fetcher
from triage.models import AgendaItem, Decision, Meeting, SafetyRisk
from triage.selectors import agenda_items
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import AcceptanceCriterion

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def olaf(db: None) -> User:
    return UserFactory(username="olaf", first_name="Olaf", last_name="Kramer", liaison=True)


@pytest.fixture
def meeting(pia, bram, olaf) -> Meeting:  # type: ignore[no-untyped-def]
    """Today's ketenkamer: one case not taken up, one taken on by Bram, one still undecided."""
    declined = register(pia, name=("Zebulon", "Quakkelaar"))
    started = register(pia, name=("Ada", "Oostwoud"))
    register(pia, name=("Gideon", "Wolterink"))
    meeting = plan(pia, liaisons=(olaf,))
    decide(item_of(declined), pia, reason="Geen meervoudige problematiek.")
    decide(
        item_of(started),
        pia,
        decision=Decision.COORDINATION_TAILORED,
        safety_risk=SafetyRisk.HIGH,
        criteria_met=[AcceptanceCriterion.objects.get(code="area-safety")],
        coordinator=bram,
        reason="",
    )
    return meeting


def text_of(document) -> str:  # type: ignore[no-untyped-def]
    """The text WeasyPrint laid out on the pages, in reading order."""

    def texts(box):  # type: ignore[no-untyped-def]
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or ():
            yield from texts(child)

    return " ".join(text for page in document.pages for text in texts(page._page_box))


def test_the_decisions_list_downloads_as_a_pdf_file(client_for, pia, meeting) -> None:
    response = client_for(pia).get(reverse("meeting-minutes", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == (
        f'attachment; filename="besluitenlijst-ketenkamer-{meeting.date:%Y-%m-%d}.pdf"'
    )


def test_the_decisions_list_holds_every_item_with_its_decision_and_names_no_subject(
    pia, bram, olaf, meeting
) -> None:
    document = minutes_document(meeting=meeting, items=agenda_items(user=pia, meeting=meeting))
    text = " ".join(text_of(document).split())

    assert len(document.pages) >= 1
    for item in AgendaItem.objects.filter(meeting=meeting).select_related("case"):
        assert item.case.number in text
    assert str(Decision.NOT_TAKEN_UP.label) in text
    assert "Geen meervoudige problematiek." in text
    assert "Emmen" in text
    assert "Pia de Vries" in text  # the chair
    assert "Olaf Kramer" in text  # the liaison present, with his organisation
    for name in ("Zebulon", "Quakkelaar", "Ada", "Oostwoud", "Gideon", "Wolterink"):
        assert name not in text


def test_the_decisions_list_is_logged_as_an_export(client_for, pia, meeting) -> None:
    client_for(pia).get(reverse("meeting-minutes", kwargs={"pk": meeting.pk}))

    record = AuditEvent.objects.get(object_type="meeting_minutes")
    assert (record.actor, record.action, record.object_id) == (pia, AuditEvent.Action.EXPORT, str(meeting.pk))


def test_a_liaison_does_not_download_the_decisions_list(client_for, olaf, meeting) -> None:
    assert client_for(olaf).get(reverse("meeting-minutes", kwargs={"pk": meeting.pk})).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "static:../../../etc/passwd",
        "static:nlds/fonts/missing.woff2",
    ],
)
def test_making_the_pdf_fetches_nothing_but_bundled_files(url) -> None:
    with pytest.raises(ValueError, match="bundled"):
        url_fetcher().fetch(url)


def test_the_bundled_font_is_handed_to_the_pdf_renderer() -> None:
    response = url_fetcher().fetch("static:nlds/fonts/noto-sans-latin-wght-normal.woff2")

    assert response.read(4) == b"wOF2"
