# A contact's timeline and its filtered log read one page through an index in their order
# (issue 11).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interactions", "0003_log_entry_delivery_error")]

    operations = [
        migrations.AddIndex(
            model_name="interactionlogentry",
            index=models.Index(
                fields=["contact_company", "postponed", "date", "time", "entry_no"],
                name="interactions_timeline_company",
            ),
        ),
        migrations.AddIndex(
            model_name="interactionlogentry",
            index=models.Index(
                fields=["contact", "postponed", "date", "time", "entry_no"],
                name="interactions_timeline_contact",
            ),
        ),
        migrations.AddIndex(
            model_name="interactionlogentry",
            index=models.Index(
                fields=["contact_company", "postponed", "entry_no"],
                name="interactions_entries_company",
            ),
        ),
        migrations.AddIndex(
            model_name="interactionlogentry",
            index=models.Index(
                fields=["contact", "postponed", "entry_no"], name="interactions_entries_contact"
            ),
        ),
    ]
