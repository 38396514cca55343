"""The integrated action plan (plan van aanpak): goals per life domain and agreements, their versions,
and the daily reminder of overdue agreements.

Every subject of an active case gets his own plan, created on first use. Only the case's procesregisseur
changes it (`access.may_work_on`). Each change bumps the plan's version and stores a `PlanRevision`
with the plan as it now is, so an earlier version can be read back exactly as it was. A save that
starts from an old version is refused with `ConcurrentEditError`: goals are checked against the plan's
version, agreements against their own, so completing one agreement does not block work on another.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from smtplib import SMTPException
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cases import access
from cases.models import (
    ActionPlan,
    Agreement,
    Case,
    CaseEvent,
    CaseMeeting,
    Goal,
    Notification,
    Participant,
    PlanRevision,
    Subject,
)
from cases.services import ConcurrentEditError, case_event_add
from cases.workflow import CaseStatus
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_record
from zvhd.reference.models import LifeDomain, Partner

logger = logging.getLogger(__name__)

SUMMARY_LENGTH = 120


@dataclass(frozen=True)
class GoalData:
    life_domain: LifeDomain
    description: str
    achieved: bool = False


@dataclass(frozen=True)
class AgreementData:
    what: str
    due_date: datetime.date
    owner_partner: Partner | None = None
    owner: User | None = None
    owner_name: str = ""


# --- Reads ---------------------------------------------------------------------------------------------


def _plans_with_content() -> QuerySet[ActionPlan]:
    agreements = Agreement.objects.select_related("owner", "owner_partner")
    goals = (
        Goal.objects.select_related("life_domain")
        .prefetch_related(Prefetch("agreements", queryset=agreements))
        .order_by("position", "id")
    )
    revisions = PlanRevision.objects.only("id", "plan_id", "version", "created_at").order_by("-version")
    return ActionPlan.objects.select_related("updated_by").prefetch_related(
        Prefetch("goals", queryset=goals), Prefetch("revisions", queryset=revisions)
    )


def plan_page_context(*, case: Case, user: User) -> dict[str, Any]:
    """What the case page's plan section shows (a fixed number of queries).

    One entry per subject, main subject first, each with its plan (or none yet), the goals with their
    agreements (overdue ones marked) and the earlier versions to link to.
    """
    can_edit = access.may_work_on(user, case)
    plans = {plan.subject_id: plan for plan in _plans_with_content().filter(case=case)}
    if not plans and case.status != CaseStatus.ACTIVE:
        return {"plan_section": False}
    today = timezone.localdate()
    entries = []
    for subject in case.subjects.all():
        plan = plans.get(subject.pk)
        goals = list(plan.goals.all()) if plan else []
        for goal in goals:
            for agreement in goal.agreements.all():
                agreement.overdue = agreement.is_overdue_on(today)
        earlier = [r for r in plan.revisions.all() if r.version < plan.version] if plan else []
        entries.append({"subject": subject, "plan": plan, "goals": goals, "earlier_versions": earlier})
    return {"plan_section": True, "plan_entries": entries, "can_edit_plan": can_edit}


def plan_revision_get(*, plan: ActionPlan, version: int) -> PlanRevision:
    return PlanRevision.objects.select_related("created_by").get(plan=plan, version=version)


def revision_goals(revision: PlanRevision) -> list[dict[str, Any]]:
    """The goals of a stored version, ready to show: dates as dates, statuses with their label."""
    goals = []
    for goal in revision.content.get("goals", []):
        agreements = []
        for item in goal.get("agreements", []):
            agreement = dict(item)
            agreement["due_date"] = datetime.date.fromisoformat(item["due_date"])
            agreement["status_label"] = Agreement.Status(item["status"]).label
            agreements.append(agreement)
        goals.append(dict(goal) | {"agreements": agreements})
    return goals


def owner_candidates(*, case: Case, today: datetime.date | None = None) -> list[User]:
    """Who can own an agreement: the procesregisseur and the case's current participants.

    Others cannot see the case, so they must not get its reminders.
    """
    today = today or timezone.localdate()
    participating = Participant.objects.filter(case=case, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk=case.coordinator_id) | Q(pk__in=participating.values("user_id")))
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


# --- Snapshot, locking and records shared by the services ---------------------------------------------


def _who(agreement: Agreement) -> str:
    person = str(agreement.owner) if agreement.owner_id else agreement.owner_name
    partner = agreement.owner_partner.name if agreement.owner_partner_id else ""
    return " · ".join(part for part in (partner, person) if part)


def _plan_content(plan: ActionPlan) -> dict[str, Any]:
    """The plan's goals and agreements as they are now, with names as text: a version stays readable
    after reference data or accounts change."""
    agreements = Agreement.objects.select_related("owner", "owner_partner")
    goals = plan.goals.select_related("life_domain").prefetch_related(
        Prefetch("agreements", queryset=agreements)
    )
    return {
        "summary": plan.summary,
        "goals": [
            {
                "id": goal.pk,
                "life_domain": goal.life_domain.name,
                "description": goal.description,
                "achieved": goal.achieved,
                "agreements": [
                    {
                        "id": agreement.pk,
                        "what": agreement.what,
                        "owner_partner": agreement.owner_partner.name if agreement.owner_partner_id else "",
                        "owner": str(agreement.owner) if agreement.owner_id else agreement.owner_name,
                        "due_date": agreement.due_date.isoformat(),
                        "status": agreement.status,
                        "not_done_reason": agreement.not_done_reason,
                    }
                    for agreement in goal.agreements.all()
                ],
            }
            for goal in goals
        ],
    }


def _plan_locked(plan: ActionPlan, by: User) -> ActionPlan:
    """The plan, locked until commit, with a fresh case to check the access rule against."""
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("case", "subject__person")
        .get(pk=plan.pk)
    )
    if not access.may_work_on(by, plan.case):
        raise PermissionError
    return plan


def _revision_store(plan: ActionPlan, by: User) -> None:
    """Bump the plan's version and keep the plan as it now is under that version."""
    plan.version += 1
    plan.updated_by = by
    plan.save(update_fields=["version", "updated_by", "updated_at"])
    PlanRevision.objects.create(plan=plan, version=plan.version, content=_plan_content(plan), created_by=by)


