"""Every write of aftercare. Each service is one transaction that also appends the timeline event and the
access-log record; callers pass plain data. The `_within` variants run inside a caller's transaction (the
import runs every row in a savepoint of its own).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.models import (
    AftercareFile,
    AftercareInformation,
    BasicCondition,
    ConditionAction,
    ConditionKind,
    Consent,
    DetentionKind,
    DetentionNotice,
    GuidanceContact,
    GuidanceEpisode,
    GuidanceGoal,
    ImportBatch,
    ImportRow,
    InformationSource,
    ReleaseTask,
    ReleaseTaskKind,
)
from cases.access import may_work_on
from cases.models import Case, CaseEvent, Notification, Person, Subject
from cases.services import (
    ConcurrentEditError,
    ReferralData,
    SubjectData,
    case_close_within,
    case_event_add,
    case_number_next,
    participant_add_within,
    participant_end_within,
    referral_register_within,
)
from cases.validators import validate_bsn
from cases.workflow import CaseStatus
from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.accounts.models import Role, User
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.audit.services import audit_record
from zvhd.reference.models import MainTopic, Municipality, Partner, ProblemArea

# Days from the (expected) release date to each task's due date.
RELEASE_TASK_OFFSETS: dict[str, int] = {
    ReleaseTaskKind.CONTACT_BEFORE: -42,
    ReleaseTaskKind.CONDITIONS_CHECK: -14,
    ReleaseTaskKind.CHECK_IN: 7,
    ReleaseTaskKind.THREE_MONTHS: 91,
}


class NoticeOutcome:
    CREATED = ImportRow.Outcome.CREATED
    UPDATED = ImportRow.Outcome.UPDATED
    UNCHANGED = ImportRow.Outcome.UNCHANGED


@dataclass(frozen=True)
class NoticeData:
    """A detention notice as DJI sends it: the notice and the person it is about."""

    reference: str
    kind: str
    received_on: date
    first_name: str
    last_name: str
    municipality: Municipality
    institution: str = ""
    detention_start: date | None = None
    expected_release: date | None = None
    name_prefix: str = ""
    date_of_birth: date | None = None
    bsn: str = ""


# The fields of a notice a later notice with the same reference may change.
NOTICE_FIELDS = ("kind", "institution", "detention_start", "expected_release")


def municipality_refusal(municipality: Municipality | None, name: str = "") -> str | None:
    """Why a notice for a resident of this municipality is not ours, naming who is responsible; None when
    the bureau does the aftercare there."""
    if municipality is None:
        return _(
            "%(name)s is not a municipality of this Zorg- en Veiligheidshuis; the aftercare is the "
            "responsibility of the municipality %(name)s (or its own Zorg- en Veiligheidshuis)."
        ) % {"name": name or _("this municipality")}
    if not municipality.provides_aftercare:
        return _(
            "The bureau does not do the aftercare for %(name)s; the aftercare of its residents is the "
            "responsibility of the municipality %(name)s itself."
        ) % {"name": municipality.name}
    return None


def _notice_date_errors(data: NoticeData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if data.received_on > today:
        errors["received_on"] = [_("The date received cannot be in the future.")]
    if data.date_of_birth and data.date_of_birth > today:
        errors["date_of_birth"] = [_("The date of birth cannot be in the future.")]
    if data.kind == DetentionKind.DETENTION and data.detention_start is None:
        errors["detention_start"] = [_("Enter the date the detention started.")]
    if data.detention_start and data.expected_release and data.expected_release < data.detention_start:
        errors["expected_release"] = [_("The expected release cannot be before the start of detention.")]
    return errors


def notice_data_errors(data: NoticeData) -> dict[str, list[str]]:
    """The rules a detention notice must meet, whoever enters it (screen, API, import)."""
    errors = _notice_date_errors(data)
    if not data.reference.strip():
        errors["reference"] = [_("Enter the reference of the notice at DJI.")]
    if data.kind not in DetentionKind.values:
        errors["kind"] = [_("Choose detention or self-reporter.")]
    if not data.first_name.strip():
        errors["first_name"] = [_("Enter the first name.")]
    if not data.last_name.strip():
        errors["last_name"] = [_("Enter the last name.")]
    if data.bsn:
        try:
            validate_bsn(data.bsn)
        except ValidationError as error:
            errors["bsn"] = list(error.messages)
    refusal = municipality_refusal(data.municipality)
    if refusal:
        errors["municipality"] = [refusal]
    return errors


def _same_person(person: Person, data: NoticeData) -> bool:
    if person.last_name.casefold() != data.last_name.strip().casefold():
        return False
    return not (person.date_of_birth and data.date_of_birth and person.date_of_birth != data.date_of_birth)


def person_for_notice(data: NoticeData) -> Person | None:
    """The person already known for this notice: by BSN, else by name and date of birth; None if new.

    A BSN that belongs to someone with another name or date of birth is refused rather than guessed."""
    if data.bsn:
        # The repeated condition lets the database use the partial unique index on BSN.
        person = Person.objects.filter(bsn=data.bsn).exclude(bsn="").first()
        if person is not None and not _same_person(person, data):
            message = _("This BSN belongs to a person with a different name or date of birth. Check the BSN.")
            raise ValidationError({"bsn": [message]})
        if person is not None:
            return person
    if data.date_of_birth is None:
        return None
    return (
        Person.objects.filter(
            last_name__iexact=data.last_name.strip(),
            first_name__iexact=data.first_name.strip(),
            date_of_birth=data.date_of_birth,
        )
        .order_by("pk")
        .first()
    )


def open_aftercare_of(person: Person) -> AftercareFile | None:
    """The person's aftercare case that is still open, if any."""
    return (
        AftercareFile.objects.select_related("case")
        .filter(person=person)
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by("-case__created_at")
        .first()
    )


