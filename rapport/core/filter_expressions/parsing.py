"""Parsing a filter expression into an :class:`Expression`, each value typed for its kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rapport.core.dates import date_in_range, date_range_message
from rapport.core.filter_expressions.captions import (
    Choices,
    choice_options,
    option_captions,
    option_pairs,
    option_words,
)
from rapport.core.filter_expressions.expression import Condition, Expression, Pattern
from rapport.core.filter_expressions.grammar import (
    ANY,
    COMPARISON_OPERATORS,
    DATE_RE,
    DECIMAL_RE,
    FORBIDDEN_IN_VALUE,
    INTEGER_RE,
    KIND_LABELS,
    KIND_NAMES,
    KINDS,
    LIT,
    MAX_LENGTH,
    ONE,
    ORDERED_KINDS,
    RANGE,
    STOP_CHARS,
    TEXT_KINDS,
    WILDCARDS,
    FilterExpressionError,
)


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
        self.words = option_words(kind, evaluated) if kind in ("bool", "choice") else {}
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
    options = option_pairs(choices) if kind == "choice" else ()
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
