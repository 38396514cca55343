"""Correcting a referral before triage decides, and two people editing it at once."""

import pytest
from django.urls import reverse

from cases.workflow import CaseStatus
from tests.cases.test_referral_screen import form_data
from tests.factories import referral_case

pytestmark = pytest.mark.django_db


def edit_data(case, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {key: value for key, value in form_data().items() if not key.startswith("subjects")}
    return data | {"version": str(case.version)} | overrides


def test_a_correction_is_saved_and_recorded_on_the_timeline(client_for, pia) -> None:
    case = referral_case()
    client = client_for(pia)
    response = client.post(
        reverse("referral-edit", kwargs={"pk": case.pk}), edit_data(case, referrer_name="Brigadier Jansen")
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.referral.referrer_name == "Brigadier Jansen"
    assert case.version == 2
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Aanmelding gewijzigd" in page


def test_the_second_of_two_concurrent_edits_is_refused_and_his_input_kept(client_for, pia, bram) -> None:
    case = referral_case()
    url = reverse("referral-edit", kwargs={"pk": case.pk})
    pia_form = edit_data(case, referrer_name="Versie van Pia")
    bram_form = edit_data(case, referrer_name="Versie van Bram", concerns="Bram vult de zorgen aan.")

    assert client_for(pia).post(url, pia_form).status_code == 302
    response = client_for(bram).post(url, bram_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Iemand anders heeft deze aanmelding intussen gewijzigd" in page
    assert 'value="Versie van Bram"' in page
    assert "Bram vult de zorgen aan." in page
    assert "Versie van Pia" in page  # the data as saved now, shown beside his input
    case.referral.refresh_from_db()
    assert case.referral.referrer_name == "Versie van Pia"

    resubmit = response.context["version"]
    assert client_for(bram).post(url, bram_form | {"version": str(resubmit)}).status_code == 302
    case.referral.refresh_from_db()
    assert case.referral.concerns == "Bram vult de zorgen aan."


def test_a_decided_referral_can_no_longer_be_changed(client_for, bram) -> None:
    case = referral_case(status=CaseStatus.ACTIVE, coordinator=bram)
    client = client_for(bram)
    response = client.post(
        reverse("referral-edit", kwargs={"pk": case.pk}), edit_data(case, referrer_name="Nieuw")
    )
    assert response.status_code == 302
    case.referral.refresh_from_db()
    assert case.referral.referrer_name == "A. Verwijzer"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Aanmelding wijzigen" not in page
