"""Screens of the triage meetings (ketenkamer, routeeroverleg): planning, the agenda, the assessment and
decision per item, the liaisons' enrichment, the feedback to the referrer and the decisions list.

Thin adapters: forms validate input, triage/services.py changes state (and logs it), selectors read.
Pages that show personal data log the read here, as the case pages do.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms import apply_service_errors
from cases.reading import cases_listed
from triage import minutes, selectors, services
from triage.forms import (
    AgendaAddForm,
    AgendaMoveForm,
    DecisionForm,
    EnrichmentForm,
    FeedbackForm,
    MeetingEditForm,
    MeetingPlanForm,
)
from triage.models import AgendaItem, Feedback, Meeting
from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.accounts.decorators import capability_required, screen_refused_record
from zvhd.accounts.models import Role
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request, client_ip
from zvhd.forms import posted_version

PAST_MEETINGS_PER_PAGE = 25


# --- Meetings --------------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.MEETINGS_ATTEND)
def meeting_list(request: HttpRequest) -> HttpResponse:
    held = Paginator(selectors.meetings_held(user=request.user), PAST_MEETINGS_PER_PAGE)
    context = {
        "ahead": list(selectors.meetings_ahead(user=request.user)),
        "page": held.get_page(request.GET.get("page")),
        "meeting_types": selectors.meeting_types_plannable(),
        "can_plan": user_has_capability(request.user, Capability.TRIAGE),
    }
    return render(request, "triage/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.TRIAGE)
def meeting_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = MeetingPlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_plan(
                    by=request.user,
                    meeting_type=data["meeting_type"],
                    date=data["date"],
                    chair=data["chair"],
                    liaisons=list(data["liaisons"]),
                    origin=client_ip(request),
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                count = meeting.items.count()
                messages.success(
                    request,
                    ngettext(
                        "The meeting has been planned; %(count)s referral is on its agenda.",
                        "The meeting has been planned; %(count)s referrals are on its agenda.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(meeting)
    else:
        form = MeetingPlanForm(initial=_plan_initial(request))
    return render(request, "triage/meeting_form.html", {"form": form})


def _plan_initial(request: HttpRequest) -> dict[str, object]:
    """The type asked for (`?type=`, else the first), its next free usual day, the planner as chair.

    No liaison is ticked beforehand: each one ticked sees the agenda's referrals (need-to-know).
    """
    types = list(selectors.meeting_types_plannable())
    chosen = next((t for t in types if str(t.pk) == request.GET.get("type")), types[0] if types else None)
    if chosen is None:
        return {"chair": request.user}
    return {
        "meeting_type": chosen,
        "date": selectors.meeting_date_proposed(meeting_type=chosen),
        "chair": request.user,
    }


@require_GET
@capability_required(Capability.MEETINGS_ATTEND)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    return _meeting_page(request, meeting)


def _meeting_page(
    request: HttpRequest, meeting: Meeting, *, add_form: AgendaAddForm | None = None
) -> HttpResponse:
    """The agenda page (also re-rendered with the errors of the add-by-hand form); its read is logged."""
    user = request.user
    items = selectors.agenda_items(user=user, meeting=meeting)
    organisations = selectors.seated_organisations(user=user, meeting=meeting)
    selectors.agenda_enrichment_columns(items, organisations)
    can_triage = user_has_capability(user, Capability.TRIAGE)
    is_open = meeting.date >= timezone.localdate()
    context = {
        "meeting": meeting,
        "items": items,
        "organisations": organisations,
        "can_triage": can_triage,
        "is_open": is_open,
        "is_liaison": user.role == Role.LIAISON,
    }
    if can_triage:
        complete, incomplete = selectors.agenda_candidates(user=user, meeting=meeting)
        context |= {
            "complete": complete,
            "incomplete": incomplete,
            "upcoming": list(selectors.meeting_upcoming(user=user, after=meeting)),
            "add_form": add_form
            or AgendaAddForm(cases=selectors.referrals_addable(user=user, meeting=meeting)),
        }
    cases_listed(
        request,
        object_type="meeting_agenda",
        cases=[item.case for item in items if item.case_visible],
        detail=f"meeting {meeting.pk}",
    )
    return render(request, "triage/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.TRIAGE)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    version, conflict = meeting.version, False
    if request.method == "POST":
        form = MeetingEditForm(request.POST, meeting=meeting)
        version = posted_version(request)
        if form.is_valid():
            try:
                services.meeting_update(
                    meeting=meeting,
                    by=request.user,
                    version=version,
                    chair=form.cleaned_data["chair"],
                    liaisons=list(form.cleaned_data["liaisons"]),
                    origin=client_ip(request),
                )
            except services.ConcurrentEditError:
                # Keep his input; the page now carries the current version, so saving again applies it.
                conflict, version = True, meeting.version
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("The meeting has been changed."))
                return redirect(meeting)
    else:
        form = MeetingEditForm(
            meeting=meeting, initial={"chair": meeting.chair, "liaisons": list(meeting.liaisons.all())}
        )
    context = {"meeting": meeting, "form": form, "version": version, "conflict": conflict}
    return render(request, "triage/meeting_edit.html", context)


# --- The agenda ------------------------------------------------------------------------------------


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back_to_agenda(meeting_pk: int, item: AgendaItem | None = None) -> HttpResponse:
    url = reverse("meeting-detail", kwargs={"pk": meeting_pk})
    return redirect(f"{url}#item-{item.pk}" if item is not None else f"{url}#agenda")


@require_POST
@capability_required(Capability.TRIAGE)
def meeting_propose(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    try:
        added = services.agenda_propose(meeting=meeting, by=request.user, origin=client_ip(request))
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s referral has been put on the agenda.",
                "%(count)s referrals have been put on the agenda.",
                len(added),
            )
            % {"count": len(added)},
        )
    return _back_to_agenda(meeting.pk)


@require_POST
@capability_required(Capability.TRIAGE)
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    form = AgendaAddForm(request.POST, cases=selectors.referrals_addable(user=request.user, meeting=meeting))
    if form.is_valid():
        case = form.cleaned_data["case"]
        try:
            item = services.agenda_add(meeting=meeting, case=case, by=request.user, origin=client_ip(request))
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("Referral %(number)s is on the agenda.") % {"number": case.number})
            return _back_to_agenda(meeting.pk, item)
    return _meeting_page(request, meeting, add_form=form)


def _item_for_change(request: HttpRequest, pk: int) -> AgendaItem:
    return selectors.agenda_item_get_for(user=request.user, pk=pk)


@require_POST
@capability_required(Capability.TRIAGE)
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_change(request, pk)
    form = AgendaMoveForm(
        request.POST, meetings=selectors.meeting_upcoming(user=request.user, after=item.meeting)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a meeting that has not taken place."))
        return _back_to_agenda(item.meeting_id, item)
    to = form.cleaned_data["meeting"]
    try:
        services.agenda_move(item=item, to=to, by=request.user, origin=client_ip(request))
    except ValidationError as error:
        _errors_to_messages(request, error)
        return _back_to_agenda(item.meeting_id, item)
    messages.success(
        request,
        _("Referral %(number)s has moved to %(meeting)s.") % {"number": item.case.number, "meeting": to},
    )
    return _back_to_agenda(item.meeting_id)


@require_POST
@capability_required(Capability.TRIAGE)
def agenda_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_change(request, pk)
    try:
        case = services.agenda_remove(item=item, by=request.user, origin=client_ip(request))
    except ValidationError as error:
        _errors_to_messages(request, error)
        return _back_to_agenda(item.meeting_id, item)
    messages.success(
        request,
        _("Referral %(number)s is off the agenda and waits for a meeting again.") % {"number": case.number},
    )
    return _back_to_agenda(item.meeting_id)


@require_POST
@capability_required(Capability.TRIAGE)
def agenda_item_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item one place up or down; the page (or, with htmx, its agenda) is shown again."""
    item = _item_for_change(request, pk)
    services.agenda_reorder(item=item, up=request.POST.get("direction") != "down")
    return _back_to_agenda(item.meeting_id, item)


