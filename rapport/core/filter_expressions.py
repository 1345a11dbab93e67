"""NAV filter expressions (``NL|BE``, ``A..M``, ``<>X``, ``@*corp*``, ``''``) as Django Q objects.

One parser for every place that takes a NAV-style filter for a field (segment criteria, list
filters, the API's ``filters`` object). An expression is parsed into a small tree
(:class:`Expression`: alternatives joined by ``|``, each a list of conditions joined by ``&``)
which can be turned into a ``django.db.models.Q`` (never SQL text; every value is a bound
parameter), evaluated in Python with the same semantics (:meth:`Expression.matches`), and
rendered back canonically (``str(expression)``).

Grammar (``expression`` is trimmed of leading/trailing whitespace first; inside it spaces are
literal, as in NAV)::

    expression  := alternative ("|" alternative)*
    alternative := condition ("&" condition)*
    condition   := ["@"] operator ["@"] value        operator: <> <= >= < > =
                 | ["@"] [value] ".." [value]         at least one bound
                 | ["@"] value
    value       := (literal | "'" quoted "'" | "*" | "?")+
    quoted      := any characters, "''" for one quote; "''" on its own is the blank value

* ``*`` matches any run of characters, ``?`` exactly one; both only with ``=``/``<>`` or a bare
  value (``<>*corp*`` is allowed, ``>A*`` and ``A*..B`` are not).
* ``@`` at the start of a condition (or right after its operator) makes it case-insensitive.
  Equality and wildcards then match each letter in any of its single-character cases
  (``é`` matches ``É``), on every database; ordering comparisons fold ASCII letters only.
* Elsewhere ``@`` is an ordinary character (``*@example.com`` works).
* ``< > = ( )`` and a quote cannot appear unquoted inside a value: ``'A<B'``, ``'O''Brien'``.
* Text is compared case-sensitively and ordered by code point on every database (PostgreSQL
  comparisons use ``COLLATE "C"``).

Kinds: ``text`` (default), ``code`` (values upper-cased and trimmed, like NAV codes), ``date``
(ISO ``YYYY-MM-DD``), ``decimal``, ``integer``, ``bool`` (yes/no/true/false/1/0) and ``choice``
(one of ``choices``). Typed kinds are trimmed around each value and refuse wildcards and ``@``;
``bool`` and ``choice`` allow only ``=``/``<>``/``|``/``&``. The blank value ``''`` is the empty
string for text, code and choice, and NULL for the other kinds.

Options (``bool`` and ``choice``) are typed as API values (``person``, ``yes``) or as their
captions in the active language (``Persoon``, ``ja``), case-insensitively: ``choices`` may be
plain API values or Django-style ``(value, caption)`` pairs. This is the one place where a
caption becomes a value; help texts (:func:`option_help`), error messages and
``describe(captions=True)`` show captions, never API values. Messages are in the active
language and name the field by its ``label`` (its ``field`` stays the error key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F, Func, Q
from django.db.models.functions import Lower
from django.db.models.lookups import (
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.dates import date_in_range, date_range_message
from rapport.core.errors import ValidationFailed

MAX_LENGTH = 250
KINDS = ("text", "code", "date", "decimal", "integer", "bool", "choice")
TEXT_KINDS = ("text", "code")
ORDERED_KINDS = ("text", "code", "date", "decimal", "integer")
COMPARISON_OPERATORS = ("<>", "<=", ">=", "<", ">", "=")
RANGE = ".."
KIND_LABELS: dict[str, Any] = {
    "date": gettext_lazy("a date (YYYY-MM-DD)"),
    "decimal": gettext_lazy("a number"),
    "integer": gettext_lazy("a whole number"),
    "bool": gettext_lazy("yes or no"),
    "choice": gettext_lazy("a choice"),
}
KIND_NAMES: dict[str, Any] = {
    "text": gettext_lazy("text"),
    "code": gettext_lazy("a code"),
    "date": gettext_lazy("a date"),
    "decimal": gettext_lazy("a number"),
    "integer": gettext_lazy("a whole number"),
    "bool": gettext_lazy("yes/no"),
    "choice": gettext_lazy("a choice"),
}
# The captions of a bool filter in the active language (besides the words of BOOL_WORDS).
BOOL_CAPTIONS = ((True, gettext_lazy("Yes")), (False, gettext_lazy("No")))
BOOL_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
INTEGER_RE = re.compile(r"[+-]?\d+")
# Characters that end an unquoted literal or cannot appear in one.
STOP_CHARS = "|&"
WILDCARDS = "*?"
FORBIDDEN_IN_VALUE = "<>=()"
NEEDS_QUOTES = set("|&'*?<>=()")
ANY = "any"
ONE = "one"
LIT = "lit"


class FilterExpressionError(ValidationFailed):
    """A malformed filter expression; ``field`` names the filtered field, ``position`` is the
    1-based character position of the problem (None when it concerns the whole expression)."""

    def __init__(
        self,
        expression: str,
        detail: str,
        *,
        position: int | None,
        field: str | None,
        label: Any = None,
    ) -> None:
        self.expression = expression
        self.position = position
        self.detail = detail
        values = {
            "filter": _shown(expression),
            "field": str(label or field),
            "problem": detail,
            "position": position,
        }
        # The position belongs to the filter, not to the problem's last word: 'Filter "robot"
        # for Type, at position 1: "robot" is not one of: Company, Person.'
        if position is not None and (field or label):
            message = (
                _('Filter "%(filter)s" for %(field)s, at position %(position)s: %(problem)s.')
                % values
            )
        elif position is not None:
            message = _('Filter "%(filter)s", at position %(position)s: %(problem)s.') % values
        elif field or label:
            message = _('Filter "%(filter)s" for %(field)s: %(problem)s.') % values
        else:
            message = _('Filter "%(filter)s": %(problem)s.') % values
        super().__init__({field or "": [message]}, code="invalid_filter")


def _shown(expression: str) -> str:
    text = "".join(
        f"\\x{ord(char):02x}" if ord(char) < 32 or ord(char) == 127 else char for char in expression
    )
    return text if len(text) <= 60 else text[:57] + "..."


Choices = list[str] | tuple[str, ...] | list[tuple[str, Any]] | tuple[tuple[str, Any], ...]


def _pairs(choices: Any) -> tuple[tuple[str, Any], ...]:
    """``(value, caption)`` of each option as given (a lazy caption stays lazy)."""
    return tuple(
        (str(choice[0]).lower(), choice[1])
        if isinstance(choice, tuple | list)
        else (str(choice).lower(), str(choice))
        for choice in choices or ()
    )


def choice_options(choices: Any) -> tuple[tuple[str, str], ...]:
    """``(value, caption)`` of each option, the caption in the active language: the given
    pairs (Django ``choices``, captions may be lazy), or each plain value as its own caption."""
    return tuple((value, str(caption)) for value, caption in _pairs(choices))


def _option_words(kind: str, options: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """What may be typed for an option (case-folded) → its value: the API values first, then
    the captions (a caption never hides another option's API value)."""
    words: dict[str, Any] = {}
    if kind == "bool":
        words.update(BOOL_WORDS)
        for flag, bool_caption in BOOL_CAPTIONS:
            words.setdefault(str(bool_caption).casefold(), flag)
        return words
    words.update((value.casefold(), value) for value, _caption in options)
    for value, caption in options:
        words.setdefault(caption.strip().casefold(), value)
    return words


def option_captions(kind: str, choices: Any = None) -> list[str]:
    """The captions a user may type for an option field, in the active language; the blank
    option as ``''``, NAV's blank value (what help shows can be typed as shown)."""
    if kind == "bool":
        return [str(caption) for _value, caption in BOOL_CAPTIONS]
    return ["''" if not value else caption for value, caption in choice_options(choices)]


def option_help(kind: str, choices: Any = None) -> str:
    """The help text of an option field in the active language: "One of: Company, Person",
    "Yes or No"; empty for other kinds."""
    if kind == "bool":
        yes, no = option_captions(kind)
        return _("%(yes)s or %(no)s") % {"yes": yes, "no": no}
    if kind == "choice":
        return _("One of: %(values)s") % {"values": ", ".join(option_captions(kind, choices))}
    return ""


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


# -- parsing ---------------------------------------------------------------------------------


@dataclass
class _RawValue:
    parts: list[tuple[str, str, int]]  # (kind, text, position) with quoted literals merged
    position: int
    quoted: bool

    def has_wildcards(self) -> bool:
        return any(kind != LIT for kind, _, _ in self.parts)

    def text(self) -> str:
        return "".join(text for _, text, _ in self.parts)


class _Parser:
    def __init__(
        self,
        text: str,
        kind: str,
        options: tuple[tuple[str, Any], ...],
        field: str | None,
        label: Any = None,
    ):
        self.text = text
        self.kind = kind
        self.options = options
        self.choices = tuple(value for value, _caption in options) if options else None
        evaluated = choice_options(options)
        self.words = _option_words(kind, evaluated) if kind in ("bool", "choice") else {}
        self.field = field
        self.label = label
        self.pos = 0

    def fail(self, detail: str, position: int | None) -> FilterExpressionError:
        return FilterExpressionError(
            self.text,
            detail,
            position=None if position is None else position + 1,
            field=self.field,
            label=self.label,
        )

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def parse(self) -> Expression:
        alternatives = [self.alternative()]
        while self.peek("|"):
            self.pos += 1
            alternatives.append(self.alternative())
        if self.pos < len(self.text):  # pragma: no cover - every stop is handled above
            raise self.fail(f'unexpected "{self.text[self.pos]}"', self.pos)
        return Expression(tuple(alternatives), self.kind, self.choices, self.options)

    def alternative(self) -> tuple[Condition, ...]:
        conditions = [self.condition()]
        while self.peek("&"):
            self.pos += 1
            conditions.append(self.condition())
        return tuple(conditions)

    def condition(self) -> Condition:
        start = self.pos
        ci = False
        if self.peek("@"):
            ci = True
            self.pos += 1
        op = next((o for o in COMPARISON_OPERATORS if self.peek(o)), None)
        if op:
            self.pos += len(op)
            if not ci and self.peek("@"):
                ci = True
                self.pos += 1
        if ci and self.kind not in TEXT_KINDS:
            raise self.fail(_('"@" cannot be used for %(kind)s') % self._kind(), start)
        after = self.pos
        value = self.value()
        if op:
            if value is None:
                raise self.fail(_('a value is missing after "%(op)s"') % {"op": op}, after)
            if self.peek(RANGE):
                raise self.fail(_('unexpected ".."'), self.pos)
            return self.comparison(op, value, ci)
        if self.peek(RANGE):
            range_pos = self.pos
            self.pos += 2
            high = self.value()
            if self.peek(RANGE):
                raise self.fail(_('unexpected ".."'), self.pos)
            if value is None and high is None:
                raise self.fail(_('a range needs a value before or after ".."'), range_pos)
            if self.kind not in ORDERED_KINDS:
                raise self.fail(_("a range cannot be used for %(kind)s") % self._kind(), range_pos)
            return Condition(
                RANGE, self.bound(value), self.bound(high), ci and self.kind in TEXT_KINDS
            )
        if value is None:
            if ci:
                raise self.fail(_('a value is missing after "%(op)s"') % {"op": "@"}, self.pos)
            if start > 0:
                missing = _('a value is missing after "%(op)s"') % {"op": self.text[start - 1]}
                raise self.fail(missing, start)
            missing = _('a value is missing before "%(op)s"') % {"op": self.text[start]}
            raise self.fail(missing, start)
        return self.comparison("=", value, ci)

    def _kind(self) -> dict[str, str]:
        return {"kind": str(KIND_NAMES[self.kind])}

    def value(self) -> _RawValue | None:
        """Reads a value up to ``|``, ``&``, ``..`` or the end; None if there is none."""
        text = self.text
        parts: list[tuple[str, str, int]] = []
        start = self.pos
        quoted = False
        while self.pos < len(text):
            char = text[self.pos]
            if char in STOP_CHARS or self.peek(RANGE):
                break
            if char == "'":
                quoted = True
                self.add_literal(parts, self.quoted(), self.pos)
                continue
            if char in WILDCARDS:
                parts.append((ANY if char == "*" else ONE, "", self.pos))
            elif char in FORBIDDEN_IN_VALUE:
                raise self.fail(_('unexpected "%(char)s"') % {"char": char}, self.pos)
            else:
                self.add_literal(parts, char, self.pos)
            self.pos += 1
        if self.kind != "text" and parts:
            # Typed kinds and codes ignore the spaces around a value (not inside quotes: the
            # quoted text is merged, so only strip unquoted leading/trailing whitespace).
            raw = text[start : self.pos]
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw) - len(raw.rstrip())
            if lead or trail:
                return self.reparse_trimmed(start + lead, self.pos - trail)
        if not parts and not quoted:
            return None
        return _RawValue(parts, start, quoted)

    def reparse_trimmed(self, begin: int, end: int) -> _RawValue | None:
        """Parses text[begin:end] again as a value (whitespace around it dropped)."""
        if begin >= end:
            return None
        sub = _Parser(self.text[:end], "text", (), self.field, self.label)  # "text": no trim
        sub.pos = begin
        return sub.value()

    @staticmethod
    def add_literal(parts: list[tuple[str, str, int]], chunk: str, position: int) -> None:
        if parts and parts[-1][0] == LIT:
            kind, text, first = parts[-1]
            parts[-1] = (kind, text + chunk, first)
        else:
            parts.append((LIT, chunk, position))

    def quoted(self) -> str:
        opened = self.pos
        self.pos += 1
        chunk: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "'":
                if self.peek("''"):
                    chunk.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(chunk)
            chunk.append(char)
            self.pos += 1
        raise self.fail(_("the quote is not closed"), opened)

    # -- typing ------------------------------------------------------------------------------

    def comparison(self, op: str, raw: _RawValue, ci: bool) -> Condition:
        if raw.has_wildcards():
            wildcard = next(p for kind, _, p in raw.parts if kind != LIT)
            if self.kind not in TEXT_KINDS:
                raise self.fail(_("wildcards cannot be used for %(kind)s") % self._kind(), wildcard)
            if op not in ("=", "<>"):
                raise self.fail(
                    _('wildcards cannot be combined with "%(op)s"') % {"op": op}, wildcard
                )
            parts = tuple(
                (kind, self.code_case(text) if kind == LIT else "") for kind, text, _ in raw.parts
            )
            return Condition(op, Pattern(parts), None, ci)
        if self.kind in ("bool", "choice") and op not in ("=", "<>"):
            refused = _('"%(op)s" cannot be used for %(kind)s') % {"op": op, **self._kind()}
            raise self.fail(refused, raw.position)
        typed = self.typed(raw)
        if typed is None and op not in ("=", "<>"):
            refused = _('a blank value cannot be compared with "%(op)s"') % {"op": op}
            raise self.fail(refused, raw.position)
        return Condition(op, typed, None, ci)

    def bound(self, raw: _RawValue | None) -> Any:
        if raw is None:
            return None
        if raw.has_wildcards():
            wildcard = next(p for kind, _, p in raw.parts if kind != LIT)
            raise self.fail(_("wildcards cannot be used in a range"), wildcard)
        typed = self.typed(raw)
        if typed is None:
            raise self.fail(_("a blank value cannot be a range bound"), raw.position)
        return typed

    def code_case(self, text: str) -> str:
        return text.upper() if self.kind == "code" else text

    def typed(self, raw: _RawValue) -> Any:
        """The value of a wildcard-free raw value; None for a typed kind's blank."""
        text = raw.text()
        kind = self.kind
        if kind in TEXT_KINDS:
            return self.code_case(text)
        if not text:
            return "" if kind == "choice" else None
        position = raw.position
        problem = _('"%(value)s" is not %(kind)s') % {"value": text, "kind": KIND_LABELS[kind]}
        if kind == "date":
            if not DATE_RE.fullmatch(text):
                raise self.fail(problem, position)
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise self.fail(problem, position) from None
            if not date_in_range(day):
                raise self.fail(date_range_message(), position)
            return day
        if kind == "decimal":
            if not DECIMAL_RE.fullmatch(text):
                raise self.fail(problem, position)
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern already checked it
                raise self.fail(problem, position) from None
        if kind == "integer":
            if not INTEGER_RE.fullmatch(text):
                raise self.fail(problem, position)
            return int(text)
        if kind == "bool":
            if text.casefold() not in self.words:
                raise self.fail(problem, position)
            return self.words[text.casefold()]
        word = text.strip().casefold()
        if word not in self.words:
            captions = ", ".join(option_captions(kind, self.options))
            refused = _('"%(value)s" is not one of: %(values)s') % {
                "value": text,
                "values": captions,
            }
            raise self.fail(refused, position)
        return self.words[word]


