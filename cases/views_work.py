"""Screens of procesregie: Mijn casussen, and on one case the people in the system, labels, escalation,
handover, closure with evaluation and the filtered timeline. Thin adapters between the forms of
cases/forms_work.py and the services and selectors of cases/coordination.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import coordination
from cases.forms import Saved, save_posted
from cases.forms_work import (
    CaseCloseEvaluationForm,
    CaseLabelsForm,
    EscalationForm,
    EscalationOutcomeForm,
    HandoverForm,
    MyCasesFilterForm,
    SystemMemberForm,
    TimelineFilterForm,
)
from cases.models import Case, Escalation, SystemMember
from cases.reading import case_open, case_open_to_work_on, cases_listed
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.services import client_ip

CASES_PER_PAGE = 50


# --- Mijn casussen -----------------------------------------------------------------------------------


def _sort_queries(request: HttpRequest) -> dict[str, str]:
    """Per order of the list, the query string that sorts by it and keeps the filters."""
    queries = {}
    for sort in coordination.MyCasesSort:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = sort.value
        queries[sort.value] = query.urlencode()
    return queries


@require_GET
@capability_required(Capability.MY_CASES)
def my_cases(request: HttpRequest) -> HttpResponse:
    form = MyCasesFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "")
    if sort not in coordination.MyCasesSort.values:
        sort = coordination.MyCasesSort.NUMBER
    today = timezone.localdate()
    cases = coordination.my_cases(
        user=request.user,
        sort=sort,
        kind=filters.get("kind", ""),
        label=filters.get("label"),
        overdue_only=filters.get("overdue", False),
        today=today,
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    for case in page:
        case.main_subject = next(iter(case.primary_subjects), None)
        case.days_inactive = coordination.days_since(case.last_activity_at, today)
    cases_listed(request, object_type="my_cases", cases=page, detail=f"page {page.number}")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sorts": coordination.MyCasesSort,
        "sort_queries": _sort_queries(request),
        "query": query.urlencode(),
    }
    return render(request, "cases/my_cases.html", context)


# --- The timeline ------------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.CASE_VIEW)
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's timeline, filtered by kind: the case page's section (htmx) or a page of its own."""
    case = case_open(request, pk)
    form = TimelineFilterForm(request.GET or None)
    kind = form.cleaned_data["soort"] if form.is_valid() else ""
    context = {
        "case": case,
        "events": coordination.timeline_events(case=case, kind=kind),
        "timeline_form": form,
    }
    template = "cases/_timeline.html" if request.htmx else "cases/work_timeline.html"
    return render(request, template, context)


# --- People in the system and labels ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def system_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="system_member")
    form = SystemMemberForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: coordination.system_member_add(
            case=case,
            by=request.user,
            description=form.cleaned_data["description"],
            relation=form.cleaned_data["relation"],
            is_minor=form.cleaned_data["is_minor"],
            note=form.cleaned_data["note"],
            origin=client_ip(request),
        ),
        success=_("The person has been added to the system of the case."),
    )
    if saved is Saved.YES:
        return redirect(case)
    return render(request, "cases/work_system_member.html", {"case": case, "form": form})


@require_POST
@capability_required(Capability.CASE_VIEW)
def system_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="system_member")
    member = get_object_or_404(SystemMember, pk=member_pk, case=case)
    coordination.system_member_remove(member=member, by=request.user, origin=client_ip(request))
    messages.success(request, _("The person has been removed from the system of the case."))
    return redirect(case)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def case_labels(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="case_labels")
    current = list(case.labels.all())
    initial = {"labels": current, "version": case.version}
    form = CaseLabelsForm(request.POST or None, current=current, initial=initial)
    saved = save_posted(
        request,
        [form],
        lambda: coordination.case_labels_set(
            case=case,
            by=request.user,
            labels=form.cleaned_data["labels"],
            version=form.cleaned_data["version"],
            origin=client_ip(request),
        ),
        success=_("The labels have been saved."),
    )
    if saved is Saved.YES:
        return redirect(case)
    if saved is Saved.CONFLICT:
        # The labels as they are now, to choose again from.
        case.refresh_from_db()
        current = list(case.labels.all())
        form = CaseLabelsForm(current=current, initial={"labels": current, "version": case.version})
    context = {"case": case, "form": form, "conflict": saved is Saved.CONFLICT}
    return render(request, "cases/work_labels.html", context)


