"""A deterministic demo data set for one house, shaped by a profile (`demo/profiles/<name>.json`).

Everything about the house lives in the profile: the published figures of the years it reproduces,
the distributions for the other years, accounts, texts. This module only knows the rules:

1. Plan (pure Python, one seeded `random.Random`): every referral of every year becomes a `Plan`. For
   a year with published figures the figures are dealt out as labels (partner, municipality, age,
   topic ...) over that year's plans, so the counts come out exactly; other years draw from weights.
   The case histories are then laid out year by year: which coordination cases close in which year
   is chosen so that the yearly inflow, active and closed counts match the profile; which cases waited
   for a procesregisseur so that a published waiting-list count matches too; and what stands today
   (the waiting list, the referrals awaiting the next ketenkamer).
2. Plan who takes part and who sees what (a second seeded `random.Random`, so the case file of step 1
   is the same with or without it): the cter compartment, participants of open and recently closed
   cases, the liaison's agenda, emergency accesses and closure reasons.
3. Plan the triage records around the case file (a third, in `demo/triage_history.py`): weekly
   ketenkamer meetings, the agenda item and decision of every referral, the werkvoorraad with its
   contacts and weekly rankings.
4. Write: the plans become rows with `bulk_create` in one transaction. No services and no audit
   records: loading demo data is not user activity. Object permissions are granted through
   `cases.access`, the one module that grants them, exactly as the participant services do.

The definitions behind the figures are in docs/demo-data.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import access
from cases.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseUserObjectPermission,
    EmergencyAccess,
    Participant,
    Person,
    Referral,
    Subject,
)
from cases.workflow import CaseStatus
from demo import people
from zvhd.accounts.models import Role, User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import (
    AcceptanceCriterion,
    CrossBorderScope,
    MainTopic,
    Municipality,
    Partner,
    ProblemArea,
)

DEMO_PASSWORD = "zvhd-demo-2026"
DEFAULT_SEED = 2026
PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

COORDINATION = Case.Kind.COORDINATION.value
EXTENDED_ADVICE = Case.Kind.EXTENDED_ADVICE.value
REFUSALS = (CaseStatus.NOT_TAKEN_UP.value, CaseStatus.REFERRED_BACK.value)
OUTCOMES = (COORDINATION, EXTENDED_ADVICE, *REFUSALS)
UNKNOWN_AGE = "unknown"
NO_LABEL = "none"  # the label of "no problem area" / "no cross-border aspect"

Profile = dict[str, Any]


class ProfileError(Exception):
    """The profile contradicts itself or names reference data that does not exist."""


# --- The plan of one case ------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectPlan:
    name: people.Name
    gender: str
    date_of_birth: date | None
    bsn: str
    relation: str = ""

    @property
    def is_primary(self) -> bool:
        return not self.relation


@dataclass
class ReferrerPlan:
    name: people.Name
    role: str
    phone: str
    email: str


@dataclass(eq=False)  # plans are compared by identity: two referrals may look alike
class Plan:
    """One referral and what became of it, before anything is written."""

    year: int
    outcome: str
    received_on: date = date.min
    partner: str = ""
    municipality: str = ""
    age_bucket: str = ""
    main_topic: str = ""
    problem_areas: str = NO_LABEL
    cross_border: str = NO_LABEL
    minors: str = ""
    intensity: str = ""
    agenda_on: date = date.min
    decided_on: date = date.min
    assigned_on: date | None = None
    closed_on: date | None = None
    number: str = ""
    subjects: list[SubjectPlan] = field(default_factory=list)
    referrer: ReferrerPlan | None = None
    concerns: str = ""
    not_informed_reason: str = ""
    criteria: list[str] = field(default_factory=list)
    registrar: str = ""
    triage_actor: str = ""
    coordinator: str | None = None
    moments: dict[str, datetime] = field(default_factory=dict)
    legal_basis: str = LegalBasis.WGS
    closure_reason: str = ""


# --- Small helpers: labels, weights, days --------------------------------------------------------


def _label_list(counts: dict[str, int]) -> list[str]:
    return [label for label, count in counts.items() for _ in range(count)]


def _deal(rng: random.Random, plans: Sequence[Plan], attribute: str, counts: dict[str, int]) -> None:
    """Give every plan one label so that each label is used exactly `counts[label]` times."""
    labels = _label_list(counts)
    if len(labels) != len(plans):
        raise ProfileError(f"{attribute}: the profile holds {len(labels)} labels for {len(plans)} cases.")
    rng.shuffle(labels)
    for plan, label in zip(plans, labels, strict=True):
        setattr(plan, attribute, label)


def apportion(shares: dict[str, float], total: int) -> dict[str, int]:
    """Whole counts in proportion to `shares` that add up to `total` (largest remainder)."""
    whole = sum(shares.values())
    exact = {key: value * total / whole for key, value in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    order = list(shares)
    by_remainder = sorted(exact, key=lambda key: (counts[key] - exact[key], order.index(key)))
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _draw(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weighted_sample(
    rng: random.Random, items: Sequence[Plan], weights: Sequence[float], k: int
) -> list[Plan]:
    """`k` items without replacement, each as likely as its weight (Efraimidis-Spirakis)."""
    keyed = sorted(
        ((rng.random() ** (1 / weight), index) for index, weight in enumerate(weights) if weight > 0),
        reverse=True,
    )
    if len(keyed) < k:
        raise ProfileError(f"Only {len(keyed)} cases can close in time where the profile asks {k}.")
    return [items[index] for _, index in keyed[:k]]


def _working_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def _add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _working_day_from(day: date) -> date:
    """`day` itself on a weekday, else the Monday after."""
    return _add_working_days(day - timedelta(days=1), 1)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, min(day.day, 28))


def _years_before(day: date, years: int) -> date:
    return (
        day.replace(year=day.year - years)
        if (day.month, day.day) != (2, 29)
        else date(day.year - years, 2, 28)
    )


def _month_day(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


# --- The profile ---------------------------------------------------------------------------------


def profile_path(name: str | None = None) -> Path:
    """The profile file: a path, a name in demo/profiles, or by default the one named like the house's
    reference data file (settings.ZVHD_REFERENCE_DATA)."""
    name = name or Path(settings.ZVHD_REFERENCE_DATA).stem
    if name.endswith(".json"):
        return Path(name)
    return PROFILES_DIR / f"{name}.json"


def profile_load(name: str | None = None) -> Profile:
    path = profile_path(name)
    if not path.is_file():
        raise ProfileError(f"There is no demo profile {path}.")
    with path.open(encoding="utf-8") as handle:
        profile: Profile = json.load(handle)
    errors = profile_errors(profile)
    if errors:
        raise ProfileError(f"The demo profile {path.name} is inconsistent:\n- " + "\n- ".join(errors))
    return profile


def counted_years(profile: Profile) -> list[int]:
    """The years whose counts the profile fixes (in order); later years are a free continuation."""
    return sorted(int(year) for year in profile["years"])


def _spec(profile: Profile, year: int) -> dict[str, Any]:
    return profile["years"][str(year)]


def profile_errors(profile: Profile) -> list[str]:
    """Everything in the profile that cannot hold at the same time."""
    errors = []
    carried = 0
    for year in counted_years(profile):
        spec = _spec(profile, year)
        flow = spec["coordination"]
        active = carried + flow["new"]
        if flow.get("active", active) != active:
            errors.append(f"{year}: {carried} open at the start + {flow['new']} new is not {flow['active']}.")
        if flow["closed"] > active:
            errors.append(f"{year}: {flow['closed']} closed of only {active} active.")
        errors += _year_errors(year, spec, carried)
        carried = active - flow["closed"]
    unknown = set(profile["continuation"]["outcomes"]) - set(OUTCOMES)
    if unknown:
        errors.append(f"continuation: unknown outcomes {sorted(unknown)}.")
    return errors + _access_errors(profile) + _procesregie_errors(profile) + _aftercare_errors(profile)


def _procesregie_errors(profile: Profile) -> list[str]:
    from demo import procesregie_history  # it builds on this module

    return procesregie_history.profile_errors(profile)


def _aftercare_errors(profile: Profile) -> list[str]:
    from demo import aftercare_history  # it builds on this module

    return aftercare_history.profile_errors(profile)


def _access_errors(profile: Profile) -> list[str]:
    """Every account the access section names is one of the profile's accounts, with a role that fits."""
    conf = profile["access"]
    partner, coordinator = {Role.PARTNER_PROFESSIONAL}, {Role.COORDINATOR}
    compartment = conf["compartment"]
    named = [(spec["username"], partner) for spec in [*conf["partners"], *compartment["participants"]]]
    named += [(spec["coordinator"], coordinator) for spec in conf["partners"] if "coordinator" in spec]
    named += [
        (compartment["coordinator"], coordinator),
        (compartment["registrar"], {Role.SUPPORT_OFFICER}),
        (conf["agenda"]["liaison"], {Role.LIAISON}),
        (conf["emergency_access"]["reviewer"], {Role.MANAGER, Role.PRIVACY_OFFICER}),
    ]
    roles = {row["username"]: row["role"] for row in profile["accounts"]}
    errors = [
        f"access: {username!r} is not an account with the role {' or '.join(sorted(allowed))}."
        for username, allowed in named
        if roles.get(username) not in allowed
    ]
    emergency = conf["emergency_access"]
    if len(emergency["reasons"]) < emergency["reviewed"] + emergency["unreviewed"]:
        errors.append("access: emergency_access needs a reason for every emergency access.")
    return errors


