"""Bad input to every form of the UI gets the form back with its errors, never a 500.

The pages come from the URL configuration and their fields from the forms they show, so a new
edit page is covered as soon as it is routed. Pages about one object (`/salespeople/<code>/edit/`)
are tried on stored objects: `make_world()` makes one of each kind through the API (every
resource its schema alone can make, plus contacts, interactions with comment lines, postponed
interactions, segments with lines and criteria history, saved criteria, logged and canceled
segments, campaign entries), and the keys come generically from the URL kwarg's name (every
stored value of a model field so named), so a new page about an existing kind of object is
covered without a change here. A page without an object fails, naming the route.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.apischema import PATH_PARAMETER, body_schema, example, schema
from tests.urlwalk import Endpoint, params, ui_endpoints

pytestmark = pytest.mark.django_db

SKIP_FIELDS = {"csrfmiddlewaretoken"}


class FormFields(HTMLParser):
    """The fields of the page's POST forms (not the sign-out form), with their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post" and "logout" not in a.get("action", ""):
                self._form = {"action": a.get("action", ""), "fields": {}}
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "option" and self._select:
            if "selected" in a or fields[self._select] is None:
                fields[self._select] = a.get("value", "")
            return
        if not a.get("name") or a["name"] in SKIP_FIELDS:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "on")
                else:
                    fields.setdefault(a["name"], None)
            else:
                fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            fields[a["name"]] = None  # the first option's value, or the selected one's
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def seed_everything(client: Any) -> None:
    """One object of every API resource that can be made from its schema alone (key "T1")."""
    for path, item in schema()["paths"].items():
        if "post" in item and not PATH_PARAMETER.search(path) and path != "/api/v1/auth/token/":
            body_node = body_schema(item["post"])
            if body_node is not None:
                client.post(path, example(body_node), format="json")


def _items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        data = data.get("results", [])
    return [item for item in data if isinstance(item, dict)]


def make_world() -> Any:
    """What the pages about one object need, made through the API as a user would: contacts,
    a template with languages, logged and postponed interactions with comment lines, a
    campaign with campaign entries, segments with lines and criteria history, saved criteria,
    a logged segment and a canceled one. Returns the administrator who made them."""
    from rest_framework.test import APIClient

    from rapport.core import services as core_services

    admin = core_services.user_create(
        username="walker", password="Walk-the-pages-2026", role="administrator", validate=False
    )
    client = APIClient()
    client.force_authenticate(admin)
    seed_everything(client)

    def post(url: str, body: dict[str, Any]) -> Any:
        response = client.post(url, body, format="json")
        assert response.status_code in (200, 201), (url, response.status_code, response.data)
        return response.data

    post("/api/v1/salespeople/", {"code": "WS", "name": "Walter Sales"})
    post("/api/v1/contacts/", {"no": "WCO1", "type": "company", "name": "Walk B.V."})
    for no, name in (("WP1", "Wanda"), ("WP2", "Wim")):
        post(
            "/api/v1/contacts/",
            {
                "no": no,
                "type": "person",
                "name": name,
                "company_no": "WCO1",
                "email": f"{no.lower()}@walk.example",
                "city": "Amersfoort",
                "country_code": "NL",
                "language_code": "EN",
            },
        )
    post("/api/v1/campaigns/", {"no": "WCP1", "description": "Walk campaign"})
    post("/api/v1/interaction-groups/", {"code": "WALK", "description": "Walk"})
    post(
        "/api/v1/interaction-templates/",
        {
            "code": "WCALL",
            "group_code": "WALK",
            "description": "Walk call",
            "language_code_default": "EN",
            "correspondence_type_default": "",
            "ignore_contact_corres_type": True,
            "campaign_no": "WCP1",
            "campaign_target": True,
        },
    )
    post("/api/v1/interaction-templates/WCALL/languages/", {"language_code": "NL"})
    post(
        "/api/v1/interaction-templates/WCALL/languages/NL/attachment/",
        {"kind": "email", "body_html": "<p>Hello</p>"},
    )
    logged = post(
        "/api/v1/interactions/",
        {"contact_no": "WP1", "template_code": "WCALL", "salesperson_code": "WS"},
    )
    for comment in ("Called back", "Sent the brochure"):
        post(f"/api/v1/interactions/{logged['entry_no']}/comments/", {"comment": comment})
    post(
        "/api/v1/interactions/",
        {"contact_no": "WP2", "template_code": "WCALL", "salesperson_code": "WS", "postpone": True},
    )
    for segment_no in ("WSEG1", "WSEG2", "WSEG3"):
        post(
            "/api/v1/segments/",
            {
                "no": segment_no,
                "description": "Walk segment",
                "template_code": "WCALL",
                "campaign_no": "WCP1",
                "salesperson_code": "WS",
            },
        )
        post(
            f"/api/v1/segments/{segment_no}/add-contacts/",
            {"filters": {"contact": {"type": "person", "city": "Amersfoort"}}},
        )
        post(f"/api/v1/segments/{segment_no}/refine-contacts/", {"filters": {}})
    post("/api/v1/segments/WSEG1/save-criteria/", {"code": "WCRIT"})
    post("/api/v1/segments/WSEG2/log/", {"deliver": False})
    post("/api/v1/segments/WSEG3/log/", {"deliver": False})
    logged_segments = _items(client.get("/api/v1/logged-segments/").data)
    canceled = max(item["entry_no"] for item in logged_segments)
    post(f"/api/v1/logged-segments/{canceled}/cancel/", {})
    return admin


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The objects, made once for the module and rolled back at its end; each test runs in its
    own transaction inside, so every test starts from the same objects."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_world()
        transaction.set_rollback(True)


