"""docs/api.md, the API's page for its users, agrees with the routes the server has.

Every address the page names (outside "Still to come") is routed, and every routed resource of
`/api/v1/` is named on the page, so that neither can drift from the other unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
SAMPLE = {"no": "X1", "code": "X1", "entry_no": "1", "line_no": "1", "id": "1"}


def _documented_text() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split("## Still to come")[0]


def _documented_paths() -> set[str]:
    """The relative API addresses in backticks: `segments/<no>/log/`, `/api/v1/me/`, ..."""
    text = re.sub(r"```.*?```", "", _documented_text(), flags=re.DOTALL)
    paths: set[str] = set()
    # The resources table: its first column names the resource (`contacts`, `number-series`).
    for name in re.findall(r"^\| `([a-z-]+)`", text, flags=re.MULTILINE):
        paths.add(f"{name}/")
    for snippet in re.findall(r"`([^`]+)`", text):
        for part in snippet.split(","):
            candidate = re.sub(r"^((GET|POST|PUT|PATCH|DELETE)\s+)+", "", part.strip())
            candidate = candidate.split("?")[0]
            if candidate.startswith("/api/v1/"):
                candidate = candidate.removeprefix("/api/v1/")
            elif candidate.startswith("/"):
                continue
            if not candidate.endswith("/") or " " in candidate:
                continue
            paths.add(candidate)
    return paths


def _url(relative: str, *, numeric: bool = False) -> str:
    """The address with its placeholders filled: a code such as X1, or (`numeric`) a number,
    for resources keyed by a number (attachments' `<no>`)."""
    filled = re.sub(
        r"<(\w+)>", lambda m: "1" if numeric else SAMPLE.get(m.group(1), "X1"), relative
    )
    return "/api/v1/" + filled


def _routed(relative: str) -> bool:
    for numeric in (False, True):
        try:
            resolve(_url(relative, numeric=numeric))
        except Resolver404:
            continue
        return True
    return False


def test_every_documented_address_is_routed() -> None:
    paths = _documented_paths()
    assert len(paths) > 30, paths
    unrouted = []
    for relative in sorted(paths):
        if not _routed(relative):
            unrouted.append(relative)
    assert unrouted == []


def _routed_resources() -> set[str]:
    """The first path segment of every route under /api/v1/."""
    names: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").replace("$", "")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                first = route.removeprefix("api/v1/").split("/")[0]
                if first and "(" not in first and "<" not in first and "." not in first:
                    names.add(first)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_routed_resource_is_documented() -> None:
    text = _documented_text()
    missing = sorted(
        name
        for name in _routed_resources()
        if f"`{name}" not in text and f"/api/v1/{name}/" not in text
    )
    assert missing == []
