"""Screens of the case file: thin adapters between forms, services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, case_meetings, coordination, plans, selectors, services
from cases.filters import ReferralFilter
from cases.forms import (
    ParticipantForm,
    ReferralForm,
    SubjectFormSet,
    apply_service_errors,
    without_validation,
)
from cases.models import Case
from cases.reading import case_open, cases_listed
from cases.workflow import REFERRAL_EDITABLE, CaseStatus, transition_allowed
from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.services import client_ip
from zvhd.forms import posted_version

SUBJECTS_PREFIX = "subjects"
REFERRALS_PER_PAGE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if user_has_capability(request.user, Capability.REFERRAL_LIST):
        return redirect("referral-list")
    return render(request, "home.html")


@require_GET
@capability_required(Capability.REFERRAL_LIST)
def referral_list(request: HttpRequest) -> HttpResponse:
    filterset = ReferralFilter(request.GET or None, queryset=selectors.referral_list(user=request.user))
    page = Paginator(filterset.qs, REFERRALS_PER_PAGE).get_page(request.GET.get("page"))
    cases_listed(request, object_type="referral_list", cases=page, detail=f"page {page.number}")
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "cases/_referral_results.html" if request.htmx else "cases/referral_list.html"
    return render(request, template, context)


def _formset_with_extra_subject(data: QueryDict) -> SubjectFormSet:
    data = data.copy()
    total_key = f"{SUBJECTS_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(total_key, "1"))
    except ValueError:
        total = 1
    data[total_key] = str(min(total + 1, SubjectFormSet.max_num))
    return SubjectFormSet(data, prefix=SUBJECTS_PREFIX)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.REFERRAL_REGISTER)
def referral_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReferralForm(request.POST)
        if "add_subject" in request.POST:
            formset = _formset_with_extra_subject(request.POST)
            without_validation(form, formset)
        else:
            formset = SubjectFormSet(request.POST, prefix=SUBJECTS_PREFIX)
            if all([form.is_valid(), formset.is_valid()]):
                try:
                    case = services.referral_register(
                        by=request.user,
                        referral=form.to_data(),
                        subjects=formset.to_data(),
                        origin=client_ip(request),
                    )
                except ValidationError as error:
                    apply_service_errors(error, form, formset)
                else:
                    messages.success(
                        request, _("Referral %(number)s has been registered.") % {"number": case.number}
                    )
                    return redirect("case-detail", pk=case.pk)
    else:
        form = ReferralForm(initial={"received_on": timezone.localdate()})
        formset = SubjectFormSet(prefix=SUBJECTS_PREFIX, initial=[{"is_primary": True}])
    return render(request, "cases/referral_form.html", {"form": form, "formset": formset})


@require_GET
@capability_required(Capability.CASE_VIEW)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open(request, pk)
    today = timezone.localdate()
    participants = list(case.participants.all())
    for participant in participants:
        participant.current = participant.is_current_on(today) and case.status != CaseStatus.CLOSED
    can_manage = access.may_manage_participants(request.user, case)
    context = {
        "case": case,
        "subjects": list(case.subjects.all()),
        "participants": participants,
        "can_manage_participants": can_manage,
        "participant_form": ParticipantForm(initial={"start_date": today}) if can_manage else None,
        "can_close": case.coordinator_id == request.user.pk
        and transition_allowed(case.status, CaseStatus.CLOSED),
        "referral": getattr(case, "referral", None),
        "events": list(case.events.all()),
        "can_edit_referral": case.status in REFERRAL_EDITABLE
        and user_has_capability(request.user, Capability.REFERRAL_REGISTER),
        "today": today,
    }
    if case.kind != Case.Kind.AFTERCARE:  # an aftercare case shows its own section instead (aftercare app)
        context |= plans.plan_page_context(case=case, user=request.user)
        context |= coordination.work_page_context(case=case, user=request.user)
        context |= case_meetings.meetings_page_context(case=case, user=request.user)
    return render(request, "cases/case_detail.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.REFERRAL_REGISTER)
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open(request, pk)
    referral = getattr(case, "referral", None)
    if referral is None or case.status not in REFERRAL_EDITABLE:
        messages.error(request, _("The referral can no longer be changed: triage has decided on this case."))
        return redirect("case-detail", pk=case.pk)
    conflict = False
    if request.method == "POST":
        form = ReferralForm(request.POST, instance=referral)
        version = posted_version(request)
        if form.is_valid():
            try:
                services.referral_update(
                    case=case,
                    by=request.user,
                    version=version,
                    referral=form.to_data(),
                    origin=client_ip(request),
                )
            except services.ConcurrentEditError:
                conflict = True
                # Keep his input; the form now carries the newer version, so saving again applies it.
                case = selectors.case_detail(user=request.user, pk=pk)
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("The referral has been updated."))
                return redirect("case-detail", pk=case.pk)
    else:
        form = ReferralForm(instance=referral)
    context = {
        "form": form,
        "case": case,
        "version": case.version,
        "conflict": conflict,
        "current": case.referral,
    }
    return render(request, "cases/referral_edit.html", context)
