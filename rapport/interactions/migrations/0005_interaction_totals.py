# The per-day interaction totals the statistics read (issue 11, H4), built from the log.
from django.db import migrations, models

DIMENSIONS = ("contact", "contact_company", "salesperson", "template", "group", "campaign")


def build_totals(apps, schema_editor):
    """The totals of an existing log, set-based: one INSERT … SELECT … GROUP BY per dimension
    (self-contained: the SQL of `services.totals.interaction_totals_rebuild` at this point)."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    log = quote(apps.get_model("interactions", "InteractionLogEntry")._meta.db_table)
    totals = quote(apps.get_model("interactions", "InteractionTotal")._meta.db_table)
    with connection.cursor() as cursor:
        for dimension in DIMENSIONS:
            column = quote(f"{dimension}_id")
            cursor.execute(
                f"INSERT INTO {totals} (dimension, key_id, date, bulk, no_of_interactions, "  # noqa: S608
                "no_of_successful, no_of_initiated_by_us, cost_cents, duration) "
                f"SELECT %s, {column}, date, %s, COUNT(*), "
                "SUM(CASE WHEN attempt_failed THEN 0 ELSE 1 END), "
                "SUM(CASE WHEN initiated_by = %s THEN 1 ELSE 0 END), "
                "CAST(SUM(ROUND(cost * 100)) AS BIGINT), CAST(SUM(duration) AS BIGINT) "
                f"FROM {log} WHERE {column} IS NOT NULL AND canceled = %s AND postponed = %s "
                f"GROUP BY {column}, date",
                [dimension, False, "us", False, False],
            )


class Migration(migrations.Migration):
    dependencies = [("interactions", "0004_timeline_indexes")]

    operations = [
        migrations.CreateModel(
            name="InteractionTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dimension", models.CharField(max_length=15, verbose_name="dimension")),
                ("key_id", models.BigIntegerField(verbose_name="key")),
                ("date", models.DateField(verbose_name="date")),
                ("bulk", models.BooleanField(default=False, verbose_name="bulk")),
                (
                    "no_of_interactions",
                    models.BigIntegerField(default=0, verbose_name="no. of interactions"),
                ),
                (
                    "no_of_successful",
                    models.BigIntegerField(
                        default=0, verbose_name="no. of successful interactions"
                    ),
                ),
                (
                    "no_of_initiated_by_us",
                    models.BigIntegerField(default=0, verbose_name="no. initiated by us"),
                ),
                ("cost_cents", models.BigIntegerField(default=0, verbose_name="cost (cents)")),
                ("duration", models.BigIntegerField(default=0, verbose_name="duration (min.)")),
            ],
            options={
                "verbose_name": "interaction total",
                "verbose_name_plural": "interaction totals",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dimension", "key_id", "date", "bulk"),
                        name="interactions_total_key",
                    )
                ],
            },
        ),
        migrations.RunPython(build_totals, migrations.RunPython.noop, elidable=True),
    ]
