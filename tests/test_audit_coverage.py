"""Every create, change and delete of every API resource leaves its audit entry.

The resources are found in the OpenAPI schema, as `tests/test_ui_input.seed_everything` finds
them: one object of each is created from its schema's example, then changed (its description
or name) and deleted through the API. Each answer that says the object was created, changed or
deleted must have written exactly one audit entry about that object, with the change's before
and after. A resource added later is covered as soon as it is routed. (The domain actions —
log, cancel, import, … — are tested in each app's `tests/test_audit.py`.)
"""

from __future__ import annotations

from typing import Any

import pytest

from rapport.audit.models import AuditEntry
from tests.apischema import PATH_PARAMETER, body_schema, example, schema

pytestmark = pytest.mark.django_db

KEYS = ("no", "code", "entry_no", "id")
CHANGED = "Audited change"
SKIPPED = {"/api/v1/auth/token/"}


def _key(body: Any) -> str | None:
    if isinstance(body, dict):
        for name in KEYS:
            if body.get(name) not in (None, ""):
                return str(body[name])
    return None


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=since).order_by("id"))


def _last_id() -> int:
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def test_every_api_create_change_and_delete_is_audited(admin_user: Any, api_client: Any) -> None:
    client = api_client(admin_user)
    problems: list[str] = []
    made: list[tuple[str, str, dict[str, Any]]] = []  # (list path, key, body)
    for path, item in schema()["paths"].items():
        if "post" not in item or PATH_PARAMETER.search(path) or path in SKIPPED:
            continue
        body_node = body_schema(item["post"])
        if body_node is None:
            continue
        since = _last_id()
        response = client.post(path, example(body_node), format="json")
        if response.status_code != 201:
            continue
        key = _key(response.data)
        entries = _new_entries(since)
        if len(entries) != 1 or (key and entries[0].object_key != key):
            problems.append(
                f"POST {path} ({key}): {[(e.operation, e.object_key) for e in entries]}"
            )
        if key and f"{path}{{" in " ".join(schema()["paths"]):
            made.append((path, key, response.data))
    changed = deleted = 0
    for path, key, body in made:
        detail = f"{path}{key}/"
        field = next((name for name in ("description", "name") if name in body), None)
        if field is not None and body[field] != CHANGED:
            since = _last_id()
            response = client.patch(detail, {field: CHANGED}, format="json")
            if response.status_code == 200:
                changed += 1
                entries = _new_entries(since)
                if len(entries) != 1 or entries[0].changes.get(field) != {
                    "before": body[field],
                    "after": CHANGED,
                }:
                    shown = [(e.operation, e.object_key, e.changes) for e in entries]
                    problems.append(f"PATCH {detail} {field}: {shown}")
    for path, key, _body in reversed(made):
        since = _last_id()
        response = client.delete(f"{path}{key}/")
        if response.status_code == 204:
            deleted += 1
            entries = _new_entries(since)
            if len(entries) != 1 or entries[0].object_key != key:
                shown = [(e.operation, e.object_key) for e in entries]
                problems.append(f"DELETE {path}{key}/: {shown}")
    assert len(made) >= 12 and changed >= 10 and deleted >= 10, (len(made), changed, deleted)
    assert not problems, "Not audited as one entry about the object:\n" + "\n".join(problems)
