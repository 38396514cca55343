"""Waiting lists for the werkvoorraad operations of `manage.py bench`.

The generated case file of `demo/scale.py` has cases in status waiting but no werkvoorraad: its
operations are measured on it as it is. The werkvoorraad operations need a waiting list of a given length
(10,000 cases to rank, 10 or 1,000 on the page), so this module makes one for them and removes it when
they are done: the other operations, before and after, see the data set unchanged.

A waiting list is N accepted coordination cases in status waiting, each with its referral (received in the
last half year), a main subject, an open `WaitingListEntry` (on the list for one to twenty-six weeks) and,
for about a third of them, one to three contacts with the referrer (some with an escalation signal or an
urgency). Everything is drawn from one seeded `random.Random`. The cases are registered by an account of
their own, `bench-waiting-registrar`, and their rankings are started by it; that is how they are found and
removed, also after an interrupted run.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Person, Referral, Subject
from cases.workflow import CaseStatus
from demo import scale
from triage.models import PrioritySnapshot, ReferrerContact, SafetyRisk, Urgency, WaitingListEntry
from triage.waiting_list import iso_week, waiting_list_prioritise
from zvhd.accounts.models import Role, User
from zvhd.reference.models import MainTopic, Municipality, Partner

REGISTRAR = "bench-waiting-registrar"
# Case numbers of their own ("WL-000001"), so the per-year counters of the case file stay as they are.
NUMBER_PREFIX = "WL"
BATCH = 2_000
CONTACT_SHARE = 0.35
SIGNAL_SHARE = 0.1
URGENCY = {Urgency.NONE: 75, Urgency.RAISED: 18, Urgency.HIGH: 7}
RISK = {SafetyRisk.LOW: 15, SafetyRisk.MEDIUM: 50, SafetyRisk.HIGH: 35}
CONTACT_NOTE = "Aanmelder gebeld over de stand van zaken."


@dataclass(frozen=True)
class WaitingList:
    """A generated waiting list and the day the prioritisation is measured on (in a week not ranked yet)."""

    entries: int
    today: date
    registrar: User


@contextmanager
def waiting_list(*, entries: int, seed: int, ranked_weeks: int = 0) -> Iterator[WaitingList]:
    """`entries` cases on the waiting list while the block runs, ranked in the `ranked_weeks` weeks up to
    this one (so the page shows how ranks moved); everything is removed afterwards."""
    registrar = _registrar()
    waiting_list_remove(registrar)  # what an interrupted run left
    try:
        _generate(entries=entries, seed=seed, registrar=registrar)
        today = timezone.localdate()
        for weeks in reversed(range(ranked_weeks)):
            waiting_list_prioritise(today=today - timedelta(weeks=weeks), by=registrar)
        yield WaitingList(entries=entries, today=_unranked_day(today), registrar=registrar)
    finally:
        waiting_list_remove(registrar)


def waiting_list_remove(registrar: User) -> None:
    """The generated cases (with their entries, contacts and ranked rows), their persons and the weekly
    rankings the registrar started."""
    cases = Case.objects.filter(referral__registered_by=registrar)
    person_ids = list(Subject.objects.filter(case__in=cases).values_list("person_id", flat=True))
    with transaction.atomic():
        PrioritySnapshot.objects.filter(created_by=registrar).delete()
        cases.delete()
        for start in range(0, len(person_ids), 900):  # SQLite's limit on query parameters
            Person.objects.filter(pk__in=person_ids[start : start + 900]).delete()


def prioritise(waiting: WaitingList) -> tuple[PrioritySnapshot, bool]:
    """One weekly prioritisation of the waiting list, in a week not ranked yet."""
    return waiting_list_prioritise(today=waiting.today, by=waiting.registrar)


def prioritisation_undo(result: tuple[PrioritySnapshot, bool]) -> None:
    """Remove the week's ranking again, so the next run ranks the same week anew."""
    snapshot, created = result
    if created:
        snapshot.delete()


def _unranked_day(today: date) -> date:
    """Today, or the same weekday of the first later week that has no ranking yet."""
    ranked = set(PrioritySnapshot.objects.values_list("week", flat=True))
    day = today
    while iso_week(day) in ranked:
        day += timedelta(weeks=1)
    return day


def _registrar() -> User:
    user, created = User.objects.get_or_create(
        username=REGISTRAR,
        defaults={"role": Role.SUPPORT_OFFICER, "first_name": "Bench", "last_name": "Werkvoorraad"},
    )
    if created:
        user.set_unusable_password()  # nobody logs in as a bench account
        user.save(update_fields=["password"])
    return user


def _generate(*, entries: int, seed: int, registrar: User) -> None:
    rng = random.Random(f"{seed}:waiting-list:{entries}")
    reference = _Reference.load(registrar)
    today = timezone.localdate()
    for start in range(0, entries, BATCH):
        batch = _Batch()
        for index in range(start, min(start + BATCH, entries)):
            batch.add(rng, reference, index=index, today=today)
        batch.save()


