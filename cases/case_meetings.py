"""Case meetings (maatwerkoverleg): planning with invitees and agenda, attendance, minutes, and the
decisions that become agreements of the action plan in one step; minutes as PDF.

Only the case's procesregisseur, while the case is active, plans and records meetings
(`access.may_work_on`). Invitees are the case's current participants, bureau staff, or people without
an account named with their organisation: a partner's professional who does not take part in the case
cannot see it, so he is not invited through the system. Recording a meeting is one transaction: the
attendance, the minutes and every decision as an agreement under its goal (linked to the meeting) are
saved together, or nothing is.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import access, plans
from cases.models import Agreement, Case, CaseEvent, CaseMeeting, CaseMeetingInvitee, Goal, Participant
from cases.plans import AgreementData
from cases.services import ConcurrentEditError, case_event_add
from cases.workflow import CaseStatus
from zvhd.accounts.models import PARTNER_ROLES, User
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_record
from zvhd.pdf import STATIC_SCHEME, document_from_html
from zvhd.pdf import url_fetcher as url_fetcher  # the fetcher the minutes are made with
from zvhd.reference.models import Partner

if TYPE_CHECKING:
    from weasyprint import Document

# WeasyPrint takes about a second to import; it is imported when a PDF is made, not with the URLs.


@dataclass(frozen=True)
class InviteeData:
    """Someone to invite: a user with an account, or a name with (usually) an organisation."""

    user: User | None = None
    name: str = ""
    organisation: Partner | None = None


@dataclass(frozen=True)
class DecisionData:
    """A decision of the meeting, to become an agreement under `goal`."""

    goal: Goal
    what: str
    due_date: datetime.date
    owner_partner: Partner | None = None
    owner: User | None = None
    owner_name: str = ""

    def agreement(self) -> AgreementData:
        return AgreementData(
            what=self.what,
            due_date=self.due_date,
            owner_partner=self.owner_partner,
            owner=self.owner,
            owner_name=self.owner_name,
        )


def decision_error_key(index: int, field_name: str) -> str:
    """Errors of a decision name it by position: "decisions.1.owner" is the owner of the second one."""
    return f"decisions.{index}.{field_name}"


# --- Reads ---------------------------------------------------------------------------------------------


def invitee_candidates(*, case: Case, today: datetime.date | None = None) -> QuerySet[User]:
    """Who can be invited with his account: the case's current participants and bureau staff."""
    today = today or timezone.localdate()
    participating = Participant.objects.filter(case=case, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    bureau = Q(role__gt="") & ~Q(role__in=[role.value for role in PARTNER_ROLES])
    return (
        User.objects.filter(is_active=True)
        .filter(bureau | Q(pk__in=participating.values("user_id")))
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def decision_goals(*, case: Case) -> QuerySet[Goal]:
    """The goals a decision can go under: those of the case's plans, main subject first."""
    return (
        Goal.objects.filter(plan__case=case)
        .select_related("plan__subject__person", "life_domain")
        .order_by("-plan__subject__is_primary", "plan_id", "position", "id")
    )


def _meetings_with_content() -> QuerySet[CaseMeeting]:
    invitees = CaseMeetingInvitee.objects.select_related("user__organisation", "organisation")
    agreements = Agreement.objects.select_related("owner", "owner_partner", "goal__life_domain")
    return CaseMeeting.objects.prefetch_related(
        Prefetch("invitees", queryset=invitees), Prefetch("agreements", queryset=agreements)
    )


def meetings_page_context(*, case: Case, user: User) -> dict[str, Any]:
    """What the case page's meetings section shows (a fixed number of queries).

    Upcoming meetings first (the next one on top), then those held (the latest on top).
    """
    can_plan = access.may_work_on(user, case)
    meetings = list(_meetings_with_content().filter(case=case).order_by("starts_at", "id"))
    if not meetings and case.status != CaseStatus.ACTIVE:
        return {"meetings_section": False}
    return {
        "meetings_section": True,
        "meetings_upcoming": [meeting for meeting in meetings if not meeting.held],
        "meetings_held": [meeting for meeting in reversed(meetings) if meeting.held],
        "can_plan_meetings": can_plan,
    }


def case_meeting_get(*, case: Case, pk: object) -> CaseMeeting:
    """One meeting of `case` with its invitees and agreements; CaseMeeting.DoesNotExist otherwise."""
    return _meetings_with_content().select_related("case").get(case=case, pk=pk)


# --- Checks and records shared by the services ---------------------------------------------------------


def _invitee_errors(case: Case, invitees: Sequence[InviteeData]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    users = [invitee.user for invitee in invitees if invitee.user is not None]
    allowed = set(
        invitee_candidates(case=case).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True)
    )
    if any(u.pk not in allowed for u in users):
        errors["invitees"] = [
            _("Only current participants of the case and bureau staff can be invited with their account.")
        ]
    if any(invitee.user is None and not invitee.name.strip() for invitee in invitees):
        errors["guests"] = [_("Give the name of everyone invited without an account.")]
    return errors


def _meeting_errors(
    case: Case, *, starts_at: datetime.datetime, invitees: Sequence[InviteeData]
) -> dict[str, list[str]]:
    errors = _invitee_errors(case, invitees)
    if timezone.is_naive(starts_at):
        errors["starts_at"] = [_("Give the date and time of the meeting.")]
    return errors


def _case_locked(case: Case, by: User) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not access.may_work_on(by, case):
        raise PermissionError
    return case


def _meeting_locked(meeting: CaseMeeting, by: User) -> CaseMeeting:
    """The meeting, locked until commit, with a fresh case to check the access rule against."""
    meeting = CaseMeeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
    if not access.may_work_on(by, meeting.case):
        raise PermissionError
    return meeting


def _when(meeting: CaseMeeting) -> str:
    return date_format(timezone.localtime(meeting.starts_at), "j F Y H:i")


def _audit(meeting: CaseMeeting, *, by: User, action: str, origin: str | None) -> None:
    case = meeting.case
    audit_record(
        actor=by,
        action=action,
        object_type="case_meeting",
        object_id=meeting.pk,
        case_id=case.pk,
        person_ids=list(case.subjects.values_list("person_id", flat=True)),
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        ip_address=origin,
    )


def _invitees_set(meeting: CaseMeeting, invitees: Sequence[InviteeData]) -> None:
    """Make the meeting's invitees these: those already invited keep their row, others come and go."""

    def key(user_id: int | None, name: str, organisation_id: int | None) -> tuple:
        return ("user", user_id) if user_id else ("name", name, organisation_id)

    wanted: dict[tuple, InviteeData] = {}
    for invitee in invitees:
        user_id = invitee.user.pk if invitee.user else None
        organisation_id = invitee.organisation.pk if invitee.organisation else None
        wanted.setdefault(key(user_id, invitee.name.strip(), organisation_id), invitee)
    existing = {
        key(row.user_id, row.name, row.organisation_id): row for row in meeting.invitees.all().order_by("id")
    }
    gone = [row.pk for k, row in existing.items() if k not in wanted]
    CaseMeetingInvitee.objects.filter(pk__in=gone).delete()
    CaseMeetingInvitee.objects.bulk_create(
        CaseMeetingInvitee(
            meeting=meeting,
            user=invitee.user,
            name="" if invitee.user else invitee.name.strip(),
            # A user's organisation is kept as it was on the day: the minutes show where he came from.
            organisation=invitee.user.organisation if invitee.user else invitee.organisation,
        )
        for k, invitee in wanted.items()
        if k not in existing
    )


# --- Services ------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def case_meeting_plan(
    *,
    case: Case,
    by: User,
    starts_at: datetime.datetime,
    location: str,
    agenda: str,
    invitees: Sequence[InviteeData],
    origin: str | None = None,
) -> CaseMeeting:
    """Plan a case meeting with its agenda and the people invited."""
    case = _case_locked(case, by)
    errors = _meeting_errors(case, starts_at=starts_at, invitees=invitees)
    if errors:
        raise ValidationError(errors)
    meeting = CaseMeeting.objects.create(
        case=case, starts_at=starts_at, location=location.strip(), agenda=agenda.strip(), planned_by=by
    )
    _invitees_set(meeting, invitees)
    case_event_add(
        case=case,
        kind=CaseEvent.Kind.MEETING_PLANNED,
        by=by,
        payload={"summary": _when(meeting), "meeting": meeting.pk},
    )
    _audit(meeting, by=by, action=AuditEvent.Action.CREATE, origin=origin)
    return meeting


@transaction.atomic(durable=True)
def case_meeting_update(
    *,
    meeting: CaseMeeting,
    by: User,
    version: int,
    starts_at: datetime.datetime,
    location: str,
    agenda: str,
    invitees: Sequence[InviteeData],
    origin: str | None = None,
) -> CaseMeeting:
    """Change a meeting not yet held: when, where, the agenda and who is invited."""
    meeting = _meeting_locked(meeting, by)
    if meeting.held:
        raise ValidationError(_("This meeting has been held; its planning can no longer be changed."))
    errors = _meeting_errors(meeting.case, starts_at=starts_at, invitees=invitees)
    if errors:
        raise ValidationError(errors)
    if meeting.version != version:
        raise ConcurrentEditError
    meeting.starts_at, meeting.location, meeting.agenda = starts_at, location.strip(), agenda.strip()
    meeting.version += 1
    meeting.save(update_fields=["starts_at", "location", "agenda", "version"])
    _invitees_set(meeting, invitees)
    _audit(meeting, by=by, action=AuditEvent.Action.UPDATE, origin=origin)
    return meeting


def _record_errors(
    meeting: CaseMeeting, *, attendance: Mapping[int, bool], minutes: str, decisions: Sequence[DecisionData]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if timezone.localtime(meeting.starts_at).date() > timezone.localdate():
        errors["starts_at"] = [_("A meeting can be recorded from its day on, not before.")]
    invitee_ids = set(meeting.invitees.values_list("pk", flat=True))
    if set(attendance) != invitee_ids:
        errors["attendance"] = [_("Say for everyone invited whether he was present.")]
    if not minutes.strip():
        errors["minutes"] = [_("Write the minutes of the meeting.")]
    for index, decision in enumerate(decisions):
        if decision.goal.plan.case_id != meeting.case_id:
            errors[decision_error_key(index, "goal")] = [_("Choose a goal of this case's action plan.")]
    return errors


@transaction.atomic(durable=True)
def case_meeting_record(
    *,
    meeting: CaseMeeting,
    by: User,
    version: int,
    attendance: Mapping[int, bool],
    minutes: str,
    decisions: Sequence[DecisionData],
    origin: str | None = None,
) -> CaseMeeting:
    """Record a meeting as held: who was present, the minutes, and every decision as an agreement of the
    action plan under its goal, linked to the meeting. All of it or, on any error, none of it."""
    meeting = _meeting_locked(meeting, by)
    if meeting.held:
        raise ValidationError(_("This meeting has already been recorded."))
    errors = _record_errors(meeting, attendance=attendance, minutes=minutes, decisions=decisions)
    if errors:
        raise ValidationError(errors)
    if meeting.version != version:
        raise ConcurrentEditError
    invitees = list(meeting.invitees.all())
    for invitee in invitees:
        invitee.attended = attendance[invitee.pk]
    CaseMeetingInvitee.objects.bulk_update(invitees, ["attended"])
    meeting.minutes, meeting.held, meeting.minutes_final_at = minutes.strip(), True, timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["minutes", "held", "minutes_final_at", "version"])
    agreements = _decisions_as_agreements(meeting, by=by, decisions=decisions, origin=origin)
    case_event_add(
        case=meeting.case,
        kind=CaseEvent.Kind.MEETING_HELD,
        by=by,
        payload={
            "summary": ngettext(
                "%(when)s: %(count)d agreement made",
                "%(when)s: %(count)d agreements made",
                len(agreements),
            )
            % {"when": _when(meeting), "count": len(agreements)},
            "meeting": meeting.pk,
            "agreements": [agreement.pk for agreement in agreements],
        },
    )
    _audit(meeting, by=by, action=AuditEvent.Action.UPDATE, origin=origin)
    return meeting


def _decisions_as_agreements(
    meeting: CaseMeeting, *, by: User, decisions: Sequence[DecisionData], origin: str | None
) -> list[Agreement]:
    """Every decision as an agreement (with its plan version and timeline entry). The errors of all
    rows are collected and raised together, which rolls back the rows already added."""
    agreements, errors = [], {}
    for index, decision in enumerate(decisions):
        try:
            agreements.append(
                plans.agreement_add_within(
                    goal=decision.goal, by=by, data=decision.agreement(), meeting=meeting, origin=origin
                )
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                errors[decision_error_key(index, field_name)] = messages
    if errors:
        raise ValidationError(errors)
    return agreements


# --- Minutes as PDF ------------------------------------------------------------------------------------


def case_meeting_minutes_html(meeting: CaseMeeting) -> str:
    meeting = case_meeting_get(case=meeting.case, pk=meeting.pk)
    invitees = list(meeting.invitees.all())
    context = {
        "meeting": meeting,
        "case": meeting.case,
        "present": [invitee for invitee in invitees if invitee.attended],
        "absent": [invitee for invitee in invitees if not invitee.attended],
        "agreements": list(meeting.agreements.all()),
        "made_at": timezone.localtime(),
        "static": STATIC_SCHEME,
    }
    return render_to_string("cases/case_meeting_minutes.html", context)


def case_meeting_minutes_document(meeting: CaseMeeting) -> Document:
    """The laid-out document (its pages can be counted and read, as the tests do)."""
    return document_from_html(case_meeting_minutes_html(meeting))


def case_meeting_minutes_pdf(meeting: CaseMeeting) -> bytes:
    return case_meeting_minutes_document(meeting).write_pdf()


def case_meeting_minutes_filename(meeting: CaseMeeting) -> str:
    return (
        f"verslag-maatwerkoverleg-{meeting.case.number}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
    )
