"""The case page: header, subjects, referral data and timeline; every opening logged."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseEvent
from tests.factories import PersonFactory, SubjectFactory, referral_case
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(pia):  # type: ignore[no-untyped-def]
    person = PersonFactory(
        first_name="Anna",
        name_prefix="van der",
        last_name="Berg",
        bsn="111222333",
        date_of_birth=datetime.date(1990, 5, 17),
    )
    return referral_case(person=person, registered_by=pia, in_municipality="tynaarlo")


def test_the_case_page_shows_status_subjects_referral_and_timeline(client_for, pia, case) -> None:
    response = client_for(pia).get(case.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Casus {case.number}" in page
    assert "aangemeld" in page
    assert "Anna van der Berg" in page
    assert "hoofdpersoon" in page
    assert "Tynaarlo" in page
    assert "A. Verwijzer" in page
    assert "Politie" in page
    assert "Aanmelding geregistreerd" in page
    assert "door Pia de Vries" in page


def test_the_bsn_is_shown_masked(client_for, pia, case) -> None:
    page = client_for(pia).get(case.get_absolute_url()).content.decode()
    assert "******333" in page
    assert "111222333" not in page


def test_opening_a_case_is_logged_with_its_subjects(client_for, bram, case) -> None:
    client_for(bram).get(case.get_absolute_url())
    record = AuditEvent.objects.get(object_type="case")
    assert (record.actor, record.action, record.case_id, record.result) == (bram, "R", case.pk, "allowed")
    assert list(record.subjects.values_list("person_id", flat=True)) == [case.subjects.get().person_id]


def test_a_case_one_may_not_see_answers_404_like_a_missing_one_and_is_logged_as_denied(
    client_for, petra, case
) -> None:
    client = client_for(petra)
    hidden = client.get(case.get_absolute_url())
    missing = client.get(reverse("case-detail", kwargs={"pk": case.pk + 1000}))
    assert hidden.status_code == missing.status_code == 404
    assert "Anna" not in hidden.content.decode()
    denied = AuditEvent.objects.filter(actor=petra, result="denied").order_by("id")
    assert [record.object_id for record in denied] == [str(case.pk), str(case.pk + 1000)]
    assert not denied.filter(subjects__isnull=False).exists()


def test_the_case_page_uses_the_same_number_of_queries_for_a_small_and_a_busy_case(
    client_for, pia, case
) -> None:
    client = client_for(pia)
    client.get(case.get_absolute_url())  # warm-up: the house name is cached after the first page
    with CaptureQueriesContext(connection) as small:
        client.get(case.get_absolute_url())
    busy = referral_case()
    for _ in range(4):
        SubjectFactory(case=busy, is_primary=False)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=busy, kind=CaseEvent.Kind.REFERRAL_UPDATED, actor=pia) for _ in range(40)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(busy.get_absolute_url())
    assert len(small) == len(many)


def test_the_timeline_says_what_changed(client_for, pia, case) -> None:
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=pia,
        payload={"from": "registered", "to": "triage"},
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.REFERRAL_UPDATED,
        actor=pia,
        payload={"fields": ["concerns", "main_topic"]},
    )
    page = client_for(pia).get(case.get_absolute_url()).content.decode()
    assert "aangemeld → in triage" in page
    assert "omschrijving van de zorgen, hoofdonderwerp" in page
