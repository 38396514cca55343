"""Emergency access (noodtoegang): a reason, a flag in the log, and a review by someone else.

Bram is procesregisseur; the case is Carla's, so Bram has no normal right to it. Mirjam is the manager.
"""

import pytest
from django.urls import reverse

from cases.models import EmergencyAccess
from cases.workflow import CaseStatus
from tests.factories import UserFactory, referral_case
from zvhd.accounts.models import Role
from zvhd.audit.models import AuditEvent, LegalBasis

pytestmark = pytest.mark.django_db


@pytest.fixture
def carlas_case(db):  # type: ignore[no-untyped-def]
    return referral_case(
        status=CaseStatus.ACTIVE, coordinator=UserFactory(username="carla", role=Role.COORDINATOR)
    )


def test_a_bureau_member_opens_a_case_after_typing_a_reason_and_every_read_is_flagged(
    client_for, bram, carlas_case
) -> None:
    client = client_for(bram)
    assert client.get(carlas_case.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("emergency-access"),
        {"case_number": carlas_case.number, "reason": "Crisis buiten kantooruren, collega onbereikbaar."},
    )
    assert response.status_code == 302
    page = client.get(carlas_case.get_absolute_url())
    assert page.status_code == 200
    assert "U bekijkt deze casus via noodtoegang" in page.content.decode()
    reads = AuditEvent.objects.filter(
        actor=bram, object_type="case", case_id=carlas_case.pk, result="allowed"
    )
    assert reads.count() == 1
    assert reads.get().emergency is True


def test_without_a_reason_nothing_opens(client_for, bram, carlas_case) -> None:
    response = client_for(bram).post(
        reverse("emergency-access"), {"case_number": carlas_case.number, "reason": "nodig"}
    )
    assert "ten minste 10 tekens" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert client_for(bram).get(carlas_case.get_absolute_url()).status_code == 404


def test_partners_and_the_cter_compartment_are_beyond_emergency_access(client_for, bram, petra) -> None:
    cter = referral_case(status=CaseStatus.ACTIVE, legal_basis=LegalBasis.PARTA)
    response = client_for(bram).post(
        reverse("emergency-access"), {"case_number": cter.number, "reason": "Ik moet dit nu zien, echt."}
    )
    assert "geen casus met dit nummer" in response.content.decode()
    assert client_for(petra).get(reverse("emergency-access")).status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_the_manager_reviews_it_and_it_leaves_the_list(client_for, bram, mirjam, carlas_case) -> None:
    client_for(bram).post(
        reverse("emergency-access"), {"case_number": carlas_case.number, "reason": "Spoed: dreiging."}
    )
    review_list = client_for(mirjam).get(reverse("emergency-review-list"))
    assert carlas_case.number in review_list.content.decode()
    record = EmergencyAccess.objects.get()
    client_for(mirjam).post(
        reverse("emergency-review", kwargs={"record_pk": record.pk}), {"note": "Terecht."}
    )
    record.refresh_from_db()
    assert (record.reviewed_by, record.review_note) == (mirjam, "Terecht.")
    assert carlas_case.number not in client_for(mirjam).get(reverse("emergency-review-list")).content.decode()


def test_nobody_reviews_his_own_emergency_access(client_for, mirjam, carlas_case) -> None:
    client_for(mirjam).post(
        reverse("emergency-access"),
        {"case_number": carlas_case.number, "reason": "Managerinzage bij klacht."},
    )
    record = EmergencyAccess.objects.get()
    client_for(mirjam).post(reverse("emergency-review", kwargs={"record_pk": record.pk}), {"note": "ok"})
    record.refresh_from_db()
    assert record.reviewed_at is None


def test_the_review_list_can_be_exported_and_the_export_is_logged(
    client_for, bram, mirjam, carlas_case
) -> None:
    client_for(bram).post(
        reverse("emergency-access"), {"case_number": carlas_case.number, "reason": "Spoed: dreiging."}
    )
    response = client_for(mirjam).get(reverse("emergency-review-list"), {"format": "csv"})
    content = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert carlas_case.number in content
    assert "Spoed: dreiging." in content
    assert AuditEvent.objects.filter(actor=mirjam, action="E", object_type="emergency_access_list").exists()


def test_only_managers_and_privacy_officers_see_the_review_list(client_for, bram, petra) -> None:
    assert client_for(bram).get(reverse("emergency-review-list")).status_code == 403
    assert client_for(petra).get(reverse("emergency-review-list")).status_code == 403
