"""Advice screens: the advice page (the year's counts, anonymous advice and the information desk's
contact moments, each with its form) and concluding a case handled as extended advice.

Anonymous advice and contact moments hold no personal data, so listing them writes no access-log record;
the conclude screen opens a case file and is logged like every case page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import advice
from cases.forms import apply_service_errors
from cases.forms_advice import AnonymousAdviceForm, ExtendedAdviceConcludeForm, InformationContactForm
from cases.models import AnonymousAdvice, InformationContact
from cases.reading import case_change_refused, case_open
from zvhd.accounts.capabilities import Capability
from zvhd.accounts.decorators import capability_required
from zvhd.audit.services import client_ip

PAGE_SIZE = 25
LATEST_CONTACTS = 10
FIRST_YEAR = 2000


def _year(request: HttpRequest) -> int:
    """The year asked for in `?jaar=`, or this year; nonsense falls back to this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("jaar", this_year))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def _advice_page(
    request: HttpRequest,
    *,
    advice_form: AnonymousAdviceForm | None = None,
    contact_form: InformationContactForm | None = None,
) -> HttpResponse:
    year = _year(request)
    records = AnonymousAdvice.objects.select_related("partner", "municipality", "main_topic", "given_by")
    context: dict[str, Any] = {
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < timezone.localdate().year else None,
        "counts": advice.advice_counts(year=year),
        "page": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": f"jaar={year}",
        "contacts": InformationContact.objects.select_related("partner", "by")[:LATEST_CONTACTS],
        "advice_form": advice_form or AnonymousAdviceForm(),
        "contact_form": contact_form or InformationContactForm(),
    }
    return render(request, "cases/advice_overview.html", context)


@require_GET
@capability_required(Capability.ADVICE_REGISTER)
def advice_overview(request: HttpRequest) -> HttpResponse:
    return _advice_page(request)


@require_POST
@capability_required(Capability.ADVICE_REGISTER)
def anonymous_advice_create(request: HttpRequest) -> HttpResponse:
    form = AnonymousAdviceForm(request.POST)
    if form.is_valid():
        try:
            advice.anonymous_advice_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The anonymous advice has been recorded."))
            return redirect("advice")
    return _advice_page(request, advice_form=form)


@require_POST
@capability_required(Capability.ADVICE_REGISTER)
def information_contact_create(request: HttpRequest) -> HttpResponse:
    form = InformationContactForm(request.POST)
    if form.is_valid():
        try:
            advice.information_contact_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The contact moment has been logged."))
            return redirect("advice")
    return _advice_page(request, contact_form=form)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.ADVICE_REGISTER)
def extended_advice_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_open(request, pk)
    if not advice.extended_advice_may_conclude(case=case, user=request.user):
        raise case_change_refused(request, case, object_type="case")
    form = ExtendedAdviceConcludeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            advice.extended_advice_conclude(
                case=case, by=request.user, summary=form.cleaned_data["summary"], origin=client_ip(request)
            )
        except PermissionError:  # the case changed hands or closed since the page was opened
            raise case_change_refused(request, case, object_type="case") from None
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, _("The advice has been recorded and the case is closed."))
            return redirect(case)
    return render(request, "cases/advice_conclude.html", {"case": case, "form": form})
