"""Importing detention notices from a DJI export (CSV), row by row through `notice_register_within`.

The file format (docs/aftercare-import.md has an example):

- UTF-8 text, with or without a byte order mark; one header row, then one notice per row;
- cells separated by semicolons (what Dutch Excel writes) or commas: the header row decides which;
- the header names every column of `COLUMNS` once, in any order, case-insensitive; a column missing, unknown
  or named twice refuses the whole file;
- dates as dd-mm-jjjj (also d-m-jjjj, with - / or .) or as jjjj-mm-dd;
- `soort` is `detentie` or `zelfmelder`; `gemeente` a municipality of the reference data by name, code or
  CBS code, case-insensitive;
- a BSN of 8 digits gets back the leading zero Excel drops; empty rows are skipped.

Every row runs in a savepoint of its own: a refused row is rolled back and reported with its line number and
why, the others stand. A row whose reference was imported before (also earlier in the same file) is
unchanged or updated by the service, so importing a file twice creates nothing twice. A dry run goes through
the same code inside a transaction that is rolled back: it reports exactly what the import would do and keeps
only the batch and its row results. Row messages name the line, the reference and the column, never a
person's data; the one cell they repeat is the municipality that is not the house's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftercare.models import DetentionKind, DetentionNotice, ImportBatch, ImportRow
from aftercare.services import NoticeData, municipality_refusal, notice_register_within
from cases.models import Person
from zvhd.accounts.models import User
from zvhd.audit.models import AuditEvent, LegalBasis
from zvhd.audit.services import audit_record
from zvhd.reference.models import Municipality

logger = logging.getLogger(__name__)

# The columns of the file and the field of `NoticeData` each one fills, in the order DJI exports them.
COLUMNS: dict[str, str] = {
    "dji_referentie": "reference",
    "soort": "kind",
    "voornaam": "first_name",
    "tussenvoegsel": "name_prefix",
    "achternaam": "last_name",
    "geboortedatum": "date_of_birth",
    "bsn": "bsn",
    "gemeente": "municipality",
    "inrichting": "institution",
    "start_detentie": "detention_start",
    "verwachte_uitstroom": "expected_release",
    "ontvangen_op": "received_on",
}
# The service names fields; a row's message names the column instead.
COLUMN_OF_FIELD = {field: column for column, field in COLUMNS.items()}
KINDS = {"detentie": DetentionKind.DETENTION, "zelfmelder": DetentionKind.SELF_REPORTER}
DATE_COLUMNS = ("geboortedatum", "start_detentie", "verwachte_uitstroom", "ontvangen_op")

_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# The text columns and the longest value their field holds.
MAX_LENGTHS = {
    "dji_referentie": DetentionNotice._meta.get_field("reference").max_length,
    "voornaam": Person._meta.get_field("first_name").max_length,
    "tussenvoegsel": Person._meta.get_field("name_prefix").max_length,
    "achternaam": Person._meta.get_field("last_name").max_length,
    "inrichting": DetentionNotice._meta.get_field("institution").max_length,
}
_REFERENCE_LENGTH = ImportRow._meta.get_field("reference").max_length or 64
_FILE_NAME_LENGTH = ImportBatch._meta.get_field("file_name").max_length or 255


@dataclass(frozen=True)
class NoticeFile:
    """A file whose header was read: its text, the separator and the position of every column."""

    text: str
    delimiter: str
    positions: dict[str, int]
    # The line the header is on (1, unless the file starts with empty lines).
    header_line: int = 1


@dataclass(frozen=True)
class NoticeRow:
    """One row of the file: the notice it holds, or why it cannot be read (messages naming columns)."""

    line: int
    reference: str
    data: NoticeData | None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowResult:
    line: int
    reference: str
    outcome: str
    message: str = ""
    person_id: int | None = None


def notice_file_open(content: bytes) -> NoticeFile:
    """Decode the file and read its header row; a file that cannot be read at all is refused whole, with a
    message for the upload field."""
    if not content.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”."), code="encoding"
        ) from None
    body = text.lstrip("\r\n")
    first = body.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    names = [name.strip().lower() for name in header]
    while names and not names[-1]:  # Excel writes a separator for every column ever used
        names.pop()
    _header_check(names)
    return NoticeFile(
        text=body,
        delimiter=delimiter,
        positions={name: index for index, name in enumerate(names)},
        header_line=1 + text[: len(text) - len(body)].count("\n"),
    )


def _header_check(names: list[str]) -> None:
    if not set(names) & set(COLUMNS):
        # Most likely a file without a header: its first row holds data, which is not repeated here.
        raise ValidationError(
            _("The first row is not a header row: it names none of the columns %(expected)s.")
            % {"expected": ";".join(COLUMNS)},
            code="header",
        )
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        raise ValidationError(
            ngettext(
                "The header row names the column %(columns)s more than once.",
                "The header row names the columns %(columns)s more than once.",
                len(twice),
            )
            % {"columns": ", ".join(twice)},
            code="header",
        )
    unknown = [name or _("(empty)") for name in names if name not in COLUMNS]
    if unknown:
        raise ValidationError(
            ngettext(
                "The header row has an unknown column %(columns)s. The columns are: %(expected)s.",
                "The header row has unknown columns %(columns)s. The columns are: %(expected)s.",
                len(unknown),
            )
            % {"columns": ", ".join(unknown), "expected": ";".join(COLUMNS)},
            code="header",
        )
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise ValidationError(
            ngettext(
                "The header row lacks the column %(columns)s.",
                "The header row lacks the columns %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)},
            code="header",
        )


class MunicipalityIndex:
    """The house's municipalities by name, code and CBS code (with or without "GM"), read once per file."""

    def __init__(self, municipalities: Sequence[Municipality]) -> None:
        self._by_key: dict[str, Municipality] = {}
        for municipality in municipalities:
            cbs = municipality.cbs_code.casefold()
            for key in (municipality.name, municipality.code, cbs, cbs.removeprefix("gm")):
                self._by_key.setdefault(key.strip().casefold(), municipality)

    @classmethod
    def load(cls) -> MunicipalityIndex:
        return cls(list(Municipality.objects.all()))

    def get(self, name: str) -> Municipality | None:
        return self._by_key.get(name.strip().casefold())


