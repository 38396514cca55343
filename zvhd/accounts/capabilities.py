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
    CASE_OVERVIEW = "case_overview"  # the case list's non-personal columns
    PARTICIPANTS_MANAGE = "participants_manage"
    EMERGENCY_ACCESS = "emergency_access"
    EMERGENCY_REVIEW = "emergency_review"
    AUDIT_REPORTS = "audit_reports"
    ROLE_REPORT = "role_report"
    TRIAGE = "triage"  # plan meetings, keep the agenda, record decisions
    MEETINGS_ATTEND = "meetings_attend"  # open the meetings one sits at (liaisons: to enrich items)
    WAITING_LIST = "waiting_list"
    MY_CASES = "my_cases"  # the caseload of the one who runs cases
    ADVICE_REGISTER = "advice_register"  # anonymous advice and information-desk contacts
    AFTERCARE = "aftercare"  # the aftercare caseload, aftercare cases and guidance
    AFTERCARE_REGISTER = "aftercare_register"  # register and import detention notices
    FIGURES = "figures"  # the dashboard, its drill-down lists and exports, generated annual reports
    ANNUAL_REPORT = "annual_report"  # write the annual report's texts and manual tables, generate the PDF


R = Role
_BUREAU = {
    R.SUPPORT_OFFICER,
    R.COORDINATOR,
    R.MANAGER,
    R.QUALITY_COORDINATOR,
    R.AFTERCARE_COORDINATOR,
    R.GUIDANCE_WORKER,
    R.TRAFFICKING_COORDINATOR,
    R.PRIVACY_OFFICER,
}

ROLE_CAPABILITIES: dict[Capability, frozenset[str]] = {
    Capability.REFERRAL_REGISTER: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR}),
    Capability.REFERRAL_LIST: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR}),
    Capability.CASE_VIEW: frozenset(role.value for role in Role),
    Capability.CASE_OVERVIEW: frozenset({R.MANAGER, R.QUALITY_COORDINATOR}),
    Capability.PARTICIPANTS_MANAGE: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR, R.AFTERCARE_COORDINATOR}),
    Capability.EMERGENCY_ACCESS: frozenset(_BUREAU),
    Capability.EMERGENCY_REVIEW: frozenset({R.MANAGER, R.PRIVACY_OFFICER}),
    Capability.AUDIT_REPORTS: frozenset({R.PRIVACY_OFFICER}),
    Capability.ROLE_REPORT: frozenset({R.PRIVACY_OFFICER, R.MANAGER}),
    Capability.TRIAGE: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR}),
    Capability.MEETINGS_ATTEND: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR, R.LIAISON}),
    Capability.WAITING_LIST: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR}),
    Capability.MY_CASES: frozenset({R.COORDINATOR, R.AFTERCARE_COORDINATOR, R.TRAFFICKING_COORDINATOR}),
    Capability.ADVICE_REGISTER: frozenset({R.SUPPORT_OFFICER, R.COORDINATOR, R.TRAFFICKING_COORDINATOR}),
    Capability.AFTERCARE: frozenset({R.AFTERCARE_COORDINATOR, R.GUIDANCE_WORKER}),
    Capability.AFTERCARE_REGISTER: frozenset({R.AFTERCARE_COORDINATOR}),
    Capability.FIGURES: frozenset({R.MANAGER, R.QUALITY_COORDINATOR}),
    Capability.ANNUAL_REPORT: frozenset({R.MANAGER}),
}


def user_has_capability(user: User, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in ROLE_CAPABILITIES[capability]
