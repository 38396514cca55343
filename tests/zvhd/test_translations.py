"""The interface is Dutch: every message in the code has a Dutch translation, none is stale."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
SOURCES = ["zvhd", "cases", "triage", "aftercare", "reporting", "demo", "templates"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh catalogue of every message in the code, made as `make messages` makes it.

    makemessages writes into any `locale` folder beside the sources, so it runs on a copy of them.
    """
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext, msgcmp) is needed to check the translations")
    copy = tmp_path_factory.mktemp("sources")
    for folder in SOURCES:
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    locale_dir = copy / "locale"
    locale_dir.mkdir()
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command("makemessages", locale=["nl"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return locale_dir / "nl" / "LC_MESSAGES" / "django.po"


def msgcmp(definitions: Path, reference: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["msgcmp", *options, str(definitions), str(reference)], capture_output=True, text=True, check=False
    )


def test_every_message_in_the_code_is_translated_into_dutch(extracted: Path) -> None:
    result = msgcmp(CATALOG, extracted)
    assert result.returncode == 0, "untranslated or missing messages (run `make messages`):\n" + result.stderr


def test_the_catalogue_holds_no_stale_messages(extracted: Path) -> None:
    result = msgcmp(extracted, CATALOG, "--use-untranslated")
    assert result.returncode == 0, "messages no longer in the code (run `make messages`):\n" + result.stderr


def test_the_catalogue_compiles_cleanly(tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