# --- Escalation ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def escalation_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="escalation")
    form = EscalationForm(request.POST or None, initial={"escalated_on": timezone.localdate()})
    saved = save_posted(
        request,
        [form],
        lambda: coordination.escalation_record(
            case=case,
            by=request.user,
            data=coordination.EscalationData(
                to=form.cleaned_data["to"],
                to_detail=form.cleaned_data["to_detail"],
                reason=form.cleaned_data["reason"],
                ave_before=form.cleaned_data["ave_before"],
                ave_after=form.cleaned_data["ave_after"],
                escalated_on=form.cleaned_data["escalated_on"],
            ),
            origin=client_ip(request),
        ),
        success=_("The escalation has been recorded."),
    )
    if saved is Saved.YES:
        return redirect(case)
    return render(request, "cases/work_escalation.html", {"case": case, "form": form})


def _outcome_initial(escalation: Escalation) -> dict[str, object]:
    return {
        "outcome": escalation.outcome,
        "resolved_on": escalation.resolved_on or timezone.localdate(),
        "ave_after": escalation.ave_after,
        "version": escalation.version,
    }


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def escalation_outcome(request: HttpRequest, pk: int, escalation_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="escalation")
    escalation = get_object_or_404(Escalation.objects.select_related("case"), pk=escalation_pk, case=case)
    form = EscalationOutcomeForm(request.POST or None, initial=_outcome_initial(escalation))
    saved = save_posted(
        request,
        [form],
        lambda: coordination.escalation_resolve(
            escalation=escalation,
            by=request.user,
            version=form.cleaned_data["version"],
            outcome=form.cleaned_data["outcome"],
            resolved_on=form.cleaned_data["resolved_on"],
            ave_after=form.cleaned_data["ave_after"],
            origin=client_ip(request),
        ),
        success=_("The outcome of the escalation has been recorded."),
    )
    if saved is Saved.YES:
        return redirect(case)
    if saved is Saved.CONFLICT:
        escalation.refresh_from_db()
        # Keep his input; the form now carries the newer version, so saving again applies it.
        data = request.POST.copy()
        data["version"] = str(escalation.version)
        form = EscalationOutcomeForm(data)
        form.is_valid()
    context = {"case": case, "escalation": escalation, "form": form, "conflict": saved is Saved.CONFLICT}
    return render(request, "cases/work_escalation_outcome.html", context)


# --- Handover and closure --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def handover_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="handover")
    form = HandoverForm(request.POST or None, initial={"handed_over_on": timezone.localdate()})
    saved = save_posted(
        request,
        [form],
        lambda: coordination.handover_record(
            case=case,
            by=request.user,
            data=coordination.HandoverData(
                to=form.cleaned_data["to"],
                receiver_name=form.cleaned_data["receiver_name"],
                receiver_organisation=form.cleaned_data["receiver_organisation"],
                handed_over_on=form.cleaned_data["handed_over_on"],
                note=form.cleaned_data["note"],
            ),
            origin=client_ip(request),
        ),
        success=_("The handover has been recorded. Now close the case with an evaluation."),
    )
    if saved is Saved.YES:
        return redirect("case-close-evaluated", pk=case.pk)
    return render(request, "cases/work_handover.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def case_close_evaluated(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="case")
    handed_over = case.handovers.exists()
    initial = {"reason": Case.ClosureReason.HANDED_OVER} if handed_over else {}
    form = CaseCloseEvaluationForm(request.POST or None, initial=initial)
    saved = save_posted(
        request,
        [form],
        lambda: coordination.case_close_with_evaluation(
            case=case,
            by=request.user,
            reason=form.cleaned_data["reason"],
            evaluation=form.cleaned_data["evaluation"],
            origin=client_ip(request),
        ),
        success=_("The case has been closed; every participation has ended."),
    )
    if saved is Saved.YES:
        return redirect(case)
    return render(request, "cases/work_close.html", {"case": case, "form": form, "handed_over": handed_over})
