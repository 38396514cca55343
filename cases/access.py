"""Who may see which case: the single place that decides it.

Every list, search, count, API endpoint and export that shows cases starts from `cases_visible_to`,
and every page of one case from `case_get_for`, so a new screen cannot forget the check. Cases a user
may not see answer 404, the same as cases that do not exist.

The rules of privacy.md §1 are built up here. Today: the bureau's triage team (procesondersteuners,
procesregisseurs, the kwaliteitscoördinator) works on every referral; every other role sees no case
until it holds a relation to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.models import Case
from zvhd.accounts.models import Role, User

TRIAGE_TEAM = frozenset({Role.SUPPORT_OFFICER, Role.COORDINATOR, Role.QUALITY_COORDINATOR})


def cases_visible_to(user: User) -> QuerySet[Case]:
    """All cases `user` may see, as a queryset to filter further."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.role in TRIAGE_TEAM:
        return Case.objects.all()
    return Case.objects.none()


def case_get_for(
    user: User,
    pk: object,
    *,
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str | Prefetch] = (),
) -> Case:
    """The case `pk` if `user` may see it; 404 otherwise, whether it exists or not.

    Selectors pass the relations their page needs; the lookup always starts from the visible cases.
    """
    queryset = cases_visible_to(user).select_related(*select_related).prefetch_related(*prefetch_related)
    try:
        return queryset.get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
