"""TOTP secrets as an authenticator app sees them: the enrolment QR code, the typed secret, the code.

Pure functions without the database. The defaults (6 digits, 30 seconds, SHA-1) are those of django-otp's
TOTPDevice and of every common authenticator app.
"""

from __future__ import annotations

import time
from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

SECRET_BYTES = 20  # 160 bits, what RFC 4226 recommends for HMAC-SHA-1


def totp_secret_new() -> str:
    """A random secret as hex, the form TOTPDevice.key stores."""
    return random_hex(SECRET_BYTES)


def totp_secret_for_typing(key: str) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    encoded = b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def totp_config_url(*, key: str, account: str, issuer: str) -> str:
    """The otpauth:// address that an authenticator app reads from the QR code (Key Uri Format)."""
    issuer = issuer.replace(":", "")
    params = urlencode(
        {
            "secret": b32encode(bytes.fromhex(key)).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": 6,
            "period": 30,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{quote(f'{issuer}:{account}')}?{params}"


def totp_qr_data_uri(config_url: str) -> str:
    """The QR code as an SVG data URI: an <img> the Content-Security-Policy allows, no script needed."""
    return segno.make(config_url, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def totp_code_usable_now(device: TOTPDevice, *, now: float | None = None) -> str | None:
    """The code that `device` accepts at this moment, as an authenticator app would show it.

    django-otp accepts each time step once and one step ahead; after a login within the same 30 seconds
    this is the next step's code. None when even that one has been used: wait for the next step.
    """
    current = (int(time.time() if now is None else now) - device.t0) // device.step + device.drift
    step = max(current, device.last_t + 1)
    if step > current + device.tolerance:
        return None
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
