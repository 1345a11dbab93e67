"""Every URL pattern of the project, with a concrete path to request for each.

`endpoints()` walks `django.urls.get_resolver()` recursively, so URLs that apps add later are
found without a list to keep up to date. Path converters and regex groups get plausible values
("X", or 1 where only digits fit); the tests check that each path resolves back to its pattern.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PREFERRED_VALUES = ["X", "1", "x", "a", "0", str(uuid.UUID(int=1))]
PREFERRED_CHARS = "X1xa0-_."
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Endpoint:
    path: str  # what to request, e.g. "/api/v1/salespeople/X/"
    route: str  # the pattern, e.g. "api/v1/^salespeople/(?P<code>[^/]+)/$"
    name: str | None  # "contacts:salesperson-detail", "api-me", ...
    callback: Callable[..., Any]
    has_parameters: bool

    def __str__(self) -> str:
        return self.path

    @property
    def id(self) -> str:
        return f"{self.name or '-'} {self.path}"

    @property
    def url_name(self) -> str:
        """The name without its namespace."""
        return (self.name or "").rpartition(":")[2]

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    def methods(self) -> set[str]:
        """The HTTP methods (lower case) the view answers, as far as the view tells."""
        actions = getattr(self.callback, "actions", None)
        if actions:  # a DRF viewset route: {"get": "list", "post": "create"}
            return set(actions)
        cls = self.view_class
        if cls is None:
            return {"get", "post"}
        allowed = set(getattr(cls, "http_method_names", ()))
        return {method for method in allowed if hasattr(cls, method)}


def _char_in_class(char: str, items: list[tuple[Any, Any]]) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            hit = hit or ord(char) == av
        elif op is sre.RANGE:
            hit = hit or av[0] <= ord(char) <= av[1]
        elif op is sre.CATEGORY:
            hit = hit or bool(re.fullmatch(_CATEGORIES.get(av, "(?!)"), char))
    return hit != negate


def _pick_char(test: Callable[[str], bool]) -> str:
    for char in PREFERRED_CHARS + "abcdefghijklmnopqrstuvwxyz0123456789":
        if test(char):
            return char
    raise ValueError("no plausible character fits")


def _example(parsed: Any, in_group: bool = False) -> str:
    """A short string matching a parsed regex; inside a group, repeats happen at least once."""
    out = []
    for op, av in parsed:
        if op is sre.LITERAL:
            out.append(chr(av))
        elif op is sre.NOT_LITERAL:
            out.append(_pick_char(lambda char, av=av: ord(char) != av))
        elif op is sre.ANY:
            out.append(_pick_char(lambda char: char != "\n"))
        elif op is sre.IN:
            out.append(_pick_char(lambda char, av=av: _char_in_class(char, av)))
        elif op is sre.CATEGORY:
            pattern = _CATEGORIES.get(av, "(?!)")
            out.append(_pick_char(lambda char, pattern=pattern: bool(re.fullmatch(pattern, char))))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            times = max(low, 1) if in_group and high != 0 else low
            out.append(_example(sub, in_group) * times)
        elif op is sre.SUBPATTERN:
            group, _add, _del, sub = av
            out.append(_example(sub, in_group or group is not None))
        elif op is sre.BRANCH:
            out.append(_example(av[1][0], in_group))
        elif op is sre.GROUPREF:
            raise ValueError("back-references are not supported")
        # AT (anchors), ASSERT, ASSERT_NOT: nothing to write
    return "".join(out)


def example_for_regex(regex: str) -> str:
    return _example(sre_parse.parse(regex))


def _value_for_converter(converter: Any) -> str:
    for candidate in PREFERRED_VALUES:
        if re.fullmatch(converter.regex, candidate):
            try:
                return str(converter.to_url(converter.to_python(candidate)))
            except (ValueError, TypeError):
                continue
    return example_for_regex(converter.regex)


def _component(pattern: Any) -> tuple[str, str, bool]:
    """(route text, example path, has parameters) for one piece of a URL pattern."""
    route = getattr(pattern, "_route", None)
    if route is not None:
        converters = getattr(pattern, "converters", {})
        example = _PARAMETER.sub(lambda m: _value_for_converter(converters[m["parameter"]]), route)
        return route, example, bool(converters)
    regex = getattr(pattern, "_regex", None)
    if regex is not None:
        return regex, example_for_regex(regex), re.compile(regex).groups > 0
    prefix = getattr(pattern, "language_prefix", None)  # i18n_patterns
    if prefix is not None:
        return str(prefix), str(prefix), False
    raise TypeError(f"unknown URL pattern type {type(pattern).__name__}")


def _walk(
    patterns: list[Any], route: str, path: str, namespace: str, has_params: bool
) -> Iterator[Endpoint]:
    for entry in patterns:
        piece_route, piece_path, piece_params = _component(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry.url_patterns,
                route + piece_route,
                path + piece_path,
                inner,
                has_params or piece_params,
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Endpoint(
                path="/" + path + piece_path,
                route=route + piece_route,
                name=name,
                callback=entry.callback,
                has_parameters=has_params or piece_params,
            )


@cache
def endpoints() -> tuple[Endpoint, ...]:
    """Every URL pattern once, in resolution order (a path is kept for its first pattern)."""
    seen: dict[str, Endpoint] = {}
    for endpoint in _walk(get_resolver().url_patterns, "", "", "", False):
        seen.setdefault(endpoint.path, endpoint)
    return tuple(seen.values())


def api_endpoints() -> list[Endpoint]:
    return [endpoint for endpoint in endpoints() if endpoint.is_api]


def ui_endpoints() -> list[Endpoint]:
    return [endpoint for endpoint in endpoints() if not endpoint.is_api]


def params(items: list[Endpoint]) -> list[Any]:
    """pytest parameters with readable ids."""
    import pytest

    return [pytest.param(item, id=item.id) for item in items]
