"""Every write to the case file. Each service is one transaction that also appends the timeline event
and the audit record; callers pass plain data, never request objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    EmergencyAccess,
    Participant,
    Person,
    Referral,
    Subject,
)
from cases.workflow import FINAL as FINAL_STATUSES
from cases.workflow import REFERRAL_EDITABLE, CaseStatus, transition_allowed
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.audit.services import audit_record
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)


class ConcurrentEditError(Exception):
    """Someone else saved the same record since this user opened it; his change was not applied."""


@dataclass(frozen=True)
class SubjectData:
    first_name: str
    last_name: str
    municipality: Municipality
    is_primary: bool
    name_prefix: str = ""
    date_of_birth: date | None = None
    gender: str = Person.Gender.UNKNOWN
    bsn: str = ""
    relation: str = ""


@dataclass(frozen=True)
class ReferralData:
    received_on: date
    referrer_partner: Partner
    referrer_name: str
    concerns: str
    main_topic: MainTopic
    subject_informed: bool
    referrer_role: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    subject_not_informed_reason: str = ""
    minors_in_system: str = Referral.MinorsInSystem.UNKNOWN
    problem_areas: Sequence[ProblemArea] = field(default_factory=tuple)
    cross_border: Sequence[CrossBorderScope] = field(default_factory=tuple)
    acceptance_criteria: Sequence[AcceptanceCriterion] = field(default_factory=tuple)
    # Radicalisation and terrorism (cter) fall under the Wet parta: a compartment of its own.
    under_wet_parta: bool = False


# Error keys for subjects name the subject by position: "subjects.1.bsn" is the BSN of the second one.
def subject_error_key(index: int, field_name: str) -> str:
    return f"subjects.{index}.{field_name}"


def referral_data_errors(data: ReferralData) -> dict[str, list[str]]:
    """The rules a referral must meet, whoever enters it (screen, API, import)."""
    errors: dict[str, list[str]] = {}
    if data.received_on > timezone.localdate():
        errors["received_on"] = [_("The date received cannot be in the future.")]
    if not data.referrer_phone.strip() and not data.referrer_email.strip():
        errors["referrer_phone"] = [
            _("Enter a phone number or an e-mail address so the referrer can be reached.")
        ]
    if not data.subject_informed and not data.subject_not_informed_reason.strip():
        errors["subject_not_informed_reason"] = [_("Explain why the subject was not informed.")]
    return errors


def subjects_data_errors(subjects: Sequence[SubjectData]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not subjects:
        return {"subjects": [_("Enter at least one subject.")]}
    primaries = sum(1 for subject in subjects if subject.is_primary)
    if primaries != 1:
        errors["subjects"] = [_("Mark exactly one subject as the main subject.")]
    today = timezone.localdate()
    seen_bsn: set[str] = set()
    for index, subject in enumerate(subjects):
        if subject.date_of_birth and subject.date_of_birth > today:
            errors[subject_error_key(index, "date_of_birth")] = [
                _("The date of birth cannot be in the future.")
            ]
        if subject.bsn:
            if subject.bsn in seen_bsn:
                errors[subject_error_key(index, "bsn")] = [_("This BSN is entered for two subjects.")]
            seen_bsn.add(subject.bsn)
    return errors


def _same_person(person: Person, subject: SubjectData) -> bool:
    if person.last_name.casefold() != subject.last_name.casefold():
        return False
    return not (
        person.date_of_birth and subject.date_of_birth and person.date_of_birth != subject.date_of_birth
    )


def _persons_for(subjects: Sequence[SubjectData]) -> list[Person]:
    """One person per subject: a known BSN reuses the person, so nobody is registered twice."""
    known = {p.bsn: p for p in Person.objects.filter(bsn__in=[s.bsn for s in subjects if s.bsn])}
    errors: dict[str, list[str]] = {}
    for index, subject in enumerate(subjects):
        person = known.get(subject.bsn) if subject.bsn else None
        if person is not None and not _same_person(person, subject):
            errors[subject_error_key(index, "bsn")] = [
                _("This BSN belongs to a person with a different name or date of birth. Check the BSN.")
            ]
    if errors:
        raise ValidationError(errors)
    persons = []
    for subject in subjects:
        person = known.get(subject.bsn) if subject.bsn else None
        if person is None:
            person = Person.objects.create(
                first_name=subject.first_name,
                name_prefix=subject.name_prefix,
                last_name=subject.last_name,
                date_of_birth=subject.date_of_birth,
                gender=subject.gender,
                bsn=subject.bsn,
            )
        persons.append(person)
    return persons


def case_number_next(*, year: int) -> str:
    """The next case number of `year` ("2026-0042"); the counter row is locked until commit."""
    if not CaseNumberCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(year=year, last=1)
        except IntegrityError:  # another transaction created the year's counter first
            CaseNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = CaseNumberCounter.objects.get(year=year).last
    return f"{year}-{last:04d}"


def case_event_add(
    *, case: Case, kind: str, by: User | None, payload: dict[str, object] | None = None
) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=by, payload=payload or {})


def _referral_fields(data: ReferralData) -> dict[str, object]:
    return {
        "received_on": data.received_on,
        "referrer_partner": data.referrer_partner,
        "referrer_name": data.referrer_name.strip(),
        "referrer_role": data.referrer_role.strip(),
        "referrer_phone": data.referrer_phone.strip(),
        "referrer_email": data.referrer_email.strip(),
        "concerns": data.concerns.strip(),
        "main_topic": data.main_topic,
        "minors_in_system": data.minors_in_system,
        "subject_informed": data.subject_informed,
        "subject_not_informed_reason": ""
        if data.subject_informed
        else data.subject_not_informed_reason.strip(),
    }


def _referral_set_many(referral: Referral, data: ReferralData) -> None:
    referral.problem_areas.set(data.problem_areas)
    referral.cross_border.set(data.cross_border)
    referral.acceptance_criteria.set(data.acceptance_criteria)


@transaction.atomic(durable=True)
def referral_register(
    *, by: User, referral: ReferralData, subjects: Sequence[SubjectData], origin: str | None = None
) -> Case:
    """Register a referral received from a partner: a new case in status 'registered'."""
    return referral_register_within(by=by, referral=referral, subjects=subjects, origin=origin)


def referral_register_within(
    *, by: User, referral: ReferralData, subjects: Sequence[SubjectData], origin: str | None = None
) -> Case:
    """`referral_register` inside a caller's transaction (e.g. an aftercare case escalated to procesregie)."""
    errors = referral_data_errors(referral) | subjects_data_errors(subjects)
    if errors:
        raise ValidationError(errors)
    persons = _persons_for(subjects)
    case = Case.objects.create(
        number=case_number_next(year=referral.received_on.year),
        legal_basis=LegalBasis.PARTA if referral.under_wet_parta else LegalBasis.WGS,
    )
    record = Referral.objects.create(case=case, registered_by=by, **_referral_fields(referral))
    _referral_set_many(record, referral)
    Subject.objects.bulk_create(
        Subject(
            case=case,
            person=person,
            is_primary=subject.is_primary,
            municipality=subject.municipality,
            relation=subject.relation.strip(),
        )
        for person, subject in zip(persons, subjects, strict=True)
    )
    case_event_add(
        case=case, kind=CaseEvent.Kind.REFERRAL_REGISTERED, by=by, payload={"subjects": len(subjects)}
    )
    if referral.under_wet_parta:
        # The compartment admits only people explicitly on the case; the registrar is the first.
        _participant_create(
            case=case,
            by=by,
            user=by,
            role_in_case=_("registrar"),
            start_date=timezone.localdate(),
            end_date=None,
        )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        object_type="referral",
        object_id=case.pk,
        case_id=case.pk,
        person_ids=[person.pk for person in persons],
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=case.legal_basis,
        ip_address=origin,
    )
    return case


