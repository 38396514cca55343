"""The access log is a hash chain: a changed, removed or inserted record is found by the check."""

import itertools

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction

from tests.factories import UserFactory
from zvhd.accounts.models import Role
from zvhd.audit.chain import GENESIS, chain_verify
from zvhd.audit.models import AuditChainCheck, AuditEvent, AuditSubject
from zvhd.audit.services import audit_chain_check, audit_record
from zvhd.audit.tasks import audit_chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_records(pia):  # type: ignore[no-untyped-def]
    for number in range(5):
        audit_record(
            actor=pia,
            action=AuditEvent.Action.READ,
            object_type="case",
            object_id=number,
            case_id=number,
            person_ids=[number, number + 100],
            data_category=AuditEvent.DataCategory.CASE_FILE,
            ip_address="192.0.2.10",
        )
    return list(AuditEvent.objects.order_by("sequence"))


def raw_sql(statement: str, params: list[object]) -> None:
    """Tamper with the log as someone with database access would, past the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_each_record_links_to_the_one_before(five_records) -> None:
    assert [event.sequence for event in five_records] == [1, 2, 3, 4, 5]
    assert five_records[0].previous_hash == GENESIS
    for before, after in itertools.pairwise(five_records):
        assert after.previous_hash == before.record_hash
    assert chain_verify().intact


def test_an_edited_record_is_found(five_records) -> None:
    raw_sql("UPDATE audit_auditevent SET actor_username = %s WHERE sequence = %s", ["iemand-anders", 3])
    result = chain_verify()
    assert (result.intact, result.first_broken_sequence) == (False, 3)
    assert "gewijzigd" in result.problem


def test_a_changed_list_of_persons_is_found(five_records) -> None:
    raw_sql("DELETE FROM audit_auditsubject WHERE event_id = %s", [five_records[1].id])
    assert chain_verify().first_broken_sequence == 2


def test_a_deleted_record_is_found(five_records) -> None:
    raw_sql("DELETE FROM audit_auditsubject WHERE event_id = %s", [five_records[2].id])
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [five_records[2].id])
    result = chain_verify()
    assert (result.intact, result.first_broken_sequence) == (False, 3)


def test_cutting_off_the_newest_records_is_found(five_records) -> None:
    raw_sql("DELETE FROM audit_auditsubject WHERE event_id = %s", [five_records[4].id])
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [five_records[4].id])
    result = chain_verify()
    assert (result.intact, result.first_broken_sequence) == (False, 5)


def test_the_application_cannot_change_or_delete_records(five_records) -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(sequence=1).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(sequence=1).delete()
    with pytest.raises(PermissionError):
        AuditSubject.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_updates_and_deletes(five_records) -> None:
    for statement in ("UPDATE audit_auditevent SET detail = 'x'", "DELETE FROM audit_auditsubject"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEvent.objects.filter(detail="x").count() == 0


def test_the_scheduled_check_keeps_its_outcome_and_warns_the_privacy_officers(five_records) -> None:
    UserFactory(username="fg", role=Role.PRIVACY_OFFICER, email="fg@example.org")
    assert audit_chain_verify() is True
    raw_sql("UPDATE audit_auditevent SET ip_address = %s WHERE sequence = %s", ["198.51.100.1", 4])
    assert audit_chain_verify() is False
    latest = AuditChainCheck.objects.first()
    assert (latest.intact, latest.records, latest.first_broken_sequence) == (False, 3, 4)
    assert mail.outbox[-1].to == ["fg@example.org"]
    assert "vanaf regel 4" in mail.outbox[-1].body


def test_an_empty_log_is_intact() -> None:
    check = audit_chain_check()
    assert (check.intact, check.records) == (True, 0)
