"""Reads of the case file that cross a view. Every one starts from the access layer."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cases.access import case_get_for, cases_visible_to
from cases.models import Case, CaseEvent, Subject
from zvhd.accounts.models import User
from zvhd.reference.models import Municipality

PRIMARY_SUBJECT = Prefetch(
    "subjects",
    queryset=Subject.objects.filter(is_primary=True).select_related("person", "municipality"),
    to_attr="primary_subjects",
)


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
            "referral__problem_areas",
            "referral__cross_border",
            "referral__acceptance_criteria",
        ),
    )
