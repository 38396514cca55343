"""Advice: anonymous advice trajectories, information-desk contact moments, and concluding a case that
triage decided to handle as extended advice (uitgebreid advies).

Anonymous advice and information-desk contacts hold no personal data (privacy.md §1). The form has no
field for a name, BSN or date of birth, and `personal_data_found` refuses free text that contains one as
far as text can show it, so a BSN typed into the question cannot slip in either. These records concern no
case and no person, so they write neither a timeline event nor an access-log record.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import AnonymousAdvice, Case, CaseEvent, InformationContact
from cases.services import case_close_within, case_event_add
from cases.validators import bsn_is_valid
from zvhd.accounts.models import User
from zvhd.audit.models import LegalBasis
from zvhd.reference.models import MainTopic, Municipality, Partner

# --- Personal data in free text -------------------------------------------------------------------------


class PersonalData(StrEnum):
    BSN = "bsn"
    DATE_OF_BIRTH = "date_of_birth"
    NAME = "name"


@dataclass(frozen=True)
class Finding:
    kind: PersonalData
    fragment: str


# Digits in groups joined by one space, dot or hyphen: "123456782", "1234 56 782", "12.34.56.782".
_DIGIT_RUN = re.compile(r"\+?\d+(?:[ .\-]\d+)*")


def _is_phone_number(run: str, digits: str) -> bool:
    """Dutch phone numbers (10 digits from 0, or with +31 / 0031) are not examined as BSNs."""
    return (
        run.startswith("+")
        or (len(digits) == 10 and digits.startswith("0"))
        or (len(digits) == 11 and digits.startswith("31"))
        or (len(digits) == 13 and digits.startswith("0031"))
    )


def _bsns(text: str) -> Iterator[str]:
    """Every 9 consecutive digits (also split by spaces, dots or hyphens) that pass the elfproef."""
    for match in _DIGIT_RUN.finditer(text):
        groups = re.findall(r"\d+", match.group())
        if _is_phone_number(match.group(), "".join(groups)):
            continue
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= 9:
                    break
            if len(digits) == 9 and bsn_is_valid(digits):
                yield match.group()
                break


# fmt: off
_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
# fmt: on
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(r"(?<![\d.\-/])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?![\d\-/]|\.\d)")
_ISO = re.compile(r"(?<![\d.\-/])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d\-/]|\.\d)")
_WRITTEN = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:e|ste|de)?\s+({_MONTH_NAMES})\b\.?\s+('?\d{{2}}|\d{{4}})(?!\d)", re.IGNORECASE
)


def _full_year(year: str, today: datetime.date) -> int:
    """A two-digit year is read as the most recent such year ("85" is 1985, "05" is 2005)."""
    year = year.lstrip("'")
    if len(year) == 4:
        return int(year)
    century = today.year // 100 * 100
    value = century + int(year)
    return value if value <= today.year else value - 100


def _looks_like_birth_date(year: int, month: int, day: int, today: datetime.date) -> bool:
    try:
        candidate = datetime.date(year, month, day)
    except ValueError:
        return False  # "31-02-1980", "45.13.80": not a date at all
    return today.year - 120 <= candidate.year and candidate <= today


def _birth_dates(text: str, today: datetime.date) -> Iterator[str]:
    """Complete dates (day, month and year) in the past: a recent one may be a child's date of birth,
    so every complete past date counts. A month and year, a year or an age are allowed."""
    for match in _DAY_MONTH_YEAR.finditer(text):
        day, month, year = match.groups()
        if _looks_like_birth_date(_full_year(year, today), int(month), int(day), today):
            yield match.group()
    for match in _ISO.finditer(text):
        year, month, day = match.groups()
        if _looks_like_birth_date(int(year), int(month), int(day), today):
            yield match.group()
    for match in _WRITTEN.finditer(text):
        day, month, year = match.groups()
        if _looks_like_birth_date(_full_year(year, today), _MONTHS[month.lower()], int(day), today):
            yield match.group()


# A name as written after a title or label: initials and/or a surname with lower-case prefixes ("van der").
# A surname has a lower-case letter after its capital, so "mevrouw van GGZ" is not taken for a name.
_WORD_REST = r"[\w'\u2019\-]*"  # letters, apostrophes and hyphens: "D'Souza", "Smit-Bakker"
_OPENING_QUOTE = r"[\"'\u201c\u2018]?"
_SURNAME = (
    rf"(?:(?:[A-ZÀ-Þ]\.\s*)*(?:(?:van|de|der|den|ter|ten)\s+)*[A-ZÀ-Þ][a-zß-ÿ'\u2019\-]{_WORD_REST}"
    r"|(?:[A-ZÀ-Þ]\.\s*)+)"
)
_LABEL = r"(?:achter|voor|roep|bij)?naam"
_NOT_A_NAME = r"(?!(?i:onbekend|nvt|n\.v\.t|anoniem|geen|niet|bekend|weet)\b)"
_NAMES = (
    # dhr. Jansen, mevr. De Vries, mw. J. Bakker, de heer Van Dam, meneer Yilmaz, mevrouw van der Berg.
    # "mw" needs its dot: without it, it usually means maatschappelijk werk.
    re.compile(rf"\b(?:(?i:dhr|mevr|mr)\b\.?|(?i:mw)\.|(?i:mevrouw|meneer|de\s+heer)\b)\s*{_SURNAME}"),
    # naam: piet, achternaam = Jansen
    re.compile(rf"\b(?i:{_LABEL})\s*[:=]\s*{_OPENING_QUOTE}{_NOT_A_NAME}[^\W\d_]{_WORD_REST}"),
    # naam is Henk, genaamd Piet, roepnaam Kees, alias "Sjonnie", hij heet Henk
    re.compile(
        rf"\b(?i:{_LABEL}\s+is|genaamd|roepnaam|bijnaam|alias|(?:hij|zij|ze)\s+heet(?:te)?)"
        rf"\s+{_OPENING_QUOTE}{_SURNAME}"
    ),
)


def _names(text: str) -> Iterator[str]:
    for pattern in _NAMES:
        for match in pattern.finditer(text):
            yield match.group()


def personal_data_findings(
    text: str, *, kinds: frozenset[PersonalData] = frozenset(PersonalData), today: datetime.date | None = None
) -> list[Finding]:
    """For each kind of identifying data in `text`, its first occurrence (in the order BSN, date of birth,
    name).

    Detects, as far as text can show it: a 9-digit number that passes the elfproef (also written with
    spaces, dots or hyphens; phone numbers are left alone), a complete date in the past (dd-mm-yyyy,
    d/m/yy, ISO, "12 maart 1980"), and a name after a title or a label ("dhr. Jansen", "naam: Piet",
    "genaamd Kees", "hij heet Henk"). Free text can always hide a name; this catches the usual ways.
    """
    today = today or timezone.localdate()
    detectors = (
        (PersonalData.BSN, lambda: _bsns(text)),
        (PersonalData.DATE_OF_BIRTH, lambda: _birth_dates(text, today)),
        (PersonalData.NAME, lambda: _names(text)),
    )
    findings = []
    for kind, found in detectors:
        fragment = next(found(), None) if kind in kinds else None
        if fragment is not None:
            findings.append(Finding(kind=kind, fragment=fragment.strip()))
    return findings


def personal_data_found(
    text: str, *, kinds: frozenset[PersonalData] = frozenset(PersonalData), today: datetime.date | None = None
) -> Finding | None:
    """The first kind of identifying data in `text` (see `personal_data_findings`), or None."""
    findings = personal_data_findings(text, kinds=kinds, today=today)
    return findings[0] if findings else None


def personal_data_message(findings: list[Finding]) -> str:
    """What was found, and what to do instead: one message for the field."""
    messages = {
        PersonalData.BSN: _("This text contains a BSN (“%(found)s”)."),
        PersonalData.DATE_OF_BIRTH: _("This text contains a date that may be a date of birth (“%(found)s”)."),
        PersonalData.NAME: _("This text seems to contain a name (“%(found)s”)."),
    }
    found = [messages[finding.kind] % {"found": finding.fragment} for finding in findings]
    hint = _(
        "Describe the person without identifying data: no name, BSN or date of birth "
        "(an age or a description such as “a man of about 40” is enough)."
    )
    return " ".join([*found, hint])


def _personal_data_errors(
    texts: dict[str, str], *, kinds: frozenset[PersonalData] = frozenset(PersonalData)
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field_name, text in texts.items():
        findings = personal_data_findings(text, kinds=kinds)
        if findings:
            errors[field_name] = [personal_data_message(findings)]
    return errors


def _required_errors(texts: dict[str, str]) -> dict[str, list[str]]:
    return {name: [_("This field is required.")] for name, text in texts.items() if not text.strip()}


def _not_in_future(field_name: str, day: datetime.date) -> dict[str, list[str]]:
    if day > timezone.localdate():
        return {field_name: [_("The date cannot be in the future.")]}
    return {}


# --- Services -------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def anonymous_advice_record(
    *,
    by: User,
    asked_on: datetime.date,
    partner: Partner,
    question: str,
    advice: str,
    municipality: Municipality | None = None,
    main_topic: MainTopic | None = None,
    channel: str = AnonymousAdvice.Channel.PHONE,
    minutes_spent: int = 0,
) -> AnonymousAdvice:
    """Record an anonymous advice trajectory; question and advice must not identify the person."""
    texts = {"question": question, "advice": advice}
    errors = _personal_data_errors(texts) | _required_errors(texts) | _not_in_future("asked_on", asked_on)
    if channel not in AnonymousAdvice.Channel.values:
        errors["channel"] = [_("Choose how the advice was asked.")]
    if minutes_spent < 0:
        errors["minutes_spent"] = [_("Enter zero or more minutes.")]
    if errors:
        raise ValidationError(errors)
    return AnonymousAdvice.objects.create(
        asked_on=asked_on,
        partner=partner,
        municipality=municipality,
        main_topic=main_topic,
        channel=channel,
        question=question.strip(),
        advice=advice.strip(),
        minutes_spent=minutes_spent,
        given_by=by,
    )


@transaction.atomic(durable=True)
def information_contact_record(
    *, by: User, contacted_on: datetime.date, partner: Partner, topic: str, minutes_spent: int = 5
) -> InformationContact:
    """Log a contact moment of the information desk: connecting professionals, in a few seconds.

    The topic may name the professionals who were connected, but not a BSN or a date of birth.
    """
    errors = (
        _personal_data_errors(
            {"topic": topic}, kinds=frozenset({PersonalData.BSN, PersonalData.DATE_OF_BIRTH})
        )
        | _required_errors({"topic": topic})
        | _not_in_future("contacted_on", contacted_on)
    )
    if minutes_spent < 0:
        errors["minutes_spent"] = [_("Enter zero or more minutes.")]
    if errors:
        raise ValidationError(errors)
    return InformationContact.objects.create(
        contacted_on=contacted_on, partner=partner, topic=topic.strip(), minutes_spent=minutes_spent, by=by
    )


@transaction.atomic(durable=True)
def extended_advice_conclude(*, case: Case, by: User, summary: str, origin: str | None = None) -> Case:
    """The extended advice has been given: its summary becomes the closure evaluation and the case
    closes with the goal achieved. Only the procesregisseur running the active case may do this."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not access.may_work_on(by, case):
        raise PermissionError
    if case.kind != Case.Kind.EXTENDED_ADVICE:
        raise ValidationError(_("Only a case handled as extended advice can be concluded with advice."))
    if not summary.strip():
        raise ValidationError({"summary": [_("Summarise the advice that was given.")]})
    case_event_add(case=case, kind=CaseEvent.Kind.ADVICE_GIVEN, by=by, payload={"summary": summary.strip()})
    case = case_close_within(case=case, by=by, reason=Case.ClosureReason.GOAL_ACHIEVED, origin=origin)
    case.closure_evaluation = summary.strip()
    case.save(update_fields=["closure_evaluation", "updated_at"])
    return case