@dataclass(frozen=True)
class _Reference:
    registrar: User
    support_officer: User
    municipalities: list[Municipality]
    partners: list[Partner]
    topics: list[MainTopic]

    @classmethod
    def load(cls, registrar: User) -> _Reference:
        support_officer = User.objects.filter(username=scale.SUPPORT_OFFICER).first() or registrar
        return cls(
            registrar=registrar,
            support_officer=support_officer,
            municipalities=list(Municipality.objects.order_by("pk")),
            partners=list(Partner.objects.order_by("pk")),
            topics=list(MainTopic.objects.order_by("pk")),
        )


class _Batch:
    def __init__(self) -> None:
        self.cases: list[Case] = []
        self.referrals: list[Referral] = []
        self.persons: list[Person] = []
        self.subjects: list[Subject] = []
        self.entries: list[WaitingListEntry] = []
        self.contacts: list[ReferrerContact] = []

    def add(self, rng: random.Random, reference: _Reference, *, index: int, today: date) -> None:
        """One waiting case: received, decided one to three weeks later, on the list since."""
        on_list = rng.randint(7, 26 * 7)
        added_on = today - timedelta(days=on_list)
        received_on = added_on - timedelta(days=rng.randint(7, 21))
        received = _moment(rng, received_on)
        case = Case(
            number=f"{NUMBER_PREFIX}-{index + 1:06d}",
            kind=Case.Kind.COORDINATION,
            intensity=rng.choice(Case.Intensity.values),
            status=CaseStatus.WAITING,
            created_at=received,
        )
        self.cases.append(case)
        self.referrals.append(_referral(rng, reference, case, received))
        family = rng.choice(scale.LAST_NAMES)
        female = rng.random() < 0.5
        person = Person(
            first_name=rng.choice(scale.FEMALE_NAMES if female else scale.MALE_NAMES),
            name_prefix=family[0],
            last_name=family[1],
            date_of_birth=received_on - timedelta(days=rng.randrange(18 * 365, 80 * 365)),
            gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
        )
        self.persons.append(person)
        municipality = rng.choice(reference.municipalities)
        self.subjects.append(Subject(case=case, person=person, is_primary=True, municipality=municipality))
        risk = rng.choices(list(RISK), weights=list(RISK.values()))[0]
        self.entries.append(
            WaitingListEntry(
                case=case, added_on=added_on, added_by=reference.support_officer, safety_risk=risk
            )
        )
        if rng.random() < CONTACT_SHARE:
            for _ in range(rng.randint(1, 3)):
                self.contacts.append(_contact(rng, reference, case, added_on, today))

    def save(self) -> None:
        with transaction.atomic():
            Case.objects.bulk_create(self.cases)
            Referral.objects.bulk_create(self.referrals)
            Person.objects.bulk_create(self.persons)
            Subject.objects.bulk_create(self.subjects)
            WaitingListEntry.objects.bulk_create(self.entries)
            ReferrerContact.objects.bulk_create(
                sorted(self.contacts, key=lambda contact: contact.occurred_on)
            )


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, clock(8), tzinfo=timezone.get_current_timezone()) + timedelta(
        minutes=rng.randrange(9 * 60)
    )


def _referral(rng: random.Random, reference: _Reference, case: Case, received: datetime) -> Referral:
    first, (prefix, last) = rng.choice(scale.FEMALE_NAMES + scale.MALE_NAMES), rng.choice(scale.LAST_NAMES)
    return Referral(
        case=case,
        received_on=timezone.localdate(received),
        referrer_partner=rng.choice(reference.partners),
        referrer_name=" ".join(part for part in (f"{first[0]}.", prefix, last) if part),
        referrer_role=rng.choice(scale.REFERRER_ROLES),
        referrer_phone=f"0592-{rng.randrange(100_000, 1_000_000)}",
        concerns=rng.choice(scale.CONCERNS),
        main_topic=rng.choice(reference.topics),
        minors_in_system=rng.choice(Referral.MinorsInSystem.values),
        subject_informed=True,
        registered_by=reference.registrar,
        registered_at=received,
    )


def _contact(
    rng: random.Random, reference: _Reference, case: Case, added_on: date, today: date
) -> ReferrerContact:
    day = added_on + timedelta(days=rng.randint(0, max((today - added_on).days - 1, 0)))
    return ReferrerContact(
        case=case,
        occurred_on=day,
        note=CONTACT_NOTE,
        escalation_signal=rng.random() < SIGNAL_SHARE,
        urgency=rng.choices(list(URGENCY), weights=list(URGENCY.values()))[0],
        by=reference.support_officer,
        recorded_at=_moment(rng, day),
    )