def _audit(by: User, *, action: str, aftercare: AftercareFile, object_type: str, origin: str | None) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type=object_type,
        object_id=aftercare.case_id,
        case_id=aftercare.case_id,
        person_ids=[aftercare.person_id],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=LegalBasis.CONSENT,
        ip_address=origin,
    )


def _aftercare_open(*, by: User, person: Person, data: NoticeData) -> AftercareFile:
    """A new aftercare case for the person, run by `by` (the nazorgcoördinator), with its five conditions
    and, when the release is expected on a known day, its release tasks."""
    case = Case.objects.create(
        number=case_number_next(year=data.received_on.year),
        kind=Case.Kind.AFTERCARE,
        status=CaseStatus.ACTIVE,
        legal_basis=LegalBasis.CONSENT,
        coordinator=by,
    )
    Subject.objects.create(case=case, person=person, is_primary=True, municipality=data.municipality)
    aftercare = AftercareFile.objects.create(
        case=case, person=person, municipality=data.municipality, expected_release_on=data.expected_release
    )
    BasicCondition.objects.bulk_create(
        BasicCondition(aftercare=aftercare, kind=kind) for kind in ConditionKind
    )
    if data.expected_release:
        ReleaseTask.objects.bulk_create(
            ReleaseTask(aftercare=aftercare, kind=kind, due_on=data.expected_release + timedelta(days=offset))
            for kind, offset in RELEASE_TASK_OFFSETS.items()
        )
    return aftercare


def release_tasks_plan(aftercare: AftercareFile) -> None:
    """Date the release tasks from the release (the actual one once known, else the expected one); tasks
    already done keep their date. Without any release date there are no tasks yet."""
    release = aftercare.released_on or aftercare.expected_release_on
    if release is None:
        return
    existing = {task.kind: task for task in aftercare.tasks.all()}
    for kind, offset in RELEASE_TASK_OFFSETS.items():
        due_on = release + timedelta(days=offset)
        task = existing.get(kind)
        if task is None:
            ReleaseTask.objects.create(aftercare=aftercare, kind=kind, due_on=due_on)
        elif task.done_on is None and task.due_on != due_on:
            task.due_on, task.reminded_on = due_on, None
            task.save(update_fields=["due_on", "reminded_on"])