@transaction.atomic(durable=True)
def referral_update(
    *, case: Case, by: User, version: int, referral: ReferralData, origin: str | None = None
) -> Case:
    """Correct the referral data while the case is not yet decided.

    `version` is the case version the user started from; if someone saved in between, nothing is
    changed and ConcurrentEditError tells the caller to show the newer data beside his input.
    """
    if case.status not in REFERRAL_EDITABLE:
        raise ValidationError(_("The referral can no longer be changed: triage has decided on this case."))
    errors = referral_data_errors(referral)
    if errors:
        raise ValidationError(errors)
    if not Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    ):
        raise ConcurrentEditError
    record = Referral.objects.select_for_update().get(case=case)
    fields = _referral_fields(referral)
    changed = sorted(name for name, value in fields.items() if getattr(record, name) != value)
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    for name in ("problem_areas", "cross_border", "acceptance_criteria"):
        before = set(getattr(record, name).values_list("pk", flat=True))
        if before != {item.pk for item in getattr(referral, name)}:
            changed.append(name)
    _referral_set_many(record, referral)
    case.refresh_from_db()
    case_event_add(
        case=case, kind=CaseEvent.Kind.REFERRAL_UPDATED, by=by, payload={"fields": sorted(changed)}
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        object_type="referral",
        object_id=case.pk,
        case_id=case.pk,
        person_ids=case.subjects.values_list("person_id", flat=True),
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=case.legal_basis,
        ip_address=origin,
    )
    return case


