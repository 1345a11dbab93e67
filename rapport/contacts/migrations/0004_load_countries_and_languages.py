"""Load the ISO 3166-1 countries and the common languages, named in English and Dutch (from
pycountry, see rapport/contacts/reference_data.py). Only missing codes are inserted and only
blank Dutch names are filled, so existing rows keep what a user gave them."""

from django.db import migrations


def load(apps, schema_editor):
    from rapport.contacts import reference_data

    reference_data.load_all(apps.get_model("contacts", "Country"), apps.get_model("contacts", "Language"))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_country_language_dutch_names"),
    ]

    # Unapplying keeps the rows: they may be in use by contacts by then.
    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