def notice_register_within(
    *, by: User, data: NoticeData, batch: ImportBatch | None = None, origin: str | None = None
) -> tuple[DetentionNotice, str]:
    """Register a detention notice; returns it and whether it was created, updated or unchanged.

    A reference seen before updates that notice (or leaves it as it is); a person already known gets the
    notice on his open aftercare case, or a new aftercare case for the same person.
    """
    if not user_has_capability(by, Capability.AFTERCARE_REGISTER):
        raise PermissionError("only the aftercare coordinator registers detention notices")
    errors = notice_data_errors(data)
    if errors:
        raise ValidationError(errors)
    reference = data.reference.strip()
    notice = (
        DetentionNotice.objects.select_for_update(of=("self",))
        .select_related("aftercare__case")
        .filter(reference=reference)
        .first()
    )
    if notice is not None:
        return _notice_update(by=by, notice=notice, data=data, origin=origin)
    person = person_for_notice(data)
    aftercare = open_aftercare_of(person) if person is not None else None
    opened = aftercare is None
    if person is None:
        person = Person.objects.create(
            first_name=data.first_name.strip(),
            name_prefix=data.name_prefix.strip(),
            last_name=data.last_name.strip(),
            date_of_birth=data.date_of_birth,
            bsn=data.bsn,
        )
    if aftercare is None:
        aftercare = _aftercare_open(by=by, person=person, data=data)
    notice = DetentionNotice.objects.create(
        aftercare=aftercare,
        reference=reference,
        kind=data.kind,
        institution=data.institution.strip(),
        detention_start=data.detention_start,
        expected_release=data.expected_release,
        received_on=data.received_on,
        batch=batch,
        registered_by=by,
    )
    if data.expected_release and not opened:  # a new case got its tasks when it was opened
        aftercare.expected_release_on = data.expected_release
        aftercare.save(update_fields=["expected_release_on"])
        release_tasks_plan(aftercare)
    case_event_add(
        case=aftercare.case,
        kind=CaseEvent.Kind.DETENTION_NOTICE,
        by=by,
        payload={"reference": reference, "kind": data.kind, "institution": notice.institution},
    )
    _audit(
        by,
        action=AuditEvent.Action.CREATE,
        aftercare=aftercare,
        object_type="detention_notice",
        origin=origin,
    )
    return notice, NoticeOutcome.CREATED


def _notice_update(
    *, by: User, notice: DetentionNotice, data: NoticeData, origin: str | None
) -> tuple[DetentionNotice, str]:
    changed = [
        name
        for name in NOTICE_FIELDS
        if getattr(notice, name)
        != (getattr(data, name).strip() if name == "institution" else getattr(data, name))
    ]
    if not changed:
        return notice, NoticeOutcome.UNCHANGED
    for name in changed:
        value = getattr(data, name)
        setattr(notice, name, value.strip() if isinstance(value, str) else value)
    notice.version += 1
    notice.save(update_fields=[*changed, "version"])
    aftercare = notice.aftercare
    if "expected_release" in changed and data.expected_release:
        aftercare.expected_release_on = data.expected_release
        aftercare.save(update_fields=["expected_release_on"])
        release_tasks_plan(aftercare)
    case_event_add(
        case=aftercare.case,
        kind=CaseEvent.Kind.DETENTION_NOTICE,
        by=by,
        payload={"reference": notice.reference, "changed": changed},
    )
    _audit(
        by,
        action=AuditEvent.Action.UPDATE,
        aftercare=aftercare,
        object_type="detention_notice",
        origin=origin,
    )
    return notice, NoticeOutcome.UPDATED


@transaction.atomic(durable=True)
def notice_register(*, by: User, data: NoticeData, origin: str | None = None) -> tuple[DetentionNotice, str]:
    return notice_register_within(by=by, data=data, origin=origin)


def _locked(aftercare: AftercareFile, version: int) -> AftercareFile:
    current = (
        AftercareFile.objects.select_for_update(of=("self",)).select_related("case").get(pk=aftercare.pk)
    )
    if current.version != version:
        raise ConcurrentEditError
    return current


def _bump(aftercare: AftercareFile, *fields: str) -> None:
    aftercare.version += 1
    aftercare.save(update_fields=[*fields, "version"])


def _require_open(aftercare: AftercareFile) -> None:
    if aftercare.case.status == CaseStatus.CLOSED:
        raise ValidationError(_("This aftercare case is closed."))


