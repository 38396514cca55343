"""Reads of the case file that cross a view. Every one starts from the access layer."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.access import case_get_for, cases_in_overview_for, cases_visible_to
from cases.models import Case, CaseEvent, EmergencyAccess, Participant, Person, Subject
from zvhd.accounts.models import User
from zvhd.reference.models import Municipality


def primary_subjects_prefetch(path: str = "") -> Prefetch:
    """The main subject (with person and municipality) as `primary_subjects` on the cases at `path`
    ("" for the cases themselves, "case__" for records that hang on a case)."""
    return Prefetch(
        f"{path}subjects",
        queryset=Subject.objects.filter(is_primary=True).select_related("person", "municipality"),
        to_attr="primary_subjects",
    )


PRIMARY_SUBJECT = primary_subjects_prefetch()


def case_list(*, user: User) -> QuerySet[Case]:
    """The cases `user` may see, newest first, with what a list shows in a fixed number of queries."""
    return (
        cases_visible_to(user)
        .select_related("referral__referrer_partner", "referral__main_topic")
        .prefetch_related(PRIMARY_SUBJECT)
        .order_by("-created_at", "-id")
    )


def referral_list(*, user: User) -> QuerySet[Case]:
    """The referrals `user` may see, most recently received first."""
    return case_list(user=user).filter(referral__isnull=False).order_by("-referral__received_on", "-id")


def cases_in_municipality(cases: QuerySet[Case], municipality: Municipality) -> QuerySet[Case]:
    """Cases whose main subject is registered in `municipality` (the main subject decides)."""
    return cases.filter(
        Exists(Subject.objects.filter(case=OuterRef("pk"), is_primary=True, municipality=municipality))
    )


def cases_with_subject_named(cases: QuerySet[Case], search: str) -> QuerySet[Case]:
    """Cases with a subject whose name contains every word of `search`."""
    subjects = Subject.objects.filter(case=OuterRef("pk"))
    for word in search.split():
        subjects = subjects.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__name_prefix__icontains=word)
        )
    return cases.filter(Exists(subjects))


def case_detail(*, user: User, pk: object) -> Case:
    """One case with its referral, subjects and timeline, or 404 if `user` may not see it."""
    return case_get_for(
        user,
        pk,
        select_related=(
            "referral__referrer_partner",
            "referral__main_topic",
            "referral__registered_by",
            "coordinator",
        ),
        prefetch_related=(
            Prefetch("subjects", queryset=Subject.objects.select_related("person", "municipality")),
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            Prefetch("participants", queryset=Participant.objects.select_related("user", "organisation")),
            "referral__problem_areas",
            "referral__cross_border",
            "referral__acceptance_criteria",
        ),
    )


def emergency_accesses(*, reviewed: bool) -> QuerySet[EmergencyAccess]:
    """The emergency accesses still to review (oldest first), or those reviewed (newest first)."""
    records = EmergencyAccess.objects.select_related("case", "user", "reviewed_by")
    if reviewed:
        return records.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-id")
    return records.filter(reviewed_at__isnull=True).order_by("opened_at", "id")


_PRIMARY_MUNICIPALITY = Prefetch(
    "subjects",
    queryset=Subject.objects.filter(is_primary=True)
    .select_related("municipality")
    .only("case_id", "municipality__name"),
    to_attr="primary_subjects",
)

CASE_OVERVIEW_COLUMNS = (
    _("Case number"),
    _("Kind"),
    _("Status"),
    _("Municipality"),
    _("Referring partner"),
    _("Received"),
    _("Closed"),
)


def case_overview(*, user: User) -> QuerySet[Case]:
    """The manager's list of cases: only columns without personal data are read."""
    return (
        cases_in_overview_for(user)
        .select_related("referral__referrer_partner")
        .only(
            "number",
            "kind",
            "status",
            "created_at",
            "closed_at",
            "referral__received_on",
            "referral__referrer_partner__name",
        )
        .prefetch_related(_PRIMARY_MUNICIPALITY)
        .order_by("-created_at", "-id")
    )


def case_overview_rows(cases: Iterable[Case]) -> list[tuple[object, ...]]:
    rows = []
    for case in cases:
        referral = getattr(case, "referral", None)
        primary = case.primary_subjects[0] if case.primary_subjects else None
        rows.append(
            (
                case.number,
                case.get_kind_display(),
                case.get_status_display(),
                primary.municipality.name if primary else "",
                referral.referrer_partner.name if referral else "",
                referral.received_on.isoformat() if referral else "",
                f"{case.closed_at:%Y-%m-%d}" if case.closed_at else "",
            )
        )
    return rows


def persons_matching(query: str) -> QuerySet[Person]:
    """Persons by BSN (nine digits) or by every word of their name."""
    query = query.strip()
    if query.isdigit() and len(query) == 9:
        return Person.objects.filter(bsn=query)
    persons = Person.objects.all()
    for word in query.split():
        persons = persons.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(name_prefix__icontains=word)
        )
    return persons.order_by("last_name", "first_name", "id")
