"""What an attacker with an account tries, as permanent tests: stored script payloads in every
text a user can type, shown on every page; and every write of every page and API endpoint tried
by every role that may not make it.

Both run on a seeded world (the demo company, segments in every state, one object of every API
resource: `tests/test_dutch_pages.seed`), and find the pages and endpoints from the URL
configuration, so a page or endpoint added later is attacked as soon as it is routed.

- Payloads: every human-text column of every row (names, descriptions, subjects, comments,
  addresses, e-mail, …) is overwritten with one of `PAYLOADS`; then the page walk of the Dutch
  test opens every page it can reach as an administrator. No page may contain a payload's
  markup unescaped (`<script>`, an `onerror=`/`onload=` attribute it made). Escaping is the
  defence; the Content-Security-Policy (no inline scripts) is the second one.
- Roles: for the read-only role, every write (POST/PUT/PATCH/DELETE) of every endpoint except
  its own profile; for the marketing and salesperson roles, every write of a view whose
  `write_capability` their role lacks. Each must answer 403 (or 405), with real keys where the
  API or the walk finds them, and the database must be exactly as before (every table's row
  count, the audit trail included).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import NoReverseMatch, reverse

from rapport.core import permissions
from rapport.core.choices import Role
from tests.test_dutch_pages import Walk, pages, seed
from tests.urlwalk import WRITE_METHODS, Endpoint, api_endpoints

pytestmark = pytest.mark.django_db

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "<b>x</b>",
)
# What a payload would leave in the HTML had it not been escaped.
UNESCAPED = ("<script>alert(", "<img src=x onerror", "<svg onload", "<b>x</b>")
# Columns a user types free text into. Keys, codes, numbers, choices, file names and stored
# filters are not: they are validated on the way in (a code is upper case, a filter parses).
TEXT_COLUMN = re.compile(
    r"^(name\w*|search_name|description\w*|subject|comment\w*|address\w*|city|county|"
    r"first_name|middle_name|surname|job_title|initials|phone_no|mobile_phone_no|fax_no|"
    r"email\w*|home_page|extension_no|formula|answer|note|text|post_code)$"
)
# Pages about oneself, which every role may change.
OWN = {"profile", "api-me", "set_language", "logout", "login", "api-token"}


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.unique
        and not field.primary_key
        and TEXT_COLUMN.match(field.name)
        and (field.max_length or 1000) >= 10
    ]


def poison_every_text() -> tuple[int, int]:
    """Overwrite every human-text column of every row with a payload that fits it; returns
    (columns, rows changed)."""
    columns = rows = 0
    for model in apps.get_models():
        if not model.__module__.startswith("rapport."):
            continue
        for index, field in enumerate(_text_columns(model)):
            fitting = [p for p in PAYLOADS if len(p) <= (field.max_length or 1000)]
            payload = fitting[index % len(fitting)]
            changed = model._default_manager.exclude(**{field.attname: payload}).update(
                **{field.attname: payload}
            )
            columns += 1
            rows += changed
    return columns, rows


class Recorder:
    """A test client that keeps the HTML of every page it was answered."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.pages: dict[str, str] = {}

    def _keep(self, method: str, path: str, response: Any) -> Any:
        if response.get("Content-Type", "").startswith("text/html"):
            self.pages[f"{method} {path}"] = response.content.decode()
        return response

    def get(self, path: str, *args: Any, **kwargs: Any) -> Any:
        return self._keep("GET", path, self.client.get(path, *args, **kwargs))

    def post(self, path: str, *args: Any, **kwargs: Any) -> Any:
        return self._keep("POST", path, self.client.post(path, *args, **kwargs))


# --- Roles ------------------------------------------------------------------------------------


def fingerprint() -> dict[str, int]:
    """Every table's row count (the audit trail's included)."""
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(("django_session", "axes_")):
                continue  # signing in writes sessions and access records
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _capability(endpoint: Endpoint) -> str | None:
    cls = endpoint.view_class
    if endpoint.url_name in OWN:
        return permissions.OWN_PROFILE
    if cls is None or not hasattr(cls, "write_capability"):
        return None  # a view that names no capability (a form's fill, a role check inside)
    return cls.write_capability


def refused(role: str, endpoint: Endpoint) -> bool:
    """Whether `role` may not write through `endpoint`: the read-only role writes nothing but
    its own profile; the others what their capabilities allow."""
    capability = _capability(endpoint)
    if capability is None:  # any role that writes at all
        return role == Role.READ_ONLY
    return capability not in permissions.CAPABILITIES[role]


