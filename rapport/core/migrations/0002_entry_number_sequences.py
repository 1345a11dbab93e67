"""Entry numbers reserved in a short step (issue 11): on PostgreSQL, a sequence per numbered
table and the function that reserves a block of numbers under a momentary lock
(`rapport.core.entry_numbers`). Nothing on SQLite (its writers are serial: the highest + 1)."""

from django.db import migrations

# Copied from rapport.core.entry_numbers when this migration was written (a migration does not
# follow later changes of the code it was made with).
NUMBERED_TABLES = (
    ("interactions_interactionlogentry", "entry_no"),
    ("campaigns_campaignentry", "entry_no"),
    ("segments_loggedsegment", "entry_no"),
    ("attachments_attachment", "no"),
)

RESERVE_FUNCTION = """
CREATE OR REPLACE FUNCTION rapport_reserve_numbers(
    seq regclass, highest bigint, block bigint, lock_key bigint
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    last bigint;
    first bigint;
BEGIN
    PERFORM pg_advisory_lock(lock_key);
    BEGIN
        EXECUTE 'SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM '
            || seq::text INTO last;
        first := GREATEST(last, COALESCE(highest, 0)) + 1;
        PERFORM setval(seq, first + block - 1);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(lock_key);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(lock_key);
    RETURN first;
END
$$
"""


def _sequence(table: str, field: str) -> str:
    return f"{table}_{field}_numbers"[-63:]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(RESERVE_FUNCTION)
    for table, field in NUMBERED_TABLES:
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS {_sequence(table, field)} MINVALUE 0 START 0"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, field in NUMBERED_TABLES:
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {_sequence(table, field)}")
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS rapport_reserve_numbers(regclass, bigint, bigint, bigint)"
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
