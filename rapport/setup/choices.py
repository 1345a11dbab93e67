from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentStorageType(models.TextChoices):
    EMBEDDED = "embedded", _("Embedded")
    DISK_FILE = "disk_file", _("Disk File")
