"""Personas used across the suite; each line says how the persona relates to the cases.

- Pia is procesondersteuner of the bureau: she registers referrals and sees all of them.
- Bram is procesregisseur of the bureau: he works on referrals in triage, so he sees them too.
- Mirjam is the manager: she sees figures, not the referral list.
- Petra is a police officer (partner professional): she takes part in no case, so she sees none.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings

from tests.accounts.logins import otp_verified_login
from tests.factories import UserFactory
from zvhd.accounts.models import Role, User
from zvhd.reference.loading import load_reference_data, read_reference_file
from zvhd.reference.models import Municipality


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Hashing a password properly takes a second; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db: None) -> None:
    """The house's reference data, as the migration loads it.

    Transactional tests (browser tests) empty every table when they end; the next one reloads it.
    """
    if not Municipality.objects.exists():
        load_reference_data(
            get_model=lambda name: apps.get_model("reference", name),
            data=read_reference_file(settings.ZVHD_REFERENCE_DATA),
        )


@pytest.fixture
def pia(db: None) -> User:
    return UserFactory(username="pia", first_name="Pia", last_name="de Vries", role=Role.SUPPORT_OFFICER)


@pytest.fixture
def bram(db: None) -> User:
    return UserFactory(username="bram", first_name="Bram", last_name="Smit", role=Role.COORDINATOR)


@pytest.fixture
def mirjam(db: None) -> User:
    return UserFactory(username="mirjam", first_name="Mirjam", last_name="Bos", role=Role.MANAGER)


@pytest.fixture
def petra(db: None) -> User:
    return UserFactory(username="petra", first_name="Petra", last_name="Mulder", partner_professional=True)


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    """`client_for(user)`: the test client logged in as `user`, second factor included."""

    def login(user: User):  # type: ignore[no-untyped-def]
        return otp_verified_login(client, user)

    return login
