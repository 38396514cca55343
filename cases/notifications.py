"""In-app notifications (Meldingen): what a user was told, and whether he has read it.

A notification is about a case he could see when it was made. Access may end since (a participation
ends, the case closes), and then its text is case data he no longer needs to know: every list marks each
notification with `case_visible`, decided by the access layer, and screen and API show the text only
when it holds. Showing notification text is a read of case data, so it is logged like a list page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from cases.access import cases_visible_to
from cases.models import Case, Notification
from cases.reading import cases_listed
from cases.selectors import PRIMARY_SUBJECT
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request

# --- Selectors ----------------------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    """His notifications, newest first, each with `case_visible`: True when it is about no case or about
    a case he may still see. One query, the access check a subquery in it."""
    still_visible = Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))
    case_visible = ExpressionWrapper(Q(case_id__isnull=True) | still_visible, output_field=BooleanField())
    mine = Notification.objects.filter(user=user)
    return mine.annotate(case_visible=case_visible).order_by("-created_at", "-id")


def notifications_unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_cases(notifications: Iterable[Notification]) -> list[Case]:
    """The cases of `notifications` (from `notifications_for`) that their user may still see, with the
    main subject for the access log; each notification gets its case as `visible_case`, None when there
    is none to show. Two queries, whatever the number of notifications."""
    notifications = list(notifications)
    case_ids = {n.case_id for n in notifications if n.case_visible and n.case_id is not None}
    cases = Case.objects.prefetch_related(PRIMARY_SUBJECT).in_bulk(case_ids) if case_ids else {}
    for notification in notifications:
        notification.visible_case = cases.get(notification.case_id) if notification.case_visible else None
    return list(cases.values())


# --- Services -----------------------------------------------------------------------------------------


def notification_read(*, user: User, pk: int) -> Notification:
    """Mark one of his notifications as read; it comes back with `case_visible`. Read already: nothing
    changes. Someone else's raises Notification.DoesNotExist, as one that does not exist."""
    notification = notifications_for(user).get(pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    """Mark all his unread notifications as read (one UPDATE); returns how many there were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- On behalf of a request: the access log -----------------------------------------------------------


def notifications_shown(request: HttpRequest, notifications: Iterable[Notification], *, detail: str) -> None:
    """Prepare notifications for showing (`notification_cases`) and log the read, with the main subjects
    of the cases whose notification text is shown."""
    cases = notification_cases(notifications)
    cases_listed(request, object_type="notifications", cases=cases, detail=detail)


def notification_refused(request: HttpRequest, pk: object) -> Http404:
    """Someone else's notification, or none: logged as a denied change, answered as not found (raise the
    returned 404)."""
    audit_request(
        request,
        action=AuditEvent.Action.UPDATE,
        object_type="notification",
        object_id=pk,
        data_category=AuditEvent.DataCategory.CASE_FILE,
        result=AuditEvent.Result.DENIED,
    )
    return Http404()
