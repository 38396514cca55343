"""Logging in: the password, then the code of the authenticator app; nobody is in after the password alone.

Pia (procesondersteuner) has linked her authenticator app; her start page is the Aanmeldingen list.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.logins import authenticator, code_now, wrong_code
from tests.factories import PASSWORD
from zvhd.accounts.models import User
from zvhd.accounts.services import PENDING_SESSION_KEY

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
CODE = reverse("login-code")


def give_password(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def give_code(client: Client, code: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(CODE, {"code": code}, **extra)


def failures(username: str) -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_the_password_and_the_code_log_in_and_land_on_the_start_page(client: Client, pia: User) -> None:
    device = authenticator(pia)
    response = give_password(client, "pia", PASSWORD)
    assert response.status_code == 302
    assert response.url == CODE

    response = give_code(client, code_now(device))
    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(response.url, follow=True)
    assert page.status_code == 200
    assert page.context["user"] == pia


def test_after_the_password_alone_nobody_is_logged_in(client: Client, pia: User) -> None:
    authenticator(pia)
    give_password(client, "pia", PASSWORD)
    assert SESSION_KEY not in client.session
    response = client.get(reverse("referral-list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_code_typed_with_a_space_is_accepted(client: Client, pia: User) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    code = code_now(device)
    assert give_code(client, f"{code[:3]} {code[3:]}").url == reverse("home")


def test_a_wrong_password_is_refused_in_dutch_at_the_field_and_counts_towards_the_lockout(
    client: Client, pia: User
) -> None:
    response = give_password(client, "pia", "not-her-password")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": ["Deze gebruikersnaam en dit wachtwoord horen niet bij elkaar. Controleer ze allebei."]
    }
    assert 'id="id_password_errors"' in response.content.decode()
    assert failures("pia") == 1
    assert PENDING_SESSION_KEY not in client.session


def test_an_unknown_user_name_gets_the_same_answer_as_a_wrong_password(client: Client) -> None:
    response = give_password(client, "nobody", "whatever-it-is")
    assert response.context["form"].errors == {
        "password": ["Deze gebruikersnaam en dit wachtwoord horen niet bij elkaar. Controleer ze allebei."]
    }
    assert failures("nobody") == 1


def test_a_wrong_code_is_refused_in_dutch_at_the_field_and_counts_towards_the_lockout(
    client: Client, pia: User
) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    response = give_code(client, wrong_code(device))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Deze code klopt niet. Typ de code die uw app nu toont; die verandert elke 30 seconden."
    ]
    assert 'id="id_code_errors"' in response.content.decode()
    assert failures("pia") == 1
    assert SESSION_KEY not in client.session


def test_right_after_a_wrong_code_the_next_code_is_checked_only_after_a_moment(
    client: Client, pia: User
) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    give_code(client, wrong_code(device))
    response = give_code(client, code_now(device))
    assert response.context["form"].errors["code"] == [
        "Te vaak achter elkaar een onjuiste code. Wacht even en probeer het opnieuw."
    ]
    assert failures("pia") == 2


def test_a_code_of_other_than_six_digits_is_refused_at_the_field_without_counting(
    client: Client, pia: User
) -> None:
    authenticator(pia)
    give_password(client, "pia", PASSWORD)
    response = give_code(client, "12345")
    assert response.context["form"].errors["code"] == ["Een code bestaat uit zes cijfers."]
    assert failures("pia") == 0


def test_a_code_is_accepted_only_once(client: Client, pia: User) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    code = code_now(device)
    give_code(client, code)
    client.post(reverse("logout"))

    give_password(client, "pia", PASSWORD)
    response = give_code(client, code)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert SESSION_KEY not in client.session


def test_the_session_key_changes_at_the_password_and_again_at_the_login(client: Client, pia: User) -> None:
    device = authenticator(pia)
    client.get(LOGIN)
    client.cookies["sessionid"] = "planted-by-someone-else"
    give_password(client, "pia", PASSWORD)
    pending_key = client.session.session_key
    assert pending_key != "planted-by-someone-else"

    give_code(client, code_now(device))
    assert client.session.session_key != pending_key
    assert not Session.objects.filter(session_key=pending_key).exists()
    assert client.session[SESSION_KEY] == str(pia.pk)


def test_the_login_returns_to_the_page_asked_for(client: Client, pia: User) -> None:
    device = authenticator(pia)
    asked = reverse("referral-create")
    redirect = client.get(asked)
    assert redirect.url == f"{LOGIN}?next={asked}"
    client.post(redirect.url, {"username": "pia", "password": PASSWORD, "next": asked})
    assert give_code(client, code_now(device)).url == asked


def test_a_next_address_of_another_site_is_ignored(client: Client, pia: User) -> None:
    device = authenticator(pia)
    client.post(LOGIN, {"username": "pia", "password": PASSWORD, "next": "https://evil.example.org/"})
    assert give_code(client, code_now(device)).url == reverse("home")


def test_the_code_step_expires_five_minutes_after_the_password(client: Client, pia: User) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    session = client.session
    session[PENDING_SESSION_KEY]["at"] -= 5 * 60 + 1
    session.save()

    response = give_code(client, code_now(device), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Inloggen duurde te lang. Begin opnieuw." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_code_step_without_a_password_first_sends_to_the_login(client: Client) -> None:
    response = client.get(CODE)
    assert response.status_code == 302
    assert response.url == LOGIN


def test_a_disabled_account_cannot_log_in(client: Client, pia: User) -> None:
    authenticator(pia)
    pia.is_active = False
    pia.save()
    response = give_password(client, "pia", PASSWORD)
    assert "password" in response.context["form"].errors


def test_an_account_disabled_between_password_and_code_is_not_logged_in(client: Client, pia: User) -> None:
    device = authenticator(pia)
    give_password(client, "pia", PASSWORD)
    User.objects.filter(pk=pia.pk).update(is_active=False)
    response = give_code(client, code_now(device))
    assert response.url == LOGIN
    assert SESSION_KEY not in client.session


def test_the_login_pages_are_in_dutch_and_carry_no_inline_script(client: Client, pia: User) -> None:
    authenticator(pia)
    first = client.get(LOGIN).content.decode()
    assert "Gebruikersnaam" in first
    assert "Wachtwoord" in first
    give_password(client, "pia", PASSWORD)
    second = client.get(CODE).content.decode()
    assert "Stap 2 van 2" in second
    assert "<script>" not in first + second


def test_a_logged_in_user_who_opens_the_login_page_goes_to_the_start_page(client_for, pia: User) -> None:
    response = client_for(pia).get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logging_out_takes_a_post_and_ends_the_session(client_for, pia: User) -> None:
    client = client_for(pia)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.url == LOGIN
    assert SESSION_KEY not in client.session


def test_a_successful_login_records_the_time_for_the_session_limit(client: Client, pia: User) -> None:
    device = authenticator(pia)
    before = timezone.now().timestamp()
    give_password(client, "pia", PASSWORD)
    give_code(client, code_now(device))
    assert client.session["zvhd_logged_in_at"] >= before