@transaction.atomic(durable=True)
def consent_record(
    *,
    aftercare: AftercareFile,
    by: User,
    version: int,
    consent: str,
    on: date,
    channel: str,
    note: str = "",
    origin: str | None = None,
) -> AftercareFile:
    """Record whether he accepts help. Without consent there is no aftercare: the case is closed as
    'no aftercare wanted' (and counted as such)."""
    aftercare = _locked(aftercare, version)
    _require_open(aftercare)
    errors: dict[str, list[str]] = {}
    if consent not in (Consent.GIVEN, Consent.REFUSED):
        errors["consent"] = [_("Choose whether he accepts help.")]
    if on > timezone.localdate():
        errors["on"] = [_("The date cannot be in the future.")]
    if not channel:
        errors["channel"] = [_("Say how he was asked.")]
    if errors:
        raise ValidationError(errors)
    aftercare.consent, aftercare.consent_on, aftercare.consent_channel = consent, on, channel
    aftercare.consent_note = note.strip()
    _bump(aftercare, "consent", "consent_on", "consent_channel", "consent_note")
    case_event_add(
        case=aftercare.case,
        kind=CaseEvent.Kind.CONSENT_RECORDED,
        by=by,
        payload={"consent": consent, "on": on.isoformat(), "channel": channel},
    )
    _audit(by, action=AuditEvent.Action.UPDATE, aftercare=aftercare, object_type="consent", origin=origin)
    if consent == Consent.REFUSED:
        case_close_within(
            case=aftercare.case, by=by, reason=Case.ClosureReason.NO_AFTERCARE_WANTED, origin=origin
        )
        aftercare.case.refresh_from_db()
    return aftercare


@transaction.atomic(durable=True)
def information_add(
    *,
    aftercare: AftercareFile,
    by: User,
    source: str,
    received_on: date,
    content: str,
    origin: str | None = None,
) -> AftercareInformation:
    """Information from DJI, probation or the municipality: only what the aftercare needs."""
    _require_open(aftercare)
    errors: dict[str, list[str]] = {}
    if source not in InformationSource.values:
        errors["source"] = [_("Choose the source.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date cannot be in the future.")]
    if not content.strip():
        errors["content"] = [_("Enter the information that is needed for the aftercare.")]
    if errors:
        raise ValidationError(errors)
    record = AftercareInformation.objects.create(
        aftercare=aftercare, source=source, received_on=received_on, content=content.strip(), recorded_by=by
    )
    case_event_add(
        case=aftercare.case, kind=CaseEvent.Kind.INFORMATION_ADDED, by=by, payload={"source": source}
    )
    _audit(
        by,
        action=AuditEvent.Action.CREATE,
        aftercare=aftercare,
        object_type="aftercare_information",
        origin=origin,
    )
    return record


CONDITION_FIELDS = (
    "at_intake",
    "intake_note",
    "at_release",
    "release_note",
    "after_three_months",
    "after_note",
)


@transaction.atomic(durable=True)
def condition_update(
    *, condition: BasicCondition, by: User, version: int, data: dict[str, str], origin: str | None = None
) -> BasicCondition:
    """Change the situation of one basic condition (at intake, at release, three months after)."""
    condition = (
        BasicCondition.objects.select_for_update(of=("self",))
        .select_related("aftercare__case")
        .get(pk=condition.pk)
    )
    if condition.version != version:
        raise ConcurrentEditError
    _require_open(condition.aftercare)
    changed = [
        name for name in CONDITION_FIELDS if name in data and getattr(condition, name) != data[name].strip()
    ]
    if not changed:
        return condition
    for name in changed:
        setattr(condition, name, data[name].strip())
    condition.version += 1
    condition.save(update_fields=[*changed, "version"])
    case_event_add(
        case=condition.aftercare.case,
        kind=CaseEvent.Kind.CONDITION_CHANGED,
        by=by,
        payload={"condition": condition.kind, "fields": changed},
    )
    _audit(
        by,
        action=AuditEvent.Action.UPDATE,
        aftercare=condition.aftercare,
        object_type="basic_condition",
        origin=origin,
    )
    return condition


