"""Fixtures for the interactions tests: languages, a group, attachments of each kind and a
`make_template` helper (all made through the services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rapport.attachments.services import attachment_create
from rapport.contacts.services import language_create
from rapport.interactions import services
from rapport.interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)


@pytest.fixture
def languages(db: Any) -> dict[str, Any]:
    return {
        code: language_create(code=code, name=name)
        for code, name in (("EN", "English"), ("NL", "Dutch"), ("DE", "German"))
    }


@pytest.fixture
def group(db: Any) -> InteractionGroup:
    return services.interaction_group_create(code="LETTER", description="Letters")


@pytest.fixture
def attachments(db: Any) -> dict[str, Any]:
    return {
        "email": attachment_create(kind="email", subject="Hello", body_html="<p>Hi</p>"),
        "word": attachment_create(kind="word", file_name="letter.docx", content=b"docx"),
        "pdf": attachment_create(kind="pdf", file_name="offer.pdf", content=b"%PDF"),
    }


@pytest.fixture
def make_template(group: InteractionGroup) -> Callable[..., InteractionTemplate]:
    def make(code: str = "ABSTRACT", **kwargs: Any) -> InteractionTemplate:
        kwargs.setdefault("group", group)
        kwargs.setdefault("description", f"{code.title()} template")
        return services.interaction_template_create(code=code, **kwargs)

    return make


def snapshot() -> dict[str, list[tuple]]:
    """Everything the interactions app stores, to show that a refused operation changed
    nothing."""
    return {
        "groups": list(InteractionGroup.objects.order_by("code").values_list()),
        "templates": list(InteractionTemplate.objects.order_by("code").values_list()),
        "languages": list(InteractionTemplateLanguage.objects.order_by("pk").values_list()),
    }
