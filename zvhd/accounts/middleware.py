"""The session policy: only a session that passed the second factor, and not for longer than allowed.

Runs after Django's authentication, django-otp's and the messages middleware. A session ends, with a
message on the login page, when
- its account was disabled (or removed) since the login;
- its login is older than ZVHD_SESSION_MAX_HOURS, however active it was;
- it is logged in without having passed the second factor. Our login never makes such a session, but
  any other `login()` would (Django's own views, a future single sign-on), so the rule is kept here.
The login pages, /health/ and static files are left alone. A request that carries an API token has no
session and is not affected; a session that ends on an API request goes on as anonymous, and the API
answers for itself (403) instead of redirecting to a page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from zvhd.accounts.services import LOGGED_IN_AT_SESSION_KEY

API_PREFIX = "/api/"


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _left_alone(request.path_info):
            reason = _reason_to_end(request)
            if reason:
                return self._end(request, reason)
        return self.get_response(request)

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        messages.warning(request, reason)
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else reverse("home")
        if request.headers.get("HX-Request"):
            # htmx would swap the login page into a fragment of the page; load it as a whole instead.
            return HttpResponseClientRedirect(redirect_to_login(next_url).url)
        return redirect_to_login(next_url)


def _left_alone(path: str) -> bool:
    """Pages needed to log in or out, the health check and static files."""
    exempt = [reverse(name) for name in ("login", "login-code", "login-enrol", "logout", "health")]
    return path in exempt or path.startswith(settings.STATIC_URL)


def _reason_to_end(request: HttpRequest) -> str | None:
    """Why this request's session must end, in the words of the message; None when it may go on."""
    ended = _("Your session has ended. Please log in again.")
    user = request.user
    if not user.is_authenticated:
        # A session still naming a user Django no longer lets in: the account was disabled or removed.
        return ended if SESSION_KEY in request.session else None
    if not user.is_verified():  # type: ignore[union-attr]  # installed by django-otp's middleware
        return ended
    logged_in_at = request.session.get(LOGGED_IN_AT_SESSION_KEY)
    if logged_in_at is None:
        return ended
    hours = settings.ZVHD_SESSION_MAX_HOURS
    if timezone.now().timestamp() - logged_in_at > timedelta(hours=hours).total_seconds():
        return ngettext(
            "Your session ended %(hours)d hour after you logged in. Please log in again.",
            "Your session ended %(hours)d hours after you logged in. Please log in again.",
            hours,
        ) % {"hours": hours}
    return None
