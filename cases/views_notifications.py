"""Meldingen: the notifications of whoever is logged in (every role can receive them), and the unread
count in the menu. Thin adapters over cases/notifications.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from cases import notifications
from cases.models import Notification

NOTIFICATIONS_PER_PAGE = 50
# Sent with every change of the read state, so that the count in the menu loads again.
READ_EVENT = "notifications-read"


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    listed = notifications.notifications_for(request.user)
    page = Paginator(listed, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    notifications.notifications_shown(request, page, detail=f"page {page.number}")
    context = {"page": page, "unread": notifications.notifications_unread_count(request.user)}
    return render(request, "cases/notifications.html", context)


@require_GET
@login_required
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the menu, loaded by htmx so that no other page pays a query for it."""
    count = notifications.notifications_unread_count(request.user)
    return render(request, "cases/_notifications_badge.html", {"count": count})


@require_POST
@login_required
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one as read; with htmx the row comes back, without it the page the button was on."""
    try:
        notification = notifications.notification_read(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise notifications.notification_refused(request, pk) from None
    if not request.htmx:
        return _back_to_list(request.POST.get("page", ""))
    notifications.notifications_shown(request, [notification], detail=f"notification {pk}")
    response = render(request, "cases/_notification_row.html", {"notification": notification})
    return trigger_client_event(response, READ_EVENT)


@require_POST
@login_required
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = notifications.notifications_read_all(user=request.user)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)d notification has been marked as read.",
                "%(count)d notifications have been marked as read.",
                marked,
            )
            % {"count": marked},
        )
    return _back_to_list("")


def _back_to_list(page: str) -> HttpResponse:
    target = reverse("notifications")
    return redirect(f"{target}?page={page}" if page.isdigit() else target)