def notice_rows(notice_file: NoticeFile, municipalities: MunicipalityIndex) -> Iterator[NoticeRow]:
    """The rows after the header, each read into a `NoticeData` or refused with its messages."""
    reader = csv.reader(io.StringIO(notice_file.text), delimiter=notice_file.delimiter)
    next(reader, None)
    width = len(notice_file.positions)
    while True:
        line = notice_file.header_line + reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield NoticeRow(line=line, reference="", data=None, errors=(_("The row is not valid CSV."),))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        yield _row_read(line, cells, notice_file.positions, width, municipalities)


def _row_read(
    line: int, cells: list[str], positions: dict[str, int], width: int, municipalities: MunicipalityIndex
) -> NoticeRow:
    values = {
        column: cells[index].strip() if index < len(cells) else "" for column, index in positions.items()
    }
    reference = values["dji_referentie"][:_REFERENCE_LENGTH]
    if len(cells) < width or any(cell.strip() for cell in cells[width:]):
        message = _("The row has %(cells)s cells where the header row has %(columns)s.") % {
            "cells": len(cells),
            "columns": width,
        }
        return NoticeRow(line=line, reference=reference, data=None, errors=(message,))
    errors = [
        _column_error(column, _("at most %(max)s characters.") % {"max": length})
        for column, length in MAX_LENGTHS.items()
        if length and len(values[column]) > length
    ]
    dates: dict[str, date | None] = {}
    for column in DATE_COLUMNS:
        dates[column] = _date_read(values[column])
        if dates[column] is None and values[column]:
            errors.append(_column_error(column, _("not a date; write it as dd-mm-yyyy or yyyy-mm-dd.")))
    received_on = dates["ontvangen_op"]
    if not values["ontvangen_op"]:
        errors.append(_column_error("ontvangen_op", _("enter the date the notice was received.")))
    kind = KINDS.get(values["soort"].lower())
    if kind is None:
        errors.append(_column_error("soort", _("write detentie or zelfmelder.")))
    municipality = municipalities.get(values["gemeente"]) if values["gemeente"] else None
    if not values["gemeente"]:
        errors.append(_column_error("gemeente", _("enter the municipality.")))
    elif municipality is None:
        errors.append(_column_error("gemeente", municipality_refusal(None, values["gemeente"]) or ""))
    if errors or received_on is None or kind is None or municipality is None:
        return NoticeRow(line=line, reference=reference, data=None, errors=tuple(errors))
    bsn = values["bsn"]
    data = NoticeData(
        reference=values["dji_referentie"],
        kind=kind,
        received_on=received_on,
        first_name=values["voornaam"],
        name_prefix=values["tussenvoegsel"],
        last_name=values["achternaam"],
        municipality=municipality,
        institution=values["inrichting"],
        detention_start=dates["start_detentie"],
        expected_release=dates["verwachte_uitstroom"],
        date_of_birth=dates["geboortedatum"],
        bsn=f"0{bsn}" if len(bsn) == 8 and bsn.isdigit() else bsn,  # Excel drops the leading zero
    )
    return NoticeRow(line=line, reference=reference, data=data)


def _column_error(column: str, message: str) -> str:
    """A row's message about one cell: the column, then what is wrong (never the cell's value)."""
    return f"{column}: {message}"


