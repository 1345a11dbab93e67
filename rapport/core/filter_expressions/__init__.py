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

from rapport.core.filter_expressions.captions import (
    BOOL_CAPTIONS,
    BOOL_WORDS,
    Choices,
    choice_options,
    option_captions,
    option_help,
)
from rapport.core.filter_expressions.expression import Condition, Expression, Pattern
from rapport.core.filter_expressions.grammar import (
    KINDS,
    MAX_LENGTH,
    FilterExpressionError,
)
from rapport.core.filter_expressions.parsing import filter_q, parse

__all__ = [
    "BOOL_CAPTIONS",
    "BOOL_WORDS",
    "KINDS",
    "MAX_LENGTH",
    "Choices",
    "Condition",
    "Expression",
    "FilterExpressionError",
    "Pattern",
    "choice_options",
    "filter_q",
    "option_captions",
    "option_help",
    "parse",
]
