"""Lockout: five failed attempts by one user name from one address lock that combination for 15 minutes.

Pia (procesondersteuner) logs in from 127.0.0.1, the test client's address; Bram (procesregisseur) from
the same address. Someone else tries Pia's name from 10.0.0.7.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.logins import authenticator, code_now, wrong_code
from tests.factories import PASSWORD
from zvhd.accounts.models import User

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
CODE = reverse("login-code")
OTHER_ADDRESS = "10.0.0.7"


def give_password(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def log_in(client: Client, user: User, **extra: str):  # type: ignore[no-untyped-def]
    """Both steps with the right password and code; the response of the code step."""
    response = give_password(client, user.username, PASSWORD, **extra)
    if response.status_code != 302:
        return response
    return client.post(CODE, {"code": code_now(authenticator(user))}, **extra)


def fail_five_times(username: str, **extra: str) -> None:
    client = Client()
    for _ in range(5):
        give_password(client, username, "wrong-password", **extra)


def minutes_pass(minutes: int) -> None:
    """Let time pass for django-axes: its records of failed attempts become older."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def assert_locked(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()


def test_the_sixth_attempt_is_locked_even_with_the_right_password_and_code(client: Client, pia: User) -> None:
    authenticator(pia)
    fail_five_times("pia")
    response = give_password(client, "pia", PASSWORD)
    assert_locked(response)
    assert SESSION_KEY not in client.session


def test_the_fifth_failure_already_shows_when_the_lock_ends(client: Client, pia: User) -> None:
    for _ in range(4):
        give_password(client, "pia", "wrong-password")
    response = give_password(client, "pia", "wrong-password")
    assert_locked(response)
    ends = timezone.localtime(AccessAttempt.objects.get(username="pia").attempt_time + timedelta(minutes=15))
    assert f"U kunt het vanaf {ends:%H:%M} uur opnieuw proberen." in response.content.decode()


def test_wrong_codes_count_like_wrong_passwords(client: Client, pia: User) -> None:
    device = authenticator(pia)
    for _ in range(3):
        give_password(Client(), "pia", "wrong-password")
    give_password(client, "pia", PASSWORD)
    client.post(CODE, {"code": wrong_code(device)})
    response = client.post(CODE, {"code": wrong_code(device)})
    assert_locked(response)
    assert_locked(log_in(Client(), pia))


def test_a_locked_combination_cannot_pass_the_code_step_either(client: Client, pia: User) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)  # the password was right before the lock
    fail_five_times("pia")
    response = client.post(CODE, {"code": code_now(device)})
    assert_locked(response)
    assert SESSION_KEY not in client.session


def test_the_lock_holds_for_that_user_name_from_that_address_only(pia: User, bram: User) -> None:
    fail_five_times("pia")
    assert_locked(log_in(Client(), pia))
    assert log_in(Client(), pia, REMOTE_ADDR=OTHER_ADDRESS).url == reverse("home")
    assert log_in(Client(), bram).url == reverse("home")


def test_failures_from_another_address_do_not_lock_pia_out_here(pia: User) -> None:
    fail_five_times("pia", REMOTE_ADDR=OTHER_ADDRESS)
    assert log_in(Client(), pia).url == reverse("home")


def test_the_lock_lifts_after_15_minutes(pia: User) -> None:
    fail_five_times("pia")
    minutes_pass(14)
    assert_locked(log_in(Client(), pia))
    minutes_pass(1)
    client = Client()
    assert log_in(client, pia).url == reverse("home")
    assert client.session[SESSION_KEY] == str(pia.pk)


def test_attempts_during_the_lock_do_not_extend_it(pia: User) -> None:
    fail_five_times("pia")
    minutes_pass(10)
    give_password(Client(), "pia", "wrong-password")
    minutes_pass(5)
    assert log_in(Client(), pia).url == reverse("home")


def test_a_successful_login_clears_the_failures(pia: User) -> None:
    for _ in range(4):
        give_password(Client(), "pia", "wrong-password")
    assert log_in(Client(), pia).url == reverse("home")
    assert not AccessAttempt.objects.filter(username="pia").exists()
    for _ in range(4):
        give_password(Client(), "pia", "wrong-password")
    assert log_in(Client(), pia).url == reverse("home")


def test_the_record_of_a_failed_code_does_not_hold_the_code(client: Client, pia: User) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    code = wrong_code(device)
    client.post(CODE, {"code": code})
    assert code not in AccessAttempt.objects.get(username="pia").post_data
