"""Bad input to every form of the UI gets the form back with its errors, never a 500.

The pages come from the URL configuration and their fields from the forms they show, so a new
edit page is covered as soon as it is routed. Pages about one object (`/salespeople/<code>/edit/`)
are tried on objects created first through the API (bodies from tests/apischema.py).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from tests.apischema import PATH_PARAMETER, body_schema, example, schema
from tests.urlwalk import Endpoint, params, ui_endpoints

pytestmark = pytest.mark.django_db

SKIP_FIELDS = {"csrfmiddlewaretoken"}
SEED_KEY_FILLERS = {"X", "XX", "1"}


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


def seed_everything(api_client: Any) -> None:
    """One object of every API resource that can be made from its schema alone."""
    client = api_client()
    for path, item in schema()["paths"].items():
        if "post" in item and not PATH_PARAMETER.search(path) and path != "/api/v1/auth/token/":
            body_node = body_schema(item["post"])
            if body_node is not None:
                client.post(path, example(body_node), format="json")


def form_pages() -> list[Endpoint]:
    return [
        endpoint
        for endpoint in ui_endpoints()
        if "post" in endpoint.methods()
        and not endpoint.path.startswith("/admin/")
        and endpoint.url_name not in ("login", "logout")
    ]


def concrete_path(endpoint: Endpoint) -> str:
    """The page's path with the key of a seeded object ("T1") instead of the filler."""
    return "/".join("T1" if part in SEED_KEY_FILLERS else part for part in endpoint.path.split("/"))


BAD_VALUES = [("a NUL byte", "A\x00B"), ("over-long text", "x" * 5_000), ("a list", ["a", "b"])]


@pytest.mark.parametrize("endpoint", params(form_pages()))
def test_bad_form_input_never_gives_a_500(
    admin_client: Client, api_client: Any, endpoint: Endpoint
) -> None:
    seed_everything(api_client)
    path = concrete_path(endpoint) if endpoint.has_parameters else endpoint.path
    page = admin_client.get(path)
    if page.status_code != 200:
        pytest.skip(f"{path} answers {page.status_code} (no object to try it on)")
    parser = FormFields()
    parser.feed(page.content.decode())
    forms = [form for form in parser.forms if form["fields"]]
    if not forms:
        return  # e.g. a delete confirmation: nothing to type
    admin_client.raise_request_exception = False
    problems = []
    for form in forms:
        target = form["action"] or path
        base = {name: value for name, value in form["fields"].items() if value is not None}
        for name in form["fields"]:
            for label, value in BAD_VALUES:
                response = admin_client.post(target, {**base, name: value})
                if response.status_code >= 500:
                    exc_info = getattr(response, "exc_info", None)
                    error = f" ({exc_info[1]!r})" if exc_info else ""
                    problems.append(f"POST {target} with {name} = {label}: 500{error}")
    assert not problems, "\n".join(problems)
