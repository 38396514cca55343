"""The import of detention notices from a DJI file: reading the file, a savepoint per row, duplicates and
re-imports, the dry run, the access log, and the upload screen.

Henk is the nazorgcoördinator who imports the files; Bram is a procesregisseur, whose role has no aftercare
screens at all.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aftercare import forms_import, services
from aftercare.imports import COLUMNS, notice_file_open, notices_import
from aftercare.models import AftercareFile, DetentionNotice, ImportBatch, ImportRow
from cases.models import Case, Person
from tests.aftercare.builders import nazorg_coordinator, notice_data
from tests.factories import municipality
from zvhd.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

TODAY = timezone.localdate()
CREATED, UPDATED, UNCHANGED, REJECTED = (
    ImportRow.Outcome.CREATED,
    ImportRow.Outcome.UPDATED,
    ImportRow.Outcome.UNCHANGED,
    ImportRow.Outcome.REJECTED,
)


def dutch(day: datetime.date) -> str:
    return f"{day:%d-%m-%Y}"


def row(**cells: str) -> dict[str, str]:
    """One notice as DJI exports it; every cell can be overridden."""
    values = {
        "dji_referentie": "DJI-000001",
        "soort": "detentie",
        "voornaam": "Jan",
        "tussenvoegsel": "",
        "achternaam": "Wubbolts",
        "geboortedatum": "17-05-1990",
        "bsn": "",
        "gemeente": "Hoogeveen",
        "inrichting": "PI Veenhuizen",
        "start_detentie": dutch(TODAY - datetime.timedelta(days=30)),
        "verwachte_uitstroom": dutch(TODAY + datetime.timedelta(days=90)),
        "ontvangen_op": dutch(TODAY),
    }
    values.update(cells)
    return values


def csv_file(
    *rows: dict[str, str], delimiter: str = ";", bom: bool = False, columns: list[str] | None = None
) -> bytes:
    columns = columns if columns is not None else list(COLUMNS)
    lines = [delimiter.join(columns)] + [delimiter.join(values[name] for name in columns) for values in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode()


def three_people() -> list[dict[str, str]]:
    return [
        row(dji_referentie="DJI-1", achternaam="Wubbolts", bsn="111222333"),
        row(
            dji_referentie="DJI-2",
            achternaam="Hofstede",
            soort="zelfmelder",
            start_detentie="",
            inrichting="",
        ),
        row(dji_referentie="DJI-3", achternaam="Lubbers", geboortedatum="1985-02-03", gemeente="tynaarlo"),
    ]


def outcomes(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return list(batch.results.values_list("line", "reference", "outcome"))


def message_of(batch: ImportBatch, line: int) -> str:
    return batch.results.get(line=line).message


@pytest.fixture
def henk():  # type: ignore[no-untyped-def]
    return nazorg_coordinator()


def run_import(henk, content: bytes, *, dry_run: bool = False) -> ImportBatch:  # type: ignore[no-untyped-def]
    return notices_import(by=henk, file_name="meldingen.csv", content=content, dry_run=dry_run)


# --- Reading the file --------------------------------------------------------------------------------------


def test_every_row_becomes_a_notice_on_an_aftercare_case_and_is_reported_by_line(henk) -> None:
    batch = run_import(henk, csv_file(*three_people()))

    assert outcomes(batch) == [(2, "DJI-1", CREATED), (3, "DJI-2", CREATED), (4, "DJI-3", CREATED)]
    assert (batch.rows, batch.created, batch.rejected, batch.dry_run) == (3, 3, 0, False)
    assert DetentionNotice.objects.filter(batch=batch).count() == 3
    lubbers = AftercareFile.objects.get(person__last_name="Lubbers")
    assert (lubbers.municipality, lubbers.person.date_of_birth) == (
        municipality("tynaarlo"),
        datetime.date(1985, 2, 3),
    )
    assert lubbers.case.coordinator == henk
    assert DetentionNotice.objects.get(reference="DJI-2").detention_start is None


@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (",", False), (",", True)])
def test_commas_and_a_byte_order_mark_are_read_as_well(henk, delimiter: str, bom: bool) -> None:
    batch = run_import(henk, csv_file(*three_people(), delimiter=delimiter, bom=bom))
    assert [outcome for _line, _reference, outcome in outcomes(batch)] == [CREATED] * 3


def test_columns_may_come_in_any_order_and_case_and_empty_rows_are_skipped(henk) -> None:
    columns = list(reversed(COLUMNS))
    content = csv_file(*three_people(), columns=columns).decode()
    header, rest = content.split("\r\n", 1)
    content = header.upper() + "\r\n;;;;;;;;;;;\r\n" + rest
    batch = run_import(henk, content.encode())
    assert [line for line, _reference, _outcome in outcomes(batch)] == [3, 4, 5]


def test_a_bsn_that_lost_its_leading_zero_in_excel_gets_it_back(henk) -> None:
    run_import(henk, csv_file(row(bsn="12345672")))
    assert Person.objects.get().bsn == "012345672"


@pytest.mark.parametrize(
    ("columns", "named"),
    [
        ([name for name in COLUMNS if name != "achternaam"], "achternaam"),
        ([*COLUMNS, "telefoon"], "telefoon"),
        ([*COLUMNS, "bsn"], "bsn"),
    ],
    ids=["missing", "unknown", "twice"],
)
def test_a_header_with_a_column_missing_unknown_or_twice_refuses_the_whole_file_naming_it(
    henk, columns: list[str], named: str
) -> None:
    values = row(telefoon="0591 123456")
    content = csv_file(values, columns=columns)
    with pytest.raises(ValidationError) as error:
        run_import(henk, content)
    assert named in error.value.messages[0]
    assert not ImportBatch.objects.exists()
    assert not DetentionNotice.objects.exists()


def test_a_file_without_a_header_row_is_refused_without_repeating_its_first_row(henk) -> None:
    content = csv_file(row(), row()).split(b"\r\n", 1)[1]
    with pytest.raises(ValidationError) as error:
        run_import(henk, content)
    assert error.value.code == "header"
    assert "Wubbolts" not in error.value.messages[0]


def test_the_example_file_of_the_manual_imports_cleanly(henk) -> None:
    content = (settings.BASE_DIR / "docs" / "examples" / "detentiemeldingen-voorbeeld.csv").read_bytes()
    batch = run_import(henk, content)
    assert (batch.rows, batch.created) == (5, 5), list(batch.results.values_list("message", flat=True))


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (b" \r\n", "empty"), ("achternaam;gemeente\n".encode("utf-16"), "encoding")],
)
def test_an_empty_file_or_one_that_is_not_utf8_is_refused(content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        notice_file_open(content)
    assert error.value.code == code


# --- Rows refused -----------------------------------------------------------------------------------------


def test_malformed_rows_are_refused_naming_the_column_and_the_other_rows_are_imported(henk) -> None:
    content = csv_file(
        row(dji_referentie="DJI-1", achternaam="Wubbolts"),
        row(dji_referentie="DJI-2", achternaam="Hofstede", geboortedatum="31-02-1990"),
        row(dji_referentie="DJI-3", achternaam="Lubbers", soort="verlof"),
        row(dji_referentie="DJI-4", achternaam=""),
        row(dji_referentie="DJI-5", achternaam="Kremer", ontvangen_op="gisteren"),
        row(dji_referentie="DJI-6", achternaam="Tiems", bsn="123456789"),
        row(dji_referentie="DJI-7", achternaam="T" * 101),
    )
    batch = run_import(henk, content)

    assert outcomes(batch) == [
        (2, "DJI-1", CREATED),
        (3, "DJI-2", REJECTED),
        (4, "DJI-3", REJECTED),
        (5, "DJI-4", REJECTED),
        (6, "DJI-5", REJECTED),
        (7, "DJI-6", REJECTED),
        (8, "DJI-7", REJECTED),
    ]
    assert message_of(batch, 3).startswith("geboortedatum: ")
    assert message_of(batch, 4).startswith("soort: ")
    assert message_of(batch, 5) == f"achternaam: {service_message(last_name='')}"
    assert "ontvangen_op: " in message_of(batch, 6)
    assert message_of(batch, 7).startswith("bsn: ")
    assert message_of(batch, 8).startswith("achternaam: ")
    assert (batch.created, batch.rejected) == (1, 6)
    assert list(DetentionNotice.objects.values_list("reference", flat=True)) == ["DJI-1"]


def service_message(**overrides: object) -> str:
    """The service's own message for a field (the import shows it after the column name)."""
    errors = services.notice_data_errors(notice_data(**overrides))
    return " ".join(next(iter(errors.values())))