def _day(day: datetime.date) -> str:
    """A date as the timeline and the reminders write it, in the interface language."""
    return date_format(day, "j F Y")


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(SUMMARY_LENGTH)


def _record(
    plan: ActionPlan,
    *,
    by: User,
    kind: str,
    summary: str,
    action: str,
    object_type: str,
    object_id: int,
    origin: str | None,
    **payload: object,
) -> None:
    case_event_add(
        case=plan.case,
        kind=kind,
        by=by,
        payload={"summary": summary, "plan": plan.pk, "version": plan.version} | payload,
    )
    audit_record(
        actor=by,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=plan.case_id,
        person_ids=[plan.subject.person_id],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=plan.case.legal_basis,
        ip_address=origin,
    )


# --- Plans and goals -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def plan_for_subject(*, subject: Subject, by: User, origin: str | None = None) -> ActionPlan:
    """The subject's action plan; created (empty, version 1) the first time it is needed."""
    case = Case.objects.select_for_update().get(pk=subject.case_id)
    if not access.may_work_on(by, case):
        raise PermissionError
    existing = ActionPlan.objects.filter(subject=subject).first()
    if existing is not None:
        return existing
    plan = ActionPlan.objects.create(case=case, subject=subject, updated_by=by)
    PlanRevision.objects.create(plan=plan, version=plan.version, content=_plan_content(plan), created_by=by)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        object_type="action_plan",
        object_id=plan.pk,
        case_id=case.pk,
        person_ids=[subject.person_id],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        ip_address=origin,
    )
    return plan