@transaction.atomic(durable=True)
def condition_action_add(
    *,
    condition: BasicCondition,
    by: User,
    what: str,
    due_on: date,
    owner_partner: Partner | None = None,
    owner_name: str = "",
    origin: str | None = None,
) -> ConditionAction:
    """Agree an action on a basic condition: what, who, by when."""
    _require_open(condition.aftercare)
    errors: dict[str, list[str]] = {}
    if not what.strip():
        errors["what"] = [_("Describe what will be done.")]
    if owner_partner is None and not owner_name.strip():
        errors["owner_name"] = [_("Say who does it: an organisation or a person.")]
    if errors:
        raise ValidationError(errors)
    action = ConditionAction.objects.create(
        condition=condition,
        what=what.strip(),
        due_on=due_on,
        owner_partner=owner_partner,
        owner_name=owner_name.strip(),
        created_by=by,
    )
    case_event_add(
        case=condition.aftercare.case,
        kind=CaseEvent.Kind.CONDITION_CHANGED,
        by=by,
        payload={"condition": condition.kind, "action": action.pk},
    )
    _audit(
        by,
        action=AuditEvent.Action.CREATE,
        aftercare=condition.aftercare,
        object_type="condition_action",
        origin=origin,
    )
    return action


@transaction.atomic(durable=True)
def condition_action_done(*, action: ConditionAction, by: User, origin: str | None = None) -> ConditionAction:
    action = (
        ConditionAction.objects.select_for_update(of=("self",))
        .select_related("condition__aftercare__case")
        .get(pk=action.pk)
    )
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        case_event_add(
            case=action.condition.aftercare.case,
            kind=CaseEvent.Kind.CONDITION_CHANGED,
            by=by,
            payload={"condition": action.condition.kind, "action_done": action.pk},
        )
        audited = action.condition.aftercare
        _audit(
            by,
            action=AuditEvent.Action.UPDATE,
            aftercare=audited,
            object_type="condition_action",
            origin=origin,
        )
    return action


@transaction.atomic(durable=True)
def release_record(
    *, aftercare: AftercareFile, by: User, version: int, released_on: date, origin: str | None = None
) -> AftercareFile:
    """He has been released: the tasks after release count from this day."""
    aftercare = _locked(aftercare, version)
    _require_open(aftercare)
    if released_on > timezone.localdate():
        raise ValidationError({"released_on": [_("Record the release once it has happened.")]})
    aftercare.released_on = released_on
    _bump(aftercare, "released_on")
    release_tasks_plan(aftercare)
    case_event_add(
        case=aftercare.case,
        kind=CaseEvent.Kind.RELEASE_RECORDED,
        by=by,
        payload={"released_on": released_on.isoformat()},
    )
    _audit(by, action=AuditEvent.Action.UPDATE, aftercare=aftercare, object_type="release", origin=origin)
    return aftercare


@transaction.atomic(durable=True)
def release_task_done(*, task: ReleaseTask, by: User, origin: str | None = None) -> ReleaseTask:
    task = (
        ReleaseTask.objects.select_for_update(of=("self",)).select_related("aftercare__case").get(pk=task.pk)
    )
    if task.done_on is None:
        task.done_on, task.done_by = timezone.localdate(), by
        task.save(update_fields=["done_on", "done_by"])
        case_event_add(
            case=task.aftercare.case,
            kind=CaseEvent.Kind.RELEASE_TASK_DONE,
            by=by,
            payload={"task": task.kind},
        )
        _audit(
            by,
            action=AuditEvent.Action.UPDATE,
            aftercare=task.aftercare,
            object_type="release_task",
            origin=origin,
        )
    return task


