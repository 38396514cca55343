"""Logging in with a password and then a code from an authenticator app (docs/adr/0009).

Step 1 checks the password and remembers, in the still anonymous session, whose password it was; nobody
is logged in yet. Step 2 checks the code, or confirms a new authenticator app, and only then logs the user
in. Every refused password or code reaches django-axes through Django's `user_login_failed` signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import django_otp
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zvhd.accounts.models import User
from zvhd.accounts.totp import totp_secret_new

# Session keys. The middleware reads LOGGED_IN_AT to end a session after ZVHD_SESSION_MAX_HOURS.
PENDING_SESSION_KEY = "zvhd_login_pending"
ENROLMENT_SESSION_KEY = "zvhd_login_enrolment"
LOGGED_IN_AT_SESSION_KEY = "zvhd_logged_in_at"

DEVICE_NAME = "Authenticator-app"


@dataclass(frozen=True)
class PendingLogin:
    """A user who gave the right password and has yet to give a code."""

    user: User
    backend: str
    next_url: str


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: the device that accepted it, or when the devices check codes again."""

    device: TOTPDevice | None
    retry_at: datetime | None = None


def login_password_check(*, request: HttpRequest, username: str, password: str) -> User | None:
    """Step 1. Through `authenticate`, so that django-axes counts a wrong password and refuses a locked
    combination of user name and address (then `request.axes_locked_out` is set)."""
    return authenticate(request, username=username, password=password)  # type: ignore[return-value]


def login_pending_start(*, request: HttpRequest, user: User, next_url: str) -> None:
    """Remember whose password was right. The session gets a new key, as it will again at the login."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
        "at": timezone.now().timestamp(),
        "next": next_url,
    }


def login_pending_get(*, request: HttpRequest) -> PendingLogin | None:
    """The pending login of this session, unless it is older than ZVHD_LOGIN_PENDING_SECONDS or its
    account has been disabled since."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending:
        return None
    age = timezone.now().timestamp() - pending["at"]
    if not 0 <= age <= settings.ZVHD_LOGIN_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return None
    return PendingLogin(user=user, backend=pending["backend"], next_url=pending["next"])


def login_pending_clear(*, request: HttpRequest) -> bool:
    """Forget the pending login and any enrolment secret; whether there was a pending login."""
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    return request.session.pop(PENDING_SESSION_KEY, None) is not None


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    """Count a refused code as a failed login, just like a wrong password: django-axes listens."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def login_code_check(*, request: HttpRequest, user: User, code: str) -> CodeCheck:
    """Step 2: the code against the user's confirmed devices. A refused code counts as a failed login.

    django-otp accepts a code once, and after a wrong one a device waits 1, 2, 4 ... seconds before it
    looks at the next (`retry_at`): that slows down guessing spread over many addresses.
    """
    with transaction.atomic():
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update())
        checkable = [device for device in devices if device.verify_is_allowed()[0]]
        accepted = next((device for device in checkable if device.verify_token(code)), None)
    if accepted is not None:
        return CodeCheck(device=accepted)
    login_failure_record(request=request, username=user.get_username())
    if devices and not checkable:
        return CodeCheck(device=None, retry_at=min(_throttled_until(device) for device in devices))
    return CodeCheck(device=None)


def _throttled_until(device: TOTPDevice) -> datetime:
    _, refusal = device.verify_is_allowed()
    return (refusal or {}).get("locked_until") or timezone.now()


def totp_enrolment_secret(*, request: HttpRequest, user: User) -> str:
    """The secret this session offers the user for a new authenticator app: the same one on every visit
    until he confirms it, so that a reloaded page does not invalidate what he already scanned."""
    enrolment = request.session.get(ENROLMENT_SESSION_KEY)
    if enrolment and enrolment["user"] == user.pk:
        return enrolment["key"]
    key = totp_secret_new()
    request.session[ENROLMENT_SESSION_KEY] = {"user": user.pk, "key": key}
    return key


@transaction.atomic(durable=True)
def totp_device_confirm(*, request: HttpRequest, user: User, key: str, code: str) -> TOTPDevice | None:
    """Enrolment: a code made with `key` proves that the app holds it; only then is the device stored,
    confirmed. A wrong code counts as a failed login. `code` is six digits (the form checks)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one enrolment at a time per user
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return None
    device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not totp.verify(int(code), tolerance=device.tolerance):
        login_failure_record(request=request, username=user.get_username())
        return None
    device.last_t = totp.t()  # this code is used up, as after any accepted code
    device.drift = totp.drift
    device.save()
    return device


def login_complete(*, request: HttpRequest, pending: PendingLogin, device: TOTPDevice) -> None:
    """Log the user in after his second factor. `login` gives the session a new key and lets django-axes
    clear the failures of this user name and address; `django_otp.login` marks the session verified."""
    login_pending_clear(request=request)
    login(request, pending.user, backend=pending.backend)
    django_otp.login(request, device)
    request.session[LOGGED_IN_AT_SESSION_KEY] = timezone.now().timestamp()
