"""The privacy officer's screens on the access log.

The history per person lives with the persons, in cases/views_access.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.forms import EmployeeHistoryForm
from zvhd.audit.models import AuditEvent
from zvhd.audit.selectors import audit_chain_last_check, audit_event_table, audit_events_for_actor
from zvhd.audit.services import audit_chain_check, audit_request
from zvhd.exports import csv_response

PAGE_SIZE = 50
_PRIVACY_SCREENS = (Capability.AUDIT_REPORTS, Capability.EMERGENCY_REVIEW, Capability.ROLE_REPORT)


@require_GET
@login_required
def privacy_index(request: HttpRequest) -> HttpResponse:
    if not any(user_has_capability(request.user, capability) for capability in _PRIVACY_SCREENS):
        raise PermissionDenied
    return render(request, "audit/privacy_index.html")


@require_GET
@capability_required(Capability.AUDIT_REPORTS)
def employee_access_history(request: HttpRequest) -> HttpResponse:
    """Everything one employee did that the log holds, for a period; readable and exportable."""
    form = EmployeeHistoryForm(request.GET or None)
    if not form.is_valid():
        return render(request, "audit/employee_history.html", {"form": form, "page": None})
    employee = form.cleaned_data["employee"]
    events = audit_events_for_actor(
        actor_id=employee.pk, since=form.cleaned_data["since"], until=form.cleaned_data["until"]
    )
    exporting = request.GET.get("format") == "csv"
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT if exporting else AuditEvent.Action.READ,
        object_type="employee_access_history",
        object_id=employee.pk,
        data_category=AuditEvent.DataCategory.IDENTIFYING,
    )
    if exporting:
        return csv_response(f"toegang-medewerker-{employee.username}.csv", *audit_event_table(events))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "employee": employee, "page": page, "query": query.urlencode()}
    return render(request, "audit/employee_history.html", context)


@require_GET
@capability_required(Capability.AUDIT_REPORTS)
def chain_status(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/chain_status.html", {"check": audit_chain_last_check()})


@require_POST
@capability_required(Capability.AUDIT_REPORTS)
def chain_verify_now(request: HttpRequest) -> HttpResponse:
    check = audit_chain_check()
    if check.intact:
        messages.success(
            request, _("The access log is intact: %(records)s records checked.") % {"records": check.records}
        )
    else:
        messages.error(request, _("The access log was changed: %(problem)s") % {"problem": check.problem})
    return redirect("audit-chain-status")
