"""The figures API, GET /api/v1/figures/<year>/: the key figures document of the screens' JSON download.

The case file of 2023 holds two procesregie cases (Assen and Emmen) and one extended advice (Assen).
Mirjam (manager) and Kees (kwaliteitscoördinator) may read the figures; Pia and Petra may not.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case
from cases.workflow import CaseStatus
from reporting.exports import KEY_FIGURES_FORMAT
from tests.factories import referral_case
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
FIGURES_2023 = reverse("api-figures", kwargs={"year": 2023})


def api(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def case_file_2023() -> None:
    for municipality, kind in (
        ("assen", Case.Kind.COORDINATION),
        ("emmen", Case.Kind.COORDINATION),
        ("assen", Case.Kind.EXTENDED_ADVICE),
    ):
        referral_case(
            received_on=datetime.date(2023, 3, 1),
            in_municipality=municipality,
            kind=kind,
            status=CaseStatus.ACTIVE,
            decided_on=datetime.date(2023, 3, 8),
        )


def export_records() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="figures"))


@pytest.mark.usefixtures("case_file_2023")
def test_the_api_answers_the_same_key_figures_as_the_download(client_for, mirjam: User) -> None:
    download = json.loads(client_for(mirjam).get(reverse("reporting-key-figures") + "?year=2023").content)

    response = api(mirjam).get(FIGURES_2023)

    assert response.status_code == 200
    body = response.json()
    assert body["format"] == KEY_FIGURES_FORMAT
    assert body["figures"]["overview"]["rows"]["new"]["p0"] == 2
    assert body["figures"]["municipalities"]["rows"]["assen"]["advice"] == 1
    assert body["figures"]["municipalities"]["rows"]["total"]["inflow"] == 2
    assert datetime.datetime.fromisoformat(body.pop("computed_at"))
    download.pop("computed_at")
    assert body == download


@pytest.mark.usefixtures("case_file_2023")
def test_a_part_of_the_year_is_chosen_with_first_and_last(kees: User) -> None:
    response = api(kees).get(FIGURES_2023, {"first": "2023-01-01", "last": "2023-02-28"})

    assert response.status_code == 200
    body = response.json()
    assert body["period"]["first"] == "2023-01-01"
    assert body["period"]["last"] == "2023-02-28"
    assert body["period"]["whole_year"] is False
    assert body["figures"]["overview"]["rows"]["new"]["p0"] == 0


def test_an_invalid_period_is_refused_with_dutch_messages_per_field(mirjam: User) -> None:
    response = api(mirjam).get(FIGURES_2023, {"first": "gisteren"})

    assert response.status_code == 400
    assert response.json() == {"first": ["Voer een geldige datum in."]}
    assert export_records() == []


def test_a_year_before_the_records_is_refused(mirjam: User) -> None:
    response = api(mirjam).get(reverse("api-figures", kwargs={"year": 1999}))

    assert response.status_code == 400
    assert "2000" in response.json()["year"][0]


def test_manager_and_quality_coordinator_may_read_the_figures(mirjam: User, kees: User) -> None:
    assert api(mirjam).get(FIGURES_2023).status_code == 200
    assert api(kees).get(FIGURES_2023).status_code == 200


def test_other_roles_may_not_read_the_figures(pia: User, petra: User) -> None:
    assert api(pia).get(FIGURES_2023).status_code == 403
    assert api(petra).get(FIGURES_2023).status_code == 403
    assert export_records() == []


def test_an_anonymous_request_is_refused() -> None:
    assert api().get(FIGURES_2023).status_code in (401, 403)
    assert export_records() == []


def test_every_answer_writes_an_export_record(kees: User) -> None:
    api(kees).get(FIGURES_2023)

    [record] = export_records()
    assert record.actor == kees
    assert record.detail == "json api all 2023-01-01/2023-12-31"
    assert record.data_category == AuditEvent.DataCategory.STATISTICS
