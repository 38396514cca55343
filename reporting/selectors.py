"""Reads of the reporting screens. The cases behind a figure are listed through the access layer, with
the manager's overview columns only (no names, no personal data)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from cases.models import Case
from cases.selectors import case_overview
from zvhd.accounts.models import User


def figure_cases(*, user: User, case_ids: Iterable[int]) -> QuerySet[Case]:
    """The cases of `case_ids` (one page of a figure's cases) that `user` may list, newest first, with
    the non-personal columns of the case overview (read them with `cases.selectors.case_overview_rows`):
    a fixed number of queries, and a bounded list of ids whatever the number of cases behind the figure
    (the view pages the ids, so no query carries tens of thousands of parameters)."""
    return case_overview(user=user).filter(pk__in=sorted(set(case_ids)))
