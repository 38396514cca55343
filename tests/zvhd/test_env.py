"""The environment helpers refuse bad values at start-up, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zvhd.env import REQUIRED, env_bool, env_choice, env_int, env_list, env_str


def test_a_missing_required_variable_stops_with_its_name(monkeypatch) -> None:
    monkeypatch.delenv("ZVHD_EXAMPLE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="ZVHD_EXAMPLE is required"):
        env_str("ZVHD_EXAMPLE", REQUIRED)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("no", False), ("OFF", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected) -> None:
    monkeypatch.setenv("ZVHD_EXAMPLE", raw)
    assert env_bool("ZVHD_EXAMPLE", not expected) is expected


@pytest.mark.parametrize(
    ("helper", "raw", "message"),
    [
        (lambda: env_bool("ZVHD_EXAMPLE", False), "maybe", "must be a boolean"),
        (lambda: env_int("ZVHD_EXAMPLE", 1), "ten", "must be a whole number"),
        (lambda: env_int("ZVHD_EXAMPLE", 1, minimum=5), "3", "at least 5"),
        (lambda: env_choice("ZVHD_EXAMPLE", "a", {"a", "b"}), "c", "must be one of a, b"),
    ],
)
def test_bad_values_are_refused(monkeypatch, helper, raw, message) -> None:
    monkeypatch.setenv("ZVHD_EXAMPLE", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        helper()


def test_lists_are_comma_separated_and_trimmed(monkeypatch) -> None:
    monkeypatch.setenv("ZVHD_EXAMPLE", " a.example.org, b.example.org ,")
    assert env_list("ZVHD_EXAMPLE", []) == ["a.example.org", "b.example.org"]


def test_defaults_apply_when_the_variable_is_empty(monkeypatch) -> None:
    monkeypatch.setenv("ZVHD_EXAMPLE", "  ")
    assert env_int("ZVHD_EXAMPLE", 7) == 7


def test_settings_refuse_a_bad_value_when_the_app_starts() -> None:
    root = Path(__file__).resolve().parents[2]
    env = os.environ | {"DJANGO_DEBUG": "true", "ZVHD_SESSION_IDLE_SECONDS": "soon"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        cwd=root,
        env=env | {"DJANGO_SETTINGS_MODULE": "zvhd.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ZVHD_SESSION_IDLE_SECONDS must be a whole number" in result.stderr