# --- Figures --------------------------------------------------------------------------------------------


def advice_counts(*, year: int) -> dict[str, int]:
    """The advice figures of a calendar year, for the advice page and the annual report.

    - `extended_advice`: cases of kind extended advice referred in the year (the referral's date
      received; a case without a referral counts by the day it was created). The annual report splits the
      referrals of a year into procesregie and extended advice (2023: 128 = 65 + 63), so the year of the
      referral decides, not the day of the triage decision. The cter compartment (Wet parta) is left out:
      it appears in no count.
    - `anonymous_advice`, `anonymous_advice_minutes`: anonymous advice trajectories asked in the year and
      the minutes spent on them.
    - `information_contacts`, `information_contact_minutes`: information-desk contact moments in the year
      and their minutes.
    - `advice_total`: extended plus anonymous advice (the annual report's "advice and support" total).
    """
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    extended = (
        Case.objects.filter(kind=Case.Kind.EXTENDED_ADVICE)
        .exclude(legal_basis=LegalBasis.PARTA)
        .annotate(counted_on=Coalesce("referral__received_on", TruncDate("created_at")))
        .filter(counted_on__range=(first, last))
        .count()
    )
    anonymous = AnonymousAdvice.objects.filter(asked_on__range=(first, last)).aggregate(
        number=Count("id"), minutes=Sum("minutes_spent", default=0)
    )
    contacts = InformationContact.objects.filter(contacted_on__range=(first, last)).aggregate(
        number=Count("id"), minutes=Sum("minutes_spent", default=0)
    )
    return {
        "extended_advice": extended,
        "anonymous_advice": anonymous["number"],
        "anonymous_advice_minutes": anonymous["minutes"],
        "information_contacts": contacts["number"],
        "information_contact_minutes": contacts["minutes"],
        "advice_total": extended + anonymous["number"],
    }


def extended_advice_may_conclude(*, case: Case, user: User) -> bool:
    """Whether the case page may offer concluding the extended advice to this user."""
    return case.kind == Case.Kind.EXTENDED_ADVICE and access.may_work_on(user, case)
