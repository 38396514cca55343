"""Reads of triage that cross a view. Cases are always reached through the access layer."""

from __future__ import annotations

from django.db.models import BooleanField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from cases.access import cases_visible_to
from cases.models import Case, Subject
from cases.selectors import PRIMARY_SUBJECT
from cases.workflow import CaseStatus
from triage.models import (
    AgendaItem,
    Enrichment,
    Meeting,
    PrioritySnapshotRow,
    ReferrerContact,
    WaitingListEntry,
)
from triage.services import referral_gaps
from zvhd.accounts.models import PARTNER_ROLES, Role, User

# --- Meetings ----------------------------------------------------------------------------------------


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    """The meetings `user` may open: every one for the bureau's triage team, his own for a liaison."""
    meetings = Meeting.objects.select_related("meeting_type", "chair").annotate(item_count=Count("items"))
    if user.role == Role.LIAISON:
        return meetings.filter(liaisons=user)
    if user.role in PARTNER_ROLES or not user.is_active:
        return meetings.none()
    return meetings


def meeting_get_for(*, user: User, pk: object) -> Meeting:
    try:
        return meetings_for(user=user).prefetch_related("liaisons__organisation").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def meeting_upcoming(*, user: User, after: Meeting) -> QuerySet[Meeting]:
    """Meetings an item of `after` can move to: of the same type, today or later."""
    return (
        meetings_for(user=user)
        .filter(meeting_type=after.meeting_type, date__gte=timezone.localdate())
        .exclude(pk=after.pk)
        .order_by("date")
    )


def agenda_items(*, user: User, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in order. Items whose case `user` may not (or no longer) see carry
    `case_visible = False`: the screen then shows only the case number and the decision."""
    visible = cases_visible_to(user).filter(pk=OuterRef("case_id"))
    enrichments = Enrichment.objects.select_related("organisation", "liaison")
    if user.role == Role.LIAISON:
        enrichments = enrichments.filter(organisation=user.organisation_id)
    return list(
        meeting.items.select_related(
            "case__referral__main_topic", "case__referral__referrer_partner", "referred_to", "decided_by"
        )
        .annotate(case_visible=Exists(visible, output_field=BooleanField()))
        .prefetch_related(
            _primary_subjects("case__"),
            Prefetch("enrichments", queryset=enrichments),
            "criteria_met",
        )
        .order_by("position", "id")
    )


def agenda_item_get_for(*, user: User, pk: object) -> AgendaItem:
    """One item of a meeting `user` may open whose case he may see; 404 otherwise."""
    try:
        return (
            AgendaItem.objects.select_related("meeting__meeting_type", "case__referral")
            .filter(meeting__in=meetings_for(user=user), case__in=cases_visible_to(user))
            .get(pk=pk)
        )
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agenda_candidates(*, user: User, meeting: Meeting) -> tuple[list[Case], list[tuple[Case, list[str]]]]:
    """Referrals waiting for triage that are on no agenda: (complete by the cut-off, incomplete with
    what each lacks). A referral registered after the cut-off waits for the next meeting."""
    cases = (
        cases_visible_to(user)
        .filter(
            status=CaseStatus.REGISTERED, referral__isnull=False, referral__registered_at__lte=meeting.cutoff
        )
        .select_related("referral__main_topic", "referral__referrer_partner")
        .prefetch_related(
            Prefetch("subjects", queryset=Subject.objects.select_related("person", "municipality")),
            PRIMARY_SUBJECT,
            "referral__problem_areas",
        )
        .order_by("referral__received_on", "id")
    )
    complete, incomplete = [], []
    for case in cases:
        gaps = referral_gaps(case)
        if gaps:
            incomplete.append((case, gaps))
        else:
            complete.append(case)
    return complete, incomplete


def referrals_addable(*, user: User, meeting: Meeting) -> QuerySet[Case]:
    """Registered referrals on no agenda, for adding by hand (also after the cut-off)."""
    return (
        cases_visible_to(user)
        .filter(status=CaseStatus.REGISTERED, referral__isnull=False)
        .prefetch_related(PRIMARY_SUBJECT)
        .order_by("referral__received_on", "id")
    )


# --- Werkvoorraad --------------------------------------------------------------------------------------


def _primary_subjects(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}subjects",
        queryset=Subject.objects.filter(is_primary=True).select_related("person", "municipality"),
        to_attr="primary_subjects",
    )


def waiting_list(*, user: User) -> QuerySet[WaitingListEntry]:
    """The cases waiting now, in rank order (unranked newcomers last), with everything the page shows:
    a fixed number of queries whatever the length of the list."""
    last_contact = ReferrerContact.objects.filter(case=OuterRef("case_id")).order_by("-occurred_on", "-id")
    previous_rank = (
        PrioritySnapshotRow.objects.filter(entry=OuterRef("pk"))
        .exclude(snapshot__week=OuterRef("ranked_week"))
        .order_by("-snapshot__week")
    )
    return (
        WaitingListEntry.objects.filter(
            left_on__isnull=True, case__status=CaseStatus.WAITING, case__in=cases_visible_to(user)
        )
        .select_related("case__referral__referrer_partner", "case__referral__main_topic", "override_by")
        .prefetch_related(_primary_subjects("case__"))
        .annotate(
            last_contact_on=Subquery(last_contact.values("occurred_on")[:1]),
            previous_rank=Subquery(previous_rank.values("rank")[:1]),
        )
        .order_by(F("rank").asc(nulls_last=True), "added_on", "id")
    )


def waiting_entry_get_for(*, user: User, pk: object) -> WaitingListEntry:
    try:
        return waiting_list(user=user).get(pk=pk)
    except (WaitingListEntry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def rank_history(*, entry: WaitingListEntry) -> QuerySet[PrioritySnapshotRow]:
    """How the case's rank moved, week by week, newest first."""
    return entry.snapshot_rows.select_related("snapshot").order_by("-snapshot__week")


def referrer_contacts(*, case: Case) -> QuerySet[ReferrerContact]:
    return case.referrer_contacts.select_related("by")


def coordinators_with_caseload() -> QuerySet[User]:
    """Active procesregisseurs with the number of cases each runs now (procesregie and advice)."""
    return (
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .annotate(
            caseload=Count(
                "coordinated_cases",
                filter=Q(coordinated_cases__status=CaseStatus.ACTIVE)
                & Q(coordinated_cases__kind=Case.Kind.COORDINATION),
            ),
            advice_load=Count(
                "coordinated_cases",
                filter=Q(coordinated_cases__status=CaseStatus.ACTIVE)
                & Q(coordinated_cases__kind=Case.Kind.EXTENDED_ADVICE),
            ),
        )
        .order_by("caseload", "last_name", "first_name")
    )