def _date_read(value: str) -> date | None:
    """dd-mm-jjjj (Excel's Dutch dates) or jjjj-mm-dd; None for anything else, including no date."""
    if match := _DUTCH_DATE.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _service_message(error: ValidationError) -> str:
    """The service's refusal as one line, each message preceded by the column it concerns."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        column = COLUMN_OF_FIELD.get(field)
        text = " ".join(messages)
        parts.append(_column_error(column, text) if column else text)
    return "; ".join(parts)


def _rows_register(
    *,
    by: User,
    rows: Iterator[NoticeRow],
    batch: ImportBatch | None,
    origin: str | None,
) -> list[RowResult]:
    """Register every readable row in a savepoint of its own; call inside a transaction."""
    results: list[RowResult] = []
    for row in rows:
        if row.data is None:
            message = "; ".join(row.errors)
            results.append(RowResult(row.line, row.reference, ImportRow.Outcome.REJECTED, message))
            continue
        try:
            with transaction.atomic():
                notice, outcome = notice_register_within(by=by, data=row.data, batch=batch, origin=origin)
        except ValidationError as error:
            message = _service_message(error)
            results.append(RowResult(row.line, row.reference, ImportRow.Outcome.REJECTED, message))
        except DatabaseError:
            # Not something the file can cause: logged with where it happened (no personal data) and
            # reported on the row, so the rest of the file still counts.
            logger.exception("Import of detention notices: line %s (%s) failed", row.line, row.reference)
            message = _("The row could not be saved because of an unexpected error; it has been logged.")
            results.append(RowResult(row.line, row.reference, ImportRow.Outcome.REJECTED, message))
        else:
            person_id = None if outcome == ImportRow.Outcome.UNCHANGED else notice.aftercare.person_id
            results.append(RowResult(row.line, row.reference, outcome, person_id=person_id))
    return results


def _results_record(batch: ImportBatch, results: list[RowResult]) -> ImportBatch:
    """Store the row results and the counts on the batch."""
    ImportRow.objects.bulk_create(
        ImportRow(
            batch=batch,
            line=result.line,
            reference=result.reference,
            outcome=result.outcome,
            message=result.message,
        )
        for result in results
    )
    counts = {outcome: 0 for outcome in ImportRow.Outcome.values}
    for result in results:
        counts[result.outcome] += 1
    batch.rows = len(results)
    batch.created = counts[ImportRow.Outcome.CREATED]
    batch.updated = counts[ImportRow.Outcome.UPDATED]
    batch.unchanged = counts[ImportRow.Outcome.UNCHANGED]
    batch.rejected = counts[ImportRow.Outcome.REJECTED]
    batch.save(update_fields=["rows", "created", "updated", "unchanged", "rejected"])
    return batch


def _batch_new(*, by: User, file_name: str, content: bytes, dry_run: bool) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=file_name[:_FILE_NAME_LENGTH],
        sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
        by=by,
    )


def notices_import_within(
    *, by: User, file_name: str, content: bytes, origin: str | None = None
) -> ImportBatch:
    """Import the file inside the caller's transaction: the batch, every row in its own savepoint, the row
    results and one access-log record for the import (the service logs each notice it writes)."""
    notice_file = notice_file_open(content)
    batch = _batch_new(by=by, file_name=file_name, content=content, dry_run=False)
    rows = notice_rows(notice_file, MunicipalityIndex.load())
    results = _rows_register(by=by, rows=rows, batch=batch, origin=origin)
    _results_record(batch, results)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        object_type="detention_notice_import",
        object_id=batch.pk,
        person_ids=[result.person_id for result in results if result.person_id is not None],
        data_category=AuditEvent.DataCategory.CASE_FILE,
        legal_basis=LegalBasis.CONSENT,
        ip_address=origin,
        detail=f"created {batch.created}, updated {batch.updated}, rejected {batch.rejected}",
    )
    return batch


def notices_import(
    *, by: User, file_name: str, content: bytes, dry_run: bool, origin: str | None = None
) -> ImportBatch:
    """Import a DJI file of detention notices, or try it (dry run), and return the batch with its results.

    A file that cannot be read (encoding, header) raises ValidationError and leaves no trace. A dry run
    registers every row exactly as the import does, in a transaction that is then rolled back; only the
    batch and its results are kept, written after the rollback (and no access-log record: nothing was
    stored and the results name no one)."""
    if not dry_run:
        with transaction.atomic(durable=True):
            return notices_import_within(by=by, file_name=file_name, content=content, origin=origin)
    notice_file = notice_file_open(content)
    with transaction.atomic(durable=True):
        rows = notice_rows(notice_file, MunicipalityIndex.load())
        results = _rows_register(by=by, rows=rows, batch=None, origin=origin)
        transaction.set_rollback(True)
    with transaction.atomic(durable=True):
        batch = _batch_new(by=by, file_name=file_name, content=content, dry_run=True)
        return _results_record(batch, results)
