"""An attachment that an interaction template language uses cannot be deleted (moved here from
the attachments tests: attachments sits below interactions and may not import it)."""

from __future__ import annotations

import pytest

from rapport.attachments import services
from rapport.attachments.models import Attachment
from rapport.contacts.models import Language
from rapport.core.errors import ConflictError
from rapport.interactions import services as interactions

pytestmark = pytest.mark.django_db


def email(**kwargs):
    kwargs.setdefault("kind", "email")
    kwargs.setdefault("subject", "Welcome")
    kwargs.setdefault("body_html", "<p>Hello {{ contact.name }}</p>")
    return services.attachment_create(**kwargs)


def test_delete_is_refused_while_something_uses_it() -> None:
    attachment = email()
    group = interactions.interaction_group_create(code="MAIL")
    template = interactions.interaction_template_create(code="NEWS", group=group)
    interactions.interaction_template_language_create(
        template=template,
        language=Language.objects.get_or_create(code="EN", defaults={"name": "English"})[0],
        attachment=attachment,
    )
    with pytest.raises(ConflictError) as info:
        services.attachment_delete(attachment=attachment)
    assert "used by 1 record" in info.value.message
    assert "interaction template languages" in info.value.message
    assert Attachment.objects.filter(pk=attachment.pk).exists()