@transaction.atomic(durable=True)
def guidance_start(
    *,
    aftercare: AftercareFile,
    by: User,
    worker: User,
    reason: str,
    started_on: date,
    goals: Sequence[str],
    origin: str | None = None,
) -> GuidanceEpisode:
    """Start outreach guidance when regular aftercare falls short; the guidance worker takes part in the
    case (and so sees it) while the episode runs."""
    _require_open(aftercare)
    errors: dict[str, list[str]] = {}
    if worker.role != Role.GUIDANCE_WORKER or not worker.is_active:
        errors["worker"] = [_("Choose an active guidance worker.")]
    if not reason.strip():
        errors["reason"] = [_("Explain why regular aftercare falls short.")]
    if started_on > timezone.localdate():
        errors["started_on"] = [_("The date cannot be in the future.")]
    if not [goal for goal in goals if goal.strip()]:
        errors["goals"] = [_("Enter at least one goal of the guidance.")]
    if aftercare.guidance.filter(ended_on__isnull=True).exists():
        errors["worker"] = [_("A guidance episode is already running; end it first.")]
    if errors:
        raise ValidationError(errors)
    episode = GuidanceEpisode.objects.create(
        aftercare=aftercare, worker=worker, reason=reason.strip(), started_on=started_on, started_by=by
    )
    GuidanceGoal.objects.bulk_create(
        GuidanceGoal(episode=episode, description=goal.strip()) for goal in goals if goal.strip()
    )
    participant_add_within(
        case=aftercare.case,
        by=by,
        user=worker,
        role_in_case=_("guidance worker"),
        start_date=started_on,
        legal_basis=LegalBasis.CONSENT,
        origin=origin,
    )
    case_event_add(
        case=aftercare.case, kind=CaseEvent.Kind.GUIDANCE_STARTED, by=by, payload={"worker": str(worker)}
    )
    _audit(by, action=AuditEvent.Action.CREATE, aftercare=aftercare, object_type="guidance", origin=origin)
    return episode


def may_record_guidance_contact(user: User, case: Case, episode: GuidanceEpisode) -> bool:
    """A contact of a running guidance episode of an open case: the case's nazorgcoördinator, or the
    episode's own guidance worker."""
    if episode.ended_on is not None or case.status == CaseStatus.CLOSED:
        return False
    return may_work_on(user, case) or episode.worker_id == user.pk


@transaction.atomic(durable=True)
def guidance_contact_add(
    *,
    episode: GuidanceEpisode,
    by: User,
    contacted_on: date,
    kind: str,
    minutes: int,
    note: str = "",
    origin: str | None = None,
) -> GuidanceContact:
    errors: dict[str, list[str]] = {}
    if episode.ended_on is not None:
        errors["contacted_on"] = [_("This guidance episode has ended.")]
    if contacted_on > timezone.localdate():
        errors["contacted_on"] = [_("The date cannot be in the future.")]
    elif contacted_on < episode.started_on:
        errors["contacted_on"] = [_("The contact cannot be before the guidance started.")]
    if kind not in GuidanceContact.Kind.values:
        errors["kind"] = [_("Choose the kind of contact.")]
    if errors:
        raise ValidationError(errors)
    contact = GuidanceContact.objects.create(
        episode=episode,
        contacted_on=contacted_on,
        kind=kind,
        minutes=minutes,
        note=note.strip(),
        recorded_by=by,
    )
    _audit(
        by,
        action=AuditEvent.Action.CREATE,
        aftercare=episode.aftercare,
        object_type="guidance_contact",
        origin=origin,
    )
    return contact


@transaction.atomic(durable=True)
def guidance_end(
    *, episode: GuidanceEpisode, by: User, ended_on: date, result: str, origin: str | None = None
) -> GuidanceEpisode:
    episode = (
        GuidanceEpisode.objects.select_for_update(of=("self",))
        .select_related("aftercare__case")
        .get(pk=episode.pk)
    )
    if episode.ended_on is not None:
        return episode
    if ended_on < episode.started_on:
        raise ValidationError({"ended_on": [_("The end cannot be before the start.")]})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("The date cannot be in the future.")]})
    episode.ended_on, episode.end_note = ended_on, result.strip()
    episode.save(update_fields=["ended_on", "end_note"])
    for participant in episode.aftercare.case.participants.filter(user=episode.worker, end_date__isnull=True):
        participant_end_within(participant=participant, by=by, end_date=ended_on, origin=origin)
    case_event_add(
        case=episode.aftercare.case,
        kind=CaseEvent.Kind.GUIDANCE_ENDED,
        by=by,
        payload={"worker": str(episode.worker)},
    )
    _audit(
        by,
        action=AuditEvent.Action.UPDATE,
        aftercare=episode.aftercare,
        object_type="guidance",
        origin=origin,
    )
    return episode


