"""Reads about logging in: a user's authenticator devices and the end of a lockout."""

from __future__ import annotations

from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from zvhd.accounts.models import User


def totp_devices_confirmed(*, user: User) -> list[TOTPDevice]:
    """The authenticator apps the user has confirmed, oldest first."""
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk"))


def totp_device_confirmed_exists(*, user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def login_lock_ends_at(*, request: HttpRequest, username: str) -> datetime | None:
    """When the lock on this user name from this request's address ends: the last failure plus the
    cool-off time. None when there are no recorded failures."""
    last_failure = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    cool_off = get_cool_off(request)
    if last_failure is None or cool_off is None:
        return None
    return last_failure + cool_off


def login_attempt_allowed(*, request: HttpRequest, username: str) -> bool:
    """Whether django-axes lets this user name try to log in from this request's address."""
    return AxesProxyHandler.is_allowed(request, {"username": username})
