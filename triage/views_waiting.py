"""Screens of the werkvoorraad: the ranked waiting list, one waiting case (its score, rank history and
contacts with the referrer), and the two ways off the list: a procesregisseur takes it, or it closes.

Thin adapters between forms, `triage.waiting_list` (the services) and `triage.selectors`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import cases_visible_to
from cases.forms import CaseCloseForm, Saved, apply_service_errors, save_posted
from cases.models import Case
from cases.reading import cases_listed
from triage import selectors
from triage.forms_waiting import AssignForm, RankForm, ReferrerContactForm
from triage.models import WaitingListEntry
from triage.waiting_list import (
    COMPONENTS,
    rank_override,
    referrer_contact_add,
    waiting_list_assign,
    waiting_list_close,
    waiting_list_prioritise,
    weeks_between,
)
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request, client_ip
from zvhd.forms import posted_version

ENTRIES_PER_PAGE = 50

COMPONENT_LABELS = {
    "safety_risk": gettext_lazy("Safety risk"),
    "weeks_waiting": gettext_lazy("Weeks waiting"),
    "minors_in_system": gettext_lazy("Minors in the system"),
    "escalation_signals": gettext_lazy("Escalation signals"),
    "partner_urgency": gettext_lazy("Urgency according to the referrer"),
}


# --- Presentation ------------------------------------------------------------------------------------


def score_parts(breakdown: dict[str, int]) -> list[tuple[str, int]]:
    """The points of each component of the score, labelled, in the order of `COMPONENTS`."""
    return [(COMPONENT_LABELS[name], breakdown[name]) for name in COMPONENTS if name in breakdown]


def movement(entry: WaitingListEntry) -> tuple[str, int]:
    """How the rank moved since the ranking before the latest: ("up" | "down" | "same" | "new" |
    "unranked", places)."""
    if entry.rank is None:
        return "unranked", 0
    if entry.previous_rank is None:
        return "new", 0
    if entry.previous_rank > entry.rank:
        return "up", entry.previous_rank - entry.rank
    if entry.previous_rank < entry.rank:
        return "down", entry.rank - entry.previous_rank
    return "same", 0


def _presented(entries: Iterable[WaitingListEntry], today: datetime.date) -> list[WaitingListEntry]:
    rows = []
    for entry in entries:
        entry.weeks_waiting = weeks_between(entry.added_on, today)
        entry.score_parts = score_parts(entry.breakdown or {})
        entry.movement, entry.places = movement(entry)
        entry.newcomer = entry.rank is None
        entry.main_subject = next(iter(entry.case.primary_subjects), None)
        rows.append(entry)
    return rows


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, also when nothing was chosen (an empty POST must still be validated)."""
    return request.POST if request.method == "POST" else None


def _entry_for(request: HttpRequest, pk: int) -> WaitingListEntry:
    """The waiting case for this user. One he may not see, or that is no longer waiting, is logged as
    denied and answers 404, like a case page (`cases.reading.case_open`)."""
    try:
        return selectors.waiting_entry_get_for(user=request.user, pk=pk)
    except Http404:
        audit_request(
            request,
            action=AuditEvent.Action.READ if request.method == "GET" else AuditEvent.Action.UPDATE,
            object_type="waiting_list_entry",
            object_id=pk,
            data_category=AuditEvent.DataCategory.CASE_FILE,
            result=AuditEvent.Result.DENIED,
        )
        raise


def _read_logged(
    request: HttpRequest, entry: WaitingListEntry, person_ids: Iterable[int], detail: str
) -> None:
    audit_request(
        request,
        action=AuditEvent.Action.READ,
        object_type="waiting_list_entry",
        object_id=entry.pk,
        case_id=entry.case_id,
        person_ids=person_ids,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=entry.case.legal_basis,
        detail=detail,
    )


def _shown_subjects(entry: WaitingListEntry) -> list[int]:
    return [subject.person_id for subject in entry.case.primary_subjects]


# --- The list ------------------------------------------------------------------------------------------


@require_GET
@capability_required(Capability.WAITING_LIST)
def waiting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.waiting_list(user=request.user), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = _presented(page, timezone.localdate())
    cases_listed(
        request,
        object_type="waiting_list",
        cases=[entry.case for entry in entries],
        detail=f"page {page.number}",
    )
    context = {"page": page, "entries": entries, "latest": selectors.prioritisation_latest()}
    return render(request, "triage/waiting_list.html", context)


@require_POST
@capability_required(Capability.WAITING_LIST)
def waiting_list_prioritise_now(request: HttpRequest) -> HttpResponse:
    snapshot, ranked = waiting_list_prioritise(by=request.user)
    if ranked:
        messages.success(
            request,
            ngettext(
                "Week %(week)s: %(count)s case ranked.",
                "Week %(week)s: %(count)s cases ranked.",
                snapshot.entries,
            )
            % {"week": snapshot.week, "count": snapshot.entries},
        )
    else:
        messages.info(
            request,
            _("Week %(week)s was already ranked on %(at)s; nothing changed.")
            % {"week": snapshot.week, "at": f"{timezone.localtime(snapshot.created_at):%d-%m-%Y %H:%M}"},
        )
    return redirect("waiting-list")


