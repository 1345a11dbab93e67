"""One rule decides who may change an entry: the services refuse exactly what the pages hide."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import PermissionDeniedError
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import may_change_entry, postponed_visible_to


def test_pages_and_services_apply_the_same_rule(world: Any) -> None:
    own = services.interaction_create(actor=world.sven, contact=world.p3, template=world.call)
    other = services.interaction_create(
        actor=world.mila, contact=world.p3, template=world.call, salesperson=world.pb
    )
    draft = services.interaction_create(actor=world.sven, contact=world.p3, postpone=True)
    expected = {
        ("sven", own.pk): True,
        ("sven", other.pk): False,
        ("sven", draft.pk): True,
        ("mila", other.pk): True,
        ("rita", own.pk): False,
    }
    for (name, pk), allowed in expected.items():
        user = getattr(world, {"sven": "sven", "mila": "mila", "rita": "reader"}[name])
        entry = InteractionLogEntry.objects.get(pk=pk)
        assert may_change_entry(user, entry) is allowed, (name, entry.entry_no)
        if entry.postponed:
            continue
        before = (entry.evaluation, entry.modified_at) if hasattr(entry, "modified_at") else None
        if allowed:
            services.interaction_evaluate(actor=user, entry=entry, evaluation="positive")
        else:
            with pytest.raises(PermissionDeniedError):
                services.interaction_evaluate(actor=user, entry=entry, evaluation="positive")
            entry.refresh_from_db()
            assert before is None or (entry.evaluation, entry.modified_at) == before
    visible = set(
        InteractionLogEntry.objects.filter(
            postponed_visible_to(world.sven), postponed=True
        ).values_list("pk", flat=True)
    )
    assert visible == {draft.pk}
