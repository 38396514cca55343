"""Factories for tests. Reference data (municipalities, partners, topics) comes from the migration;
factories look it up by code instead of inventing rows."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cases.models import Case, CaseEvent, Person, Referral, Subject
from cases.workflow import CaseStatus
from zvhd.accounts.models import Role, User
from zvhd.reference.models import MainTopic, Municipality, Partner

PASSWORD = "correct-horse-battery-staple"


def municipality(code: str = "assen") -> Municipality:
    return Municipality.objects.get(code=code)


def partner(code: str = "politie") -> Partner:
    return Partner.objects.get(code=code)


def main_topic(code: str = "nuisance") -> MainTopic:
    return MainTopic.objects.get(code=code)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.SUPPORT_OFFICER
    password = factory.django.Password(PASSWORD)

    class Params:
        partner_professional = factory.Trait(
            role=Role.PARTNER_PROFESSIONAL, organisation=factory.LazyFunction(lambda: partner("politie"))
        )
        liaison = factory.Trait(role=Role.LIAISON, organisation=factory.LazyFunction(lambda: partner("om")))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=70)
    gender = Person.Gender.UNKNOWN


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"2026-{n + 1:04d}")
    status = CaseStatus.REGISTERED

    class Params:
        in_triage = factory.Trait(status=CaseStatus.TRIAGE)
        closed = factory.Trait(
            status=CaseStatus.CLOSED,
            kind=Case.Kind.COORDINATION,
            closed_at=factory.LazyFunction(timezone.now),
        )


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    received_on = factory.LazyFunction(timezone.localdate)
    referrer_partner = factory.LazyFunction(partner)
    referrer_name = "A. Verwijzer"
    referrer_phone = "0592-123456"
    concerns = "Zorgen over de woonsituatie en aanhoudende overlast."
    main_topic = factory.LazyFunction(main_topic)
    subject_informed = True
    registered_by = factory.SubFactory(UserFactory)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    is_primary = True
    municipality = factory.LazyFunction(municipality)


def referral_case(
    *,
    received_on: datetime.date | None = None,
    referrer: str = "politie",
    in_municipality: str = "assen",
    person: Person | None = None,
    registered_by: User | None = None,
    **case_fields: object,
) -> Case:
    """A case as a registered referral: referral data, one main subject and its first timeline event."""
    case = CaseFactory(**case_fields)
    referral = ReferralFactory(
        case=case,
        received_on=received_on or timezone.localdate(),
        referrer_partner=partner(referrer),
        registered_by=registered_by or UserFactory(),
    )
    SubjectFactory(case=case, person=person or PersonFactory(), municipality=municipality(in_municipality))
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REFERRAL_REGISTERED, actor=referral.registered_by)
    return case
