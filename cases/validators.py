"""Validation of Dutch identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def bsn_is_valid(value: str) -> bool:
    """The elfproef for a burgerservicenummer: 9 digits, weighted 9..2 and -1, sum divisible by 11."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(digit) * weight for digit, weight in zip(value, weights, strict=True))
    return total % 11 == 0


def validate_bsn(value: str) -> None:
    if not value.isdigit() or len(value) != 9:
        raise ValidationError(_("A BSN has exactly 9 digits."), code="bsn_format")
    if not bsn_is_valid(value):
        raise ValidationError(_("This is not a valid BSN: it fails the eleven test."), code="bsn_checksum")
