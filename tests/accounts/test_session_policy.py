"""The session policy: only a session that passed the second factor, at most 12 hours, and never for an
account that has been disabled. API tokens (system integrations) have no session and are not affected.

Pia (procesondersteuner) works in the Aanmeldingen list; Ben is the functional administrator.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory
from zvhd.accounts.models import User
from zvhd.accounts.services import LOGGED_IN_AT_SESSION_KEY

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
REFERRALS = reverse("referral-list")
API_REFERRALS = reverse("api-referral-list")


@pytest.fixture
def ben(db: None) -> User:
    return UserFactory(username="ben", is_staff=True, is_superuser=True)


def logged_in_hours_ago(client: Client, hours: float) -> None:
    session = client.session
    session[LOGGED_IN_AT_SESSION_KEY] = (timezone.now() - timedelta(hours=hours)).timestamp()
    session.save()


def assert_sent_to_the_login(response, next_url: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={next_url}"


# --- Without the second factor -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "referral-list", "referral-create"])
def test_a_session_without_the_second_factor_opens_no_page(client: Client, pia: User, name: str) -> None:
    client.force_login(pia)  # logged in with a password only, as no page of ours ever does
    response = client.get(reverse(name))
    assert_sent_to_the_login(response, reverse(name))
    assert SESSION_KEY not in client.session


def test_a_session_without_the_second_factor_gets_nothing_from_the_api(client: Client, pia: User) -> None:
    client.force_login(pia)
    response = client.get(API_REFERRALS)
    assert response.status_code == 403
    assert "results" not in response.json()
    assert SESSION_KEY not in client.session


def test_a_session_with_the_second_factor_uses_the_api(client_for, pia: User) -> None:
    assert client_for(pia).get(API_REFERRALS).status_code == 200


def test_the_admin_needs_the_second_factor_too(client: Client, ben: User) -> None:
    client.force_login(ben)
    assert_sent_to_the_login(client.get("/beheer/"), "/beheer/")


def test_the_administrator_with_the_second_factor_uses_the_admin(client_for, ben: User) -> None:
    assert client_for(ben).get("/beheer/").status_code == 200


def test_the_admin_has_no_login_of_its_own_but_sends_to_ours(client: Client) -> None:
    response = client.get("/beheer/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=/beheer/"
    assert client.get(reverse("admin:login")).url == f"{LOGIN}?next=/beheer/"


def test_the_admin_refuses_a_logged_in_user_who_is_not_staff(client_for, pia: User) -> None:
    assert client_for(pia).get(reverse("admin:login")).status_code == 403


def test_the_health_check_leaves_any_session_alone(client: Client, pia: User) -> None:
    client.force_login(pia)
    assert client.get(reverse("health")).status_code == 200
    assert SESSION_KEY in client.session


def test_an_htmx_request_of_an_ended_session_reloads_the_login_page_as_a_whole(
    client: Client, pia: User
) -> None:
    client.force_login(pia)
    response = client.get(REFERRALS, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == f"{LOGIN}?next={REFERRALS}"


# --- At most 12 hours ----------------------------------------------------------------------------


def test_a_session_ends_12_hours_after_the_login_however_active(client_for, pia: User) -> None:
    client = client_for(pia)
    logged_in_hours_ago(client, 12.01)
    response = client.get(REFERRALS, follow=True)
    assert response.redirect_chain[0][0] == f"{LOGIN}?next={REFERRALS}"
    assert "Uw sessie is 12 uur na het inloggen beëindigd. Log opnieuw in." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_session_of_almost_12_hours_goes_on(client_for, pia: User) -> None:
    client = client_for(pia)
    logged_in_hours_ago(client, 11.99)
    assert client.get(REFERRALS).status_code == 200


def test_the_longest_session_follows_the_setting(client_for, pia: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZVHD_SESSION_MAX_HOURS = 8
    client = client_for(pia)
    logged_in_hours_ago(client, 8.01)
    response = client.get(REFERRALS, follow=True)
    assert "Uw sessie is 8 uur na het inloggen beëindigd." in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"), [("twelve", "must be a whole number"), ("48", "must be at most 24")]
)
def test_a_wrong_session_limit_in_the_environment_stops_the_start(value: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=os.environ | {"ZVHD_SESSION_MAX_HOURS": value},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert f"Environment variable ZVHD_SESSION_MAX_HOURS {message}" in result.stderr


def test_the_idle_timeout_is_30_minutes_and_restarts_with_every_request(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


# --- Disabled accounts ---------------------------------------------------------------------------


def test_a_disabled_account_loses_its_session_at_the_next_request(client_for, pia: User) -> None:
    client = client_for(pia)
    session_key = client.session.session_key
    pia.is_active = False
    pia.save()
    response = client.get(REFERRALS, follow=True)
    assert response.redirect_chain[0][0] == f"{LOGIN}?next={REFERRALS}"
    assert "Uw sessie is beëindigd. Log opnieuw in." in response.content.decode()
    assert not Session.objects.filter(session_key=session_key).exists()


def test_a_disabled_account_loses_its_session_on_the_api_too(client_for, pia: User) -> None:
    client = client_for(pia)
    User.objects.filter(pk=pia.pk).update(is_active=False)
    assert client.get(API_REFERRALS).status_code == 403
    assert SESSION_KEY not in client.session


# --- API tokens ----------------------------------------------------------------------------------


def test_a_token_authenticated_api_request_works_without_a_session(pia: User) -> None:
    token = Token.objects.create(user=pia)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(API_REFERRALS)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_a_token_of_a_disabled_account_is_refused(pia: User) -> None:
    token = Token.objects.create(user=pia)
    User.objects.filter(pk=pia.pk).update(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(API_REFERRALS).status_code in (401, 403)