def api_path(endpoint: Endpoint, admin: Client) -> str:
    """`endpoint`'s path with real keys: each parameter taken from the first result of the list
    before it (API parameters are named after the key field: `no`, `code`, `entry_no`, …)."""
    route = endpoint.route.replace("^", "").replace("$", "")
    parts = re.split(r"(\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>)", route)
    path = "/"
    for part in parts:
        match = re.match(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", part)
        if not match:
            path += part.lstrip("/") if path.endswith("/") else part
            continue
        name = match.group(1) or match.group(2)
        value = _first_value(admin, path, name)
        if value is None:
            return endpoint.path
        path += str(value)
    return path


def _first_value(admin: Client, list_path: str, name: str) -> Any:
    response = admin.get(list_path)
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return None
    data = response.json()
    results = data.get("results", data) if isinstance(data, dict) else data
    for item in results if isinstance(results, list) else []:
        if isinstance(item, dict) and item.get(name) not in (None, ""):
            return item[name]
    return None


def ui_path(endpoint: Endpoint, walk: Walk) -> str:
    """`endpoint`'s path with the keys of a page the walk opened with the same parameters."""
    names = set(re.findall(r"<(?:[^>:]+:)?([^>]+)>", endpoint.route))
    if not names:
        return endpoint.path
    for _route, kwargs in walk.arguments:
        if names <= set(kwargs):
            try:
                return reverse(endpoint.name, kwargs={n: kwargs[n] for n in names})  # type: ignore[arg-type]
            except NoReverseMatch:
                continue
    return endpoint.path


def test_stored_payloads_stay_escaped_and_no_role_writes_beyond_its_rights(
    admin_user: Any,
    make_user: Any,
    client_for: Any,
    api_client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One seeded world for both attacks (seeding and the walk are the expensive part): first
    the payloads on every page, then the refused writes, with the walk's keys."""
    monkeypatch.setattr("rapport.interactions.demo.LOGGED", 40, raising=False)
    extra = seed(admin_user, api_client)
    columns, rows = poison_every_text()
    assert columns >= 20 and rows >= 100, (columns, rows)
    admin = client_for(admin_user)
    recorder = Recorder(admin)
    walk = Walk(recorder, extra)  # type: ignore[arg-type]
    walk.run()
    walk.missing()
    found = []
    for path, html in recorder.pages.items():
        found.extend(f"{path}: {marker!r}" for marker in UNESCAPED if marker in html)
    assert len(recorder.pages) > 60, f"the walk read only {len(recorder.pages)} pages"
    assert not found, "Unescaped payloads:\n" + "\n".join(found)
    # The figures docs/reliability.md quotes (`pytest -s` shows them).
    print(f"payloads: {columns} columns, {rows} rows, {len(recorder.pages)} pages read")
    probe_every_refused_write(admin, walk, make_user, client_for, api_client)


def probe_every_refused_write(
    admin: Client, walk: Walk, make_user: Any, client_for: Any, api_client: Any
) -> None:
    """Every write each role may not make, tried: 403 or 405 each, and nothing changed."""
    probes: list[tuple[str, str, str]] = []  # (role, method, path)
    for endpoint in api_endpoints():
        methods = [m for m in WRITE_METHODS if m in endpoint.methods()]
        if methods:
            path = api_path(endpoint, admin) if endpoint.has_parameters else endpoint.path
            for role in (Role.READ_ONLY, Role.SALESPERSON, Role.MARKETING):
                if refused(role, endpoint):
                    probes.extend((role, method, path) for method in methods)
    for endpoint in pages("post"):
        path = ui_path(endpoint, walk)
        for role in (Role.READ_ONLY, Role.SALESPERSON, Role.MARKETING):
            if refused(role, endpoint):
                probes.append((role, "post", path))
    clients = {}
    for role in (Role.READ_ONLY, Role.SALESPERSON, Role.MARKETING):
        user = make_user(role=role)
        clients[role] = (client_for(user), api_client(user))
    before = fingerprint()
    leaks = []
    statuses: dict[int, int] = {}
    for role, method, path in probes:
        page_client, token_client = clients[role]
        if path.startswith("/api/"):
            response = getattr(token_client, method)(path, {}, format="json")
        else:
            response = page_client.post(path, {})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code not in (403, 405):
            leaks.append(f"{role} {method.upper()} {path}: {response.status_code}")
    after = fingerprint()
    changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
    assert len(probes) > 300, len(probes)
    assert statuses.get(403, 0) > 300, statuses
    assert not leaks, f"{len(leaks)} of {len(probes)} writes not refused:\n" + "\n".join(leaks)
    assert not changed, f"refused writes changed tables: {changed}"
    print(f"roles: {len(probes)} refused writes tried, statuses {statuses}")
