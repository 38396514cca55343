"""`make otp user=<name>` (manage.py demo_otp): the code of a demo account's authenticator app.

The demo account `ondersteuner` gets its authenticator app as the demo data set provisions it.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from demo.generator import DEFAULT_SEED, DEMO_PASSWORD, demo_devices_ensure, demo_totp_key
from tests.factories import UserFactory
from zvhd.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ondersteuner(db: None) -> User:
    user = UserFactory(username="ondersteuner", password=DEMO_PASSWORD)
    demo_devices_ensure(users=[user], seed=DEFAULT_SEED)
    return user


def demo_otp(username: str) -> str:
    out = StringIO()
    call_command("demo_otp", username, stdout=out)
    return out.getvalue()


def test_the_printed_code_logs_the_demo_user_in(client: Client, ondersteuner: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    code = re.search(r"Login code of ondersteuner: (\d{6}) ", demo_otp("ondersteuner")).group(1)
    client.post(reverse("login"), {"username": "ondersteuner", "password": DEMO_PASSWORD})
    response = client.post(reverse("login-code"), {"code": code})
    assert response.url == reverse("home")


def test_a_second_login_right_after_gets_the_next_code(client: Client, ondersteuner: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    for _ in range(2):
        code = re.search(r": (\d{6}) ", demo_otp("ondersteuner")).group(1)
        client.post(reverse("login"), {"username": "ondersteuner", "password": DEMO_PASSWORD})
        assert client.post(reverse("login-code"), {"code": code}).url == reverse("home")
        client.post(reverse("logout"))


def test_the_key_follows_from_the_user_name_and_the_seed(ondersteuner: User) -> None:
    device = ondersteuner.totpdevice_set.get()
    assert device.confirmed
    assert device.key == demo_totp_key("ondersteuner", DEFAULT_SEED)
    assert len(bytes.fromhex(device.key)) == 20
    assert demo_totp_key("ondersteuner", DEFAULT_SEED + 1) != device.key
    assert demo_totp_key("regisseur", DEFAULT_SEED) != device.key


def test_the_command_also_prints_the_key_for_an_authenticator_app(ondersteuner: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    assert re.search(r"time-based\): [A-Z2-7]{4}( [A-Z2-7]{4}){7}$", demo_otp("ondersteuner").strip())


def test_the_command_refuses_to_print_second_factors_without_debug(ondersteuner: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG on"):
        demo_otp("ondersteuner")


def test_the_command_names_an_unknown_account(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    with pytest.raises(CommandError, match="no account 'nobody'"):
        demo_otp("nobody")
