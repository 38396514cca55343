"""The privacy officer's screens: who looked at a person's data, what an employee did, the chain.

Fenna is the privacy officer. Bram opened the case of Anna de Wit; Pia registered nothing here.
"""

import pytest
from django.urls import reverse

from cases.workflow import CaseStatus
from tests.factories import PersonFactory, UserFactory, referral_case
from zvhd.accounts.models import Role
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def fenna(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="fenna", first_name="Fenna", last_name="Kok", role=Role.PRIVACY_OFFICER)


@pytest.fixture
def anna_case(bram):  # type: ignore[no-untyped-def]
    anna = PersonFactory(first_name="Anna", last_name="de Wit", bsn="111222333")
    return referral_case(person=anna, status=CaseStatus.ACTIVE, coordinator=bram)


def test_who_looked_at_a_persons_data_is_listed_and_exportable(client_for, fenna, bram, anna_case) -> None:
    client_for(bram).get(anna_case.get_absolute_url())
    client = client_for(fenna)
    search = client.get(reverse("person-access-history"), {"query": "111222333"})
    anna = anna_case.subjects.get().person
    assert "Anna de Wit" in search.content.decode()

    history = client.get(reverse("person-access-history-detail", kwargs={"person_pk": anna.pk}))
    rows = history.context["page"].object_list
    assert [(row.actor_username, row.action) for row in rows if row.object_type == "case"] == [("bram", "R")]

    export = client.get(
        reverse("person-access-history-detail", kwargs={"person_pk": anna.pk}), {"format": "csv"}
    )
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tijdstip;Medewerker;Rol")
    assert any(";bram;coordinator;" in line and ";inzien;" in line for line in lines[1:])
    assert AuditEvent.objects.filter(
        actor=fenna, action="E", object_type="access_history", object_id=str(anna.pk)
    ).exists()


def test_what_one_employee_did_is_listed_for_a_period(client_for, fenna, bram, anna_case) -> None:
    client_for(bram).get(anna_case.get_absolute_url())
    response = client_for(fenna).get(reverse("audit-employee-history"), {"employee": bram.pk})
    assert {row.object_type for row in response.context["page"].object_list} >= {"case"}
    assert all(row.actor_id == bram.pk for row in response.context["page"].object_list)
    export = client_for(fenna).get(reverse("audit-employee-history"), {"employee": bram.pk, "format": "csv"})
    assert export["Content-Disposition"].endswith('toegang-medewerker-bram.csv"')


def test_the_privacy_officer_checks_the_chain_from_the_screen(client_for, fenna, bram, anna_case) -> None:
    client_for(bram).get(anna_case.get_absolute_url())
    client = client_for(fenna)
    response = client.post(reverse("audit-chain-verify"), follow=True)
    assert "Het toegangslog is intact" in response.content.decode()
    assert "Intact op" in client.get(reverse("audit-chain-status")).content.decode()


def test_other_roles_cannot_open_the_privacy_screens(client_for, bram, petra) -> None:
    for url in (
        reverse("person-access-history"),
        reverse("audit-employee-history"),
        reverse("audit-chain-status"),
    ):
        assert client_for(bram).get(url).status_code == 403
        assert client_for(petra).get(url).status_code == 403


def test_the_manager_overview_shows_no_personal_data(client_for, mirjam, anna_case) -> None:
    page = client_for(mirjam).get(reverse("case-overview")).content.decode()
    assert anna_case.number in page
    assert "Anna" not in page
    assert "de Wit" not in page
    assert client_for(mirjam).get(anna_case.get_absolute_url()).status_code == 404
