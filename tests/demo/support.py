"""Shared by the demo data tests: generating the demo data set for a test module and removing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import StringIO

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from aftercare.models import AftercareFile
from cases.models import AnonymousAdvice, Case, CaseNumberCounter, InformationContact, Person
from demo.generator import profile_load
from triage.models import Meeting, PrioritySnapshot
from zvhd.accounts.models import User
from zvhd.reference.loading import load_reference_data, read_reference_file
from zvhd.reference.models import Municipality


def demo_data_remove() -> None:
    """Everything `manage.py demo_data` wrote, in an order that no protecting reference blocks."""
    Meeting.objects.all().delete()  # its agenda items protect their cases
    PrioritySnapshot.objects.all().delete()  # the weekly rankings hang on no case
    # Anonymous advice and information-desk contacts hang on no case; they protect the accounts.
    AnonymousAdvice.objects.all().delete()
    InformationContact.objects.all().delete()
    AftercareFile.objects.all().delete()  # protects its person and the case it was escalated to
    Case.objects.all().delete()
    Person.objects.all().delete()
    CaseNumberCounter.objects.all().delete()
    User.objects.filter(username__in=[row["username"] for row in profile_load()["accounts"]]).delete()


def demo_data_generate(*, seed: int, today: date) -> str:
    """Run `manage.py demo_data` for this seed and day (fast password hashing); its output."""
    out = StringIO()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("demo_data", f"--seed={seed}", f"--today={today:%Y-%m-%d}", stdout=out)
    return out.getvalue()


@contextmanager
def demo_data_committed(django_db_blocker: DjangoDbBlocker, *, seed: int, today: date) -> Iterator[str]:
    """The demo data set, committed while the block runs and removed at its end; yields the command's output.

    Browser tests empty every table when they end, so the reference data is reloaded if it is gone; what
    a removal that stopped halfway may have left is removed before generating.
    """
    with django_db_blocker.unblock():
        if not Municipality.objects.exists():
            load_reference_data(
                get_model=lambda name: apps.get_model("reference", name),
                data=read_reference_file(settings.ZVHD_REFERENCE_DATA),
            )
        demo_data_remove()
        output = demo_data_generate(seed=seed, today=today)
        try:
            yield output
        finally:
            demo_data_remove()
