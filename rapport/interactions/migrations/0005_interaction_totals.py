# Filled in by the issue-11 package that owns it (see /work/notes/shared-names11.md).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interactions", "0004_timeline_indexes")]

    operations: list = []
