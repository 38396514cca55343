"""On PostgreSQL, refuse UPDATE and DELETE of access-log rows in the database itself.

The application never changes the log (see AppendOnlyQuerySet); this also stops a direct SQL
statement. SQLite, the embedded first-run database, relies on the hash chain alone.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_auditsubject")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION zvhd_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # no parameters: the % signs are PL/pgSQL
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION zvhd_audit_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS zvhd_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