def test_a_municipality_not_of_this_house_or_not_served_is_refused_naming_it(henk) -> None:
    content = csv_file(
        row(dji_referentie="DJI-1", gemeente="Amsterdam"),
        row(dji_referentie="DJI-2", gemeente="Emmen"),
        row(dji_referentie="DJI-3", gemeente=""),
    )
    batch = run_import(henk, content)

    assert [outcome for _line, _reference, outcome in outcomes(batch)] == [REJECTED] * 3
    assert message_of(batch, 2) == f"gemeente: {services.municipality_refusal(None, 'Amsterdam')}"
    assert message_of(batch, 3) == f"gemeente: {services.municipality_refusal(municipality('emmen'))}"
    assert "Emmen" in message_of(batch, 3)
    assert message_of(batch, 4).startswith("gemeente: ")
    assert not Case.objects.exists()


def test_a_row_with_too_few_cells_is_refused(henk) -> None:
    content = csv_file(row()) + b"DJI-9;detentie;Piet\r\n"
    batch = run_import(henk, content)
    assert outcomes(batch) == [(2, "DJI-000001", CREATED), (3, "DJI-9", REJECTED)]


def test_row_messages_name_no_one(henk) -> None:
    content = csv_file(
        row(dji_referentie="DJI-1", voornaam="Gerrit", achternaam="Zwiggelaar", bsn="111222333"),
        row(dji_referentie="DJI-2", voornaam="Gerrit", achternaam="Zwiggelaar", geboortedatum="32-01-1990"),
        # the BSN of DJI-1 with another name: the service refuses it
        row(dji_referentie="DJI-3", voornaam="Hinke", achternaam="Boerema", bsn="111222333"),
    )
    batch = run_import(henk, content)
    messages = " ".join(batch.results.values_list("message", flat=True))
    assert batch.rejected == 2
    for personal in ("Gerrit", "Zwiggelaar", "Hinke", "Boerema", "111222333", "1990"):
        assert personal not in messages


