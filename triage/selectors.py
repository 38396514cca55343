"""Reads of triage that cross a view. Cases are always reached through the access layer."""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from cases.access import cases_visible_to
from cases.models import Case, Subject
from cases.selectors import PRIMARY_SUBJECT, primary_subjects_prefetch
from cases.workflow import CaseStatus
from triage.models import (
    AgendaItem,
    Enrichment,
    Feedback,
    Meeting,
    PrioritySnapshot,
    PrioritySnapshotRow,
    ReferrerContact,
    WaitingListEntry,
)
from triage.services import referral_gaps
from zvhd.accounts.models import PARTNER_ROLES, Role, User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import MeetingType, Partner

# --- Meetings ----------------------------------------------------------------------------------------


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    """The meetings `user` may open: every one for the bureau's triage team, his own for a liaison."""
    meetings = (
        Meeting.objects.select_related("meeting_type", "chair")
        .annotate(item_count=Count("items"))
        .order_by("-date", "-id")
    )
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


def meetings_ahead(*, user: User) -> QuerySet[Meeting]:
    """The meetings `user` may open that are still to come (today included), soonest first."""
    return meetings_for(user=user).filter(date__gte=timezone.localdate()).order_by("date", "id")


def meetings_held(*, user: User) -> QuerySet[Meeting]:
    """The meetings `user` may open that have taken place, most recent first."""
    return meetings_for(user=user).filter(date__lt=timezone.localdate()).order_by("-date", "-id")


def meeting_date_proposed(*, meeting_type: MeetingType) -> datetime.date:
    """The next usual weekday of the type (today included) on which it has no meeting yet."""
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(meeting_type.weekday - today.weekday()) % 7)
    taken = set(
        Meeting.objects.filter(meeting_type=meeting_type, date__gte=day).values_list("date", flat=True)
    )
    while day in taken:
        day += datetime.timedelta(days=7)
    return day


def meeting_types_plannable() -> QuerySet[MeetingType]:
    return MeetingType.objects.active().prefetch_related("seated_partners").order_by("order", "name")


def chairs_available() -> QuerySet[User]:
    """Who may chair a meeting: active members of the bureau."""
    return (
        User.objects.filter(is_active=True)
        .exclude(role="")
        .exclude(role__in=PARTNER_ROLES)
        .order_by("last_name", "first_name")
    )


def liaisons_seatable(*, meeting_type: MeetingType | None = None) -> QuerySet[User]:
    """Active liaisons of the organisations seated at `meeting_type` (at any active type when None).

    The services check the seat again; the list only keeps the choice short.
    """
    if meeting_type is None:
        seated = Partner.objects.filter(meeting_types__active=True)
    else:
        seated = meeting_type.seated_partners.all()
    return (
        User.objects.filter(role=Role.LIAISON, is_active=True, organisation__in=seated)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "last_name", "first_name")
    )


def meeting_upcoming(*, user: User, after: Meeting) -> QuerySet[Meeting]:
    """Meetings an item of `after` can move to: of the same type, today or later."""
    return (
        meetings_for(user=user)
        .filter(meeting_type=after.meeting_type, date__gte=timezone.localdate())
        .exclude(pk=after.pk)
        .order_by("date")
    )


def _enrichments_for(user: User) -> QuerySet[Enrichment]:
    """Enrichments `user` may read: a liaison only his own organisation's (need-to-know)."""
    enrichments = Enrichment.objects.select_related("organisation", "liaison")
    if user.role == Role.LIAISON:
        enrichments = enrichments.filter(organisation=user.organisation_id)
    return enrichments


def agenda_items(*, user: User, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in order. Items whose case `user` may not (or no longer) see carry
    `case_visible = False`: the screen then shows only the case number and the decision."""
    visible = cases_visible_to(user).filter(pk=OuterRef("case_id"))
    enrichments = _enrichments_for(user)
    return list(
        meeting.items.select_related(
            "case__referral__main_topic", "case__referral__referrer_partner", "referred_to", "decided_by"
        )
        .annotate(case_visible=Exists(visible, output_field=BooleanField()))
        .prefetch_related(
            primary_subjects_prefetch("case__"),
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


def seated_organisations(*, user: User, meeting: Meeting) -> list[Partner]:
    """The organisations whose enrichment the agenda shows: every one seated, for a liaison his own."""
    if user.role == Role.LIAISON:
        return [user.organisation] if user.organisation_id else []
    return list(meeting.meeting_type.seated_partners.order_by("order", "name"))


def agenda_enrichment_columns(items: list[AgendaItem], organisations: list[Partner]) -> None:
    """Give every item `enrichment_row`: per organisation (in the order given) its enrichment or None.

    Works on the prefetched enrichments of `agenda_items`, so it adds no query.
    """
    for item in items:
        by_organisation = {enrichment.organisation_id: enrichment for enrichment in item.enrichments.all()}
        item.enrichment_row = [(partner, by_organisation.get(partner.pk)) for partner in organisations]


def agenda_item_detail(*, user: User, pk: object) -> AgendaItem:
    """`agenda_item_get_for` with what the item's pages show: its subjects (main subject first), the
    referral's topic, partner and problem areas, and the enrichments `user` may read."""
    item = agenda_item_get_for(user=user, pk=pk)
    prefetch_related_objects(
        [item],
        Prefetch(
            "case__subjects",
            queryset=Subject.objects.select_related("person", "municipality").order_by("-is_primary", "id"),
        ),
        "case__referral__main_topic",
        "case__referral__referrer_partner",
        "case__referral__problem_areas",
        Prefetch("enrichments", queryset=_enrichments_for(user)),
    )
    return item


def feedback_get_for(*, user: User, item_pk: object) -> Feedback:
    """The feedback on an item of a meeting `user` may open; 404 otherwise.

    The feedback names no subject, so the triage team keeps it after the decision has taken the case
    out of their sight; a case under the Wet parta stays a compartment.
    """
    try:
        return (
            Feedback.objects.select_related(
                "item__meeting__meeting_type",
                "item__referred_to",
                "case__referral__referrer_partner",
                "sent_by",
            )
            .filter(item__meeting__in=meetings_for(user=user))
            .filter(~Q(case__legal_basis=LegalBasis.PARTA) | Q(case__in=cases_visible_to(user)))
            .get(item_id=item_pk)
        )
    except (Feedback.DoesNotExist, ValueError, TypeError):
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
        .select_related("referral__main_topic", "referral__referrer_partner")
        .prefetch_related(PRIMARY_SUBJECT)
        .order_by("referral__received_on", "id")
    )


# --- Werkvoorraad --------------------------------------------------------------------------------------


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
            left_on__isnull=True,
            case__status=CaseStatus.WAITING,
            # The status inside the access subquery lets PostgreSQL start from the status index instead
            # of testing every case against the access rules.
            case__in=cases_visible_to(user).filter(status=CaseStatus.WAITING),
        )
        .select_related("case__referral__referrer_partner", "case__referral__main_topic", "override_by")
        .prefetch_related(primary_subjects_prefetch("case__"))
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


def prioritisation_latest() -> PrioritySnapshot | None:
    """The most recent weekly ranking, for the list's header (None before the first one)."""
    return PrioritySnapshot.objects.select_related("created_by").order_by("-week").first()


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
