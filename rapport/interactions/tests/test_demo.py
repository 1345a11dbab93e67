"""The demo groups and templates (the demo's interaction log is tested in
`rapport/demo/tests/test_demo_log.py`)."""

from __future__ import annotations

import pytest

from rapport.interactions.demo import load_demo_interactions
from rapport.interactions.models import InteractionGroup, InteractionTemplate

from .conftest import snapshot

pytestmark = pytest.mark.django_db


def test_demo_interactions_load_once(languages) -> None:
    created: dict[str, int] = {}

    def add(what: str, count: int) -> None:
        created[what] = created.get(what, 0) + count

    load_demo_interactions(add)
    assert InteractionGroup.objects.count() == 4
    assert InteractionTemplate.objects.count() == 12
    assert created == {
        "interaction groups": 4,
        "interaction templates": 12,
        "attachments": 12,  # an e-mail per newsletter language, an HTML letter per letter's
        "interaction template languages": 15,
    }
    letter = InteractionTemplate.objects.get(code="INVIT").languages.get(language__code="NL")
    assert (letter.attachment.kind, letter.attachment.file_name) == ("pdf", "invit-nl.pdf")
    assert "Hartelijk dank" in letter.attachment.body_html
    news = InteractionTemplate.objects.get(code="NEWS")
    assert (news.wizard_action, news.language_default.code) == ("merge", "EN")
    assert InteractionTemplate.objects.get(code="VISIT").unit_duration == 120
    before = snapshot()
    load_demo_interactions()
    assert snapshot() == before
