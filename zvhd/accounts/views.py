"""The login pages: password, then the code of an authenticator app, or first linking that app.

Thin adapters over `zvhd.accounts.services`; the flow is described there and in docs/adr/0009.
"""

from __future__ import annotations

from axes.helpers import get_client_username
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from zvhd.accounts import selectors, services
from zvhd.accounts.forms import CodeForm, PasswordForm
from zvhd.accounts.services import PendingLogin
from zvhd.accounts.totp import totp_config_url, totp_qr_data_uri, totp_secret_for_typing
from zvhd.reference.selectors import house_get


def _next_url(request: HttpRequest, candidate: str) -> str:
    """Where to go after the login: `candidate` if it is a page of this site, else the start page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


def _is_logged_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_verified()  # type: ignore[union-attr]


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password."""
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next", ""))
    if _is_logged_in(request):
        return redirect(next_url)
    form = PasswordForm(request.POST or None)
    if form.is_valid():
        user = services.login_password_check(
            request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return _lockout_page(request, username=form.cleaned_data["username"])
        if user is not None:
            services.login_pending_start(request=request, user=user, next_url=next_url)
            has_device = selectors.totp_device_confirmed_exists(user=user)
            return redirect("login-code" if has_device else "login-enrol")
        form.add_error("password", _("This user name and password do not match. Check both and try again."))
    return render(request, "registration/login.html", {"form": form, "next": next_url})


def _pending_or_restart(request: HttpRequest) -> PendingLogin | HttpResponse:
    """The pending login of step 1, or a redirect back to step 1 when there is none (any more)."""
    pending = services.login_pending_get(request=request)
    if pending is not None:
        return pending
    if services.login_pending_clear(request=request):
        messages.warning(request, _("Logging in took too long. Please start again."))
    return redirect("login")


def _refused(
    request: HttpRequest, pending: PendingLogin, form: CodeForm, check: services.CodeCheck | None = None
) -> HttpResponse | None:
    """After a refused code: the lockout page if it was one failure too many, else the error at the field."""
    if getattr(request, "axes_locked_out", False):
        return _locked_out(request, pending)
    if check is not None and check.retry_at is not None:
        message = _("Too many wrong codes in a row. Wait a moment and try again.")
    else:
        message = _("This code is not right. Type the code your app shows now; it changes every 30 seconds.")
    form.add_error("code", message)
    return None


def _locked(request: HttpRequest, pending: PendingLogin) -> bool:
    """Whether this user name is locked from this address: then step 2 is closed too."""
    return not selectors.login_attempt_allowed(request=request, username=pending.user.get_username())


def _locked_out(request: HttpRequest, pending: PendingLogin) -> HttpResponse:
    """End the pending login and show when the lock ends; after it, the login starts again at step 1."""
    services.login_pending_clear(request=request)
    return _lockout_page(request, username=pending.user.get_username())


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code of the authenticator app."""
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponse):
        return pending
    if not selectors.totp_device_confirmed_exists(user=pending.user):
        return redirect("login-enrol")
    if _locked(request, pending):
        return _locked_out(request, pending)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        check = services.login_code_check(request=request, user=pending.user, code=form.cleaned_data["code"])
        if check.device is not None:
            services.login_complete(request=request, pending=pending, device=check.device)
            return redirect(pending.next_url)
        if locked_out := _refused(request, pending, form, check):
            return locked_out
    return render(request, "registration/login_code.html", {"form": form})


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Step 2 for a user without an authenticator app: link one, confirm it with a code, log in."""
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponse):
        return pending
    if selectors.totp_device_confirmed_exists(user=pending.user):
        return redirect("login-code")
    if _locked(request, pending):
        return _locked_out(request, pending)
    key = services.totp_enrolment_secret(request=request, user=pending.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = services.totp_device_confirm(
            request=request, user=pending.user, key=key, code=form.cleaned_data["code"]
        )
        if device is not None:
            services.login_complete(request=request, pending=pending, device=device)
            messages.success(
                request, _("Your authenticator app is linked. From now on you log in with its code.")
            )
            return redirect(pending.next_url)
        if locked_out := _refused(request, pending, form):
            return locked_out
    return render(request, "registration/login_enrol.html", _enrolment_context(pending, key, form))


def _enrolment_context(pending: PendingLogin, key: str, form: CodeForm) -> dict[str, object]:
    house = house_get()
    issuer = house.short_name if house is not None else "zvhd"
    url = totp_config_url(key=key, account=pending.user.get_username(), issuer=issuer)
    return {
        "form": form,
        "qr_code": totp_qr_data_uri(url),
        "secret": totp_secret_for_typing(key),
        "issuer": issuer,
    }


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes calls this (AXES_LOCKOUT_CALLABLE) for the response to any request it locked out."""
    if getattr(original_response, "zvhd_lockout_page", False):
        return original_response  # type: ignore[return-value]  # the view has shown the page already
    return _lockout_page(request, username=get_client_username(request, credentials) or "")


def _lockout_page(request: HttpRequest, *, username: str) -> HttpResponse:
    """The lockout page, with the time the lock on this user name from this address ends."""
    ends_at = selectors.login_lock_ends_at(request=request, username=username)
    response = render(request, "registration/locked_out.html", {"ends_at": ends_at}, status=429)
    response.zvhd_lockout_page = True  # type: ignore[attr-defined]
    return response


@never_cache
def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's login page sends to ours: one login, with the second factor, for the whole site."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied  # logged in, but not as staff: the admin is not for him
    return redirect_to_login(request.GET.get("next") or resolve_url("admin:index"))
