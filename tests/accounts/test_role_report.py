"""The quarterly report of who holds which privileged role.

Pia (procesondersteuner), Bram (procesregisseur), Mirjam (manager) and a functional administrator are
privileged; Petra, a police officer invited to cases, is not.
"""

import datetime

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from zvhd.accounts.models import RoleReport
from zvhd.accounts.role_reports import quarter_of, role_report_create
from zvhd.accounts.tasks import role_report_quarterly
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(pia, bram, mirjam, petra):  # type: ignore[no-untyped-def]
    UserFactory(username="beheer", is_staff=True, is_superuser=True)
    UserFactory(username="vertrokken", is_active=False)
    return pia, bram, mirjam, petra


def test_the_report_lists_every_privileged_active_account_and_nobody_else(staff) -> None:
    report = role_report_create(day=datetime.date(2026, 10, 1))
    assert report.quarter == "2026-Q4"
    assert {row["username"] for row in report.rows} == {"pia", "bram", "mirjam", "beheer"}
    beheer = next(row for row in report.rows if row["username"] == "beheer")
    assert (beheer["staff"], beheer["superuser"]) == (True, True)


def test_the_scheduled_job_makes_each_quarters_report_once(staff) -> None:
    first = role_report_quarterly()
    second = role_report_quarterly()
    assert first == second
    assert RoleReport.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime.date(2026, 1, 1), "2026-Q1"),
        (datetime.date(2026, 6, 30), "2026-Q2"),
        (datetime.date(2026, 12, 31), "2026-Q4"),
    ],
)
def test_quarters_are_named_by_year_and_number(day: datetime.date, quarter: str) -> None:
    assert quarter_of(day) == quarter


def test_the_privacy_officer_reads_exports_and_reviews_it(staff, client_for) -> None:
    fenna = UserFactory(username="fenna", role="privacy_officer")
    client = client_for(fenna)
    response = client.post(reverse("role-report-make"), follow=True)
    page = response.content.decode()
    assert "procesregisseur" in page
    assert "bram" in page
    quarter = RoleReport.objects.get().quarter
    export = client.get(reverse("role-report", kwargs={"quarter": quarter}), {"format": "csv"})
    assert export.content.decode("utf-8-sig").splitlines()[0].startswith("Gebruikersnaam;Naam;Rol")
    assert AuditEvent.objects.filter(actor=fenna, action="E", object_type="role_report").exists()
    client.post(reverse("role-report-review", kwargs={"quarter": quarter}), {"note": "Rollen kloppen."})
    assert RoleReport.objects.get().review_note == "Rollen kloppen."


def test_other_roles_cannot_see_the_report_and_the_attempt_is_logged(staff, client_for) -> None:
    pia, _bram, _mirjam, petra = staff
    for user in (pia, petra):
        assert client_for(user).get(reverse("role-reports")).status_code == 403
        assert AuditEvent.objects.filter(actor=user, result="denied", object_type="screen").exists()
