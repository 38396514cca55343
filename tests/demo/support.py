"""Shared by the demo data tests: removing the demo data set a test module generated."""

from __future__ import annotations

from aftercare.models import AftercareFile
from cases.models import AnonymousAdvice, Case, CaseNumberCounter, InformationContact, Person
from demo.generator import profile_load
from triage.models import Meeting, PrioritySnapshot
from zvhd.accounts.models import User


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
