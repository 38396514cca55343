from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from zvhd.accounts.capabilities import Capability, user_has_capability
from zvhd.audit.models import AuditEvent
from zvhd.audit.services import audit_request


def screen_refused_record(request: HttpRequest) -> None:
    """A screen the role may not use: logged as denied, like a case he may not see."""
    audit_request(
        request,
        action=AuditEvent.Action.READ if request.method in ("GET", "HEAD") else AuditEvent.Action.UPDATE,
        object_type="screen",
        object_id=request.resolver_match.url_name if request.resolver_match else "",
        data_category=AuditEvent.DataCategory.CASE_FILE,
        result=AuditEvent.Result.DENIED,
        detail=request.path,
    )


def capability_required(
    capability: Capability,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Log in first; then refuse (403) a role that may not use this screen at all."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_has_capability(request.user, capability):
                screen_refused_record(request)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
