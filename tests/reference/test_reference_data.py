"""The house's reference data arrives with the migrations and stays editable in the admin."""

import pytest
from django.urls import reverse

from tests.accounts.logins import otp_verified_login
from tests.factories import UserFactory
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    Domain,
    House,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
    Region,
)

pytestmark = pytest.mark.django_db


def test_the_twelve_municipalities_of_drenthe_are_present_in_three_regions() -> None:
    regions = {
        region.name: sorted(m.name for m in region.municipalities.all()) for region in Region.objects.all()
    }
    assert regions == {
        "Noord": ["Aa en Hunze", "Assen", "Midden-Drenthe", "Noordenveld", "Tynaarlo"],
        "Zuidoost": ["Borger-Odoorn", "Coevorden", "Emmen"],
        "Zuidwest": ["De Wolden", "Hoogeveen", "Meppel", "Westerveld"],
    }


def test_aftercare_is_done_for_six_municipalities() -> None:
    assert sorted(Municipality.objects.filter(provides_aftercare=True).values_list("name", flat=True)) == [
        "Aa en Hunze",
        "De Wolden",
        "Hoogeveen",
        "Meppel",
        "Midden-Drenthe",
        "Tynaarlo",
    ]


def test_the_partners_of_the_annual_report_are_present_with_their_domain() -> None:
    assert Partner.objects.count() == 27
    assert Partner.objects.get(code="politie").domain == Domain.SAFETY
    assert Partner.objects.get(code="ggz-drenthe").domain == Domain.CARE
    assert Partner.objects.get(code="gemeente-sociaal-domein").domain == Domain.MUNICIPALITY
    assert list(Partner.objects.filter(is_other_house=True).values_list("code", flat=True)) == ["andere-zvh"]


def test_topics_problem_areas_cross_border_and_criteria_are_present() -> None:
    assert MainTopic.objects.count() == 7
    assert set(ProblemArea.objects.values_list("code", flat=True)) == {"ggz", "lvb", "addiction"}
    assert CrossBorderScope.objects.count() == 4
    assert AcceptanceCriterion.objects.count() == 5
    assert House.objects.get().name == "Zorg- en Veiligheidshuis Drenthe"


def test_a_functional_administrator_can_rename_a_municipality_in_the_admin(client) -> None:
    admin = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    otp_verified_login(client, admin)
    westerveld = Municipality.objects.get(code="westerveld")
    url = reverse("admin:reference_municipality_change", args=[westerveld.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields} | {"name": "Westerveld (gem.)"}
    data = {
        key: ("on" if value is True else value) for key, value in data.items() if value not in (None, False)
    }
    response = client.post(url, data)
    assert response.status_code == 302
    westerveld.refresh_from_db()
    assert westerveld.name == "Westerveld (gem.)"


def test_nothing_about_drenthe_is_written_in_python() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [
        p
        for folder in ("zvhd", "cases", "triage", "aftercare", "reporting")
        for p in (root / folder).rglob("*.py")
    ]
    offenders = [
        str(p.relative_to(root))
        for p in sources
        if "Drenthe" in p.read_text(encoding="utf-8") and "migrations" not in p.parts
    ]
    assert offenders == []
