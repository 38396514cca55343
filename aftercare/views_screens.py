"""Screens of the nazorgcoördinator: the aftercare caseload, a detention notice by hand, and on one
aftercare case consent, information, the five basic conditions, release, guidance and the escalation to
procesregie. Thin adapters between aftercare/forms.py and aftercare/services.py.

Every screen opens its case through `cases.reading`, so each read is logged and a case the user may not
see (or may not change) answers 404, logged as denied. Only the case's nazorgcoördinator, while it is
active, changes it; the guidance worker records contacts of his own running episode. A save based on an
old version is refused and the screen shows his input again beside the data as it is now; the form then
carries the newer version, so saving again applies it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftercare import selectors, services
from aftercare.forms import (
    ActionForm,
    CaseloadFilterForm,
    ConditionForm,
    ConsentForm,
    EscalationForm,
    GuidanceContactForm,
    GuidanceEndForm,
    GuidanceStartForm,
    InformationForm,
    NoticeForm,
    ReleaseForm,
)
from aftercare.models import (
    AftercareFile,
    BasicCondition,
    ConditionAction,
    GuidanceEpisode,
    ReleaseTask,
    ReleaseTaskKind,
)
from cases.access import cases_visible_to
from cases.forms import Saved, save_posted
from cases.models import Case
from cases.reading import case_change_refused, case_open, case_open_to_work_on, cases_listed
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.accounts.models import Role
from zvhd.audit.services import client_ip
from zvhd.forms import posted_version

CASES_PER_PAGE = 50


def _back(case: Case) -> HttpResponse:
    return redirect(f"{case.get_absolute_url()}#aftercare")


def _file_of(case: Case) -> AftercareFile:
    """The aftercare file of a case the access layer opened; 404 for a case of another kind."""
    if case.kind != Case.Kind.AFTERCARE:
        raise Http404
    try:
        aftercare = AftercareFile.objects.select_related("person", "municipality").get(case=case)
    except AftercareFile.DoesNotExist:
        raise Http404 from None
    aftercare.case = case
    return aftercare


def _aftercare_to_work_on(request: HttpRequest, pk: int, *, object_type: str) -> AftercareFile:
    return _file_of(case_open_to_work_on(request, pk, object_type=object_type))


def _version(request: HttpRequest, saved: Saved, current: int) -> int:
    """The version the form carries: the one he started from while he corrects his input (so a change
    by someone else in the meantime is still noticed), else the current one."""
    if request.method == "POST" and saved is Saved.NO:
        return posted_version(request)
    return current


def _screen(request: HttpRequest, template: str, aftercare: AftercareFile, **context: Any) -> HttpResponse:
    return render(request, template, {"case": aftercare.case, "aftercare": aftercare, **context})


# --- The caseload and a notice by hand --------------------------------------------------------------


@require_GET
@capability_required(Capability.AFTERCARE)
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    files = selectors.aftercare_caseload(
        user=request.user,
        state=filters.get("state") or selectors.CaseloadState.OPEN,
        municipality=filters.get("municipality"),
    )
    page = Paginator(files, CASES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in page:
        row.next_task_label = ReleaseTaskKind(row.next_task_kind).label if row.next_task_kind else ""
        row.next_task_overdue = row.next_task_due is not None and row.next_task_due < today
        row.guidance_running = next(iter(row.running_guidance), None)
    cases_listed(
        request,
        object_type="aftercare_caseload",
        cases=[row.case for row in page],
        detail=f"page {page.number}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "is_guidance_worker": request.user.role == Role.GUIDANCE_WORKER,
    }
    return render(request, "aftercare/caseload.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE_REGISTER)
def notice_create(request: HttpRequest) -> HttpResponse:
    """A detention notice entered by hand; whoever registers it runs the aftercare case it opens."""
    form = NoticeForm(request.POST or None)
    registered: dict[str, Any] = {}

    def save() -> None:
        registered["notice"], registered["outcome"] = services.notice_register(
            by=request.user, data=form.to_data(), origin=client_ip(request)
        )

    saved = save_posted(request, [form], save, success=_("The detention notice has been saved."))
    if saved is not Saved.YES:
        return render(request, "aftercare/notice_form.html", {"form": form})
    if registered["outcome"] == services.NoticeOutcome.UNCHANGED:
        messages.info(request, _("This notice was known already; nothing has changed."))
    case_id = registered["notice"].aftercare.case_id
    if not cases_visible_to(request.user).filter(pk=case_id).exists():
        # The person already has an open aftercare case run by a colleague: the notice went there.
        messages.info(request, _("The notice was added to an aftercare case of a colleague."))
        return redirect("aftercare-caseload")
    return redirect(f"{reverse('case-detail', kwargs={'pk': case_id})}#aftercare")


# --- Consent and information -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="consent")
    form = ConsentForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.consent_record(
            aftercare=aftercare,
            by=request.user,
            version=posted_version(request),
            origin=client_ip(request),
            **form.to_kwargs(),
        ),
        success=_("The consent has been recorded."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    if saved is Saved.CONFLICT:
        aftercare.refresh_from_db()
    return _screen(
        request,
        "aftercare/consent_form.html",
        aftercare,
        form=form,
        version=_version(request, saved, aftercare.version),
        conflict=saved is Saved.CONFLICT,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def information_add(request: HttpRequest, pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="aftercare_information")
    form = InformationForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.information_add(
            aftercare=aftercare, by=request.user, origin=client_ip(request), **form.to_kwargs()
        ),
        success=_("The information has been recorded."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    return _screen(request, "aftercare/information_form.html", aftercare, form=form)


# --- The basic conditions ---------------------------------------------------------------------------


def _condition_of(aftercare: AftercareFile, kind: str) -> BasicCondition:
    condition = get_object_or_404(
        BasicCondition.objects.prefetch_related("actions__owner_partner"), aftercare=aftercare, kind=kind
    )
    condition.aftercare = aftercare
    return condition


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def condition_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="basic_condition")
    condition = _condition_of(aftercare, kind)
    form = ConditionForm(request.POST or None, condition=condition)
    saved = save_posted(
        request,
        [form],
        lambda: services.condition_update(
            condition=condition,
            by=request.user,
            version=posted_version(request),
            data=form.to_data(),
            origin=client_ip(request),
        ),
        success=_("The basic condition has been changed."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    if saved is Saved.CONFLICT:
        condition.refresh_from_db()
    return _screen(
        request,
        "aftercare/condition_form.html",
        aftercare,
        condition=condition,
        form=form,
        version=_version(request, saved, condition.version),
        conflict=saved is Saved.CONFLICT,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def action_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="condition_action")
    condition = _condition_of(aftercare, kind)
    form = ActionForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.condition_action_add(
            condition=condition, by=request.user, origin=client_ip(request), **form.to_kwargs()
        ),
        success=_("The action has been added."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    return _screen(request, "aftercare/action_form.html", aftercare, condition=condition, form=form)


@require_POST
@capability_required(Capability.AFTERCARE)
def action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="condition_action")
    action = get_object_or_404(ConditionAction, pk=action_pk, condition__aftercare=aftercare)
    services.condition_action_done(action=action, by=request.user, origin=client_ip(request))
    messages.success(request, _("The action has been marked as done."))
    return _back(aftercare.case)


# --- Release -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def release_record(request: HttpRequest, pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="release")
    form = ReleaseForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.release_record(
            aftercare=aftercare,
            by=request.user,
            version=posted_version(request),
            released_on=form.cleaned_data["released_on"],
            origin=client_ip(request),
        ),
        success=_("The release has been recorded."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    if saved is Saved.CONFLICT:
        aftercare.refresh_from_db()
    return _screen(
        request,
        "aftercare/release_form.html",
        aftercare,
        form=form,
        version=_version(request, saved, aftercare.version),
        conflict=saved is Saved.CONFLICT,
    )


@require_POST
@capability_required(Capability.AFTERCARE)
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="release_task")
    task = get_object_or_404(ReleaseTask, pk=task_pk, aftercare=aftercare)
    services.release_task_done(task=task, by=request.user, origin=client_ip(request))
    messages.success(request, _("The release task has been marked as done."))
    return _back(aftercare.case)


# --- Guidance ----------------------------------------------------------------------------------------


def _episode_of(aftercare: AftercareFile, episode_pk: int) -> GuidanceEpisode:
    episode = get_object_or_404(
        GuidanceEpisode.objects.select_related("worker"), pk=episode_pk, aftercare=aftercare
    )
    episode.aftercare = aftercare
    return episode


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def guidance_start(request: HttpRequest, pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="guidance")
    form = GuidanceStartForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.guidance_start(
            aftercare=aftercare, by=request.user, origin=client_ip(request), **form.to_kwargs()
        ),
        success=_("The guidance has started."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    return _screen(request, "aftercare/guidance_start_form.html", aftercare, form=form)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def guidance_contact_add(request: HttpRequest, pk: int, episode_pk: int) -> HttpResponse:
    """The nazorgcoördinator, or the guidance worker of this running episode, records a contact."""
    case = case_open(request, pk)
    aftercare = _file_of(case)
    episode = _episode_of(aftercare, episode_pk)
    if not services.may_record_guidance_contact(request.user, case, episode):
        raise case_change_refused(request, case, object_type="guidance_contact")
    form = GuidanceContactForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.guidance_contact_add(
            episode=episode, by=request.user, origin=client_ip(request), **form.to_kwargs()
        ),
        success=_("The contact has been recorded."),
    )
    if saved is Saved.YES:
        return _back(case)
    return _screen(request, "aftercare/guidance_contact_form.html", aftercare, episode=episode, form=form)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def guidance_end(request: HttpRequest, pk: int, episode_pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="guidance")
    episode = _episode_of(aftercare, episode_pk)
    if episode.ended_on is not None:
        messages.info(request, _("This guidance has ended already."))
        return _back(aftercare.case)
    form = GuidanceEndForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.guidance_end(
            episode=episode,
            by=request.user,
            ended_on=form.cleaned_data["ended_on"],
            result=form.cleaned_data["result"],
            origin=client_ip(request),
        ),
        success=_("The guidance has ended."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    return _screen(request, "aftercare/guidance_end_form.html", aftercare, episode=episode, form=form)


# --- Escalation to procesregie --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Capability.AFTERCARE)
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    aftercare = _aftercare_to_work_on(request, pk, object_type="escalation_to_procesregie")
    if aftercare.escalated_to_id is not None:
        messages.info(request, _("This aftercare case has already been escalated to procesregie."))
        return _back(aftercare.case)
    form = EscalationForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: services.escalate_to_procesregie(
            aftercare=aftercare,
            by=request.user,
            version=posted_version(request),
            data=form.to_data(),
            origin=client_ip(request),
        ),
        success=_("The case has been escalated to procesregie: a referral for the ketenkamer is registered."),
    )
    if saved is Saved.YES:
        return _back(aftercare.case)
    if saved is Saved.CONFLICT:
        aftercare.refresh_from_db()
        if aftercare.escalated_to_id is not None:
            messages.info(request, _("This aftercare case has already been escalated to procesregie."))
            return _back(aftercare.case)
    return _screen(
        request,
        "aftercare/escalation_form.html",
        aftercare,
        form=form,
        version=_version(request, saved, aftercare.version),
        conflict=saved is Saved.CONFLICT,
    )
