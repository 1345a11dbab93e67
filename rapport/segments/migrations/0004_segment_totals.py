"""A segment's no. of lines, total cost and total duration as columns (issue 11: no page sums the
lines), filled for the existing segments by one set-based UPDATE."""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def fill_totals(apps, schema_editor):  # type: ignore[no-untyped-def]
    """One UPDATE over all segments with the count and sums of their lines (correlated
    sub-selects; `services.totals.segment_totals_rebuild` does the same for the live code)."""
    segment_model = apps.get_model("segments", "Segment")
    line_model = apps.get_model("segments", "SegmentLine")
    lines = line_model.objects.filter(segment_id=OuterRef("pk")).order_by().values("segment_id")

    def of(aggregate, field, zero):  # type: ignore[no-untyped-def]
        return Coalesce(
            Subquery(lines.annotate(_v=aggregate).values("_v")[:1], output_field=field),
            Value(zero),
            output_field=field,
        )

    cost = DecimalField(max_digits=20, decimal_places=2)
    duration = DecimalField(max_digits=20, decimal_places=0)
    segment_model.objects.update(
        no_of_lines=of(Count("pk"), IntegerField(), 0),
        total_cost=of(Sum("cost"), cost, Decimal(0)),
        total_duration=of(Sum("duration"), duration, Decimal(0)),
    )


class Migration(migrations.Migration):
    dependencies = [("segments", "0003_segment_languages_and_own_attachments")]

    operations = [
        migrations.AddField(
            model_name="segment",
            name="no_of_lines",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="no. of lines"
            ),
        ),
        migrations.AddField(
            model_name="segment",
            name="total_cost",
            field=models.DecimalField(
                db_default=0,
                decimal_places=2,
                default=0,
                editable=False,
                max_digits=20,
                verbose_name="total cost",
            ),
        ),
        migrations.AddField(
            model_name="segment",
            name="total_duration",
            field=models.DecimalField(
                db_default=0,
                decimal_places=0,
                default=0,
                editable=False,
                max_digits=20,
                verbose_name="total duration (min.)",
            ),
        ),
        migrations.RunPython(fill_totals, migrations.RunPython.noop, elidable=True),
    ]