# --- Participants ------------------------------------------------------------------------------------


def _participant_create(
    *,
    case: Case,
    by: User,
    user: User,
    role_in_case: str,
    start_date: date,
    end_date: date | None,
    legal_basis: str = "",
) -> Participant:
    participant = Participant.objects.create(
        case=case,
        user=user,
        organisation=user.organisation,
        role_in_case=role_in_case.strip(),
        start_date=start_date,
        end_date=end_date,
        legal_basis=legal_basis or case.legal_basis,
        added_by=by,
    )
    access.participant_access_sync(case=case, user=user)
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.PARTICIPANT_ADDED,
        by=by,
        payload={"participant": participant.pk, "user": str(user), "role": participant.role_in_case},
    )
    return participant


def _participation_errors(
    case: Case, user: User, start_date: date, end_date: date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not user.is_active:
        errors["user"] = [_("This account is disabled.")]
    if end_date is not None and end_date < start_date:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    if case.status in FINAL_STATUSES:
        errors["user"] = [_("The case is closed: nobody can be added any more.")]
    elif (
        Participant.objects.filter(case=case, user=user)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        .exists()
    ):
        errors["user"] = [_("This person already takes part in the case in this period.")]
    return errors


@transaction.atomic(durable=True)
def participant_add(
    *,
    case: Case,
    by: User,
    user: User,
    role_in_case: str,
    start_date: date,
    end_date: date | None = None,
    legal_basis: str = LegalBasis.WGS,
    origin: str | None = None,
) -> Participant:
    """Invite a professional into the case for a period; his access follows from it."""
    if not access.may_manage_participants(by, case):
        raise PermissionError
    return participant_add_within(
        case=case,
        by=by,
        user=user,
        role_in_case=role_in_case,
        start_date=start_date,
        end_date=end_date,
        legal_basis=legal_basis,
        origin=origin,
    )


def participant_add_within(
    *,
    case: Case,
    by: User,
    user: User,
    role_in_case: str,
    start_date: date,
    end_date: date | None = None,
    legal_basis: str = LegalBasis.WGS,
    origin: str | None = None,
) -> Participant:
    """`participant_add` inside a caller's transaction, which has checked that `by` may do it."""
    errors = _participation_errors(case, user, start_date, end_date)
    if errors:
        raise ValidationError(errors)
    participant = _participant_create(
        case=case,
        by=by,
        user=user,
        role_in_case=role_in_case,
        start_date=start_date,
        end_date=end_date,
        legal_basis=legal_basis,
    )
    _audit_participant(participant, by=by, action=AuditEvent.Action.CREATE, origin=origin)
    return participant


@transaction.atomic(durable=True)
def participant_end(
    *, participant: Participant, by: User, end_date: date | None = None, origin: str | None = None
) -> Participant:
    """End a participation (today by default); access ends with it."""
    if not access.may_manage_participants(by, participant.case):
        raise PermissionError
    return participant_end_within(participant=participant, by=by, end_date=end_date, origin=origin)


def participant_end_within(
    *, participant: Participant, by: User, end_date: date | None = None, origin: str | None = None
) -> Participant:
    """`participant_end` inside a caller's transaction, which has checked that `by` may do it."""
    end_date = end_date or timezone.localdate()
    if end_date < participant.start_date:
        raise ValidationError({"end_date": [_("The end date cannot be before the start date.")]})
    if participant.end_date is not None and participant.end_date <= end_date:
        return participant  # already ended by then: nothing to do
    participant.end_date = end_date
    participant.ended_by = by
    participant.save(update_fields=["end_date", "ended_by"])
    access.participant_access_sync(case=participant.case, user=participant.user)
    case_event_add(
        case=participant.case,
        kind=CaseEvent.Kind.PARTICIPANT_ENDED,
        by=by,
        payload={"participant": participant.pk, "user": str(participant.user), "until": end_date.isoformat()},
    )
    _audit_participant(participant, by=by, action=AuditEvent.Action.UPDATE, origin=origin)
    return participant


def _audit_participant(participant: Participant, *, by: User, action: str, origin: str | None) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="participant",
        object_id=participant.pk,
        case_id=participant.case_id,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=participant.case.legal_basis,
        ip_address=origin,
    )


