"""Screens of the case meetings (maatwerkoverleg): plan, change, record as held, and the minutes as PDF.

Thin adapters between cases/forms_meetings.py and cases/case_meetings.py. Only the case's procesregisseur
(while the case is active) plans and records; anyone else gets the answer of a case he cannot see, logged
as denied. The minutes PDF is for everyone who may open the case, and is logged as an export. A save
based on an old version is refused and the screen shows his input again beside the meeting as it is now.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, Form
from django.forms.utils import ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import case_meetings
from cases.forms import Saved, save_posted
from cases.forms_meetings import (
    CaseMeetingForm,
    MeetingRecordForm,
    decision_formset,
    guest_formset,
)
from cases.models import Case, CaseMeeting
from cases.reading import case_open, case_open_to_work_on
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request, client_ip
from zvhd.forms import posted_version


def _meeting_of(case: Case, meeting_pk: int) -> CaseMeeting:
    try:
        return case_meetings.case_meeting_get(case=case, pk=meeting_pk)
    except CaseMeeting.DoesNotExist:
        raise Http404 from None


def _back_to_case(case: Case) -> HttpResponse:
    return redirect(f"{case.get_absolute_url()}#meetings-heading")


def _errors_shown(error: ValidationError, form: Form, formset: BaseFormSet) -> None:
    """Errors of the service at the field, row or list they concern."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.message_dict.items():
        if key.startswith("decisions.") and hasattr(formset, "add_service_error"):
            formset.add_service_error(key, errors)
        elif key == "guests":
            formset._non_form_errors = (formset._non_form_errors or ErrorList()) + ErrorList(errors)
        else:
            for message in errors:
                form.add_error(key if key in form.fields else None, message)


# --- Planning ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def case_meeting_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="case_meeting")
    data = request.POST if request.method == "POST" else None
    form, guests = CaseMeetingForm(data, case=case), guest_formset(data)
    saved = save_posted(
        request,
        [form, guests],
        lambda: case_meetings.case_meeting_plan(
            case=case,
            by=request.user,
            starts_at=form.cleaned_data["starts_at"],
            location=form.cleaned_data["location"],
            agenda=form.cleaned_data["agenda"],
            invitees=form.invitee_users() + guests.to_data(),
            origin=client_ip(request),
        ),
        success=_("The case meeting has been planned."),
        show_errors=lambda error: _errors_shown(error, form, guests),
    )
    if saved is Saved.YES:
        return _back_to_case(case)
    context = {"case": case, "form": form, "formset": guests, "conflict": False}
    return render(request, "cases/case_meeting_form.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def case_meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="case_meeting")
    meeting = _meeting_of(case, meeting_pk)
    if meeting.held:
        messages.info(request, _("This meeting has been held; its planning can no longer be changed."))
        return _back_to_case(case)
    data = request.POST if request.method == "POST" else None
    form = CaseMeetingForm(data, case=case, meeting=meeting)
    guests = guest_formset(data, meeting=meeting)
    saved = save_posted(
        request,
        [form, guests],
        lambda: case_meetings.case_meeting_update(
            meeting=meeting,
            by=request.user,
            version=posted_version(request),
            starts_at=form.cleaned_data["starts_at"],
            location=form.cleaned_data["location"],
            agenda=form.cleaned_data["agenda"],
            invitees=form.invitee_users() + guests.to_data(),
            origin=client_ip(request),
        ),
        success=_("The case meeting has been changed."),
        show_errors=lambda error: _errors_shown(error, form, guests),
    )
    if saved is Saved.YES:
        return _back_to_case(case)
    if saved is Saved.CONFLICT:
        meeting = _meeting_of(case, meeting_pk)
    context = {
        "case": case,
        "meeting": meeting,
        "form": form,
        "formset": guests,
        "version": meeting.version,
        "conflict": saved is Saved.CONFLICT,
    }
    return render(request, "cases/case_meeting_form.html", context)


# --- Recording ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def case_meeting_record(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="case_meeting")
    meeting = _meeting_of(case, meeting_pk)
    if meeting.held:
        messages.info(request, _("This meeting has already been recorded."))
        return _back_to_case(case)
    data = request.POST if request.method == "POST" else None
    form = MeetingRecordForm(data, invitees=meeting.invitees.all())
    decisions = decision_formset(data, case=case)
    saved = save_posted(
        request,
        [form, decisions],
        lambda: case_meetings.case_meeting_record(
            meeting=meeting,
            by=request.user,
            version=posted_version(request),
            attendance=form.attendance(),
            minutes=form.cleaned_data["minutes"],
            decisions=decisions.to_data(),
            origin=client_ip(request),
        ),
        success=_("The case meeting has been recorded; its decisions are in the plan."),
        show_errors=lambda error: _errors_shown(error, form, decisions),
    )
    if saved is Saved.YES:
        return _back_to_case(case)
    if saved is Saved.CONFLICT:
        meeting = _meeting_of(case, meeting_pk)
    context = {
        "case": case,
        "meeting": meeting,
        "form": form,
        "formset": decisions,
        "version": meeting.version,
        "conflict": saved is Saved.CONFLICT,
        "has_goals": bool(decisions.forms and decisions.forms[0].fields["goal"].queryset.exists()),
    }
    return render(request, "cases/case_meeting_record.html", context)


@require_GET
@capability_required(Capability.CASE_VIEW)
def case_meeting_minutes(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The minutes of a held meeting as PDF, for anyone who may open the case; logged as an export."""
    case = case_open(request, pk)
    meeting = _meeting_of(case, meeting_pk)
    if not meeting.held:
        raise Http404
    pdf = case_meetings.case_meeting_minutes_pdf(meeting)
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT,
        object_type="case_meeting_minutes",
        object_id=meeting.pk,
        case_id=case.pk,
        person_ids=[subject.person_id for subject in case.subjects.all()],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=case.legal_basis,
        emergency=case.emergency_only,
        detail="pdf",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = case_meetings.case_meeting_minutes_filename(meeting)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
