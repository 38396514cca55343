"""Who may see which case (WGS need-to-know): the single place that decides it.

Every list, search, count, API endpoint and export that shows cases starts from `cases_visible_to`,
and every page of one case from `case_get_for`, so a new screen cannot forget the check. Cases a user
may not see answer 404, the same as cases that do not exist. This module is also the only place where
django-guardian object permissions are granted or revoked (a lint rule keeps them out of other modules).

A user sees a case when one of these holds (privacy.md §1):
- he is its procesregisseur (or nazorgcoördinator): `Case.coordinator`;
- he is a procesondersteuner or procesregisseur and the case is in triage or on the waiting list;
- he holds a grant on the case for today: as a participant, as a liaison while it is on his meeting's
  agenda, or through emergency access (which the access log flags).
Cases under the Wet parta (cter) are a compartment: only the first and third rule apply to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from django.db.models import BooleanField, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as Conditional
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cases.models import Case, CaseUserObjectPermission, Participant
from cases.workflow import CaseStatus
from zvhd.accounts.models import PARTNER_ROLES, Role, User
from zvhd.audit.models import LegalBasis

TEAM_ROLES = frozenset({Role.SUPPORT_OFFICER, Role.COORDINATOR})
TEAM_STATUSES = frozenset({CaseStatus.REGISTERED, CaseStatus.TRIAGE, CaseStatus.WAITING})
OVERVIEW_ROLES = frozenset({Role.MANAGER, Role.QUALITY_COORDINATOR})


class Grounds(StrEnum):
    """Why a user holds an object permission on a case; one guardian permission per ground."""

    PARTICIPANT = "view_case_as_participant"
    AGENDA = "view_case_on_agenda"
    EMERGENCY = "view_case_emergency"

    @property
    def perm(self) -> str:
        return f"cases.{self.value}"


def _granted_case_ids(user: User, grounds: Sequence[Grounds], today: date) -> QuerySet:
    """The ids of cases on which `user` holds one of `grounds` today: one indexed subquery."""
    return (
        CaseUserObjectPermission.objects.filter(user=user, permission__codename__in=list(grounds))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values("content_object_id")
    )


def _regular_access(user: User, today: date) -> Q:
    """Every ground of access except emergency access."""
    rule = Q(coordinator=user) | Q(
        pk__in=_granted_case_ids(user, [Grounds.PARTICIPANT, Grounds.AGENDA], today)
    )
    if user.role in TEAM_ROLES:
        rule |= Q(status__in=TEAM_STATUSES) & ~Q(legal_basis=LegalBasis.PARTA)
    return rule


def _emergency_access(user: User, today: date) -> Q:
    return Q(pk__in=_granted_case_ids(user, [Grounds.EMERGENCY], today)) & ~Q(legal_basis=LegalBasis.PARTA)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """All cases `user` may see today, as a queryset to filter further."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    today = timezone.localdate()
    if user.role in PARTNER_ROLES:
        # Partner staff only ever hold grants (never a coordinator's role or emergency access): one
        # IN-subquery, which the database turns into a join instead of testing every case.
        return Case.objects.filter(
            pk__in=_granted_case_ids(user, [Grounds.PARTICIPANT, Grounds.AGENDA], today)
        )
    return Case.objects.filter(_regular_access(user, today) | _emergency_access(user, today))


def case_get_for(
    user: User,
    pk: object,
    *,
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str | Prefetch] = (),
) -> Case:
    """The case `pk` if `user` may see it; 404 otherwise, whether it exists or not.

    The case carries `emergency_only`: True when emergency access is his only ground, so the
    access log can flag the read. Selectors pass the relations their page needs.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404
    today = timezone.localdate()
    queryset = (
        cases_visible_to(user)
        .annotate(
            emergency_only=Conditional(
                When(_regular_access(user, today), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
        .select_related(*select_related)
        .prefetch_related(*prefetch_related)
    )
    try:
        return queryset.get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def cases_in_overview_for(user: User) -> QuerySet[Case]:
    """The cases whose non-personal columns a manager may list: all but the cter compartment."""
    if not user.is_authenticated or not user.is_active or user.role not in OVERVIEW_ROLES:
        return cases_visible_to(user)
    return Case.objects.exclude(legal_basis=LegalBasis.PARTA) | cases_visible_to(user)


def may_manage_participants(user: User, case: Case) -> bool:
    """The case's procesregisseur, or the triage team while the case is theirs to prepare."""
    if case.coordinator_id == user.pk:
        return True
    return user.role in TEAM_ROLES and case.status in TEAM_STATUSES and case.legal_basis != LegalBasis.PARTA