def form_pages() -> list[Endpoint]:
    return [
        endpoint
        for endpoint in ui_endpoints()
        if "post" in endpoint.methods()
        and not endpoint.path.startswith("/admin/")
        and endpoint.url_name not in ("login", "logout")
    ]


# Pages that cannot take a form even with an object (downloads): url name -> why.
NO_FORM: dict[str, str] = {
    "segment-log-job-restart": "a button without fields (Start again) on the page of "
    "a failed background log, which needs a worker's failed task; its answers to unknown, "
    "foreign, unfinished and gone jobs are tested in rapport/segments/tests/test_log_jobs.py",
}
_PARAMETER_NAME = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>")


def kwarg_names(endpoint: Endpoint) -> list[str]:
    return [m["name"] or m["group"] for m in _PARAMETER_NAME.finditer(endpoint.route)]


def candidates(name: str, app_label: str | None = None) -> list[str]:
    """Every stored value a URL kwarg could take, generically: the values of each model field
    called `name` (`code`, `no`, `entry_no`, `line_no`, ...), or for `<x>_code` the codes that
    the `<x>` foreign keys point at (`language_code`); with `app_label`, that app's models only."""
    values: set[str] = set()
    for model in apps.get_models():
        if app_label and model._meta.app_label != app_label:
            continue
        fields = {field.name: field for field in model._meta.concrete_fields}
        lookup = None
        if name in fields:
            lookup = name
        elif name.endswith("_code") and name[: -len("_code")] in fields:
            target = fields[name[: -len("_code")]]
            if target.is_relation and any(
                f.name == "code" for f in target.related_model._meta.concrete_fields
            ):
                lookup = f"{target.name}__code"
        if lookup:
            values.update(str(v) for v in model.objects.values_list(lookup, flat=True)[:50])
    values.discard("")
    values.discard("None")
    return sorted(values)


MAX_TRIES = 150  # paths tried per page before it counts as having no object


def concrete_paths(endpoint: Endpoint) -> Iterator[str]:
    """The endpoint's path with stored keys: first those of the models of the URL's own app
    (`segments:segment-line-edit` takes segments' `no` and `line_no`), then those of all."""
    names = kwarg_names(endpoint)
    namespace = (endpoint.name or "").partition(":")[0]
    scopes = [namespace, None] if namespace in {c.label for c in apps.get_app_configs()} else [None]
    tried: set[str] = set()
    for scope in scopes:
        pools = [candidates(name, scope) for name in names]
        for combo in itertools.islice(itertools.product(*pools), MAX_TRIES):
            try:
                path = reverse(endpoint.name or "", kwargs=dict(zip(names, combo, strict=True)))
            except NoReverseMatch:
                continue
            if path not in tried:
                tried.add(path)
                yield path


def parent(path: str) -> str:
    return path.rstrip("/").rpartition("/")[0] + "/"


HTMX = {"HTTP_HX_REQUEST": "true"}


def find_page(client: Client, endpoint: Endpoint) -> tuple[str, str, dict[str, str], list[str]]:
    """(path to post to, the page whose forms to fill, request headers, statuses seen): the
    first path with stored keys whose page opens; an htmx part (a redirect without htmx) is
    asked as htmx asks it; for a view that only takes POST, the nearest page above it (the
    contact card for its profile-answer form, the dialog for its fill request, the segment card
    for a line's fill request)."""
    paths = concrete_paths(endpoint) if endpoint.has_parameters else iter([endpoint.path])
    seen: list[str] = []
    for path in paths:
        status = client.get(path).status_code
        if status == 200:
            return path, path, {}, seen
        if status in (301, 302, 303) and client.get(path, **HTMX).status_code == 200:
            return path, path, HTMX, seen
        if status == 405:  # POST only: the nearest page above it
            above = parent(path)
            while above != "/" and client.get(above).status_code != 200:
                above = parent(above)
            if above != "/":
                return path, above, {}, seen
        seen.append(f"{path}: {status}")
    return "", "", {}, sorted(seen, key=lambda text: text.endswith(": 404"))


BAD_VALUES = [("a NUL byte", "A\x00B"), ("over-long text", "x" * 5_000), ("a list", ["a", "b"])]


@pytest.mark.parametrize("endpoint", params(form_pages()))
def test_bad_form_input_never_gives_a_500(world: Any, client: Client, endpoint: Endpoint) -> None:
    if endpoint.url_name in NO_FORM:
        pytest.skip(NO_FORM[endpoint.url_name])
    client.force_login(world)
    target, page_path, headers, seen = find_page(client, endpoint)
    if not target:
        pytest.fail(
            f"No object to try {endpoint.route} on ({'; '.join(seen[:5]) or 'no stored keys'}): "
            "make one in make_world(), or name the page in NO_FORM with the reason."
        )
    parser = FormFields()
    parser.feed(client.get(page_path, **headers).content.decode())
    forms = [form for form in parser.forms if form["fields"]]
    if page_path != target:  # a POST-only view: the forms that post to it, else all the page's
        forms = [form for form in forms if form["action"] == target] or [
            {**form, "action": target} for form in forms
        ]
    if not forms:
        return  # e.g. a delete confirmation: nothing to type
    client.raise_request_exception = False
    problems = []
    for form in forms:
        action = form["action"] or target
        base = {name: value for name, value in form["fields"].items() if value is not None}
        for name in form["fields"]:
            for label, value in BAD_VALUES:
                response = client.post(action, {**base, name: value}, **headers)
                if response.status_code >= 500:
                    exc_info = getattr(response, "exc_info", None)
                    error = f" ({exc_info[1]!r})" if exc_info else ""
                    problems.append(f"POST {action} with {name} = {label}: 500{error}")
    assert not problems, "\n".join(problems)
