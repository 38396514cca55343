"""The referral and case API under /api/v1/: deny by default, scoped by the access layer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Case
from tests.factories import PersonFactory, referral_case
from zvhd.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
REFERRALS = reverse("api-referral-list")
CASES = reverse("api-case-list")


def api(user=None) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(**overrides: object) -> dict[str, object]:
    body = {
        "received_on": timezone.localdate().isoformat(),
        "referrer_partner": "veilig-thuis",
        "referrer_name": "M. de Boer",
        "referrer_email": "m.deboer@example.org",
        "concerns": "Huiselijk geweld met kinderen in huis.",
        "main_topic": "domestic-violence",
        "problem_areas": ["ggz", "addiction"],
        "cross_border": ["other-province"],
        "acceptance_criteria": ["multiple-domains", "system"],
        "minors_in_system": "yes",
        "subject_informed": False,
        "subject_not_informed_reason": "Veiligheidsrisico voor de kinderen.",
        "subjects": [
            {
                "first_name": "Ria",
                "last_name": "Kamp",
                "municipality": "hoogeveen",
                "is_primary": True,
                "bsn": "111222333",
            },
            {
                "first_name": "Tim",
                "last_name": "Kamp",
                "municipality": "hoogeveen",
                "relation": "zoon",
                "date_of_birth": "2015-03-01",
            },
        ],
    }
    return body | overrides


@pytest.mark.parametrize("url", [REFERRALS, CASES, "/api/v1/cases/1/", "/api/v1/schema/"])
def test_anonymous_requests_are_refused(url: str) -> None:
    assert api().get(url).status_code in (401, 403)


def test_a_referral_registered_through_the_api_is_the_same_as_through_the_screen(pia) -> None:
    response = api(pia).post(REFERRALS, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert body["number"] == case.number
    assert body["status"] == "registered"
    assert [s["name"] for s in body["subjects"]] == ["Ria Kamp", "Tim Kamp"]
    assert body["subjects"][0]["bsn_masked"] == "******333"
    assert body["referral"]["main_topic"]["code"] == "domestic-violence"
    assert body["events"][0]["kind"] == "referral_registered"
    assert AuditEvent.objects.filter(action="C", case_id=case.pk).exists()


def test_token_authentication_works_for_system_integrations(pia) -> None:
    token = Token.objects.create(user=pia)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(REFERRALS).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"received_on": "2099-01-01"}, ("received_on",), "toekomst"),
        ({"referrer_email": ""}, ("referrer_phone",), "telefoonnummer of e-mailadres"),
        ({"main_topic": "unknown-topic"}, ("main_topic",), ""),
        ({"subjects": []}, ("subjects",), ""),
        (
            {
                "subjects": [
                    {
                        "first_name": "A",
                        "last_name": "B",
                        "municipality": "assen",
                        "bsn": "123456789",
                        "is_primary": True,
                    }
                ]
            },
            ("subjects", "0", "bsn"),
            "elfproef",
        ),
        (
            {"subjects": [{"first_name": "A", "last_name": "B", "municipality": "assen"}]},
            ("subjects_errors",),
            "precies één subject",
        ),
    ],
)
def test_invalid_input_is_refused_per_field_in_dutch(pia, overrides, path, message) -> None:
    response = api(pia).post(REFERRALS, payload(**overrides), format="json")
    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert message in " ".join(errors)
    assert Case.objects.count() == 0


def test_the_list_filters_like_the_screen_and_logs_the_read(pia) -> None:
    referral_case(number="2026-0001", person=PersonFactory(last_name="Bakker"), in_municipality="emmen")
    referral_case(number="2026-0002", person=PersonFactory(last_name="Visser"), in_municipality="assen")
    response = api(pia).get(REFERRALS, {"search": "visser"})
    assert [row["number"] for row in response.json()["results"]] == ["2026-0002"]
    assert response.json()["results"][0]["main_subject"]["municipality"]["code"] == "assen"
    assert AuditEvent.objects.filter(object_type="referral_list", actor=pia).count() == 1


def test_a_bsn_conflict_found_by_the_service_is_reported_at_the_subject(pia) -> None:
    PersonFactory(first_name="Kees", last_name="Pietersen", bsn="111222333")
    response = api(pia).post(REFERRALS, payload(), format="json")
    assert response.status_code == 400
    assert "andere naam of geboortedatum" in response.json()["subjects"]["0"]["bsn"][0]


def test_a_case_one_may_not_see_is_404_in_the_api_and_logged_as_denied(pia, petra) -> None:
    case = referral_case()
    assert api(pia).get(reverse("api-case-detail", kwargs={"pk": case.pk})).status_code == 200
    assert api(petra).get(reverse("api-case-detail", kwargs={"pk": case.pk})).status_code == 404
    assert api(petra).get(CASES).json()["count"] == 0
    assert AuditEvent.objects.filter(actor=petra, result="denied", object_id=str(case.pk)).exists()


def test_roles_without_the_task_cannot_register_or_list_referrals(mirjam, petra) -> None:
    for user in (mirjam, petra):
        assert api(user).post(REFERRALS, payload(), format="json").status_code == 403
        assert api(user).get(REFERRALS).status_code == 403
    assert Case.objects.count() == 0


def test_the_case_detail_shows_the_age_of_subjects(pia) -> None:
    born = timezone.localdate().replace(year=timezone.localdate().year - 40) - datetime.timedelta(days=1)
    case = referral_case(person=PersonFactory(date_of_birth=born))
    body = api(pia).get(reverse("api-case-detail", kwargs={"pk": case.pk})).json()
    assert body["subjects"][0]["age"] == 40
