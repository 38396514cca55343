"""End to end: logging in with the password and the code of the authenticator app, in Chromium.

Pia (procesondersteuner) has linked her app; Bram (procesregisseur) links his at this first login.
"""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import hotp
from playwright.sync_api import expect

from tests.accounts.logins import authenticator, code_now, wrong_code
from tests.factories import PASSWORD

# The live server needs committed data, so these tests run in real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_a_user_logs_in_with_her_password_and_the_code_of_her_app(page, pia) -> None:  # type: ignore[no-untyped-def]
    device = authenticator(pia)
    page.goto("/aanmeldingen/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill("pia")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page).to_have_url(re.compile(r"/inloggen/code/$"))
    expect(page.get_by_text("Stap 2 van 2")).to_be_visible()
    page.get_by_label("Code").fill(wrong_code(device))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Deze code klopt niet.")).to_be_visible()

    page.wait_for_timeout(1100)  # after a wrong code the device checks the next one after a second
    page.get_by_label("Code").fill(code_now(device))
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/aanmeldingen/$"))
    expect(page.get_by_role("heading", name="Aanmeldingen")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_at_his_first_login_a_user_links_his_app_with_the_qr_code(page, bram) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("bram")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("heading", name="Authenticator-app koppelen")).to_be_visible()
    qr_code = page.get_by_role("img", name=re.compile("QR-code om te scannen"))
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("img => img.naturalWidth") > 100  # the data: image passed the CSP
    key = b32decode(page.locator("#secret").inner_text().replace(" ", "")).hex()
    page.get_by_label("Code").fill(f"{hotp(bytes.fromhex(key), int(time.time()) // 30):06d}")
    page.get_by_role("button", name="Koppelen en inloggen").click()

    expect(page.get_by_text("Uw authenticator-app is gekoppeld.")).to_be_visible()
    expect(page.get_by_role("heading", name="Aanmeldingen")).to_be_visible()
    assert authenticator(bram).key == key