# --- Closure -------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def case_close(*, case: Case, by: User, reason: str, origin: str | None = None) -> Case:
    """Close the case: every participation ends today and every grant on the case with it."""
    return case_close_within(case=case, by=by, reason=reason, origin=origin)


def case_close_within(*, case: Case, by: User, reason: str, origin: str | None = None) -> Case:
    """`case_close` inside a caller's transaction, for services that close a case as one of their steps."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not transition_allowed(case.status, CaseStatus.CLOSED):
        raise ValidationError(_("This case cannot be closed in its current status."))
    if reason not in Case.ClosureReason.values:
        raise ValidationError({"reason": [_("Choose a reason for closing the case.")]})
    today = timezone.localdate()
    previous = case.status
    case.status, case.closure_reason, case.closed_at = CaseStatus.CLOSED, reason, timezone.now()
    case.version += 1
    case.save(update_fields=["status", "closure_reason", "closed_at", "version", "updated_at"])
    Participant.objects.filter(case=case).filter(Q(end_date__isnull=True) | Q(end_date__gt=today)).update(
        end_date=today, ended_by=by
    )
    access.case_access_end_all(case=case)
    case_event_add(
        case=case, kind=CaseEvent.Kind.CASE_CLOSED, by=by, payload={"from": previous, "reason": reason}
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        ip_address=origin,
        detail="closed",
    )
    return case


# --- Emergency access ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def emergency_access_open(*, case: Case, by: User, reason: str, origin: str | None = None) -> EmergencyAccess:
    """Open a case outside one's rights, for today, with a written reason; flagged for review."""
    if not access.may_use_emergency_access(by, case):
        raise PermissionError
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": [_("Describe why you need this case now (at least 10 characters).")]}
        )
    today = timezone.localdate()
    record = EmergencyAccess.objects.create(case=case, user=by, reason=reason.strip(), valid_until=today)
    access.emergency_access_grant(case=case, user=by, day=today)
    case_event_add(
        case=case, kind=CaseEvent.Kind.EMERGENCY_ACCESS, by=by, payload={"emergency_access": record.pk}
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.READ,
        object_type="emergency_access",
        object_id=record.pk,
        case_id=case.pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        emergency=True,
        ip_address=origin,
        detail="opened",
    )
    return record


@transaction.atomic(durable=True)
def emergency_access_review(*, record: EmergencyAccess, by: User, note: str) -> EmergencyAccess:
    """Mark an emergency access as reviewed; it leaves the review list."""
    record = EmergencyAccess.objects.select_for_update().get(pk=record.pk)
    if record.reviewed_at is not None:
        return record
    if record.user_id == by.pk:
        raise ValidationError({"note": [_("Someone else must review your own emergency access.")]})
    record.reviewed_by, record.reviewed_at, record.review_note = by, timezone.now(), note.strip()
    record.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return record
