"""Screens around access: participants, emergency access and its review, the manager's case overview,
closing a case, and the privacy officer's access history per person."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access, selectors, services
from cases.forms import (
    CaseCloseForm,
    EmergencyAccessForm,
    EmergencyReviewForm,
    ParticipantEndForm,
    ParticipantForm,
    PersonSearchForm,
    apply_service_errors,
)
from cases.models import Case, EmergencyAccess, Participant, Person
from cases.reading import case_change_refused, case_open
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.models import AuditEvent
from zvhd.audit.selectors import audit_event_table, audit_events_for_person
from zvhd.audit.services import audit_request, client_ip
from zvhd.exports import csv_response

PAGE_SIZE = 50


@require_POST
@capability_required(Capability.CASE_VIEW)
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open(request, pk)
    if not access.may_manage_participants(request.user, case):
        raise case_change_refused(request, case, object_type="participant")
    form = ParticipantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_add(
                case=case,
                by=request.user,
                user=data["user"],
                role_in_case=data["role_in_case"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                legal_basis=data["legal_basis"],
                origin=client_ip(request),
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("%(person)s now takes part in the case.") % {"person": data["user"]})
            return redirect(case)
    return render(request, "cases/participant_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def participant_end(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    case = case_open(request, pk)
    participant = get_object_or_404(Participant.objects.select_related("user"), pk=participant_pk, case=case)
    if not access.may_manage_participants(request.user, case):
        raise case_change_refused(request, case, object_type="participant")
    form = ParticipantEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_end(
                participant=participant,
                by=request.user,
                end_date=form.cleaned_data["end_date"],
                origin=client_ip(request),
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(
                request, _("The participation of %(person)s has ended.") % {"person": participant.user}
            )
            return redirect(case)
    return render(
        request, "cases/participant_end.html", {"case": case, "participant": participant, "form": form}
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open(request, pk)
    if case.coordinator_id != request.user.pk:
        raise case_change_refused(request, case, object_type="case")
    form = CaseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                case=case, by=request.user, reason=form.cleaned_data["reason"], origin=client_ip(request)
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The case has been closed; every participation has ended."))
            return redirect(case)
    return render(request, "cases/case_close.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.EMERGENCY_ACCESS)
def emergency_access(request: HttpRequest) -> HttpResponse:
    form = EmergencyAccessForm(request.POST or None, initial={"case_number": request.GET.get("nummer", "")})
    if request.method == "POST" and form.is_valid():
        case = Case.objects.filter(number=form.cleaned_data["case_number"].strip()).first()
        if case is None or not access.may_use_emergency_access(request.user, case):
            form.add_error(
                "case_number", _("There is no case with this number that emergency access can open.")
            )
        else:
            try:
                services.emergency_access_open(
                    case=case, by=request.user, reason=form.cleaned_data["reason"], origin=client_ip(request)
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.warning(
                    request,
                    _("Emergency access to case %(number)s for today. It will be reviewed.")
                    % {"number": case.number},
                )
                return redirect(case)
    return render(request, "cases/emergency_access.html", {"form": form})


@require_GET
@capability_required(Capability.EMERGENCY_REVIEW)
def emergency_review_list(request: HttpRequest) -> HttpResponse:
    records = selectors.emergency_accesses(reviewed=request.GET.get("beoordeeld") == "1")
    if request.GET.get("format") == "csv":
        audit_request(
            request,
            action=AuditEvent.Action.EXPORT,
            object_type="emergency_access_list",
            data_category=AuditEvent.DataCategory.CASE_FILE,
        )
        return csv_response(
            "noodtoegang.csv",
            [
                _("Opened at"),
                _("By"),
                _("Role"),
                _("Case"),
                _("Reason"),
                _("Reviewed by"),
                _("Reviewed at"),
                _("Review"),
            ],
            (
                (
                    f"{r.opened_at:%Y-%m-%d %H:%M}",
                    r.user,
                    r.user.get_role_display(),
                    r.case.number,
                    r.reason,
                    r.reviewed_by or "",
                    f"{r.reviewed_at:%Y-%m-%d %H:%M}" if r.reviewed_at else "",
                    r.review_note,
                )
                for r in records
            ),
        )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "reviewed": request.GET.get("beoordeeld") == "1", "form": EmergencyReviewForm()}
    return render(request, "cases/emergency_review_list.html", context)


@require_POST
@capability_required(Capability.EMERGENCY_REVIEW)
def emergency_review(request: HttpRequest, record_pk: int) -> HttpResponse:
    record = get_object_or_404(EmergencyAccess, pk=record_pk)
    form = EmergencyReviewForm(request.POST)
    if form.is_valid():
        try:
            services.emergency_access_review(record=record, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The emergency access has been reviewed."))
    return redirect("emergency-review-list")


@require_GET
@capability_required(Capability.CASE_OVERVIEW)
def case_overview(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_overview(user=request.user)
    if request.GET.get("format") == "csv":
        audit_request(
            request,
            action=AuditEvent.Action.EXPORT,
            object_type="case_overview",
            data_category=AuditEvent.DataCategory.CASE_FILE,
        )
        rows = selectors.case_overview_rows(cases)
        return csv_response("casussen.csv", [str(label) for label in selectors.CASE_OVERVIEW_COLUMNS], rows)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "cases/case_overview.html", {"page": page, "rows": selectors.case_overview_rows(page)}
    )


@require_GET
@capability_required(Capability.AUDIT_REPORTS)
def person_access_history(request: HttpRequest) -> HttpResponse:
    """Who looked at this person's data: search a person, then read or export his access history."""
    form = PersonSearchForm(request.GET or None)
    persons = []
    if form.is_valid():
        persons = list(selectors.persons_matching(form.cleaned_data["query"])[:PAGE_SIZE])
        audit_request(
            request,
            action=AuditEvent.Action.READ,
            object_type="person_search",
            data_category=AuditEvent.DataCategory.IDENTIFYING,
            person_ids=[person.pk for person in persons],
        )
    return render(request, "cases/person_search.html", {"form": form, "persons": persons})


@require_GET
@capability_required(Capability.AUDIT_REPORTS)
def person_access_history_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk)
    events = audit_events_for_person(person_id=person.pk)
    exporting = request.GET.get("format") == "csv"
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT if exporting else AuditEvent.Action.READ,
        object_type="access_history",
        object_id=person.pk,
        data_category=AuditEvent.DataCategory.IDENTIFYING,
        person_ids=[person.pk],
    )
    if exporting:
        return csv_response(f"toegang-persoon-{person.pk}.csv", *audit_event_table(events))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/person_access_history.html", {"person": person, "page": page})