def _year_errors(year: int, spec: dict[str, Any], carried: int) -> list[str]:
    new, advice = spec["coordination"]["new"], spec["extended_advice"]
    errors = []
    ages = spec.get("age_of_main_subject")
    if ages and sum(ages.values()) != new + advice:
        errors.append(f"{year}: the age rows add up to {sum(ages.values())}, not {new + advice}.")
    for key, counts in spec.get("coordination_inflow", {}).items():
        if key != "main_topic_shares" and sum(counts.values()) != new:
            errors.append(f"{year}: {key} adds up to {sum(counts.values())}, not {new}.")
    errors += _partner_errors(year, spec.get("referrals_per_partner", {}), new, advice)
    errors += _municipality_errors(year, spec, carried)
    return errors


def _partner_errors(year: int, rows: dict[str, dict[str, int]], new: int, advice: int) -> list[str]:
    if not rows:
        return []
    errors = [
        f"{year}: partner {code}: {row['total']} is not {row['coordination']} + {row['extended_advice']}."
        for code, row in rows.items()
        if row["total"] != row["coordination"] + row["extended_advice"]
    ]
    if sum(row["coordination"] for row in rows.values()) != new:
        errors.append(f"{year}: the partner rows do not add up to {new} coordination cases.")
    if sum(row["extended_advice"] for row in rows.values()) != advice:
        errors.append(f"{year}: the partner rows do not add up to {advice} extended advice cases.")
    return errors


def _municipality_errors(year: int, spec: dict[str, Any], carried: int) -> list[str]:
    rows = spec.get("per_municipality")
    if not rows:
        return []
    flow = spec["coordination"]
    totals = {column: sum(row[column] for row in rows.values()) for column in next(iter(rows.values()))}
    expected = {"active": carried + flow["new"], "inflow": flow["new"], "closed": flow["closed"]}
    expected["extended_advice"] = spec["extended_advice"]
    errors = [
        f"{year}: the municipality column {column} adds up to {totals[column]}, not {value}."
        for column, value in expected.items()
        if totals[column] != value
    ]
    person_centred = spec.get("person_centred_carried_and_closed", {})
    for code, row in rows.items():
        if not row["inflow"] <= row["active"] or row["closed"] > row["active"]:
            errors.append(f"{year}: municipality {code} has more inflow or closed cases than active ones.")
        if person_centred.get(code, 0) > min(row["closed"], row["active"] - row["inflow"]):
            errors.append(f"{year}: municipality {code} cannot have {person_centred[code]} PGA cases.")
    return errors


def today_earliest(profile: Profile) -> date:
    """Demo data needs every referral of the counted years decided: a month into the next year."""
    return date(counted_years(profile)[-1] + 1, 2, 1)


# --- 1. Plans per year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    profile: Profile
    rng: random.Random
    today: date
    partner_domains: dict[str, str]

    @property
    def weights(self) -> dict[str, Any]:
        return self.profile["weights"]

    @property
    def timing(self) -> dict[str, Any]:
        return self.profile["timing"]


def _plans_of_counted_year(ctx: _Context, year: int) -> list[Plan]:
    spec = _spec(ctx.profile, year)
    coordination = [
        Plan(year, COORDINATION, intensity=Case.Intensity.INTENSIVE)
        for _ in range(spec["coordination"]["new"])
    ]
    advice = [Plan(year, EXTENDED_ADVICE) for _ in range(spec["extended_advice"])]
    _label_partners(ctx, spec, coordination + advice)
    municipalities = spec.get("per_municipality")
    if municipalities:
        _deal(
            ctx.rng,
            coordination,
            "municipality",
            {code: row["inflow"] for code, row in municipalities.items()},
        )
        _deal(
            ctx.rng,
            advice,
            "municipality",
            {code: row["extended_advice"] for code, row in municipalities.items()},
        )
    else:
        _draw_municipalities(ctx, advice)
    _label_ages(ctx, spec.get("age_of_main_subject"), coordination + advice)
    _label_mix(ctx, coordination, spec.get("coordination_inflow", {}))
    _label_mix(ctx, advice, {})
    until = _month_day(year, ctx.timing["counted_coordination_received_until"])
    _receive(ctx.rng, coordination, date(year, 1, 1), until)
    _receive(ctx.rng, advice, date(year, 1, 1), date(year, 12, 31))
    return coordination + advice


def _plans_of_continued_year(ctx: _Context, year: int) -> list[Plan]:
    continuation = ctx.profile["continuation"]
    start, end = date(year, 1, 1), min(date(year, 12, 31), ctx.today - timedelta(days=1))
    if end < start:
        return []
    per_year = ctx.rng.randint(*continuation["referrals_per_year"])
    count = round(per_year * ((end - start).days + 1) / ((date(year, 12, 31) - start).days + 1))
    plans = [Plan(year, _draw(ctx.rng, continuation["outcomes"])) for _ in range(count)]
    for plan in plans:
        if plan.outcome == COORDINATION:
            pga = ctx.rng.random() < continuation["person_centred_share"]
            plan.intensity = Case.Intensity.PERSON_CENTRED if pga else Case.Intensity.INTENSIVE
    _label_partners(ctx, {}, plans)
    _draw_municipalities(ctx, [plan for plan in plans if plan.outcome != COORDINATION])
    _label_ages(ctx, None, plans)
    _label_mix(ctx, plans, {})
    _receive(ctx.rng, plans, start, end)
    return plans


def _receive(rng: random.Random, plans: Iterable[Plan], start: date, end: date) -> None:
    days = _working_days(start, end)
    for plan in plans:
        plan.received_on = rng.choice(days)


def _partner_weights(ctx: _Context, outcome: str, domain: str | None = None) -> dict[str, float]:
    table = ctx.weights["partners"]
    weights = table.get(outcome, table["other"])
    if domain is None:
        return weights
    within = {code: w for code, w in weights.items() if ctx.partner_domains.get(code) == domain and w > 0}
    return within or {code: 1.0 for code, own in ctx.partner_domains.items() if own == domain}


def _label_partners(ctx: _Context, spec: dict[str, Any], plans: list[Plan]) -> None:
    rows = spec.get("referrals_per_partner")
    if rows:
        for outcome in (COORDINATION, EXTENDED_ADVICE):
            group = [plan for plan in plans if plan.outcome == outcome]
            _deal(ctx.rng, group, "partner", {code: row[outcome] for code, row in rows.items()})
        return
    shares = spec.get("domain_shares")
    domains: list[str | None] = [None] * len(plans)
    if shares:
        domains = list(_label_list(apportion(shares, len(plans))))
        ctx.rng.shuffle(domains)
    for plan, domain in zip(plans, domains, strict=True):
        plan.partner = _draw(ctx.rng, _partner_weights(ctx, plan.outcome, domain))


def _draw_municipalities(ctx: _Context, plans: Iterable[Plan]) -> None:
    for plan in plans:
        plan.municipality = _draw(ctx.rng, ctx.weights["municipalities"])


def _label_ages(ctx: _Context, counts: dict[str, int] | None, plans: list[Plan]) -> None:
    if counts:
        _deal(ctx.rng, plans, "age_bucket", counts)
        return
    for plan in plans:
        plan.age_bucket = _draw(ctx.rng, ctx.weights["age_of_main_subject"])


def _minor_buckets(profile: Profile) -> set[str]:
    return {bucket["code"] for bucket in profile["age_buckets"] if (bucket["max"] or 999) < 18}


def _label_mix(ctx: _Context, plans: list[Plan], exact: dict[str, Any]) -> None:
    """Main topic, problem areas, cross-border aspects and minors: exact counts or weights."""
    weights = ctx.weights
    mix = (
        ("main_topic", "main_topic_shares", "main_topics"),
        ("problem_areas", "problem_areas", "problem_areas"),
        ("cross_border", "cross_border", "cross_border"),
        ("minors", "minors_in_system", "minors_in_system"),
    )
    for attribute, exact_key, weights_key in mix:
        counts = exact.get(exact_key)
        if counts is None:
            for plan in plans:
                setattr(plan, attribute, _draw(ctx.rng, weights[weights_key]))
            continue
        if exact_key.endswith("_shares"):
            counts = apportion(counts, len(plans))
        _deal(ctx.rng, plans, attribute, counts)
    _minors_where_the_subject_is_a_minor(
        plans, _minor_buckets(ctx.profile), exact_counts="minors_in_system" in exact
    )


def _minors_where_the_subject_is_a_minor(
    plans: list[Plan], minor_buckets: set[str], *, exact_counts: bool
) -> None:
    """A minor main subject means minors in the system; exact counts are kept by swapping labels."""
    for plan in plans:
        if plan.age_bucket not in minor_buckets or plan.minors == "yes":
            continue
        if not exact_counts:
            plan.minors = "yes"
            continue
        donor = next((p for p in plans if p.minors == "yes" and p.age_bucket not in minor_buckets), None)
        if donor is not None:
            plan.minors, donor.minors = donor.minors, plan.minors


