"""The case status workflow as data: which status may follow which, and under what name.

Services ask `transition_allowed` before they change a status and refuse anything not in the table.
The table is tested row by row in tests/cases/test_workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class CaseStatus(TextChoices):
    REGISTERED = "registered", _("registered")
    TRIAGE = "triage", _("in triage")
    WAITING = "waiting", _("on the waiting list")
    ACTIVE = "active", _("active")
    NOT_TAKEN_UP = "not_taken_up", _("not taken up")
    REFERRED_BACK = "referred_back", _("referred back")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CLOSED = "closed", _("closed")


@dataclass(frozen=True)
class Transition:
    source: CaseStatus
    target: CaseStatus
    name: str


S = CaseStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.REGISTERED, S.TRIAGE, "put_on_agenda"),
    Transition(S.REGISTERED, S.WITHDRAWN, "withdraw"),
    Transition(S.TRIAGE, S.REGISTERED, "take_off_agenda"),
    Transition(S.TRIAGE, S.WAITING, "decide_waiting_list"),
    Transition(S.TRIAGE, S.ACTIVE, "decide_start"),
    Transition(S.TRIAGE, S.NOT_TAKEN_UP, "decide_not_taken_up"),
    Transition(S.TRIAGE, S.REFERRED_BACK, "decide_refer_back"),
    Transition(S.WAITING, S.ACTIVE, "assign_coordinator"),
    Transition(S.WAITING, S.CLOSED, "close"),
    Transition(S.ACTIVE, S.CLOSED, "close"),
)

# Statuses in which the referral itself may still be corrected.
REFERRAL_EDITABLE = frozenset({S.REGISTERED, S.TRIAGE})
# Statuses that end a case: nothing follows them.
FINAL = frozenset({S.NOT_TAKEN_UP, S.REFERRED_BACK, S.WITHDRAWN, S.CLOSED})

_ALLOWED = {(t.source, t.target): t for t in TRANSITIONS}


def transition_allowed(source: str, target: str) -> bool:
    return (source, target) in _ALLOWED


def targets_from(source: str) -> list[CaseStatus]:
    return [t.target for t in TRANSITIONS if t.source == source]