# --- Duplicates and re-imports ----------------------------------------------------------------------------


def test_a_reference_repeated_in_the_file_is_left_unchanged_or_updated(henk) -> None:
    later = dutch(TODAY + datetime.timedelta(days=200))
    content = csv_file(
        row(dji_referentie="DJI-1"),
        row(dji_referentie="DJI-1"),
        row(dji_referentie="DJI-1", verwachte_uitstroom=later),
    )
    batch = run_import(henk, content)

    assert outcomes(batch) == [(2, "DJI-1", CREATED), (3, "DJI-1", UNCHANGED), (4, "DJI-1", UPDATED)]
    notice = DetentionNotice.objects.get()
    assert notice.expected_release == TODAY + datetime.timedelta(days=200)
    assert (Case.objects.count(), Person.objects.count()) == (1, 1)


def test_importing_the_same_file_again_creates_nothing_twice(henk) -> None:
    content = csv_file(*three_people())
    first = run_import(henk, content)
    counts = (DetentionNotice.objects.count(), Case.objects.count(), Person.objects.count())

    second = run_import(henk, content)

    assert (second.rows, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert (DetentionNotice.objects.count(), Case.objects.count(), Person.objects.count()) == counts
    assert first.sha256 == second.sha256


def test_a_row_that_fails_halfway_is_rolled_back_and_every_other_row_stands(henk, monkeypatch) -> None:
    """The service refuses DJI-2 after it wrote the person, case and notice: its savepoint undoes them."""
    original = services.case_event_add

    def refusing(*, case, kind, by, payload=None):  # type: ignore[no-untyped-def]
        if (payload or {}).get("reference") == "DJI-2":
            raise ValidationError({"institution": ["refused for the test"]})
        return original(case=case, kind=kind, by=by, payload=payload)

    monkeypatch.setattr(services, "case_event_add", refusing)
    batch = run_import(henk, csv_file(*three_people()))

    assert outcomes(batch) == [(2, "DJI-1", CREATED), (3, "DJI-2", REJECTED), (4, "DJI-3", CREATED)]
    assert message_of(batch, 3) == "inrichting: refused for the test"
    assert set(DetentionNotice.objects.values_list("reference", flat=True)) == {"DJI-1", "DJI-3"}
    assert set(Person.objects.values_list("last_name", flat=True)) == {"Wubbolts", "Lubbers"}
    assert Case.objects.count() == 2


def test_a_database_error_on_a_row_is_logged_and_reported_and_the_others_stand(
    henk, monkeypatch, caplog
) -> None:
    original = services._aftercare_open

    def failing(*, by, person, data):  # type: ignore[no-untyped-def]
        if person.last_name == "Wubbolts":
            raise IntegrityError("simulated")
        return original(by=by, person=person, data=data)

    monkeypatch.setattr(services, "_aftercare_open", failing)
    batch = run_import(henk, csv_file(*three_people()))

    assert [outcome for _line, _reference, outcome in outcomes(batch)] == [REJECTED, CREATED, CREATED]
    assert "line 2 (DJI-1)" in caplog.text
    assert not Person.objects.filter(last_name="Wubbolts").exists()


# --- Dry run ----------------------------------------------------------------------------------------------


def test_a_dry_run_reports_what_the_import_does_and_writes_only_its_results(henk) -> None:
    later = dutch(TODAY + datetime.timedelta(days=200))
    run_import(henk, csv_file(row(dji_referentie="DJI-0", achternaam="Smeenge")))
    content = csv_file(
        *three_people(),
        row(dji_referentie="DJI-0", achternaam="Smeenge", verwachte_uitstroom=later),
        row(dji_referentie="DJI-1", achternaam="Wubbolts", bsn="111222333"),
        row(dji_referentie="DJI-9", gemeente="Assen"),
    )
    events, notices = AuditEvent.objects.count(), DetentionNotice.objects.count()
    persons, cases = Person.objects.count(), Case.objects.count()

    tried = run_import(henk, content, dry_run=True)

    assert tried.dry_run
    assert (DetentionNotice.objects.count(), Person.objects.count(), Case.objects.count()) == (
        notices,
        persons,
        cases,
    )
    assert AuditEvent.objects.count() == events
    assert DetentionNotice.objects.get().expected_release != TODAY + datetime.timedelta(days=200)

    imported = run_import(henk, content)

    assert outcomes(tried) == outcomes(imported)
    assert list(tried.results.values_list("message", flat=True)) == list(
        imported.results.values_list("message", flat=True)
    )
    assert [tried.created, tried.updated, tried.unchanged, tried.rejected] == [3, 1, 1, 1]
    assert [imported.created, imported.updated, imported.unchanged, imported.rejected] == [3, 1, 1, 1]


# --- The access log ---------------------------------------------------------------------------------------


def test_the_import_writes_one_access_log_record_naming_the_persons_it_wrote(henk) -> None:
    run_import(henk, csv_file(row(dji_referentie="DJI-0", achternaam="Smeenge")))
    smeenge = Person.objects.get().pk
    before = AuditEvent.objects.count()
    later = dutch(TODAY + datetime.timedelta(days=200))
    content = csv_file(
        *three_people(), row(dji_referentie="DJI-0", achternaam="Smeenge", verwachte_uitstroom=later)
    )

    batch = run_import(henk, content)

    record = AuditEvent.objects.get(object_type="detention_notice_import", object_id=str(batch.pk))
    assert (record.action, record.actor) == (AuditEvent.Action.CREATE, henk)
    assert set(record.subjects.values_list("person_id", flat=True)) == set(
        Person.objects.values_list("pk", flat=True)
    )
    assert smeenge in record.subjects.values_list("person_id", flat=True)
    # The service logs each notice it writes (three created, one updated); nothing else per row.
    assert AuditEvent.objects.count() - before == 4 + 1


# --- The screen -------------------------------------------------------------------------------------------


def upload(content: bytes, name: str = "meldingen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_henk_tries_a_file_then_imports_it_and_looks_at_the_results(client_for, henk) -> None:
    client = client_for(henk)
    content = csv_file(*three_people(), row(dji_referentie="DJI-9", gemeente="Assen"))
    assert client.get(reverse("aftercare-import")).status_code == 200

    response = client.post(reverse("aftercare-import"), {"file": upload(content), "action": "dry_run"})

    tried = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("aftercare-import-result", args=[tried.pk])
    assert tried.dry_run
    assert not DetentionNotice.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="dry-run-notice"' in page
    assert page.count('data-testid="import-row"') == 4
    assert 'data-testid="count-created">3<' in page

    response = client.post(reverse("aftercare-import"), {"file": upload(content), "action": "import"})

    imported = ImportBatch.objects.exclude(pk=tried.pk).get()
    assert not imported.dry_run
    assert DetentionNotice.objects.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="dry-run-notice"' not in page
    assert 'data-line="5" data-outcome="rejected"' in page
    assert escape(services.municipality_refusal(municipality("assen"))) in page
    rejected = client.get(response["Location"], {"uitkomst": "rejected"}).content.decode()
    assert rejected.count('data-testid="import-row"') == 1
    listing = client.get(reverse("aftercare-import")).content.decode()
    assert listing.count('data-testid="import-batch"') == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("meldingen.xlsx", csv_file(row()), "file_type"),
        ("meldingen.csv", b"", "empty"),
        ("meldingen.csv", csv_file(row()).decode().encode("utf-16"), "encoding"),
        ("meldingen.csv", csv_file(row(), columns=list(COLUMNS)[1:]), "header"),
    ],
    ids=["not csv", "empty", "not utf-8", "header"],
)
def test_a_file_that_cannot_be_imported_is_refused_at_the_field(
    client_for, henk, name, content, code
) -> None:
    response = client_for(henk).post(
        reverse("aftercare-import"), {"file": upload(content, name), "action": "import"}
    )

    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["file"]] == [code]
    assert not ImportBatch.objects.exists()


def test_a_file_larger_than_5_mb_is_refused_at_the_field(client_for, henk, monkeypatch) -> None:
    monkeypatch.setattr(forms_import, "MAX_FILE_SIZE", 100)
    content = csv_file(row())
    response = client_for(henk).post(
        reverse("aftercare-import"), {"file": upload(content), "action": "import"}
    )
    assert [error.code for error in response.context["form"].errors.as_data()["file"]] == ["file_size"]


def test_a_procesregisseur_may_not_import_or_see_imports(client_for, bram, henk) -> None:
    batch = run_import(henk, csv_file(row()), dry_run=True)
    client = client_for(bram)

    assert client.get(reverse("aftercare-import")).status_code == 403
    assert client.get(reverse("aftercare-import-result", args=[batch.pk])).status_code == 403
    response = client.post(reverse("aftercare-import"), {"file": upload(csv_file(row())), "action": "import"})
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 1
    assert not DetentionNotice.objects.exists()
