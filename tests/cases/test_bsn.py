import pytest
from django.core.exceptions import ValidationError

from cases.validators import bsn_is_valid, validate_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999990019"])
def test_numbers_that_pass_the_eleven_test_are_accepted(bsn: str) -> None:
    assert bsn_is_valid(bsn)
    validate_bsn(bsn)


@pytest.mark.parametrize(
    ("bsn", "message"),
    [
        ("123456789", "elfproef"),
        ("111222334", "elfproef"),
        ("12345678", "precies 9 cijfers"),
        ("1234567890", "precies 9 cijfers"),
        ("12345678a", "precies 9 cijfers"),
        ("000000000", "elfproef"),
    ],
)
def test_invalid_numbers_are_refused_with_a_dutch_message(bsn: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_bsn(bsn)
    assert message in raised.value.messages[0]