# --- One waiting case ------------------------------------------------------------------------------------


def _entry_page(
    request: HttpRequest,
    entry: WaitingListEntry,
    *,
    contact_form: ReferrerContactForm | None = None,
    rank_form: RankForm | None = None,
    rank_version: int | None = None,
    conflict: bool = False,
) -> HttpResponse:
    subjects = list(
        entry.case.subjects.select_related("person", "municipality").order_by("-is_primary", "id")
    )
    _read_logged(request, entry, [subject.person_id for subject in subjects], "entry")
    (entry,) = _presented([entry], timezone.localdate())
    context = {
        "entry": entry,
        "case": entry.case,
        "subjects": subjects,
        "history": list(selectors.rank_history(entry=entry)),
        "contacts": list(selectors.referrer_contacts(case=entry.case)),
        "contact_form": contact_form or ReferrerContactForm(initial={"occurred_on": timezone.localdate()}),
        "rank_form": rank_form
        or RankForm(initial={"rank": entry.rank_override, "reason": entry.override_reason}),
        "rank_version": entry.version if rank_version is None else rank_version,
        "conflict": conflict,
    }
    return render(request, "triage/waiting_entry.html", context)


@require_GET
@capability_required(Capability.WAITING_LIST)
def waiting_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, _entry_for(request, pk))


@require_POST
@capability_required(Capability.WAITING_LIST)
def waiting_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    form = ReferrerContactForm(request.POST)
    if form.is_valid():
        try:
            referrer_contact_add(
                case=entry.case, by=request.user, origin=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The contact with the referrer has been logged."))
            return redirect("waiting-entry", pk=entry.pk)
    return _entry_page(request, entry, contact_form=form)


@require_POST
@capability_required(Capability.WAITING_LIST)
def waiting_rank(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    form = RankForm(request.POST)
    rank = form.cleaned_data["rank"] if form.is_valid() else None
    saved = save_posted(
        request,
        [form],
        lambda: rank_override(
            entry=entry,
            by=request.user,
            rank=rank,
            reason=form.cleaned_data["reason"],
            version=posted_version(request),
            origin=client_ip(request),
        ),
        success=(
            _("Case %(number)s follows its score again from the next ranking.")
            if rank is None
            else _("Case %(number)s now has rank %(rank)s.")
        )
        % {"number": entry.case.number, "rank": rank},
    )
    if saved is Saved.YES:
        return redirect("waiting-list")
    version = posted_version(request)
    if saved is Saved.CONFLICT:
        # Keep his input; the form now carries the newer version, so saving again applies it.
        entry = _entry_for(request, pk)
        version = entry.version
    return _entry_page(request, entry, rank_form=form, rank_version=version, conflict=saved is Saved.CONFLICT)


# --- Off the list -----------------------------------------------------------------------------------------


def _case_page_or_list(request: HttpRequest, case: Case) -> HttpResponse:
    """The case page when the user still sees the case, else the list (a procesondersteuner no longer
    sees a case once procesregie has started or it has closed)."""
    if cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect(case)
    return redirect("waiting-list")


@require_http_methods(["GET", "POST"])
@capability_required(Capability.WAITING_LIST)
def waiting_assign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    form = AssignForm(_posted(request), coordinators=selectors.coordinators_with_caseload())
    coordinator = form.cleaned_data["coordinator"] if form.is_bound and form.is_valid() else None
    saved = save_posted(
        request,
        [form],
        lambda: waiting_list_assign(
            entry=entry,
            by=request.user,
            coordinator=coordinator,
            version=posted_version(request),
            origin=client_ip(request),
        ),
        success=_("%(coordinator)s is now the process coordinator of case %(number)s.")
        % {"coordinator": coordinator, "number": entry.case.number},
    )
    if saved is Saved.YES:
        return _case_page_or_list(request, entry.case)
    version = posted_version(request) if request.method == "POST" else entry.version
    if saved is Saved.CONFLICT:
        entry = _entry_for(request, pk)
        version = entry.version
    _read_logged(request, entry, _shown_subjects(entry), "assign")
    context = {
        "entry": entry,
        "case": entry.case,
        "main_subject": next(iter(entry.case.primary_subjects), None),
        "form": form,
        "coordinators": list(form.fields["coordinator"].queryset),
        "version": version,
        "conflict": saved is Saved.CONFLICT,
    }
    return render(request, "triage/waiting_assign.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.WAITING_LIST)
def waiting_close(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    form = CaseCloseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = waiting_list_close(
                entry=entry, by=request.user, reason=form.cleaned_data["reason"], origin=client_ip(request)
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(
                request,
                _("Case %(number)s has been closed and left the waiting list.") % {"number": case.number},
            )
            return _case_page_or_list(request, case)
    _read_logged(request, entry, _shown_subjects(entry), "close")
    context = {
        "entry": entry,
        "case": entry.case,
        "main_subject": next(iter(entry.case.primary_subjects), None),
        "form": form,
    }
    return render(request, "triage/waiting_close.html", context)