# --- One item: decision and enrichment ----------------------------------------------------------------


def _item_read_record(request: HttpRequest, item: AgendaItem, detail: str) -> None:
    audit_request(
        request,
        action=AuditEvent.Action.READ,
        object_type="agenda_item",
        object_id=item.pk,
        case_id=item.case_id,
        person_ids=[subject.person_id for subject in item.case.subjects.all()],
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=item.case.legal_basis,
        detail=detail,
    )


def _item_context(item: AgendaItem) -> dict[str, object]:
    subjects = list(item.case.subjects.all())
    return {
        "item": item,
        "meeting": item.meeting,
        "case": item.case,
        "referral": item.case.referral,
        "primary": next((subject for subject in subjects if subject.is_primary), None),
        "enrichments": list(item.enrichments.all()),
    }


@require_http_methods(["GET", "POST"])
@capability_required(Capability.TRIAGE)
def agenda_item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_detail(user=request.user, pk=pk)
    version, conflict = item.version, False
    if request.method == "POST":
        form = DecisionForm(request.POST)
        version = posted_version(request)
        if form.is_valid():
            try:
                services.decision_record(
                    item=item,
                    by=request.user,
                    data=form.to_data(),
                    version=version,
                    origin=client_ip(request),
                )
            except services.ConcurrentEditError:
                conflict, version = True, item.version
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(
                    request,
                    _("The decision on %(number)s has been recorded. Check the feedback to the referrer.")
                    % {"number": item.case.number},
                )
                return redirect("feedback-edit", pk=item.pk)
    else:
        form = DecisionForm(initial={"criteria_met": list(item.case.referral.acceptance_criteria.all())})
    _item_read_record(request, item, detail="decision")
    context = _item_context(item) | {"form": form, "version": version, "conflict": conflict}
    return render(request, "triage/item_decide.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MEETINGS_ATTEND)
def agenda_item_enrich(request: HttpRequest, pk: int) -> HttpResponse:
    """A liaison records what his organisation knows; he sees his own organisation's record only."""
    if request.user.role != Role.LIAISON:
        screen_refused_record(request)
        raise PermissionDenied
    item = selectors.agenda_item_detail(user=request.user, pk=pk)
    own = next(iter(item.enrichments.all()), None)  # the selector leaves a liaison only his own
    version, conflict = (own.version if own else None), False
    if request.method == "POST":
        form = EnrichmentForm(request.POST)
        version = posted_version(request) or None
        if form.is_valid():
            try:
                services.enrichment_record(
                    item=item,
                    by=request.user,
                    known=form.cleaned_data["known"],
                    information=form.cleaned_data["information"],
                    version=version,
                    origin=client_ip(request),
                )
            except PermissionError:
                raise Http404 from None
            except services.ConcurrentEditError:
                item = selectors.agenda_item_detail(user=request.user, pk=pk)
                own = next(iter(item.enrichments.all()), None)
                conflict, version = True, (own.version if own else None)
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(
                    request, _("Your enrichment of %(number)s has been saved.") % {"number": item.case.number}
                )
                return redirect(item.meeting)
    else:
        initial = {"known": own.known, "information": own.information} if own else {}
        form = EnrichmentForm(initial=initial)
    _item_read_record(request, item, detail="enrichment")
    context = _item_context(item) | {"form": form, "version": version, "conflict": conflict, "own": own}
    return render(request, "triage/item_enrich.html", context)


# --- Feedback to the referrer ------------------------------------------------------------------------


def _feedback_read_record(request: HttpRequest, feedback: Feedback, detail: str) -> None:
    """The feedback names the referrer, not the subjects: logged without persons."""
    audit_request(
        request,
        action=AuditEvent.Action.READ,
        object_type="referrer_feedback",
        object_id=feedback.pk,
        case_id=feedback.case_id,
        data_category=AuditEvent.DataCategory.REFERRAL,
        legal_basis=feedback.case.legal_basis,
        detail=detail,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.TRIAGE)
def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the message (save) or edit and send it (send); once sent it is shown as it went out."""
    feedback = selectors.feedback_get_for(user=request.user, item_pk=pk)
    version, conflict = feedback.version, False
    if request.method == "POST" and feedback.sent_at is None:
        form = FeedbackForm(request.POST)
        version = posted_version(request)
        if form.is_valid():
            try:
                feedback = _feedback_save(request, feedback, form, version)
            except services.ConcurrentEditError:
                feedback = selectors.feedback_get_for(user=request.user, item_pk=pk)
                conflict, version = True, feedback.version
            except ValidationError as error:
                apply_service_errors(error, form)
                feedback = selectors.feedback_get_for(user=request.user, item_pk=pk)
                version = feedback.version
            else:
                return redirect("feedback-edit", pk=pk)
    else:
        form = FeedbackForm(
            initial={"recipient": feedback.recipient, "subject": feedback.subject, "body": feedback.body}
        )
    _feedback_read_record(request, feedback, detail="edit")
    context = {
        "feedback": feedback,
        "item": feedback.item,
        "meeting": feedback.item.meeting,
        "form": form,
        "version": version,
        "conflict": conflict,
    }
    return render(request, "triage/feedback_edit.html", context)


def _feedback_save(request: HttpRequest, feedback: Feedback, form: FeedbackForm, version: int) -> Feedback:
    """Save the text; with the send button, send it after saving (two steps, each its own transaction)."""
    data = form.cleaned_data
    feedback = services.feedback_update(
        feedback=feedback,
        by=request.user,
        version=version,
        recipient=data["recipient"],
        subject=data["subject"],
        body=data["body"],
    )
    if request.POST.get("action") != "send":
        messages.success(request, _("The feedback has been saved."))
        return feedback
    feedback = services.feedback_send(feedback=feedback, by=request.user, origin=client_ip(request))
    messages.success(request, _("The feedback has been sent to %(to)s.") % {"to": feedback.recipient})
    return feedback


@require_GET
@capability_required(Capability.TRIAGE)
def feedback_letter(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get_for(user=request.user, item_pk=pk)
    _feedback_read_record(request, feedback, detail="letter")
    context = {"feedback": feedback, "referral": feedback.case.referral, "today": timezone.localdate()}
    return render(request, "triage/feedback_letter.html", context)


# --- The decisions list -------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.TRIAGE)
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The decisions list as PDF, without names of subjects; logged as an export."""
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    items = selectors.agenda_items(user=request.user, meeting=meeting)
    pdf = minutes.minutes_pdf(meeting=meeting, items=items)
    audit_request(
        request,
        action=AuditEvent.Action.EXPORT,
        object_type="meeting_minutes",
        object_id=meeting.pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        detail=f"{meeting.meeting_type.code} {meeting.date:%Y-%m-%d}: {len(items)} items, pdf",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{minutes.minutes_filename(meeting)}"'
    return response
