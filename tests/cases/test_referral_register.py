"""The referral_register service: what every channel (screen, API, import) relies on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case, CaseEvent, Person, Subject
from cases.services import ReferralData, SubjectData, referral_register
from cases.workflow import CaseStatus
from tests.factories import PersonFactory, main_topic, municipality, partner
from zvhd.audit.models import AuditEvent
from zvhd.reference.models import AcceptanceCriterion, ProblemArea

pytestmark = pytest.mark.django_db


def referral(**overrides: object) -> ReferralData:
    fields = {
        "received_on": timezone.localdate(),
        "referrer_partner": partner("politie"),
        "referrer_name": "Wijkagent Bakker",
        "referrer_phone": "0592-123456",
        "concerns": "Escalerende burenruzie, dreiging met geweld.",
        "main_topic": main_topic("neighbour-dispute"),
        "subject_informed": True,
    }
    return ReferralData(**(fields | overrides))


def subject(**overrides: object) -> SubjectData:
    fields = {
        "first_name": "Jan",
        "last_name": "Jansen",
        "municipality": municipality("emmen"),
        "is_primary": True,
        "date_of_birth": datetime.date(1985, 4, 12),
    }
    return SubjectData(**(fields | overrides))


def test_registering_creates_a_case_in_status_registered_with_its_subjects(pia) -> None:
    case = referral_register(
        by=pia,
        referral=referral(problem_areas=list(ProblemArea.objects.filter(code__in=["ggz", "addiction"]))),
        subjects=[subject(), subject(first_name="Els", is_primary=False, relation="partner")],
    )
    assert case.status == CaseStatus.REGISTERED
    assert case.kind == Case.Kind.UNDECIDED
    assert case.number == f"{timezone.localdate().year}-0001"
    subjects = list(case.subjects.order_by("-is_primary", "id"))
    assert [(s.person.first_name, s.is_primary, s.relation) for s in subjects] == [
        ("Jan", True, ""),
        ("Els", False, "partner"),
    ]
    assert set(case.referral.problem_areas.values_list("code", flat=True)) == {"ggz", "addiction"}
    assert case.referral.registered_by == pia


def test_registering_writes_the_timeline_event_by_the_registrar(pia) -> None:
    case = referral_register(by=pia, referral=referral(), subjects=[subject()])
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.REFERRAL_REGISTERED
    assert event.actor == pia
    assert event.get_kind_display() == "Aanmelding geregistreerd"


def test_registering_writes_a_create_record_in_the_access_log_naming_the_subjects(pia) -> None:
    case = referral_register(
        by=pia, referral=referral(), subjects=[subject(), subject(first_name="Els", is_primary=False)]
    )
    record = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert (record.actor, record.actor_role, record.case_id, record.legal_basis) == (
        pia,
        "support_officer",
        case.pk,
        "wgs",
    )
    persons = set(case.subjects.values_list("person_id", flat=True))
    assert set(record.subjects.values_list("person_id", flat=True)) == persons


def test_case_numbers_count_up_per_year_of_receipt(pia) -> None:
    first = referral_register(
        by=pia, referral=referral(received_on=datetime.date(2025, 12, 30)), subjects=[subject()]
    )
    second = referral_register(
        by=pia, referral=referral(received_on=datetime.date(2025, 12, 31)), subjects=[subject()]
    )
    third = referral_register(by=pia, referral=referral(), subjects=[subject()])
    assert [first.number, second.number] == ["2025-0001", "2025-0002"]
    assert third.number == f"{timezone.localdate().year}-0001"


def test_a_known_bsn_links_the_subject_to_the_existing_person(pia) -> None:
    known = PersonFactory(
        first_name="Jan", last_name="Jansen", bsn="111222333", date_of_birth=datetime.date(1985, 4, 12)
    )
    case = referral_register(by=pia, referral=referral(), subjects=[subject(bsn="111222333")])
    assert case.subjects.get().person == known
    assert Person.objects.filter(bsn="111222333").count() == 1


def test_a_bsn_of_a_different_person_is_refused_and_nothing_is_saved(pia) -> None:
    PersonFactory(first_name="Kees", last_name="Pietersen", bsn="111222333")
    with pytest.raises(ValidationError) as raised:
        referral_register(
            by=pia,
            referral=referral(),
            subjects=[subject(), subject(first_name="X", is_primary=False, bsn="111222333")],
        )
    assert "subjects.1.bsn" in raised.value.message_dict
    assert Case.objects.count() == 0
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("referral_overrides", "subjects", "field", "message"),
    [
        ({"received_on": timezone.localdate() + datetime.timedelta(days=1)}, None, "received_on", "toekomst"),
        (
            {"referrer_phone": "", "referrer_email": ""},
            None,
            "referrer_phone",
            "telefoonnummer of e-mailadres",
        ),
        ({"subject_informed": False}, None, "subject_not_informed_reason", "niet is geïnformeerd"),
        ({}, [], "subjects", "ten minste één subject"),
        ({}, [{"is_primary": False}], "subjects", "precies één subject"),
        ({}, [{}, {"first_name": "Els"}], "subjects", "precies één subject"),
        (
            {},
            [{"bsn": "111222333"}, {"is_primary": False, "bsn": "111222333"}],
            "subjects.1.bsn",
            "twee subjecten",
        ),
        (
            {},
            [{"date_of_birth": timezone.localdate() + datetime.timedelta(days=3)}],
            "subjects.0.date_of_birth",
            "toekomst",
        ),
    ],
)
def test_invalid_referrals_are_refused_at_the_field_and_nothing_is_saved(
    pia, referral_overrides, subjects, field, message
) -> None:
    subject_list = [subject()] if subjects is None else [subject(**overrides) for overrides in subjects]
    with pytest.raises(ValidationError) as raised:
        referral_register(by=pia, referral=referral(**referral_overrides), subjects=subject_list)
    assert message in " ".join(raised.value.message_dict[field])
    assert Case.objects.count() == 0
    assert Subject.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_acceptance_criteria_are_kept_as_ticked(pia) -> None:
    ticked = list(AcceptanceCriterion.objects.filter(code__in=["multiple-domains", "harm"]))
    case = referral_register(by=pia, referral=referral(acceptance_criteria=ticked), subjects=[subject()])
    assert set(case.referral.acceptance_criteria.values_list("code", flat=True)) == {
        "multiple-domains",
        "harm",
    }