@dataclass(frozen=True)
class EscalationData:
    """What the referral for the ketenkamer needs beyond what the aftercare case knows."""

    concerns: str
    main_topic: MainTopic
    referrer_partner: Partner
    referrer_phone: str = ""
    referrer_email: str = ""
    problem_areas: Sequence[ProblemArea] = ()


@transaction.atomic(durable=True)
def escalate_to_procesregie(
    *, aftercare: AftercareFile, by: User, version: int, data: EscalationData, origin: str | None = None
) -> Case:
    """Turn a threatening aftercare case into a referral for the ketenkamer, linked both ways; the
    aftercare case keeps its history (and goes on)."""
    aftercare = _locked(aftercare, version)
    _require_open(aftercare)
    if aftercare.escalated_to_id is not None:
        raise ValidationError(_("This aftercare case has already been escalated to procesregie."))
    if not data.concerns.strip():
        raise ValidationError({"concerns": [_("Describe the concerns that make procesregie necessary.")]})
    person = aftercare.person
    referral = referral_register_within(
        by=by,
        referral=ReferralData(
            received_on=timezone.localdate(),
            referrer_partner=data.referrer_partner,
            referrer_name=by.get_full_name() or by.username,
            referrer_role=_("aftercare coordinator"),
            referrer_phone=data.referrer_phone,
            referrer_email=data.referrer_email or by.email,
            concerns=data.concerns,
            main_topic=data.main_topic,
            subject_informed=True,
            problem_areas=data.problem_areas,
        ),
        subjects=[
            SubjectData(
                first_name=person.first_name,
                name_prefix=person.name_prefix,
                last_name=person.last_name,
                date_of_birth=person.date_of_birth,
                gender=person.gender,
                bsn=person.bsn,
                municipality=aftercare.municipality,
                is_primary=True,
            )
        ],
        origin=origin,
    )
    aftercare.escalated_to = referral
    _bump(aftercare, "escalated_to")
    case_event_add(
        case=aftercare.case,
        kind=CaseEvent.Kind.ESCALATED_TO_PROCESREGIE,
        by=by,
        payload={
            "referral": referral.pk,
            "number": referral.number,
            "summary": _("Referral %(number)s for the ketenkamer") % {"number": referral.number},
        },
    )
    case_event_add(
        case=referral,
        kind=CaseEvent.Kind.ESCALATED_TO_PROCESREGIE,
        by=by,
        payload={
            "aftercare": aftercare.case_id,
            "number": aftercare.case.number,
            "summary": _("From aftercare case %(number)s") % {"number": aftercare.case.number},
        },
    )
    _audit(by, action=AuditEvent.Action.UPDATE, aftercare=aftercare, object_type="escalation", origin=origin)
    return referral


def release_tasks_remind(*, today: datetime.date | None = None) -> int:
    """The daily job: notify the nazorgcoördinator of release tasks due today or overdue, once a day."""
    today = today or timezone.localdate()
    reminded = 0
    tasks = (
        ReleaseTask.objects.filter(done_on__isnull=True, due_on__lte=today)
        .exclude(reminded_on=today)
        .exclude(aftercare__case__status=CaseStatus.CLOSED)
        .select_related("aftercare__case__coordinator")
    )
    for task in tasks:
        with transaction.atomic():
            updated = ReleaseTask.objects.filter(pk=task.pk, done_on__isnull=True).exclude(reminded_on=today)
            if not updated.update(reminded_on=today):
                continue  # another run reminded it in the meantime
            coordinator = task.aftercare.case.coordinator
            if coordinator is not None and coordinator.is_active:
                Notification.objects.create(
                    user=coordinator,
                    case=task.aftercare.case,
                    text=_("Aftercare case %(number)s: %(task)s (due %(due)s)")
                    % {
                        "number": task.aftercare.case.number,
                        "task": task.get_kind_display(),
                        "due": f"{task.due_on:%d-%m-%Y}",
                    },
                )
            reminded += 1
    return reminded