def _goal_errors(data: GoalData, *, current_domain_id: int | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.life_domain.active and data.life_domain.pk != current_domain_id:
        errors["life_domain"] = [_("This life domain can no longer be chosen.")]
    if not data.description.strip():
        errors["description"] = [_("Describe the goal.")]
    return errors


def _plan_version_check(plan: ActionPlan, version: int) -> None:
    if plan.version != version:
        raise ConcurrentEditError


@transaction.atomic(durable=True)
def goal_add(*, plan: ActionPlan, by: User, version: int, data: GoalData, origin: str | None = None) -> Goal:
    """Add a goal in a life domain to the subject's plan."""
    plan = _plan_locked(plan, by)
    errors = _goal_errors(data)
    if errors:
        raise ValidationError(errors)
    _plan_version_check(plan, version)
    position = plan.goals.count() + 1
    goal = plan.goals.create(
        life_domain=data.life_domain, description=data.description.strip(), position=position
    )
    _revision_store(plan, by)
    _record(
        plan,
        by=by,
        kind=CaseEvent.Kind.PLAN_CHANGED,
        summary=_("Goal added for %(subject)s (%(domain)s): %(goal)s")
        % {"subject": plan.subject.person, "domain": data.life_domain.name, "goal": _short(goal.description)},
        action=AuditEvent.Action.CREATE,
        object_type="goal",
        object_id=goal.pk,
        origin=origin,
        goal=goal.pk,
    )
    return goal


@transaction.atomic(durable=True)
def goal_update(*, goal: Goal, by: User, version: int, data: GoalData, origin: str | None = None) -> Goal:
    """Change a goal's life domain, description or whether it is achieved."""
    plan = _plan_locked(goal.plan, by)
    goal = plan.goals.get(pk=goal.pk)
    errors = _goal_errors(data, current_domain_id=goal.life_domain_id)
    if errors:
        raise ValidationError(errors)
    _plan_version_check(plan, version)
    goal.life_domain, goal.description, goal.achieved = (
        data.life_domain,
        data.description.strip(),
        data.achieved,
    )
    goal.save(update_fields=["life_domain", "description", "achieved"])
    _revision_store(plan, by)
    _record(
        plan,
        by=by,
        kind=CaseEvent.Kind.PLAN_CHANGED,
        summary=_("Goal changed for %(subject)s (%(domain)s): %(goal)s")
        % {"subject": plan.subject.person, "domain": data.life_domain.name, "goal": _short(goal.description)},
        action=AuditEvent.Action.UPDATE,
        object_type="goal",
        object_id=goal.pk,
        origin=origin,
        goal=goal.pk,
    )
    return goal


# --- Agreements ----------------------------------------------------------------------------------------


def _agreement_errors(
    data: AgreementData, *, case: Case, current: Agreement | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.what.strip():
        errors["what"] = [_("Describe what was agreed.")]
    if data.owner_partner is None and data.owner is None and not data.owner_name.strip():
        errors["owner"] = [_("Say who is responsible: a partner, a person or both.")]
    if data.owner is not None and data.owner_name.strip():
        errors["owner_name"] = [_("Choose a person with an account or type a name, not both.")]
    owner_changed = data.owner is not None and (current is None or data.owner.pk != current.owner_id)
    if owner_changed and data.owner not in owner_candidates(case=case):
        errors["owner"] = [_("Only the process coordinator or a current participant can own an agreement.")]
    if data.due_date < timezone.localdate() and (current is None or data.due_date != current.due_date):
        errors["due_date"] = [_("The due date cannot be in the past.")]
    return errors


def _agreement_locked(agreement: Agreement, by: User) -> tuple[ActionPlan, Agreement]:
    plan = _plan_locked(agreement.goal.plan, by)
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("owner", "owner_partner")
        .get(pk=agreement.pk, goal__plan=plan)
    )
    return plan, agreement


def _agreement_version_check(agreement: Agreement, version: int) -> None:
    if agreement.version != version:
        raise ConcurrentEditError


def _agreement_saved(agreement: Agreement, fields: list[str]) -> None:
    agreement.version += 1
    agreement.save(update_fields=[*fields, "version"])


@transaction.atomic(durable=True)
def agreement_add(
    *, goal: Goal, by: User, version: int, data: AgreementData, origin: str | None = None
) -> Agreement:
    """Make an agreement under a goal: what, who owns it, by when. `version` is the plan's."""
    plan, goal = _agreement_goal_checked(goal, by, data)
    _plan_version_check(plan, version)
    return _agreement_create(plan, goal, by=by, data=data, meeting=None, origin=origin)


def agreement_add_within(
    *,
    goal: Goal,
    by: User,
    data: AgreementData,
    meeting: CaseMeeting | None = None,
    origin: str | None = None,
) -> Agreement:
    """`agreement_add` inside a caller's transaction, e.g. for the decisions of a case meeting: no
    version check (the caller checks the version the user started from), linked to `meeting` if given.
    A ValidationError leaves it to the caller to roll back whatever he already wrote."""
    plan, goal = _agreement_goal_checked(goal, by, data)
    return _agreement_create(plan, goal, by=by, data=data, meeting=meeting, origin=origin)


def _agreement_goal_checked(goal: Goal, by: User, data: AgreementData) -> tuple[ActionPlan, Goal]:
    """The goal's plan, locked for `by`, and the goal; ValidationError when `data` breaks a rule."""
    plan = _plan_locked(goal.plan, by)
    goal = plan.goals.get(pk=goal.pk)
    errors = _agreement_errors(data, case=plan.case)
    if errors:
        raise ValidationError(errors)
    return plan, goal


def _agreement_create(
    plan: ActionPlan,
    goal: Goal,
    *,
    by: User,
    data: AgreementData,
    meeting: CaseMeeting | None,
    origin: str | None,
) -> Agreement:
    agreement = Agreement.objects.create(
        goal=goal,
        case=plan.case,
        what=data.what.strip(),
        owner_partner=data.owner_partner,
        owner=data.owner,
        owner_name=data.owner_name.strip(),
        due_date=data.due_date,
        created_by=by,
        meeting=meeting,
    )
    _revision_store(plan, by)
    _record(
        plan,
        by=by,
        kind=CaseEvent.Kind.AGREEMENT_ADDED,
        summary=_("%(what)s (%(who)s, due %(due)s)")
        % {"what": _short(agreement.what), "who": _who(agreement), "due": _day(agreement.due_date)},
        action=AuditEvent.Action.CREATE,
        object_type="agreement",
        object_id=agreement.pk,
        origin=origin,
        agreement=agreement.pk,
        **({"meeting": meeting.pk} if meeting is not None else {}),
    )
    return agreement


@transaction.atomic(durable=True)
def agreement_update(
    *, agreement: Agreement, by: User, version: int, data: AgreementData, origin: str | None = None
) -> Agreement:
    """Change an open agreement. A new due date starts the overdue reminders afresh."""
    plan, agreement = _agreement_locked(agreement, by)
    if agreement.status != Agreement.Status.OPEN:
        raise ValidationError(_("This agreement is no longer open and cannot be changed."))
    errors = _agreement_errors(data, case=plan.case, current=agreement)
    if errors:
        raise ValidationError(errors)
    _agreement_version_check(agreement, version)
    if data.due_date != agreement.due_date:
        agreement.overdue_notified_on = None
    agreement.what = data.what.strip()
    agreement.owner_partner, agreement.owner = data.owner_partner, data.owner
    agreement.owner_name, agreement.due_date = data.owner_name.strip(), data.due_date
    _agreement_saved(
        agreement, ["what", "owner_partner", "owner", "owner_name", "due_date", "overdue_notified_on"]
    )
    _revision_store(plan, by)
    _record(
        plan,
        by=by,
        kind=CaseEvent.Kind.PLAN_CHANGED,
        summary=_("Agreement changed: %(what)s (%(who)s, due %(due)s)")
        % {"what": _short(agreement.what), "who": _who(agreement), "due": _day(agreement.due_date)},
        action=AuditEvent.Action.UPDATE,
        object_type="agreement",
        object_id=agreement.pk,
        origin=origin,
        agreement=agreement.pk,
    )
    return agreement


@transaction.atomic(durable=True)
def agreement_complete(
    *, agreement: Agreement, by: User, version: int, origin: str | None = None
) -> Agreement:
    """Mark an agreement as done (nagekomen)."""
    plan, agreement = _agreement_locked(agreement, by)
    if agreement.status == Agreement.Status.DONE:
        return agreement  # idempotent: a double click must not create a second event
    if agreement.status != Agreement.Status.OPEN:
        raise ValidationError(_("This agreement was already recorded as not done."))
    _agreement_version_check(agreement, version)
    agreement.status, agreement.completed_at = Agreement.Status.DONE, timezone.now()
    _agreement_saved(agreement, ["status", "completed_at"])
    _revision_store(plan, by)
    _record(
        plan,
        by=by,
        kind=CaseEvent.Kind.AGREEMENT_DONE,
        summary=_short(agreement.what),
        action=AuditEvent.Action.UPDATE,
        object_type="agreement",
        object_id=agreement.pk,
        origin=origin,
        agreement=agreement.pk,
    )
    return agreement


@transaction.atomic(durable=True)
def agreement_not_done(
    *, agreement: Agreement, by: User, version: int, reason: str, origin: str | None = None
) -> Agreement:
    """Record that an agreement was not done (niet nagekomen), with the reason why."""
    plan, agreement = _agreement_locked(agreement, by)
    if agreement.status == Agreement.Status.NOT_DONE:
        return agreement  # idempotent, like completing
    if agreement.status != Agreement.Status.OPEN:
        raise ValidationError(_("This agreement was already recorded as done."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the agreement was not done.")]})
    _agreement_version_check(agreement, version)
    agreement.status, agreement.not_done_reason = Agreement.Status.NOT_DONE, reason.strip()
    agreement.completed_at = timezone.now()
    _agreement_saved(agreement, ["status", "not_done_reason", "completed_at"])
    _revision_store(plan, by)
    _record(
        plan,
        by=by,
        kind=CaseEvent.Kind.AGREEMENT_NOT_DONE,
        summary=_("%(what)s; reason: %(reason)s")
        % {"what": _short(agreement.what), "reason": _short(agreement.not_done_reason)},
        action=AuditEvent.Action.UPDATE,
        object_type="agreement",
        object_id=agreement.pk,
        origin=origin,
        agreement=agreement.pk,
    )
    return agreement


# --- The daily reminder --------------------------------------------------------------------------------


def _overdue(today: datetime.date) -> Q:
    return Q(status=Agreement.Status.OPEN, due_date__lt=today, case__status=CaseStatus.ACTIVE) & ~Q(
        overdue_notified_on=today
    )


@transaction.atomic(durable=True)
def _agreement_overdue_record(*, agreement_pk: int, today: datetime.date) -> list[EmailMessage] | None:
    """Notify the owner and the procesregisseur of one overdue agreement and return the e-mails to send
    once committed; None when there was nothing to report. Re-checked under a lock, so two runs on the
    same day notify once."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("case__coordinator", "owner")
        .filter(_overdue(today), pk=agreement_pk)
        .first()
    )
    if agreement is None:
        return None
    case = agreement.case
    if agreement.overdue_notified_on is None:  # the first day it is overdue: once on the timeline
        case_event_add(
            case=case,
            kind=CaseEvent.Kind.AGREEMENT_OVERDUE,
            by=None,
            payload={
                "summary": _("%(what)s (due %(due)s)")
                % {"what": _short(agreement.what), "due": _day(agreement.due_date)},
                "agreement": agreement.pk,
            },
        )
    agreement.overdue_notified_on = today
    agreement.save(update_fields=["overdue_notified_on"])
    recipients = [
        user
        for user in {u.pk: u for u in (agreement.owner, case.coordinator) if u}.values()
        if user.is_active
    ]
    facts = {"number": case.number, "due": _day(agreement.due_date)}
    text = _("Agreement in case %(number)s overdue since %(due)s: %(what)s") % (
        facts | {"what": agreement.what}
    )
    Notification.objects.bulk_create(
        Notification(user=user, case=case, text=Truncator(text).chars(300)) for user in recipients
    )
    # The e-mail leaves the system: it names the case, not what was agreed about the person.
    subject = _("Reminder: agreement overdue in case %(number)s") % facts
    body = (
        _(
            "An agreement in case %(number)s was due on %(due)s and is still open. "
            "Open the case in the case system to see it."
        )
        % facts
    )
    return [EmailMessage(subject=subject, body=body, to=[user.email]) for user in recipients if user.email]


def agreements_overdue_notify(*, today: datetime.date | None = None) -> int:
    """The daily job: remind owners and procesregisseurs of open agreements past their due date.

    Returns how many agreements were reported. A second run on the same day reports none.
    """
    today = today or timezone.localdate()
    pks = list(Agreement.objects.filter(_overdue(today)).order_by("pk").values_list("pk", flat=True))
    reported = 0
    for pk in pks:
        messages = _agreement_overdue_record(agreement_pk=pk, today=today)
        if messages is None:
            continue
        reported += 1
        if messages:
            _send(messages, agreement_pk=pk)
    return reported


def _send(messages: list[EmailMessage], *, agreement_pk: int) -> None:
    try:
        get_connection().send_messages(messages)
    except (SMTPException, OSError):
        # The in-app notification stands; a mail server that is down must not stop the other reminders.
        logger.exception("Overdue reminder for agreement %s could not be e-mailed", agreement_pk)
