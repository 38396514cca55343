"""Case meetings (maatwerkoverleg): planning with invitees and agenda, attendance, minutes, and the
decisions that become agreements of the action plan in one step; minutes as PDF."""

from __future__ import annotations

from typing import Any

from cases.models import Case
from zvhd.accounts.models import User


def meetings_page_context(*, case: Case, user: User) -> dict[str, Any]:
    """What the case page's meetings section shows (a fixed number of queries)."""
    return {}
