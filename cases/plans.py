"""The integrated action plan (plan van aanpak): goals per life domain and agreements, their versions,
and the daily reminder of overdue agreements."""

from __future__ import annotations

from typing import Any

from cases.models import Case
from zvhd.accounts.models import User


def plan_page_context(*, case: Case, user: User) -> dict[str, Any]:
    """What the case page's plan section shows (a fixed number of queries)."""
    return {}
