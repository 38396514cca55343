"""Opening and listing cases on behalf of a request, with the access log written for each.

Screens and API endpoints call these, so every read of personal data is logged the same way:
allowed reads with the persons shown, refused or unknown cases as denied (and then 404).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404, HttpRequest

from cases import selectors
from cases.access import may_work_on
from cases.models import Case
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request


def case_open(request: HttpRequest, pk: object, *, channel: str = "web") -> Case:
    """The case page's data for this user, logged; a case he may not see is logged as denied and 404s.

    A read that rests on emergency access alone is flagged as such in the log.
    """
    try:
        case = selectors.case_detail(user=request.user, pk=pk)
    except Http404:
        audit_request(
            request,
            action=AuditEvent.Action.READ,
            object_type="case",
            object_id=pk,
            data_category=AuditEvent.DataCategory.CASE_FILE,
            result=AuditEvent.Result.DENIED,
            detail=channel,
        )
        raise
    audit_request(
        request,
        action=AuditEvent.Action.READ,
        object_type="case",
        object_id=case.pk,
        case_id=case.pk,
        person_ids=[subject.person_id for subject in case.subjects.all()],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        emergency=case.emergency_only,
        detail=channel,
    )
    return case


def cases_listed(request: HttpRequest, *, object_type: str, cases: Iterable[Case], detail: str) -> None:
    """Log a list page: the main subjects whose names it showed."""
    audit_request(
        request,
        action=AuditEvent.Action.READ,
        object_type=object_type,
        data_category=AuditEvent.DataCategory.IDENTIFYING,
        person_ids=[subject.person_id for case in cases for subject in getattr(case, "primary_subjects", [])],
        detail=detail,
    )


def case_change_refused(
    request: HttpRequest, case: Case, *, object_type: str, channel: str = "web"
) -> Http404:
    """A change of a case the user may see but not change: logged as denied, answered as a case he
    cannot see (raise the returned 404)."""
    audit_request(
        request,
        action=AuditEvent.Action.UPDATE,
        object_type=object_type,
        object_id=case.pk,
        case_id=case.pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        result=AuditEvent.Result.DENIED,
        detail="" if channel == "web" else channel,
    )
    return Http404()


def case_open_to_work_on(request: HttpRequest, pk: object, *, object_type: str, channel: str = "web") -> Case:
    """The case if this user runs it now (`access.may_work_on`); anyone else, or a closed case, gets the
    answer of a case he cannot see, and the attempt is logged as denied."""
    case = case_open(request, pk, channel=channel)
    if not may_work_on(request.user, case):
        raise case_change_refused(request, case, object_type=object_type, channel=channel)
    return case