def parse(
    expression: str,
    *,
    kind: str = "text",
    choices: Choices | None = None,
    field: str | None = None,
    label: Any = None,
    max_length: int | None = MAX_LENGTH,
) -> Expression:
    """Parses a NAV filter expression for a field of the given kind; raises
    :class:`FilterExpressionError` (keyed by ``field``, its message naming ``label``, else
    ``field``) when it is malformed. ``choices``: API values, or ``(value, caption)`` pairs
    whose captions (in the active language) may be typed too. ``max_length`` limits what a
    user types; None for a stored canonical form (captions written as API values, which may be
    longer than what was typed)."""
    if kind not in KINDS:
        raise ValueError(f"unknown filter kind {kind!r}")
    if kind == "choice" and not choices:
        raise ValueError("a choice filter needs choices")
    options = _pairs(choices) if kind == "choice" else ()
    where = {"position": None, "field": field, "label": label}
    if not isinstance(expression, str):
        raise FilterExpressionError(str(expression), _("the filter must be text"), **where)
    if max_length is not None and len(expression) > max_length:
        too_long = _("the filter has %(count)s characters; at most %(max)s are allowed") % {
            "count": len(expression),
            "max": max_length,
        }
        raise FilterExpressionError(expression, too_long, **where)
    for index, char in enumerate(expression):
        if ord(char) < 32 or ord(char) == 127:
            raise FilterExpressionError(
                expression,
                _("control character %(char)s is not allowed") % {"char": f"U+{ord(char):04X}"},
                position=index + 1,
                field=field,
                label=label,
            )
    text = expression.strip()
    if not text:
        raise FilterExpressionError(text, _("the filter is empty"), **where)
    return _Parser(text, kind, options, field, label).parse()


def filter_q(
    field_path: str,
    expression: str,
    *,
    kind: str = "text",
    choices: Choices | None = None,
    nullable: bool = False,
    field: str | None = None,
    label: Any = None,
    max_length: int | None = MAX_LENGTH,
) -> Q:
    """``parse(expression).to_q(field_path)``; errors name ``field`` (default: field_path)."""
    parsed = parse(
        expression,
        kind=kind,
        choices=choices,
        field=field or field_path,
        label=label,
        max_length=max_length,
    )
    return parsed.to_q(field_path, nullable=nullable)
