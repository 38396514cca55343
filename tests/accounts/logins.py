"""How tests log in: with the second factor, as the login pages do.

- `otp_verified_login(client, user)`: a test client whose session passed the second factor (for tests
  that are about something else than logging in).
- `authenticator(user)`: the user's confirmed TOTP device, created when he has none; `code_now(device)`
  the code his app would show and `wrong_code(device)` one it would not; for tests that go through the
  login pages themselves.
"""

from __future__ import annotations

import time

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zvhd.accounts.models import User
from zvhd.accounts.services import LOGGED_IN_AT_SESSION_KEY
from zvhd.accounts.totp import totp_code_usable_now


def authenticator(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """The code the device accepts now. django-otp takes every code once; after two logins within the
    same 30 seconds the next code is still to come, so wait for it."""
    device.refresh_from_db()
    while (code := totp_code_usable_now(device)) is None:
        time.sleep(1)
    return code


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that the device does not accept now (none of the codes of its time window)."""
    device.refresh_from_db()
    current = (int(time.time()) - device.t0) // device.step + device.drift
    window = {
        f"{hotp(device.bin_key, step, digits=device.digits):06d}"
        for step in range(current - device.tolerance - 1, current + device.tolerance + 2)
    }
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in window)


def otp_verified_login(client: Client, user: User) -> Client:
    """Log `client` in as `user` the way the login pages end: the session has passed the second factor
    (it names a confirmed device, as `django_otp.login` records it) and knows when it logged in."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session[LOGGED_IN_AT_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    return client
