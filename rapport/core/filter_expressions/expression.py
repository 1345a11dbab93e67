"""The parsed filter (:class:`Expression`): rendered back canonically, evaluated in Python and
turned into a ``django.db.models.Q`` with the same semantics."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Func, Q
from django.db.models.functions import Lower
from django.db.models.lookups import (
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)

from rapport.core.filter_expressions.captions import BOOL_CAPTIONS
from rapport.core.filter_expressions.grammar import ANY, LIT, NEEDS_QUOTES, ONE, RANGE, TEXT_KINDS


@dataclass(frozen=True)
class Pattern:
    """A value containing wildcards: a tuple of (LIT, text) / (ANY, "") / (ONE, "") parts."""

    parts: tuple[tuple[str, str], ...]

    def regex(self, *, ci: bool = False) -> str:
        """An anchored regular expression understood alike by Python, SQLite's REGEXP (which
        is Python's ``re``) and PostgreSQL's ``~``: no flags, ``(?:.|\\n)`` for any character
        (Python's dot skips newlines, PostgreSQL's does not), ``\\A``/``\\Z`` anchors. With
        ``ci`` every letter becomes a class of its case variants (``[eE]``, ``[éÉ]``), so case
        folding does not depend on the database's locale (PostgreSQL's ``~*`` does)."""
        out = [r"\A"]
        for kind, text in self.parts:
            if kind == ANY:
                out.append(r"(?:.|\n)*")
            elif kind == ONE:
                out.append(r"(?:.|\n)")
            else:
                out.append(_escape_regex(text, ci=ci))
        out.append(r"\Z")
        return "".join(out)


def _escape_regex(text: str, *, ci: bool = False) -> str:
    # Escape every ASCII non-alphanumeric character: a backslash before such a character means
    # the character itself in both Python's and PostgreSQL's regular expressions.
    out = []
    for char in text:
        if ord(char) < 128 and not char.isalnum():
            out.append("\\" + char)
            continue
        variants = sorted({char, char.lower(), char.upper()} if ci else {char})
        variants = [v for v in variants if len(v) == 1]  # "ß".upper() is "SS": not a variant
        out.append(f"[{''.join(variants)}]" if len(variants) > 1 else char)
    return "".join(out)


def _ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


@dataclass(frozen=True)
class Condition:
    """One condition. ``op`` is one of ``= <> < <= > >= ..``. ``value`` is the typed value
    (str for text/code/choice, date, Decimal, int, bool; None is the blank value of a typed
    kind, or an open range bound), or a :class:`Pattern` for wildcards; ``high`` is the upper
    bound of a range."""

    op: str
    value: Any = None
    high: Any = None
    ci: bool = False


@dataclass(frozen=True)
class Expression:
    alternatives: tuple[tuple[Condition, ...], ...]
    kind: str = "text"
    choices: tuple[str, ...] | None = field(default=None, compare=False)
    options: tuple[tuple[str, Any], ...] = field(default=(), compare=False)  # lazy captions

    # -- rendering ---------------------------------------------------------------------------

    def describe(self, *, captions: bool = False) -> str:
        """The canonical expression (API values); with ``captions``, options are written as
        their captions in the active language (what a user of the pages types)."""
        return "|".join(
            "&".join(self._render_condition(c, captions) for c in conditions)
            for conditions in self.alternatives
        )

    def __str__(self) -> str:
        return self.describe()

    def _render_condition(self, condition: Condition, captions: bool = False) -> str:
        prefix = "@" if condition.ci else ""
        if condition.op == RANGE:
            low = "" if condition.value is None else self._render_value(condition.value)
            high = "" if condition.high is None else self._render_value(condition.high)
            return f"{prefix}{low}..{high}"
        op = "" if condition.op == "=" else condition.op
        return f"{prefix}{op}{self._render_value(condition.value, captions)}"

    def _render_value(self, value: Any, captions: bool = False) -> str:
        if captions and self.kind == "bool" and isinstance(value, bool):
            return _render_literal(str(dict(BOOL_CAPTIONS)[value]))
        if captions and self.kind == "choice" and isinstance(value, str) and value:
            caption = dict(self.options).get(value, value)
            return _render_literal(str(caption))
        if value is None:
            return "''"
        if isinstance(value, Pattern):
            last = len(value.parts) - 1
            return "".join(
                "*"
                if kind == ANY
                else "?"
                if kind == ONE
                else _render_literal(text, first=index == 0, last=index == last)
                for index, (kind, text) in enumerate(value.parts)
            )
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return _render_literal(value) if value else "''"
        return str(value)

    # -- evaluation --------------------------------------------------------------------------

    def matches(self, value: Any) -> bool:
        """Whether ``value`` (a database value; None for NULL) passes the filter, with the same
        semantics as :meth:`to_q` with ``nullable=True``."""
        if value is None and self.kind in (*TEXT_KINDS, "choice"):
            value = ""
        return any(
            all(self._condition_matches(c, value) for c in conditions)
            for conditions in self.alternatives
        )

    def _condition_matches(self, condition: Condition, value: Any) -> bool:
        op = condition.op
        target = condition.value
        if isinstance(target, Pattern):
            found = re.search(target.regex(ci=condition.ci), value)
            return (found is not None) == (op == "=")
        if self.kind in TEXT_KINDS and condition.ci and op in ("=", "<>"):
            regex = Pattern(((LIT, target),)).regex(ci=True)
            return (re.search(regex, value) is not None) == (op == "=")
        if op == "=":
            return bool(value == target)
        if op == "<>":
            return bool(value != target)
        if value is None:
            return False
        if self.kind in TEXT_KINDS and condition.ci:
            value = _ascii_lower(value)
            target = None if target is None else _ascii_lower(target)
            high = None if condition.high is None else _ascii_lower(condition.high)
        else:
            high = condition.high
        if op == RANGE:
            return (target is None or value >= target) and (high is None or value <= high)
        return bool(
            {
                "<": value < target,
                "<=": value <= target,
                ">": value > target,
                ">=": value >= target,
            }[op]
        )

    # -- database ----------------------------------------------------------------------------

    def to_q(self, field_path: str, *, nullable: bool = False) -> Q:
        """A Q selecting the rows whose ``field_path`` passes the filter. With ``nullable``,
        NULL counts as the blank value (for text/code/choice: like ``''``)."""
        result = Q()
        for index, conditions in enumerate(self.alternatives):
            branch = Q()
            for condition in conditions:
                branch &= self._condition_q(condition, field_path)
            result = branch if index == 0 else result | branch
        if nullable:
            result = Q(**{f"{field_path}__isnull": False}) & result
            if self.matches(None):
                result |= Q(**{f"{field_path}__isnull": True})
        return result

    def _condition_q(self, condition: Condition, path: str) -> Q:
        op = condition.op
        target = condition.value
        if isinstance(target, Pattern) or (
            self.kind in TEXT_KINDS and condition.ci and op in ("=", "<>")
        ):
            pattern = target if isinstance(target, Pattern) else Pattern(((LIT, target),))
            q = Q(**{f"{path}__regex": pattern.regex(ci=condition.ci)})
            return q if op == "=" else ~q
        if op in ("=", "<>"):
            q = Q(**{f"{path}__isnull": True}) if target is None else Q(**{path: target})
            return q if op == "=" else ~q
        if self.kind in TEXT_KINDS:
            lhs: Any = _BinaryText(F(path))
            high = condition.high
            if condition.ci:
                lhs = _BinaryText(Lower(lhs))
                target = None if target is None else _ascii_lower(target)
                high = None if high is None else _ascii_lower(high)
            if op == RANGE:
                q = Q()
                if target is not None:
                    q &= Q(GreaterThanOrEqual(lhs, target))
                if high is not None:
                    q &= Q(LessThanOrEqual(lhs, high))
                return q
            lookup_class = {
                "<": LessThan,
                "<=": LessThanOrEqual,
                ">": GreaterThan,
                ">=": GreaterThanOrEqual,
            }[op]
            return Q(lookup_class(lhs, target))
        if op == RANGE:
            q = Q()
            if target is not None:
                q &= Q(**{f"{path}__gte": target})
            if condition.high is not None:
                q &= Q(**{f"{path}__lte": condition.high})
            return q
        lookup = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}[op]
        return Q(**{f"{path}__{lookup}": target})


class _BinaryText(Func):
    """Compares text by code point: a no-op on SQLite (BINARY is its default collation),
    ``COLLATE "C"`` on PostgreSQL."""

    function = ""
    template = "%(expressions)s"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template='(%(expressions)s) COLLATE "C"')


def _render_literal(text: str, *, first: bool = True, last: bool = True) -> str:
    """A literal as it must be typed: quoted when it holds special characters, or when at the
    edge of a value it would merge with ``..``, be taken for ``@`` or be trimmed."""
    needs_quotes = (
        not text
        or any(char in NEEDS_QUOTES for char in text)
        or ".." in text
        or (first and (text.startswith((".", "@")) or text != text.lstrip()))
        or (last and (text.endswith(".") or text != text.rstrip()))
    )
    if needs_quotes:
        return "'" + text.replace("'", "''") + "'"
    return text
