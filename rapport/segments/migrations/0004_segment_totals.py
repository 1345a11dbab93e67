# Filled in by the issue-11 package that owns it (see /work/notes/shared-names11.md).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("segments", "0003_segment_languages_and_own_attachments")]

    operations: list = []
