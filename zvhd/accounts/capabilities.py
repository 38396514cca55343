"""What each role may do, as named capabilities (screens and actions, not rows).

Which *cases* a user may see is decided per case in `cases/access.py`; a capability only says whether a
role may use a screen or action at all. Both checks apply.
"""

from __future__ import annotations

from enum import StrEnum

from zvhd.accounts.models import Role, User


class Capability(StrEnum):
    REFERRAL_REGISTER = "referral_register"
    REFERRAL_LIST = "referral_list"
    CASE_VIEW = "case_view"


_TRIAGE_TEAM = {Role.SUPPORT_OFFICER, Role.COORDINATOR, Role.QUALITY_COORDINATOR}

ROLE_CAPABILITIES: dict[Capability, frozenset[str]] = {
    Capability.REFERRAL_REGISTER: frozenset(_TRIAGE_TEAM),
    Capability.REFERRAL_LIST: frozenset(_TRIAGE_TEAM),
    Capability.CASE_VIEW: frozenset(role.value for role in Role),
}


def user_has_capability(user: User, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in ROLE_CAPABILITIES[capability]