# --- 2. Triage: agenda, decision, start ---------------------------------------------------------


def _plan_triage(ctx: _Context, plans: Iterable[Plan]) -> None:
    timing, rng = ctx.timing, ctx.rng
    for plan in plans:
        plan.agenda_on = _add_working_days(plan.received_on, rng.randint(*timing["agenda_working_days"]))
        earliest = max(
            plan.agenda_on + timedelta(days=1), plan.received_on + timedelta(days=timing["decision_min_days"])
        )
        meeting = _next_weekday(earliest, timing["ketenkamer_weekday"])
        plan.decided_on = meeting + timedelta(weeks=rng.randint(*timing["decision_extra_weeks"]))
        if plan.outcome == EXTENDED_ADVICE:
            plan.assigned_on = plan.decided_on
        elif plan.outcome == COORDINATION:
            waits = rng.random() < timing["waiting_share"]
            wait = timedelta(weeks=rng.randint(*timing["waiting_weeks"])) if waits else timedelta(0)
            plan.assigned_on = plan.decided_on + wait


# --- 3. Closures ---------------------------------------------------------------------------------


def _plan_closures(ctx: _Context, plans: list[Plan]) -> None:
    coordination = [plan for plan in plans if plan.outcome == COORDINATION]
    years = counted_years(ctx.profile)
    for year in years:
        _close_counted_year(ctx, year, coordination)
    _draw_municipalities(ctx, [plan for plan in coordination if not plan.municipality])
    _close_continued(ctx, coordination, carried_until=date(years[-1], 12, 31))
    for plan in plans:
        if plan.outcome == EXTENDED_ADVICE:
            closes = _working_day_from(
                _add_months(plan.decided_on, ctx.rng.randint(*ctx.timing["advice_months"]))
            )
            plan.closed_on = closes if closes < ctx.today else None


def _close_counted_year(ctx: _Context, year: int, coordination: list[Plan]) -> None:
    spec = _spec(ctx.profile, year)
    carried = [plan for plan in coordination if plan.received_on.year < year and plan.closed_on is None]
    active = carried + [plan for plan in coordination if plan.received_on.year == year]
    rows = spec.get("per_municipality")
    if not rows:
        _close_some(ctx, year, active, spec["coordination"]["closed"])
        return
    _label_carried(ctx.rng, carried, rows)
    forced = _mark_person_centred(ctx.rng, carried, spec.get("person_centred_carried_and_closed", {}))
    for code, row in rows.items():
        group = [plan for plan in active if plan.municipality == code]
        _close_some(
            ctx, year, group, row["closed"], forced=[plan for plan in forced if plan.municipality == code]
        )


def _label_carried(rng: random.Random, carried: list[Plan], rows: dict[str, dict[str, int]]) -> None:
    """The cases open at the start of the year get the municipalities the rows leave for them."""
    needed = Counter({code: row["active"] - row["inflow"] for code, row in rows.items()})
    unlabelled = []
    for plan in carried:
        if plan.municipality:
            needed[plan.municipality] -= 1
        else:
            unlabelled.append(plan)
    if any(count < 0 for count in needed.values()):
        raise ProfileError(f"{rows}: more cases carried into the year than the municipality rows allow.")
    _deal(rng, unlabelled, "municipality", dict(needed))


def _mark_person_centred(rng: random.Random, carried: list[Plan], counts: dict[str, int]) -> list[Plan]:
    marked = []
    for code, count in counts.items():
        candidates = [plan for plan in carried if plan.municipality == code]
        for plan in rng.sample(candidates, count):
            plan.intensity = Case.Intensity.PERSON_CENTRED
            marked.append(plan)
    return marked


def _closing_window(ctx: _Context, plan: Plan, year: int) -> tuple[date, date] | None:
    started = plan.assigned_on or plan.decided_on
    earliest = max(
        date(year, 1, 1), started + timedelta(weeks=ctx.timing["coordination_min_weeks_before_close"])
    )
    latest = date(year, 12, 31)
    return (earliest, latest) if earliest <= latest else None


def _close_some(ctx: _Context, year: int, group: list[Plan], count: int, forced: Sequence[Plan] = ()) -> None:
    """Close `count` cases of `group` in `year`: the forced ones, then older ones more likely."""
    rest = [plan for plan in group if plan not in forced]
    weights = []
    for plan in rest:
        window = _closing_window(ctx, plan, year)
        days_open = (window[1] - window[0]).days + 1 if window else 0
        weights.append(days_open * (1 + year - plan.received_on.year))
    for plan in [*forced, *_weighted_sample(ctx.rng, rest, weights, count - len(forced))]:
        window = _closing_window(ctx, plan, year)
        if window is None:
            raise ProfileError(f"{year}: case received on {plan.received_on} cannot close in that year.")
        plan.closed_on = ctx.rng.choice(_working_days(*window) or [window[1]])


def _close_continued(ctx: _Context, coordination: list[Plan], *, carried_until: date) -> None:
    """After the counted years a case runs a drawn number of months; counted years stay as they are."""
    timing, rng = ctx.timing, ctx.rng
    for plan in coordination:
        if plan.closed_on is not None:
            continue
        started = plan.assigned_on or plan.decided_on
        closes = _add_months(started, rng.randint(*timing["coordination_months"]))
        if plan.received_on <= carried_until:
            spread = timedelta(days=rng.randint(0, timing["carry_over_spread_days"]))
            closes = max(closes, carried_until + timedelta(days=1) + spread)
        closes = _working_day_from(closes)
        plan.closed_on = closes if closes < ctx.today else None


# --- 4. The waiting list: published years, and today ---------------------------------------------


def waited_in(plan: Plan, year: int) -> bool:
    """The plan's case was on the waiting list on at least one day of `year`: accepted for procesregie
    without a free procesregisseur, decided on or before 31 December and not assigned before 1 January."""
    if plan.outcome != COORDINATION or plan.assigned_on == plan.decided_on:
        return False
    return plan.decided_on <= date(year, 12, 31) and (
        plan.assigned_on is None or plan.assigned_on >= date(year, 1, 1)
    )


def _plan_counted_waits(ctx: _Context, plans: list[Plan]) -> None:
    """Where a counted year publishes how many cases waited for a procesregisseur
    (`waited_for_a_coordinator`), exactly that many were on the waiting list in that year: cases decided
    that year start at once or after a wait until the count is right."""
    for year in counted_years(ctx.profile):
        target = _spec(ctx.profile, year).get("waited_for_a_coordinator")
        if target is None:
            continue
        waited = [plan for plan in plans if waited_in(plan, year)]
        if len(waited) > target:
            # Cases on today's waiting list, or carried in from the year before, keep their wait.
            started = [plan for plan in waited if plan.decided_on.year == year and plan.assigned_on]
            if len(started) < len(waited) - target:
                raise ProfileError(f"{year}: more than {target} cases wait whatever the demo data does.")
            for plan in ctx.rng.sample(started, len(waited) - target):
                plan.assigned_on = plan.decided_on
            continue
        longest = _longest_waits(ctx, [plan for plan in plans if plan.decided_on.year == year])
        if len(longest) < target - len(waited):
            raise ProfileError(
                f"{year}: only {len(waited) + len(longest)} cases can have waited, not {target}."
            )
        for plan in ctx.rng.sample(list(longest), target - len(waited)):
            plan.assigned_on = plan.decided_on + timedelta(
                weeks=ctx.rng.randint(ctx.timing["waiting_weeks"][0], longest[plan])
            )


