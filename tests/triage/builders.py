"""Building blocks for triage tests: complete referrals, a ketenkamer today, a decided case."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from cases.models import Case, Referral
from cases.services import ReferralData, SubjectData, referral_register
from triage import services
from triage.models import AgendaItem, Decision, Meeting, SafetyRisk
from zvhd.accounts.models import User
from zvhd.reference.models import (
    AcceptanceCriterion,
    MainTopic,
    MeetingType,
    Municipality,
    Partner,
    ProblemArea,
)

_numbers = itertools.count(1)


def complete_referral(
    by: User, *, last_name: str = "", minors: str = "no", registered_days_ago: int = 3, **overrides: object
) -> Case:
    """A referral triage can weigh: date of birth, problem areas, minors answered, concerns described.

    Registered a few days ago by default, so that it was complete before this week's cut-off.
    """
    number = next(_numbers)
    fields = {
        "received_on": timezone.localdate(),
        "referrer_partner": Partner.objects.get(code="politie"),
        "referrer_name": "Wijkagent Bakker",
        "referrer_email": "bakker@politie.example",
        "concerns": "Escalerende overlast en dreiging richting buren; zorg wordt steeds geweigerd.",
        "main_topic": MainTopic.objects.get(code="nuisance"),
        "subject_informed": True,
        "minors_in_system": minors,
        "problem_areas": list(ProblemArea.objects.filter(code="ggz")),
    }
    subject = SubjectData(
        first_name="Kees",
        last_name=last_name or f"Hoekstra{number}",
        municipality=Municipality.objects.get(code="emmen"),
        is_primary=True,
        date_of_birth=datetime.date(1980, 1, 1),
    )
    case = referral_register(by=by, referral=ReferralData(**(fields | overrides)), subjects=[subject])
    registered = timezone.now() - datetime.timedelta(days=registered_days_ago)
    Referral.objects.filter(case=case).update(registered_at=registered)
    return case


def ketenkamer(by: User, *, day: datetime.date | None = None, liaisons: list[User] | None = None) -> Meeting:
    return services.meeting_plan(
        by=by,
        meeting_type=MeetingType.objects.get(code="ketenkamer"),
        date=day or timezone.localdate(),
        chair=by,
        liaisons=liaisons or [],
    )


def criteria_for_coordination() -> list[AcceptanceCriterion]:
    return list(AcceptanceCriterion.objects.filter(sufficient_alone=False))


def decide(
    item: AgendaItem,
    by: User,
    decision: str = Decision.COORDINATION_TAILORED,
    *,
    risk: str = SafetyRisk.MEDIUM,
    **overrides: object,
) -> AgendaItem:
    item.refresh_from_db()
    fields = {
        "decision": decision,
        "safety_risk": risk,
        "ave_phase": 3,
        "criteria_met": criteria_for_coordination(),
    }
    return services.decision_record(
        item=item, by=by, data=services.DecisionData(**(fields | overrides)), version=item.version
    )


def waiting_case(
    by: User, *, risk: str = SafetyRisk.MEDIUM, minors: str = "no", meeting: Meeting | None = None
) -> Case:
    """A referral decided for procesregie today without a free procesregisseur: on the werkvoorraad."""
    case = complete_referral(by, minors=minors)
    meeting = meeting or Meeting.objects.filter(date=timezone.localdate()).first() or ketenkamer(by)
    item = AgendaItem.objects.filter(case=case).first() or services.agenda_add(
        meeting=meeting, case=case, by=by
    )
    decide(item, by, risk=risk)
    case.refresh_from_db()
    return case
