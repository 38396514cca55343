"""Personas of the reporting tests, besides Mirjam the manager (tests/conftest.py), who writes the annual
report: Kees the kwaliteitscoördinator sees the figures but does not write the report."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from zvhd.accounts.models import Role, User


@pytest.fixture
def kees(db: None) -> User:
    return UserFactory(username="kees", role=Role.QUALITY_COORDINATOR)
