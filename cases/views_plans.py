"""Screens of the action plan: goals and agreements of a subject's plan, and its stored versions.

Anyone who may see the case reads the plan on the case page; only its procesregisseur, while the case
is active, opens the screens that change it (others get 404, logged as denied, as in views_access).
A save based on an old version is refused and the screen shows his input again beside the data as it
is now; the form then carries the newer version, so saving again applies it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import plans
from cases.forms import Saved, save_posted
from cases.forms_plans import AgreementForm, AgreementNotDoneForm, GoalForm
from cases.models import ActionPlan, Agreement, Case, Goal, PlanRevision, Subject
from cases.reading import case_open, case_open_to_work_on
from cases.services import ConcurrentEditError
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.services import client_ip
from zvhd.forms import posted_version


def _back_to_plan(case: Case, subject_id: int) -> HttpResponse:
    return redirect(f"{case.get_absolute_url()}#plan-{subject_id}")


def _goal_of(case: Case, goal_pk: int) -> Goal:
    goals = Goal.objects.select_related("plan__subject__person", "life_domain")
    return get_object_or_404(goals, pk=goal_pk, plan__case=case)


def _agreement_of(case: Case, agreement_pk: int) -> Agreement:
    agreements = Agreement.objects.select_related(
        "goal__plan__subject__person", "goal__life_domain", "owner", "owner_partner"
    )
    return get_object_or_404(agreements, pk=agreement_pk, goal__plan__case=case)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def goal_add(request: HttpRequest, pk: int, subject_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="goal")
    subject = get_object_or_404(Subject.objects.select_related("person"), pk=subject_pk, case=case)
    plan = ActionPlan.objects.filter(subject=subject).first()
    form = GoalForm(request.POST or None)

    def save() -> None:
        nonlocal plan
        plan = plan or plans.plan_for_subject(subject=subject, by=request.user, origin=client_ip(request))
        plans.goal_add(
            plan=plan,
            by=request.user,
            version=posted_version(request),
            data=form.to_data(),
            origin=client_ip(request),
        )

    saved = save_posted(request, [form], save, success=_("The goal has been added to the action plan."))
    if saved is Saved.YES:
        return _back_to_plan(case, subject.pk)
    if saved is Saved.CONFLICT:
        plan.refresh_from_db()
    context = {
        "case": case,
        "subject": subject,
        "form": form,
        "version": plan.version if plan else 1,  # a plan starts at version 1 when it is first used
        "conflict": saved is Saved.CONFLICT,
        "current_goals": list(plan.goals.select_related("life_domain")) if saved is Saved.CONFLICT else [],
    }
    return render(request, "cases/plan_goal_form.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="goal")
    goal = _goal_of(case, goal_pk)
    form = GoalForm(request.POST or None, goal=goal)
    saved = save_posted(
        request,
        [form],
        lambda: plans.goal_update(
            goal=goal,
            by=request.user,
            version=posted_version(request),
            data=form.to_data(),
            origin=client_ip(request),
        ),
        success=_("The goal has been changed."),
    )
    if saved is Saved.YES:
        return _back_to_plan(case, goal.plan.subject_id)
    if saved is Saved.CONFLICT:
        goal = _goal_of(case, goal_pk)
    context = {
        "case": case,
        "subject": goal.plan.subject,
        "goal": goal,
        "form": form,
        "version": goal.plan.version,
        "conflict": saved is Saved.CONFLICT,
        "current_goals": [goal] if saved is Saved.CONFLICT else [],
    }
    return render(request, "cases/plan_goal_form.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def agreement_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="agreement")
    goal = _goal_of(case, goal_pk)
    form = AgreementForm(request.POST or None, case=case)
    saved = save_posted(
        request,
        [form],
        lambda: plans.agreement_add(
            goal=goal,
            by=request.user,
            version=posted_version(request),
            data=form.to_data(),
            origin=client_ip(request),
        ),
        success=_("The agreement has been added."),
    )
    if saved is Saved.YES:
        return _back_to_plan(case, goal.plan.subject_id)
    if saved is Saved.CONFLICT:
        goal = _goal_of(case, goal_pk)
    context = {
        "case": case,
        "goal": goal,
        "form": form,
        "version": goal.plan.version,
        "conflict": saved is Saved.CONFLICT,
        "current_agreements": list(goal.agreements.select_related("owner", "owner_partner"))
        if saved is Saved.CONFLICT
        else [],
    }
    return render(request, "cases/plan_agreement_form.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def agreement_edit(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="agreement")
    agreement = _agreement_of(case, agreement_pk)
    if agreement.status != Agreement.Status.OPEN:
        messages.error(request, _("This agreement is no longer open and cannot be changed."))
        return _back_to_plan(case, agreement.goal.plan.subject_id)
    form = AgreementForm(request.POST or None, case=case, agreement=agreement)
    saved = save_posted(
        request,
        [form],
        lambda: plans.agreement_update(
            agreement=agreement,
            by=request.user,
            version=posted_version(request),
            data=form.to_data(),
            origin=client_ip(request),
        ),
        success=_("The agreement has been changed."),
    )
    if saved is Saved.YES:
        return _back_to_plan(case, agreement.goal.plan.subject_id)
    if saved is Saved.CONFLICT:
        agreement = _agreement_of(case, agreement_pk)
    context = {
        "case": case,
        "goal": agreement.goal,
        "agreement": agreement,
        "form": form,
        "version": agreement.version,
        "conflict": saved is Saved.CONFLICT,
        "current_agreements": [agreement] if saved is Saved.CONFLICT else [],
    }
    return render(request, "cases/plan_agreement_form.html", context)


@require_POST
@capability_required(Capability.CASE_VIEW)
def agreement_complete(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="agreement")
    agreement = _agreement_of(case, agreement_pk)
    try:
        plans.agreement_complete(
            agreement=agreement, by=request.user, version=posted_version(request), origin=client_ip(request)
        )
    except ConcurrentEditError:
        messages.warning(
            request,
            _("Someone else changed this agreement in the meantime. Check it and mark it as done again."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agreement has been marked as done."))
    return _back_to_plan(case, agreement.goal.plan.subject_id)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASE_VIEW)
def agreement_not_done(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = case_open_to_work_on(request, pk, object_type="agreement")
    agreement = _agreement_of(case, agreement_pk)
    if agreement.status != Agreement.Status.OPEN:
        messages.info(request, _("This agreement is no longer open."))
        return _back_to_plan(case, agreement.goal.plan.subject_id)
    form = AgreementNotDoneForm(request.POST or None)
    saved = save_posted(
        request,
        [form],
        lambda: plans.agreement_not_done(
            agreement=agreement,
            by=request.user,
            version=posted_version(request),
            reason=form.cleaned_data["reason"],
            origin=client_ip(request),
        ),
        success=_("The agreement has been recorded as not done."),
    )
    if saved is Saved.YES:
        return _back_to_plan(case, agreement.goal.plan.subject_id)
    if saved is Saved.CONFLICT:
        agreement = _agreement_of(case, agreement_pk)
    context = {
        "case": case,
        "agreement": agreement,
        "agreement_list": [agreement],
        "form": form,
        "version": agreement.version,
        "conflict": saved is Saved.CONFLICT,
    }
    return render(request, "cases/plan_agreement_not_done.html", context)


@require_GET
@capability_required(Capability.CASE_VIEW)
def plan_version(request: HttpRequest, pk: int, plan_pk: int, version: int) -> HttpResponse:
    """One stored version of a subject's plan, as it was then; readable by anyone who sees the case."""
    case = case_open(request, pk)
    plan = get_object_or_404(ActionPlan.objects.select_related("subject__person"), pk=plan_pk, case=case)
    try:
        revision = plans.plan_revision_get(plan=plan, version=version)
    except PlanRevision.DoesNotExist:
        raise Http404 from None
    context = {
        "case": case,
        "plan": plan,
        "revision": revision,
        "goals": plans.revision_goals(revision),
        "versions": list(plan.revisions.only("id", "plan_id", "version", "created_at")),
    }
    return render(request, "cases/plan_version.html", context)
