"""Procesregie on a case: the people in the system, labels, escalation (opschalen), handover
(afschalen) and closure with evaluation; and the procesregisseur's caseload (Mijn casussen)."""

from __future__ import annotations

from typing import Any

from cases.models import Case
from zvhd.accounts.models import User


def work_page_context(*, case: Case, user: User) -> dict[str, Any]:
    """What the case page's procesregie section shows (a fixed number of queries)."""
    return {}
