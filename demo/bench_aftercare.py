"""A DJI file of detention notices for the aftercare import operations of `manage.py bench`.

The import operations read one generated CSV file (semicolons, as Dutch Excel writes it) of N rows, drawn
from one seeded `random.Random`:

- most rows are new notices of new people, in the municipalities the bureau does the aftercare for, three in
  five with a BSN (valid, unique within the file), one in five a self-reporter;
- one row in 25 repeats a reference from earlier in the file: half of them as they were (unchanged), half
  with a later expected release (updated);
- one row in 40 is refused: a municipality the bureau does not serve, a date that is no date, or an unknown
  kind.

The import is done by a nazorgcoördinator of its own, `bench-aftercare-coordinator`. The dry run keeps
only its batch (removed after each run); the real import runs inside a transaction that the benchmark
rolls back, because its access-log records cannot be removed afterwards (the log is append-only) and would
pile up by tens of thousands per run. It still does all the import's work; only the commit is left out.
Neither leaves a notice, case or person behind; a dry run's batch that an interrupted run did not remove
is removed before and after.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from aftercare.imports import COLUMNS, notices_import, notices_import_within
from aftercare.models import ImportBatch, ImportRow
from zvhd.accounts.models import Role, User
from zvhd.reference.models import Municipality

IMPORTER = "bench-aftercare-coordinator"
REFERENCE_PREFIX = "BENCH"
REPEAT_SHARE = 1 / 25
REFUSED_SHARE = 1 / 40
BSN_SHARE = 0.6
SELF_REPORTER_SHARE = 0.2

FIRST_NAMES = (
    "Anouk", "Bas", "Chantal", "Dirk", "Esther", "Freek", "Gerda", "Harm", "Ilse", "Jelle", "Karin",
    "Lucas", "Marieke", "Niels", "Olga", "Pieter", "Roos", "Sander", "Tineke", "Wouter",
)  # fmt: skip
LAST_NAMES = (
    ("", "Bakker"), ("van der", "Veen"), ("", "Hofstede"), ("de", "Groot"), ("", "Lubbers"),
    ("", "Kremer"), ("van", "Dijk"), ("", "Mulderij"), ("", "Tiems"), ("ter", "Horst"), ("", "Zandstra"),
    ("", "Boerema"), ("de", "Jonge"), ("", "Egberts"), ("van", "Wijk"), ("", "Smeenge"),
)  # fmt: skip
INSTITUTIONS = ("PI Veenhuizen", "PI Leeuwarden", "PI Zwolle", "PI Groningen", "PI Lelystad")


@dataclass(frozen=True)
class NoticeFile:
    """The generated file, who imports it, and what each row must come to."""

    importer: User
    file_name: str
    content: bytes
    rows: int
    expected: dict[str, int] = field(default_factory=dict)


@contextmanager
def notice_file(*, rows: int, seed: int) -> Iterator[NoticeFile]:
    """A file of `rows` detention notices while the block runs; what the imports left is removed after."""
    importer = _importer()
    imports_remove(importer)  # what an interrupted run left
    try:
        content, expected = _content(rows=rows, seed=seed)
        yield NoticeFile(
            importer=importer,
            file_name=f"detentiemeldingen-bench-{rows}.csv",
            content=content,
            rows=rows,
            expected=expected,
        )
    finally:
        imports_remove(importer)


def dry_run(notices: NoticeFile) -> ImportBatch:
    return notices_import(
        by=notices.importer, file_name=notices.file_name, content=notices.content, dry_run=True
    )


def batch_remove(batch: ImportBatch) -> None:
    """Undo of the dry run: its batch and row results."""
    batch.delete()


def import_rolled_back(notices: NoticeFile) -> ImportBatch:
    """The real import (not the dry run's code path), in a transaction rolled back afterwards."""
    with transaction.atomic():
        batch = notices_import_within(
            by=notices.importer, file_name=notices.file_name, content=notices.content
        )
        transaction.set_rollback(True)
    return batch


def outcomes_check(notices: NoticeFile, batch: ImportBatch) -> str:
    """The problem with the batch's counts, or "" when every row came to what the file was made for."""
    counted = {
        ImportRow.Outcome.CREATED: batch.created,
        ImportRow.Outcome.UPDATED: batch.updated,
        ImportRow.Outcome.UNCHANGED: batch.unchanged,
        ImportRow.Outcome.REJECTED: batch.rejected,
    }
    if batch.rows == notices.rows and counted == notices.expected:
        return ""
    return f"{batch.rows} rows came to {counted}, the file was made for {notices.expected}"


def imports_remove(importer: User) -> None:
    """The importer's batches with their row results: all that a run keeps (until its undo)."""
    ImportBatch.objects.filter(by=importer).delete()


def _importer() -> User:
    user, created = User.objects.get_or_create(
        username=IMPORTER,
        defaults={"role": Role.AFTERCARE_COORDINATOR, "first_name": "Bench", "last_name": "Nazorg"},
    )
    if created:
        user.set_unusable_password()  # nobody logs in as a bench account
        user.save(update_fields=["password"])
    return user


def _content(*, rows: int, seed: int) -> tuple[bytes, dict[str, int]]:
    """The file's bytes and how many rows must come to each outcome."""
    rng = random.Random(f"{seed}:detention-notices:{rows}")
    served = list(
        Municipality.objects.filter(provides_aftercare=True).order_by("pk").values_list("name", flat=True)
    )
    not_served = Municipality.objects.filter(provides_aftercare=False).order_by("pk").first()
    other = not_served.name if not_served else "Amsterdam"
    today = timezone.localdate()
    bsns = _bsns(rng)
    lines: list[dict[str, str]] = []
    # The notices registered so far, by reference, as the last row with that reference left them.
    current: dict[str, dict[str, str]] = {}
    expected = dict.fromkeys(ImportRow.Outcome.values, 0)
    for index in range(rows):
        roll = rng.random()
        if current and roll < REPEAT_SHARE:
            row = dict(current[rng.choice(list(current))])
            outcome = ImportRow.Outcome.UNCHANGED
            if roll < REPEAT_SHARE / 2:
                later = today + timedelta(days=rng.randrange(200, 400))
                if _dutch(later) == row["verwachte_uitstroom"]:
                    later += timedelta(days=1)
                row["verwachte_uitstroom"] = _dutch(later)
                outcome = ImportRow.Outcome.UPDATED
        else:
            row = _new_row(rng, index, seed=seed, served=served, bsns=bsns, today=today)
            outcome = ImportRow.Outcome.CREATED
            if roll < REPEAT_SHARE + REFUSED_SHARE:
                _spoil(rng, row, not_served=other)
                outcome = ImportRow.Outcome.REJECTED
        if outcome != ImportRow.Outcome.REJECTED:
            current[row["dji_referentie"]] = row
        expected[outcome] += 1
        lines.append(row)
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=list(COLUMNS), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(lines)
    return output.getvalue().encode(), expected


def _new_row(
    rng: random.Random, index: int, *, seed: int, served: list[str], bsns: Iterator[str], today: date
) -> dict[str, str]:
    prefix, last_name = rng.choice(LAST_NAMES)
    received = today - timedelta(days=rng.randrange(0, 60))
    self_reporter = rng.random() < SELF_REPORTER_SHARE
    start = None if self_reporter else received - timedelta(days=rng.randrange(1, 400))
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 45 * 365))
    return {
        "dji_referentie": f"{REFERENCE_PREFIX}-{seed}-{index + 1:06d}",
        "soort": "zelfmelder" if self_reporter else "detentie",
        "voornaam": rng.choice(FIRST_NAMES),
        "tussenvoegsel": prefix,
        "achternaam": last_name,
        "geboortedatum": _dutch(born),
        "bsn": next(bsns) if rng.random() < BSN_SHARE else "",
        "gemeente": rng.choice(served),
        "inrichting": "" if self_reporter else rng.choice(INSTITUTIONS),
        "start_detentie": _dutch(start) if start else "",
        "verwachte_uitstroom": _dutch(today + timedelta(days=rng.randrange(14, 700))),
        "ontvangen_op": _dutch(received),
    }


def _spoil(rng: random.Random, row: dict[str, str], *, not_served: str) -> None:
    """Make a row the import must refuse, in one of the ways a real file goes wrong."""
    problem = rng.randrange(3)
    if problem == 0:
        row["gemeente"] = not_served
    elif problem == 1:
        row["geboortedatum"] = "31-02-1990"
    else:
        row["soort"] = "verlof"


def _bsns(rng: random.Random) -> Iterator[str]:
    """Distinct numbers that pass the elfproef, from a seeded start."""
    number = rng.randrange(10_000_000, 90_000_000)
    while True:
        number += 1
        digits = [int(digit) for digit in str(number)]
        check = sum(digit * weight for digit, weight in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check <= 9:
            yield f"{number}{check}"


def _dutch(day: date) -> str:
    return f"{day:%d-%m-%Y}"