def may_work_on(user: User, case: Case) -> bool:
    """Run the case file (plan, agreements, meetings, escalation, handover, closure): its procesregisseur,
    while the case is active."""
    return case.coordinator_id == user.pk and case.status == CaseStatus.ACTIVE


def may_use_emergency_access(user: User, case: Case) -> bool:
    """Bureau staff only, never into the cter compartment."""
    return user.is_active and user.role not in PARTNER_ROLES and case.legal_basis != LegalBasis.PARTA


# --- Grants: the only place where object permissions change ---------------------------------------


def _grant(
    case: Case, user: User, grounds: Grounds, valid_from: date | None, valid_until: date | None
) -> None:
    grant = assign_perm(grounds.perm, user, case)
    if (grant.valid_from, grant.valid_until) != (valid_from, valid_until):
        grant.valid_from, grant.valid_until = valid_from, valid_until
        grant.save(update_fields=["valid_from", "valid_until"])


def _revoke(case: Case, user: User, grounds: Grounds) -> None:
    remove_perm(grounds.perm, user, case)


def participant_access_sync(*, case: Case, user: User, today: date | None = None) -> None:
    """Make `user`'s participant grant on `case` match his participations that have not ended.

    The grant covers the earliest start to the latest end of those participations (open-ended if one
    is); without any, the grant is revoked. Closed cases grant nothing.
    """
    today = today or timezone.localdate()
    participations = Participant.objects.filter(case=case, user=user).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    if case.status == CaseStatus.CLOSED or not participations.exists():
        _revoke(case, user, Grounds.PARTICIPANT)
        return
    starts = [p.start_date for p in participations]
    ends = [p.end_date for p in participations]
    _grant(case, user, Grounds.PARTICIPANT, min(starts), None if None in ends else max(ends))


def liaison_access_grant(*, case: Case, user: User, valid_from: date, valid_until: date) -> None:
    """A liaison sees a referral while it is on the agenda of his ketenkamer."""
    _grant(case, user, Grounds.AGENDA, valid_from, valid_until)


def liaison_access_revoke(*, case: Case, user: User) -> None:
    _revoke(case, user, Grounds.AGENDA)


def liaison_access_set(*, case: Case, grants: dict[User, tuple[date, date]]) -> None:
    """Make the agenda grants on `case` exactly `grants` (liaison → first and last day): liaisons
    no longer seated at a meeting that discusses the case lose theirs."""
    holders = CaseUserObjectPermission.objects.filter(
        content_object=case, permission__codename=Grounds.AGENDA.value
    ).select_related("user")
    for grant in holders:
        if grant.user not in grants:
            _revoke(case, grant.user, Grounds.AGENDA)
    for user, (valid_from, valid_until) in grants.items():
        _grant(case, user, Grounds.AGENDA, valid_from, valid_until)


def emergency_access_grant(*, case: Case, user: User, day: date) -> None:
    _grant(case, user, Grounds.EMERGENCY, day, day)


def case_access_end_all(*, case: Case) -> int:
    """At closure: every participant, liaison and emergency grant on the case ends."""
    deleted, _per_model = CaseUserObjectPermission.objects.filter(content_object=case).delete()
    return deleted


def expired_grants_remove(*, today: date | None = None) -> int:
    """Housekeeping for the daily job: grants whose period has passed count for nothing; remove them."""
    today = today or timezone.localdate()
    deleted, _per_model = CaseUserObjectPermission.objects.filter(valid_until__lt=today).delete()
    return deleted
