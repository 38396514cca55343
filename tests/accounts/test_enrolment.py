"""Linking an authenticator app at the first login: a QR code and a key, confirmed with a code.

Pia (procesondersteuner) has no authenticator app yet.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from zvhd.accounts.models import User
from zvhd.accounts.totp import totp_config_url, totp_qr_data_uri
from zvhd.reference.selectors import house_get

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
ENROL = reverse("login-enrol")


def secret_on(page: str) -> str:
    """The key as the page shows it for typing, back in hex."""
    typed = re.search(r'<code class="utrecht-code" id="secret">([A-Z2-7 ]+)</code>', page).group(1)
    return b32decode(typed.replace(" ", "")).hex()


def code_for(key: str, now: float) -> str:
    return f"{hotp(bytes.fromhex(key), int(now) // 30):06d}"


@pytest.fixture
def enrolling(client: Client, pia: User) -> Client:
    """Pia, past the password, on the page that links her app."""
    response = client.post(LOGIN, {"username": "pia", "password": PASSWORD})
    assert response.url == ENROL
    return client


def test_the_enrolment_page_shows_a_qr_code_and_the_key_for_typing(enrolling: Client) -> None:
    page = enrolling.get(ENROL).content.decode()
    assert re.search(
        r'<img class="utrecht-img" src="data:image/svg\+xml[^"]+" alt="QR-code om te scannen', page
    )
    assert "Authenticator-app koppelen" in page
    assert len(secret_on(page)) == 40
    assert "<script>" not in page


def test_the_qr_code_holds_the_key_of_the_page_for_this_house_and_user(enrolling: Client) -> None:
    page = enrolling.get(ENROL).content.decode()
    url = totp_config_url(key=secret_on(page), account="pia", issuer=house_get().short_name)
    assert url.startswith("otpauth://totp/")
    assert escape(totp_qr_data_uri(url)) in page


def test_the_key_stays_the_same_when_the_page_is_reloaded(enrolling: Client) -> None:
    first = secret_on(enrolling.get(ENROL).content.decode())
    assert secret_on(enrolling.get(ENROL).content.decode()) == first


def test_confirming_with_a_valid_code_logs_in_and_leaves_a_confirmed_device(
    enrolling: Client, pia: User
) -> None:
    key = secret_on(enrolling.get(ENROL).content.decode())
    response = enrolling.post(ENROL, {"code": code_for(key, time.time())}, follow=True)
    assert response.redirect_chain[0][0] == reverse("home")
    assert "Uw authenticator-app is gekoppeld." in response.content.decode()
    assert enrolling.session[SESSION_KEY] == str(pia.pk)
    device = TOTPDevice.objects.get(user=pia)
    assert device.confirmed
    assert device.key == key


def test_the_next_login_asks_for_the_code_of_the_linked_app(enrolling: Client, pia: User) -> None:
    key = secret_on(enrolling.get(ENROL).content.decode())
    enrolling.post(ENROL, {"code": code_for(key, time.time())})
    enrolling.post(reverse("logout"))
    assert enrolling.post(LOGIN, {"username": "pia", "password": PASSWORD}).url == reverse("login-code")


def test_a_wrong_code_links_nothing_and_counts_as_a_failed_login(enrolling: Client, pia: User) -> None:
    key = secret_on(enrolling.get(ENROL).content.decode())
    window = {code_for(key, time.time() + seconds) for seconds in (-30, 0, 30)}
    wrong = next(code for code in ("000000", "111111") if code not in window)
    response = enrolling.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Deze code klopt niet. Typ de code die uw app nu toont; die verandert elke 30 seconden."
    ]
    assert not TOTPDevice.objects.filter(user=pia).exists()
    assert AccessAttempt.objects.get(username="pia").failures_since_start == 1
    assert SESSION_KEY not in enrolling.session


def test_the_enrolment_page_without_a_password_first_sends_to_the_login(client: Client) -> None:
    assert client.get(ENROL).url == LOGIN


def test_a_user_with_an_app_cannot_link_another_one_through_the_enrolment_page(
    enrolling: Client, pia: User
) -> None:
    TOTPDevice.objects.create(user=pia, name="phone", confirmed=True)
    assert enrolling.get(ENROL).url == reverse("login-code")