def _longest_waits(ctx: _Context, plans: list[Plan]) -> dict[Plan, int]:
    """The coordination cases that started at once and could have waited instead, with the most weeks each
    could have waited: the wait ends in time for the case's closure (`coordination_min_weeks_before_close`
    before it) and before today."""
    low, high = ctx.timing["waiting_weeks"]
    before_close = timedelta(weeks=ctx.timing["coordination_min_weeks_before_close"])
    longest = {}
    for plan in plans:
        if plan.outcome != COORDINATION or plan.assigned_on is None or plan.assigned_on != plan.decided_on:
            continue
        until = ctx.today - timedelta(days=1)
        if plan.closed_on is not None:
            until = min(until, plan.closed_on - before_close)
        weeks = min(high, (until - plan.decided_on).days // 7)
        if weeks >= low:
            longest[plan] = weeks
    return longest


def _plan_awaiting_triage(ctx: _Context, plans: list[Plan]) -> None:
    """The referrals of the last weeks the ketenkamer has not decided on yet: at least `on_agenda` on the
    agenda of the next ketenkamer, and the latest `registered` still registered, awaiting a meeting
    (`incomplete` of them still lacking what triage needs: whether minors are part of the system). When
    too few referrals are undecided, the latest decided ones received within `within_days` were held
    over to the next meeting."""
    conf, today = ctx.profile["continuation"]["awaiting_triage"], ctx.today
    upcoming = _next_weekday(today, ctx.timing["ketenkamer_weekday"])
    undecided = [plan for plan in plans if plan.decided_on >= today]
    held = [
        plan
        for plan in plans
        if plan.decided_on < today
        and plan.closed_on is None
        and plan.received_on >= today - timedelta(days=conf["within_days"])
    ]
    wanted = conf["on_agenda"] + conf["registered"]
    for plan in sorted(held, key=lambda plan: plan.received_on)[::-1][: max(wanted - len(undecided), 0)]:
        later = upcoming - plan.decided_on
        plan.decided_on += later
        if plan.assigned_on is not None:
            plan.assigned_on += later
        undecided.append(plan)
    undecided.sort(key=lambda plan: plan.received_on)
    registered = min(conf["registered"], max(len(undecided) - conf["on_agenda"], 0))
    for plan in undecided[len(undecided) - registered :]:
        plan.agenda_on = max(plan.agenda_on, today)
    awaiting = [plan for plan in undecided if plan.agenda_on >= today]
    for plan in awaiting[len(awaiting) - min(conf["incomplete"], len(awaiting)) :]:
        plan.minors = Referral.MinorsInSystem.UNKNOWN.value


def _plan_waiting_list(ctx: _Context, plans: list[Plan]) -> None:
    """A handful of accepted coordination cases wait for a procesregisseur; every other one has started.
    The one waiting longest was decided `waiting_list_oldest_weeks` ago: if the draw holds none that
    old, the latest decided of the draw gives its place to the earliest decided case of that age."""
    continuation, today = ctx.profile["continuation"], ctx.today
    window_start = today - timedelta(days=continuation["waiting_list_window_days"])
    decided_open = [
        plan
        for plan in plans
        if plan.outcome == COORDINATION and plan.decided_on < today and plan.closed_on is None
    ]
    recent = [plan for plan in decided_open if plan.decided_on >= window_start]
    waiting = ctx.rng.sample(recent, min(ctx.rng.randint(*continuation["waiting_list"]), len(recent)))
    low, high = continuation["waiting_list_oldest_weeks"]
    if waiting and max((today - plan.decided_on).days // 7 for plan in waiting) < low:
        old = [plan for plan in recent if low <= (today - plan.decided_on).days // 7 <= high]
        if old:
            waiting.remove(max(waiting, key=lambda plan: plan.decided_on))
            waiting.append(min(old, key=lambda plan: plan.decided_on))
    yesterday = _previous_working_day(today)
    for plan in decided_open:
        if plan in waiting:
            plan.assigned_on = None
        elif plan.assigned_on is not None and plan.assigned_on >= today:
            plan.assigned_on = max(plan.decided_on, yesterday)


# --- 5. People, texts and moments -----------------------------------------------------------------


@dataclass(frozen=True)
class _Staff:
    support_officers: list[str]
    coordinators: list[str]
    hours: dict[str, float]  # working hours a week per procesregisseur: his share of the open cases


def _staff(profile: Profile) -> _Staff:
    accounts = profile["accounts"]
    support = [
        a["username"] for a in accounts if a["role"] == Role.SUPPORT_OFFICER and not a.get("administrator")
    ]
    rows = [a for a in accounts if a["role"] == Role.COORDINATOR]
    if not support or not rows:
        raise ProfileError(
            "The profile needs at least one procesondersteuner and one procesregisseur account."
        )
    full_time = max((row["hours"] for row in rows if "hours" in row), default=1)
    hours = {row["username"]: row.get("hours", full_time) for row in rows}
    return _Staff(support, [row["username"] for row in rows], hours)


def _age_range(profile: Profile, bucket_code: str) -> tuple[int, int]:
    bucket = next((b for b in profile["age_buckets"] if b["code"] == bucket_code), None)
    if bucket is None:
        raise ProfileError(f"Unknown age bucket {bucket_code!r}.")
    low, high = bucket["draw"]
    return low, high


def _born(rng: random.Random, on: date, age: int) -> date:
    """A date of birth that makes the person exactly `age` on `on`."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _main_subject(ctx: _Context, plan: Plan, bsns: set[str]) -> tuple[SubjectPlan, int | None]:
    rng = ctx.rng
    gender = _draw(rng, ctx.weights["gender_of_main_subject"])
    age = None if plan.age_bucket == UNKNOWN_AGE else rng.randint(*_age_range(ctx.profile, plan.age_bucket))
    born = None if age is None else _born(rng, plan.received_on, age)
    bsn = people.bsn_new(rng, bsns) if rng.random() < ctx.profile["people"]["bsn_share"] else ""
    return SubjectPlan(people.name_for(rng, gender), gender, born, bsn), age


def _relations(
    rng: random.Random, age: int | None, minors: str, gender: str
) -> list[tuple[str, str, int, int]]:
    """Relatives that fit the main subject, most likely first: (relation, gender, youngest, oldest)."""
    base = 35 if age is None else age
    if base < 18:
        parent, sibling = rng.choice(people.PARENT_RELATIONS), rng.choice(people.SIBLING_RELATIONS)
        return [(*parent, base + 22, base + 40), (*sibling, max(0, base - 6), base + 6)]
    partner = (
        "female" if gender == "male" else "male" if gender == "female" else rng.choice(("male", "female"))
    )
    partner_spec = (people.PARTNER_RELATION, partner, max(18, base - 6), base + 6)
    if minors == "yes":
        children = [(*rng.choice(people.CHILD_RELATIONS), 0, min(17, base - 18)) for _ in range(3)]
        return [children[0], partner_spec, *children[1:]]
    parent, sibling = rng.choice(people.PARENT_RELATIONS), rng.choice(people.SIBLING_RELATIONS)
    return [partner_spec, (*parent, base + 20, base + 35), (*sibling, max(18, base - 8), base + 8)]


def _subjects(ctx: _Context, plan: Plan, bsns: set[str]) -> list[SubjectPlan]:
    rng, conf = ctx.rng, ctx.profile["people"]
    main, age = _main_subject(ctx, plan, bsns)
    share = conf["family_share_with_minors" if plan.minors == "yes" else "family_share_without_minors"]
    if rng.random() >= share:
        return [main]
    subjects = [main]
    relatives = _relations(rng, age, plan.minors, main.gender)[: rng.randint(*conf["relatives"])]
    for relation, gender, youngest, oldest in relatives:
        born = _born(rng, plan.received_on, rng.randint(youngest, max(youngest, oldest)))
        bsn = people.bsn_new(rng, bsns) if rng.random() < conf["bsn_share"] else ""
        subjects.append(
            SubjectPlan(people.family_name_for(rng, gender, main.name), gender, born, bsn, relation)
        )
    return subjects


def _phone(rng: random.Random, prefixes: Sequence[str]) -> str:
    prefix = rng.choice(prefixes)
    return f"{prefix}-{rng.randint(10 ** (9 - len(prefix)), 10 ** (10 - len(prefix)) - 1)}"


def _referrer(ctx: _Context, partner: str) -> ReferrerPlan:
    rng, conf = ctx.rng, ctx.profile["people"]
    name = people.name_for(rng, rng.choice(("male", "female")))
    role = rng.choice(ctx.profile["texts"]["referrer_roles"].get(partner) or [""])
    phone = _phone(rng, conf["phone_prefixes"]) if rng.random() < conf["referrer_phone_share"] else ""
    by_mail = not phone or rng.random() < conf["referrer_email_share"]
    email = f"{people.email_local_part(name)}@{partner}.example.org" if by_mail else ""
    return ReferrerPlan(name, role, phone, email)


def _criteria(rng: random.Random, outcome: str, criteria: dict[str, list[str]]) -> list[str]:
    if outcome in REFUSALS:
        return rng.sample(criteria["core"], rng.randint(1, 2))
    return criteria["core"] + rng.sample(criteria["extra"], rng.randint(0, len(criteria["extra"])))


def _moment(ctx: _Context, day: date | None) -> datetime | None:
    return None if day is None else _working_moment(ctx, day)


def _working_moment(ctx: _Context, day: date) -> datetime:
    """A moment within working hours on `day`."""
    first, last = ctx.timing["working_hours"]
    minute = ctx.rng.randint(first * 60, last * 60 - 1)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=timezone.get_default_timezone())


def _plan_details(ctx: _Context, plans: list[Plan], staff: _Staff) -> None:
    rng, texts = ctx.rng, ctx.profile["texts"]
    bsns: set[str] = set()
    for plan in plans:
        plan.subjects = _subjects(ctx, plan, bsns)
        plan.referrer = _referrer(ctx, plan.partner)
        addition = rng.choice(texts["concern_additions"])
        plan.concerns = f"{rng.choice(texts['concerns'][plan.main_topic])} {addition}".strip()
        if rng.random() >= ctx.profile["people"]["subject_informed_share"]:
            plan.not_informed_reason = rng.choice(texts["not_informed_reasons"])
        plan.criteria = _criteria(rng, plan.outcome, ctx.profile["acceptance_criteria"])
        plan.registrar = rng.choice(staff.support_officers)
        plan.triage_actor = rng.choice(staff.support_officers)
        days = {"registered": plan.received_on, "agenda": plan.agenda_on, "decided": plan.decided_on}
        days |= {"assigned": plan.assigned_on, "closed": plan.closed_on}
        plan.moments = {key: moment for key, day in days.items() if (moment := _moment(ctx, day)) is not None}


def _assign_coordinators(ctx: _Context, plans: list[Plan], staff: _Staff) -> None:
    """Each case that has started goes to the procesregisseur with the fewest open cases per working
    hour that day."""
    started = [plan for plan in plans if plan.assigned_on is not None and plan.assigned_on < ctx.today]
    ends: dict[str, list[date]] = {username: [] for username in staff.coordinators}
    for plan in sorted(started, key=lambda plan: plan.assigned_on or date.min):
        day = plan.assigned_on or date.min
        load = {
            username: sum(end > day for end in closing) / staff.hours[username]
            for username, closing in ends.items()
        }
        fewest = min(load.values())
        plan.coordinator = ctx.rng.choice([username for username, open_ in load.items() if open_ == fewest])
        ends[plan.coordinator].append(plan.closed_on or date.max)


def _number(plans: list[Plan]) -> dict[int, int]:
    """Case numbers per year of receipt, in order of registration; returns the last number per year."""
    plans.sort(key=lambda plan: plan.moments["registered"])
    last: Counter[int] = Counter()
    for plan in plans:
        last[plan.received_on.year] += 1
        plan.number = f"{plan.received_on.year}-{last[plan.received_on.year]:04d}"
    return dict(last)


def plan_cases(
    *, profile: Profile, today: date, rng: random.Random, partner_domains: dict[str, str]
) -> tuple[list[Plan], dict[int, int]]:
    """Every referral from the profile's first year up to `today`, in order of receipt, numbered."""
    ctx = _Context(profile, rng, today, partner_domains)
    counted = set(counted_years(profile))
    plans: list[Plan] = []
    for year in range(profile["first_year"], today.year + 1):
        plans += _plans_of_counted_year(ctx, year) if year in counted else _plans_of_continued_year(ctx, year)
    plans.sort(key=lambda plan: plan.received_on)
    _plan_triage(ctx, plans)
    _plan_closures(ctx, plans)
    _plan_awaiting_triage(ctx, plans)
    _plan_waiting_list(ctx, plans)
    _plan_counted_waits(ctx, plans)
    staff = _staff(profile)
    _plan_details(ctx, plans, staff)
    _assign_coordinators(ctx, plans, staff)
    return plans, _number(plans)


# --- Status and timeline of a plan as of today ---------------------------------------------------


@dataclass(frozen=True)
class EventPlan:
    kind: str
    at: datetime
    actor: str | None
    payload: dict[str, object]


def _decision_target(plan: Plan) -> str:
    if plan.outcome in REFUSALS:
        return plan.outcome
    if plan.outcome == COORDINATION and plan.assigned_on != plan.decided_on:
        return CaseStatus.WAITING
    return CaseStatus.ACTIVE


def _status_change(plan: Plan, moment: str, source: str, target: str, actor: str | None) -> EventPlan:
    payload: dict[str, object] = {"from": str(source), "to": str(target)}
    return EventPlan(CaseEvent.Kind.STATUS_CHANGED, plan.moments[moment], actor, payload)


def timeline(plan: Plan, today: date) -> list[EventPlan]:
    """The events of the case up to `today`; the last one's target is the case's status."""
    S = CaseStatus
    registered = {"subjects": len(plan.subjects)}
    events = [
        EventPlan(CaseEvent.Kind.REFERRAL_REGISTERED, plan.moments["registered"], plan.registrar, registered)
    ]
    if plan.agenda_on >= today:
        return events
    events.append(_status_change(plan, "agenda", S.REGISTERED, S.TRIAGE, plan.triage_actor))
    if plan.decided_on >= today:
        return events
    target = _decision_target(plan)
    events.append(_status_change(plan, "decided", S.TRIAGE, target, plan.triage_actor))
    if target == S.WAITING and plan.coordinator:
        events.append(_status_change(plan, "assigned", S.WAITING, S.ACTIVE, plan.coordinator))
    if plan.closed_on is not None:
        events.append(_status_change(plan, "closed", S.ACTIVE, S.CLOSED, plan.coordinator))
    return events


def status_of(events: Sequence[EventPlan]) -> str:
    last = events[-1]
    return str(last.payload["to"]) if last.kind == CaseEvent.Kind.STATUS_CHANGED else CaseStatus.REGISTERED


# --- 6. Who takes part and who sees what ---------------------------------------------------------


@dataclass(eq=False)
class ParticipationPlan:
    """A partner professional (or the registrar of a cter referral) in one case, for a period."""

    case: Plan
    username: str
    role: str
    start: date
    end: date | None
    added_by: str
    added_at: datetime
    ended_at: datetime | None = None  # ended on its own before the case closed: a timeline event

    @property
    def ended_by(self) -> str | None:
        """Whoever ended it: the procesregisseur, by hand or by closing the case."""
        return (self.case.coordinator or self.added_by) if self.end is not None else None


@dataclass(eq=False)
class EmergencyPlan:
    case: Plan
    username: str
    reason: str
    opened_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_note: str = ""


@dataclass(frozen=True)
class TimelineAddition:
    """An event the access plan adds to a case's timeline; its payload names the row written for it."""

    case: Plan
    kind: str
    at: datetime
    actor: str
    source: ParticipationPlan | EmergencyPlan


@dataclass
class AccessPlan:
    participations: list[ParticipationPlan]
    emergencies: list[EmergencyPlan]
    liaison: str
    agenda: list[Plan]  # referrals on the agenda of the liaison's next ketenkamer
    agenda_from: date
    agenda_until: date

    def additions(self) -> Iterator[TimelineAddition]:
        for item in self.participations:
            yield TimelineAddition(
                item.case, CaseEvent.Kind.PARTICIPANT_ADDED, item.added_at, item.added_by, item
            )
            if item.ended_at is not None and item.ended_by is not None:
                yield TimelineAddition(
                    item.case, CaseEvent.Kind.PARTICIPANT_ENDED, item.ended_at, item.ended_by, item
                )
        for record in self.emergencies:
            yield TimelineAddition(
                record.case, CaseEvent.Kind.EMERGENCY_ACCESS, record.opened_at, record.username, record
            )

    def moments_per_case(self) -> dict[Plan, list[datetime]]:
        moments: dict[Plan, list[datetime]] = {}
        for addition in self.additions():
            moments.setdefault(addition.case, []).append(addition.at)
        return moments


@dataclass(frozen=True)
class _Today:
    """What the access plan needs to know of the case file: the context and each plan's status today."""

    ctx: _Context
    statuses: dict[Plan, str]

    @property
    def conf(self) -> dict[str, Any]:
        return self.ctx.profile["access"]

    def last_working_day(self) -> date:
        return _previous_working_day(self.ctx.today)


def _started_on(plan: Plan) -> date:
    return plan.assigned_on or plan.decided_on


def _after(moment: datetime, floor: datetime | None) -> datetime:
    """`moment`, or a little after `floor` if that is later: an addition follows what it depends on."""
    return moment if floor is None or moment > floor else floor + timedelta(minutes=15)


def _started_moment(plan: Plan) -> datetime | None:
    return plan.moments.get("assigned", plan.moments.get("decided"))


# The cter compartment: prefer cases that show the compartment at work (in triage, then open).
_COMPARTMENT_TIERS = {
    CaseStatus.REGISTERED: 0,
    CaseStatus.TRIAGE: 0,
    CaseStatus.ACTIVE: 1,
    CaseStatus.CLOSED: 2,
}


def _plan_compartment(today: _Today, plans: list[Plan]) -> list[Plan]:
    """A few radicalisation referrals of the free years fall under the Wet parta.

    Waiting cases are left out: nobody could take one up (the compartment hides it from the team). The
    house's cter procesregisseur coordinates them and a designated procesondersteuner registers them.
    """
    conf = today.conf["compartment"]
    first_free_year = counted_years(today.ctx.profile)[-1] + 1
    _recast_a_referral_in_triage(today, [plan for plan in plans if plan.year >= first_free_year])
    candidates = [
        (_COMPARTMENT_TIERS[today.statuses[plan]], -index, plan)
        for index, plan in enumerate(plans)
        if plan.year >= first_free_year
        and plan.main_topic == conf["main_topic"]
        and today.statuses[plan] in _COMPARTMENT_TIERS
    ]
    chosen = [plan for _, _, plan in sorted(candidates, key=lambda row: row[:2])[: conf["cases"]]]
    for plan in chosen:
        plan.legal_basis = LegalBasis.PARTA
        plan.registrar = plan.triage_actor = conf["registrar"]
    for plan in chosen:
        _hand_over(today, plans, plan, conf["coordinator"])
    return chosen


def _recast_a_referral_in_triage(today: _Today, plans: list[Plan]) -> None:
    """When no referral of the compartment's main topic is in triage today, the latest referral in triage
    becomes one (with concerns to match), so that the compartment is seen at work in triage."""
    topic = today.conf["compartment"]["main_topic"]
    in_triage = [plan for plan in plans if today.statuses[plan] == CaseStatus.TRIAGE]
    if not in_triage or any(plan.main_topic == topic for plan in in_triage):
        return
    in_triage[-1].main_topic = topic
    in_triage[-1].concerns = today.ctx.rng.choice(today.ctx.profile["texts"]["concerns"][topic])


def _hand_over(today: _Today, plans: list[Plan], plan: Plan, coordinator: str) -> None:
    """Give a started case to `coordinator`; its procesregisseur gets a comparable case of his in return
    (same kind and status, started about the same day), so that the caseloads stay as they were."""
    previous = plan.coordinator
    if previous is None or previous == coordinator:
        return
    comparable = [
        other
        for other in plans
        if other.coordinator == coordinator
        and other.legal_basis == LegalBasis.WGS
        and other.outcome == plan.outcome
        and today.statuses[other] == today.statuses[plan]
    ]
    if comparable:
        swap = min(comparable, key=lambda other: abs((_started_on(other) - _started_on(plan)).days))
        swap.coordinator = previous
    plan.coordinator = coordinator


def _plan_closure_reasons(today: _Today, plans: list[Plan]) -> None:
    reasons = today.ctx.weights["closure_reasons"]
    for plan in plans:
        if today.statuses[plan] == CaseStatus.CLOSED:
            plan.closure_reason = _draw(today.ctx.rng, reasons[plan.outcome])


def _participation_start(today: _Today, plan: Plan, latest: date) -> date:
    """A working day soon after the case started, not after `latest`, not before the start."""
    offset = today.ctx.rng.randint(*today.conf["participation_start_days"])
    day = _working_day_from(_started_on(plan) + timedelta(days=offset))
    return max(_started_on(plan), min(day, latest))


def _added(today: _Today, plan: Plan, start: date, by: str, role: str, username: str) -> ParticipationPlan:
    """A participation added by the procesregisseur on its first day, until further notice."""
    moment = _after(_working_moment(today.ctx, start), _started_moment(plan))
    return ParticipationPlan(plan, username, role, start, None, by, moment)


def _compartment_participations(today: _Today, compartment: list[Plan]) -> list[ParticipationPlan]:
    """The registrar takes part from registration on (as `referral_register` does); once the case has a
    procesregisseur he adds the profile's participants. Closing the case ends them all."""
    conf = today.conf["compartment"]
    result = []
    for plan in compartment:
        closed = today.statuses[plan] == CaseStatus.CLOSED
        registered = plan.moments["registered"] + timedelta(minutes=1)
        own = [
            ParticipationPlan(
                plan,
                plan.registrar,
                conf["registrar_role"],
                plan.received_on,
                None,
                plan.registrar,
                registered,
            )
        ]
        if plan.coordinator is not None:
            latest = (
                _previous_working_day(plan.closed_on)
                if closed and plan.closed_on
                else today.last_working_day()
            )
            for spec in conf["participants"]:
                start = _participation_start(today, plan, latest)
                own.append(_added(today, plan, start, plan.coordinator, spec["role"], spec["username"]))
        for item in own:
            item.end = plan.closed_on if closed else None
        result += own
    return result


def _preferred(spec: dict[str, Any], plan: Plan) -> bool:
    labels = {plan.main_topic, *plan.problem_areas.split("+")}
    return bool(labels & set(spec.get("prefers", ())))


def _sample_cases(today: _Today, spec: dict[str, Any], pool: list[Plan], count: int) -> list[Plan]:
    weights = [today.conf["preference_weight"] if _preferred(spec, plan) else 1.0 for plan in pool]
    return _weighted_sample(today.ctx.rng, pool, weights, min(count, len(pool)))


def _open_participations(today: _Today, spec: dict[str, Any], pool: list[Plan]) -> list[ParticipationPlan]:
    """Current participations, `ended` ones that ended in the last weeks (in the longest-running of the
    chosen cases) and `upcoming` ones that start next week."""
    rng = today.ctx.rng
    ended, upcoming = spec.get("ended", 0), spec.get("upcoming", 0)
    chosen = _sample_cases(today, spec, pool, spec["current"] + ended + upcoming)
    oldest = sorted(chosen, key=_started_on)[:ended]
    rest = [plan for plan in chosen if plan not in oldest]
    result = []
    for plan in chosen:
        role = rng.choice(spec["roles"])
        if plan in oldest:
            result.append(_ended_participation(today, spec, plan, role))
        elif plan in rest[:upcoming]:
            result.append(_upcoming_participation(today, spec, plan, role))
        else:
            start = _participation_start(today, plan, today.last_working_day())
            result.append(_added(today, plan, start, plan.coordinator or "", role, spec["username"]))
    return result


def _ended_participation(today: _Today, spec: dict[str, Any], plan: Plan, role: str) -> ParticipationPlan:
    rng = today.ctx.rng
    end = _working_day_from(today.ctx.today - timedelta(days=rng.randint(*today.conf["ended_days_ago"])))
    end = min(end, today.last_working_day())
    start = _participation_start(today, plan, end - timedelta(weeks=2))
    item = _added(today, plan, start, plan.coordinator or "", role, spec["username"])
    item.end = max(end, start)
    item.ended_at = _after(_working_moment(today.ctx, item.end), item.added_at)
    return item


def _upcoming_participation(today: _Today, spec: dict[str, Any], plan: Plan, role: str) -> ParticipationPlan:
    rng = today.ctx.rng
    start = today.ctx.today + timedelta(days=rng.randint(*today.conf["upcoming_in_days"]))
    added_on = max(
        _started_on(plan), _previous_working_day(today.ctx.today - timedelta(days=rng.randint(0, 3)))
    )
    moment = _after(_working_moment(today.ctx, added_on), _started_moment(plan))
    return ParticipationPlan(plan, spec["username"], role, start, None, plan.coordinator or "", moment)


def _closed_participations(today: _Today, spec: dict[str, Any], pool: list[Plan]) -> list[ParticipationPlan]:
    """Participations in cases closed in the last year: they ended when the case closed."""
    result = []
    for plan in _sample_cases(today, spec, pool, spec.get("closed", 0)):
        closed_on = plan.closed_on or today.ctx.today
        start = _participation_start(today, plan, _previous_working_day(closed_on))
        item = _added(
            today, plan, start, plan.coordinator or "", today.ctx.rng.choice(spec["roles"]), spec["username"]
        )
        item.end = closed_on
        result.append(item)
    return result


def _partner_participations(today: _Today, plans: list[Plan]) -> list[ParticipationPlan]:
    """Each partner account takes part in some open coordination cases (only those of one procesregisseur
    where the profile says so) and in some closed in the last year; never in the cter compartment."""
    horizon = today.ctx.today - timedelta(days=today.conf["closed_within_days"])
    coordination = [p for p in plans if p.outcome == COORDINATION and p.legal_basis == LegalBasis.WGS]
    open_pool = [p for p in coordination if today.statuses[p] == CaseStatus.ACTIVE]
    closed_pool = [
        p
        for p in coordination
        if today.statuses[p] == CaseStatus.CLOSED and (p.closed_on or date.min) >= horizon
    ]
    result = []
    for spec in today.conf["partners"]:
        coordinator = spec.get("coordinator")
        ours = [p for p in open_pool if coordinator in (None, p.coordinator)]
        result += _open_participations(today, spec, ours)
        ours = [p for p in closed_pool if coordinator in (None, p.coordinator)]
        result += _closed_participations(today, spec, ours)
    return result


def _plan_emergency_accesses(today: _Today, plans: list[Plan], staff: _Staff) -> list[EmergencyPlan]:
    """Emergency accesses of the last weeks, each by a procesregisseur who is not on the case; the oldest
    are reviewed, the others wait on the review list. Their one-day grants have expired."""
    conf, rng, day0 = today.conf["emergency_access"], today.ctx.rng, today.ctx.today
    count = conf["reviewed"] + conf["unreviewed"]
    ages = sorted(rng.sample(range(conf["days_ago"][0], conf["days_ago"][1] + 1), count), reverse=True)
    pool = [
        plan
        for plan in plans
        if today.statuses[plan] == CaseStatus.ACTIVE
        and plan.legal_basis == LegalBasis.WGS
        and _started_on(plan) < day0 - timedelta(days=ages[0] + 7)
    ]
    if len(pool) < count:
        raise ProfileError(f"emergency_access: only {len(pool)} open cases to open, not {count}.")
    reasons = rng.sample(conf["reasons"], count)
    openers = rng.sample(staff.coordinators, len(staff.coordinators))
    records = []
    for index, (plan, age) in enumerate(zip(rng.sample(pool, count), ages, strict=True)):
        turn = openers[index:] + openers[:index]  # colleagues take turns
        opener = next((name for name in turn if name != plan.coordinator), None)
        if opener is None:
            raise ProfileError("emergency_access: there is no other procesregisseur to open a case.")
        record = EmergencyPlan(plan, opener, reasons[index], _evening(today, day0 - timedelta(days=age)))
        if index < conf["reviewed"]:
            _review(today, record)
        records.append(record)
    return records


def _evening(today: _Today, day: date) -> datetime:
    """Emergencies happen out of office hours: a moment within the profile's emergency hours."""
    first, last = today.conf["emergency_access"]["hours"]
    minute = today.ctx.rng.randint(first * 60, last * 60 - 1)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=timezone.get_default_timezone())


def _review(today: _Today, record: EmergencyPlan) -> None:
    """Reviewed one or two working days later (by yesterday at the latest)."""
    conf, rng = today.conf["emergency_access"], today.ctx.rng
    day = min(_add_working_days(record.opened_at.date(), rng.randint(1, 2)), today.last_working_day())
    record.reviewed_by, record.review_note = conf["reviewer"], rng.choice(conf["review_notes"])
    record.reviewed_at = _after(_working_moment(today.ctx, day), record.opened_at)


def plan_access(*, profile: Profile, plans: list[Plan], today: date, rng: random.Random) -> AccessPlan:
    """Who takes part in which case and what each demo account sees, as of `today`."""
    ctx = _Context(profile, rng, today, {})
    state = _Today(ctx, {plan: status_of(timeline(plan, today)) for plan in plans})
    compartment = _plan_compartment(state, plans)
    _plan_closure_reasons(state, plans)
    participations = _compartment_participations(state, compartment) + _partner_participations(state, plans)
    emergencies = _plan_emergency_accesses(state, plans, _staff(profile))
    agenda_conf = state.conf["agenda"]
    meeting = _next_weekday(today, ctx.timing["ketenkamer_weekday"])
    agenda = [p for p in plans if state.statuses[p] == CaseStatus.TRIAGE and p.legal_basis == LegalBasis.WGS]
    return AccessPlan(
        participations,
        emergencies,
        liaison=agenda_conf["liaison"],
        agenda=agenda,
        agenda_from=meeting - timedelta(days=agenda_conf["days_before"]),
        agenda_until=meeting + timedelta(days=agenda_conf["days_after"]),
    )


# --- Writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _References:
    tables: dict[str, dict[str, Any]]

    @classmethod
    def load(cls) -> _References:
        models = {
            "partner": Partner,
            "municipality": Municipality,
            "main topic": MainTopic,
            "problem area": ProblemArea,
            "cross-border aspect": CrossBorderScope,
            "acceptance criterion": AcceptanceCriterion,
        }
        return cls({what: model.objects.in_bulk(field_name="code") for what, model in models.items()})

    def get(self, what: str, code: str) -> Any:
        try:
            return self.tables[what][code]
        except KeyError:
            raise ProfileError(
                f"The profile names {what} {code!r}, which the reference data lacks."
            ) from None

    def pks(self, what: str, label: str) -> list[int]:
        return [] if label == NO_LABEL else [self.get(what, code).pk for code in label.split("+")]

    def partner_domains(self) -> dict[str, str]:
        return {code: partner.domain for code, partner in self.tables["partner"].items()}


def accounts_ensure(profile: Profile, refs: _References, *, seed: int) -> tuple[dict[str, User], int]:
    """The profile's accounts, created with the demo password where they do not exist yet, each with a
    confirmed authenticator app (`make otp user=<name>` shows its code).

    The password is hashed once (a proper hash takes about a second) and the hash shared.
    """
    rows = profile["accounts"]
    users = User.objects.in_bulk([row["username"] for row in rows], field_name="username")
    missing = [row for row in rows if row["username"] not in users]
    if missing:
        password = make_password(DEMO_PASSWORD)
        new = [_account(row, refs, password) for row in missing]
        User.objects.bulk_create(new)
        users |= {user.username: user for user in new}
    demo_devices_ensure(users=list(users.values()), seed=seed)
    return users, len(missing)


def demo_totp_key(username: str, seed: int) -> str:
    """The secret of a demo account's authenticator app: the same for the same user name and seed, so that
    an app set up once keeps working after the demo data are loaded anew."""
    return hmac.new(str(seed).encode(), username.encode(), hashlib.sha1).hexdigest()


def demo_devices_ensure(*, users: Sequence[User], seed: int) -> int:
    """A confirmed TOTP device for every account that has none; how many were added."""
    equipped = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    new = [
        TOTPDevice(user=user, name="Demo", key=demo_totp_key(user.username, seed), confirmed=True)
        for user in users
        if user.pk not in equipped
    ]
    TOTPDevice.objects.bulk_create(new)
    return len(new)


def _account(row: dict[str, Any], refs: _References, password: str) -> User:
    organisation = refs.get("partner", row["organisation"]) if row.get("organisation") else None
    administrator = bool(row.get("administrator"))
    return User(
        username=row["username"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=f"{row['username']}@example.org",
        role=row["role"],
        organisation=organisation,
        is_staff=administrator,
        is_superuser=administrator,
        password=password,
        date_joined=timezone.now(),
    )


def _case_row(plan: Plan, events: list[EventPlan], added: list[datetime], users: dict[str, User]) -> Case:
    """The case; `added` are the moments of the events the access plan adds to its timeline."""
    status = status_of(events)
    decided = status not in (CaseStatus.REGISTERED, CaseStatus.TRIAGE, *REFUSALS)
    kind = plan.outcome if decided else Case.Kind.UNDECIDED
    closed = status == CaseStatus.CLOSED
    return Case(
        number=plan.number,
        kind=kind,
        intensity=plan.intensity if kind == COORDINATION else "",
        status=status,
        legal_basis=plan.legal_basis,
        coordinator=users[plan.coordinator] if plan.coordinator else None,
        created_at=plan.moments["registered"],
        decided_on=plan.decided_on if status not in (CaseStatus.REGISTERED, CaseStatus.TRIAGE) else None,
        closed_at=plan.moments["closed"] if closed else None,
        closure_reason=plan.closure_reason if closed else "",
        version=len(events) + len(added),
        # bulk_create stamps updated_at with the current time (auto_now); bulk_update sets this one.
        updated_at=max([events[-1].at, *added]),
    )


def _referral_row(plan: Plan, case: Case, refs: _References, users: dict[str, User]) -> Referral:
    referrer = plan.referrer
    assert referrer is not None  # set for every plan by _plan_details
    return Referral(
        case=case,
        received_on=plan.received_on,
        referrer_partner=refs.get("partner", plan.partner),
        referrer_name=referrer.name.full_name,
        referrer_role=referrer.role,
        referrer_phone=referrer.phone,
        referrer_email=referrer.email,
        concerns=plan.concerns,
        main_topic=refs.get("main topic", plan.main_topic),
        minors_in_system=plan.minors,
        subject_informed=not plan.not_informed_reason,
        subject_not_informed_reason=plan.not_informed_reason,
        registered_by=users[plan.registrar],
        registered_at=plan.moments["registered"],
    )


def _person_row(subject: SubjectPlan, created_at: datetime) -> Person:
    return Person(
        first_name=subject.name.first_name,
        name_prefix=subject.name.name_prefix,
        last_name=subject.name.last_name,
        date_of_birth=subject.date_of_birth,
        gender=subject.gender,
        bsn=subject.bsn,
        created_at=created_at,
    )


def _many_to_many(plans: list[Plan], cases: list[Case], refs: _References) -> dict[str, int]:
    """The referral's problem areas, cross-border aspects and acceptance criteria, in three inserts."""
    created = {}
    for name, what, labels in (
        ("problem_areas", "problem area", lambda plan: plan.problem_areas),
        ("cross_border", "cross-border aspect", lambda plan: plan.cross_border),
        ("acceptance_criteria", "acceptance criterion", lambda plan: "+".join(plan.criteria) or NO_LABEL),
    ):
        relation = Referral._meta.get_field(name)
        through = relation.remote_field.through
        source, target = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
        rows = [
            through(**{source: case.pk, target: pk})
            for plan, case in zip(plans, cases, strict=True)
            for pk in refs.pks(what, labels(plan))
        ]
        created[name] = len(through.objects.bulk_create(rows))
    return created


def write_plans(
    plans: list[Plan],
    today: date,
    refs: _References,
    users: dict[str, User],
    added: AccessPlan,
    also: dict[Plan, list[datetime]] | None = None,
) -> tuple[list[Case], dict[str, int]]:
    """Insert the planned cases with everything that hangs on them; returns the cases (in the order of
    `plans`) and the rows created per kind. The events `added` plans are written by `write_access`; `also`
    holds the moments of further events written later (the triage records')."""
    timelines = [timeline(plan, today) for plan in plans]
    moments = added.moments_per_case()
    for plan, more in (also or {}).items():
        moments[plan] = [*moments.get(plan, []), *more]
    cases = [
        _case_row(plan, events, moments.get(plan, []), users)
        for plan, events in zip(plans, timelines, strict=True)
    ]
    updated = [case.updated_at for case in cases]
    Case.objects.bulk_create(cases)
    for case, moment in zip(cases, updated, strict=True):
        case.updated_at = moment
    Case.objects.bulk_update(cases, ["updated_at"], batch_size=500)
    Referral.objects.bulk_create(_referral_row(p, c, refs, users) for p, c in zip(plans, cases, strict=True))
    persons = [_person_row(s, p.moments["registered"]) for p in plans for s in p.subjects]
    Person.objects.bulk_create(persons)
    person_iter = iter(persons)
    subjects = [
        Subject(
            case=case,
            person=next(person_iter),
            is_primary=subject.is_primary,
            municipality=refs.get("municipality", plan.municipality),
            relation=subject.relation,
        )
        for plan, case in zip(plans, cases, strict=True)
        for subject in plan.subjects
    ]
    Subject.objects.bulk_create(subjects)
    events = [
        CaseEvent(
            case=case,
            kind=e.kind,
            actor=users[e.actor] if e.actor else None,
            occurred_at=e.at,
            payload=e.payload,
        )
        for case, events_of_case in zip(cases, timelines, strict=True)
        for e in events_of_case
    ]
    CaseEvent.objects.bulk_create(events)
    counts = {
        "cases": len(cases),
        "referrals": len(cases),
        "persons": len(persons),
        "subjects": len(subjects),
    }
    return cases, counts | {"case events": len(events)} | _many_to_many(plans, cases, refs)


def _participant_row(item: ParticipationPlan, case: Case, users: dict[str, User]) -> Participant:
    user = users[item.username]
    return Participant(
        case=case,
        user=user,
        organisation_id=user.organisation_id,
        role_in_case=item.role,
        start_date=item.start,
        end_date=item.end,
        legal_basis=case.legal_basis,
        added_by=users[item.added_by],
        added_at=item.added_at,
        ended_by=users[item.ended_by] if item.ended_by else None,
    )


def _emergency_row(record: EmergencyPlan, case: Case, users: dict[str, User]) -> EmergencyAccess:
    return EmergencyAccess(
        case=case,
        user=users[record.username],
        reason=record.reason,
        opened_at=record.opened_at,
        valid_until=record.opened_at.astimezone(timezone.get_default_timezone()).date(),
        reviewed_by=users[record.reviewed_by] if record.reviewed_by else None,
        reviewed_at=record.reviewed_at,
        review_note=record.review_note,
    )


def _addition_payload(addition: TimelineAddition, row: Participant | EmergencyAccess) -> dict[str, object]:
    """The payload the services write for the same event."""
    if isinstance(row, EmergencyAccess):
        return {"emergency_access": row.pk}
    payload: dict[str, object] = {"participant": row.pk, "user": str(row.user)}
    if addition.kind == CaseEvent.Kind.PARTICIPANT_ENDED:
        return payload | {"until": row.end_date.isoformat() if row.end_date else ""}
    return payload | {"role": row.role_in_case}


def _grants_write(plan: AccessPlan, cases: dict[Plan, Case], users: dict[str, User], today: date) -> int:
    """The object permissions, through `cases.access` as the services grant them: each participant's
    grant follows his participations (closed cases grant nothing), the liaison's covers his agenda."""
    before = CaseUserObjectPermission.objects.count()
    pairs = dict.fromkeys((item.case, item.username) for item in plan.participations)
    for case_plan, username in pairs:
        if cases[case_plan].status != CaseStatus.CLOSED:
            access.participant_access_sync(case=cases[case_plan], user=users[username], today=today)
    for case_plan in plan.agenda:
        access.liaison_access_grant(
            case=cases[case_plan],
            user=users[plan.liaison],
            valid_from=plan.agenda_from,
            valid_until=plan.agenda_until,
        )
    return CaseUserObjectPermission.objects.count() - before


def write_access(
    plan: AccessPlan, cases: dict[Plan, Case], users: dict[str, User], today: date
) -> dict[str, int]:
    """Participants, emergency accesses, the events they add to the timelines, and the grants."""
    participants = [_participant_row(item, cases[item.case], users) for item in plan.participations]
    Participant.objects.bulk_create(participants)
    emergencies = [_emergency_row(record, cases[record.case], users) for record in plan.emergencies]
    EmergencyAccess.objects.bulk_create(emergencies)
    rows: dict[int, Participant | EmergencyAccess] = {
        id(source): row
        for source, row in [
            *zip(plan.participations, participants, strict=True),
            *zip(plan.emergencies, emergencies, strict=True),
        ]
    }
    events = [
        CaseEvent(
            case=cases[addition.case],
            kind=addition.kind,
            actor=users[addition.actor],
            occurred_at=addition.at,
            payload=_addition_payload(addition, rows[id(addition.source)]),
        )
        for addition in plan.additions()
    ]
    CaseEvent.objects.bulk_create(events)
    return {
        "participants": len(participants),
        "emergency accesses": len(emergencies),
        "case events": len(events),
        "case permissions": _grants_write(plan, cases, users, today),
    }


def _counters_continue(last_numbers: dict[int, int]) -> int:
    """New registrations continue the numbering where the demo data left it."""
    existing = CaseNumberCounter.objects.in_bulk(list(last_numbers))
    for year, last in sorted(last_numbers.items()):
        counter = existing.get(year) or CaseNumberCounter(year=year, last=0)
        counter.last = max(counter.last, last)
        counter.save()
    return len(last_numbers)


# --- The entry point -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDataResult:
    house: str
    seed: int
    today: date
    created: dict[str, int]
    statuses: dict[str, int]
    accounts: list[tuple[str, str]]
    password: str = DEMO_PASSWORD


def demo_data_create(*, seed: int = DEFAULT_SEED, today: date, profile: Profile) -> DemoDataResult:
    """Fill an empty case file with the profile's demo data as it would stand on `today`."""
    from demo import aftercare_history, procesregie_history, triage_history  # they build on its plans

    earliest = today_earliest(profile)
    if today < earliest:
        raise ProfileError(f"The demo data needs a date on or after {earliest:%Y-%m-%d} as today.")
    with transaction.atomic():
        refs = _References.load()
        users, accounts_created = accounts_ensure(profile, refs, seed=seed)
        plans, last_numbers = plan_cases(
            profile=profile, today=today, rng=random.Random(seed), partner_domains=refs.partner_domains()
        )
        # A generator of its own: the case file above is the same with or without what follows.
        access_plan = plan_access(
            profile=profile, plans=plans, today=today, rng=random.Random(f"{seed}:access")
        )
        # And one for the triage records, which follow the case file and who sees what.
        meeting_type = triage_history.meeting_type_of(profile)
        status_today = {plan: status_of(timeline(plan, today)) for plan in plans}
        staff = _staff(profile)
        triage_plan = triage_history.plan_triage(
            profile=profile,
            plans=plans,
            statuses=status_today,
            today=today,
            rng=random.Random(f"{seed}:triage"),
            meeting_type=meeting_type,
            support_officers=staff.support_officers,
        )
        # And one for the procesregie records, which follow all of the above.
        procesregie_plan = procesregie_history.plan_procesregie(
            profile=profile,
            plans=plans,
            statuses=status_today,
            today=today,
            rng=random.Random(f"{seed}:procesregie"),
            participations=access_plan.participations,
            support_officers=staff.support_officers,
            coordinators=staff.coordinators,
            municipalities={code: row.name for code, row in refs.tables["municipality"].items()},
        )
        also = triage_plan.moments_per_case()
        for plan, moments in procesregie_plan.moments_per_case().items():
            also[plan] = [*also.get(plan, []), *moments]
        cases, created = write_plans(plans, today, refs, users, access_plan, also)
        created = {"accounts": accounts_created} | created
        by_plan = dict(zip(plans, cases, strict=True))
        access_created = write_access(access_plan, by_plan, users, today)
        triage_created = triage_history.write_triage(
            triage_plan,
            cases=by_plan,
            users=users,
            meeting_type=meeting_type,
            partners=refs.tables["partner"],
            criteria=refs.tables["acceptance criterion"],
            today=today,
            grant=triage_history.AgendaGrant(
                access_plan.liaison, access_plan.agenda_from, access_plan.agenda_until
            ),
        )
        procesregie_created = procesregie_history.write_procesregie(
            procesregie_plan,
            cases=by_plan,
            users=users,
            partners=refs.tables["partner"],
            municipalities=refs.tables["municipality"],
            main_topics=refs.tables["main topic"],
        )
        for what, count in [*access_created.items(), *triage_created.items(), *procesregie_created.items()]:
            created[what] = created.get(what, 0) + count
        created["case number counters"] = _counters_continue(last_numbers)
        # And the aftercare cases beside the case file, from a generator of their own; their numbers
        # continue each year's numbering after the case file's.
        aftercare_plan = aftercare_history.plan_aftercare(
            profile=profile,
            plans=plans,
            statuses=status_today,
            today=today,
            rng=random.Random(f"{seed}:aftercare"),
        )
        aftercare_created = aftercare_history.write_aftercare(
            aftercare_plan,
            cases=by_plan,
            users=users,
            municipalities=refs.tables["municipality"],
            partners=refs.tables["partner"],
            last_numbers=last_numbers,
            today=today,
        )
        for what, count in aftercare_created.items():
            created[what] = created.get(what, 0) + count
    statuses = Counter(status_of(timeline(plan, today)) for plan in plans)
    accounts = [(row["username"], row["role"]) for row in profile["accounts"]]
    return DemoDataResult(profile["house"], seed, today, created, dict(sorted(statuses.items())), accounts)
