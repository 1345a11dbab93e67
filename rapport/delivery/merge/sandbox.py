"""Merge templates run in a Jinja2 `SandboxedEnvironment`: users write them, so they must never
reach Python.

Two layers:

* **Save time**: `template_check` / `docx_check` walk the parsed template and refuse (with the
  line) syntax errors, unknown fields, names starting with `_`, calls, `**`, `*` between
  anything but numbers, filters outside a short list, tags that load other templates
  (include, import, extends), macros, `{% autoescape %}`, and loops nested deeper than two or
  over anything but a field or a list of constants.
* **Render time**: the environments have no globals and only the listed filters; attribute
  access reaches the keys of the context's plain dicts (and a loop's counters) and nothing
  else; every call is refused; filters that can grow a text check the size first, and the
  output stops with a clear error at `MAX_OUTPUT` characters. A field the context does not
  hold renders blank.

The HTML environment (bodies, HTML letters, Word letters) escapes every value; the text
environment (subjects, plain text) does not. A merged subject loses its line breaks.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator
from typing import Any, Literal

from django.utils import dateformat, formats, translation
from django.utils.translation import gettext as _
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.filters import FILTERS
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.tests import TESTS

from rapport.core.errors import DomainError
from rapport.delivery.merge.fields import MERGE_FIELDS

Mode = Literal["html", "text"]

MAX_OUTPUT = 2_000_000
"""The most characters one merged text (or one filter's result) may have."""

MAX_LOOP_DEPTH = 2
ALLOWED_FILTERS = (
    "upper",
    "lower",
    "title",
    "capitalize",
    "default",
    "trim",
    "replace",
    "truncate",
    "join",
    "length",
    "escape",
    "date",
)
ALLOWED_TESTS = (
    "defined",
    "undefined",
    "none",
    "string",
    "number",
    "even",
    "odd",
    "divisibleby",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
)
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
RECORDS = frozenset(name for name, fields in MERGE_FIELDS.items() if fields is not None)

# The node types a merge template may contain; anything else is refused by name.
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.For,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
    nodes.FilterBlock,
    nodes.Name,
    nodes.Const,
    nodes.List,
    nodes.Tuple,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
    nodes.Concat,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Compare,
    nodes.Operand,
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.FloorDiv,
    nodes.Mod,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Filter,
    nodes.Test,
)
_TAG_NAMES: dict[type[nodes.Node], str] = {
    nodes.Extends: "{% extends %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.Block: "{% block %}",
    nodes.Scope: "{% autoescape %}",
    nodes.ScopedEvalContextModifier: "{% autoescape %}",
    nodes.EvalContextModifier: "{% autoescape %}",
}


class MergeError(DomainError):
    """A template that cannot be merged (refused at render time, or output too long)."""

    code = "merge_failed"


class MergeDate(str):
    """A date field: renders as the long date in the entry's language ("6 december 2026");
    the `date` filter formats it otherwise."""

    value: datetime.date
    language: str

    def __new__(cls, value: datetime.date, language: str) -> MergeDate:
        with translation.override(language):
            text = dateformat.format(value, "j F Y")
        instance = super().__new__(cls, text)
        instance.value = value
        instance.language = language
        return instance


def _date_filter(value: Any, format: str = "long") -> str:
    """`{{ interaction.date|date }}` (long), `|date("short")`, `|date("iso")` or a Django date
    format such as `|date("d-m-Y")`, in the entry's language."""
    date = getattr(value, "value", None)
    language = getattr(value, "language", None) or translation.get_language() or "en"
    if not isinstance(date, datetime.date):
        try:
            date = datetime.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    format = str(format)[:40]
    with translation.override(language):
        if format == "long":
            return dateformat.format(date, "j F Y")
        if format == "short":
            return formats.date_format(date, "SHORT_DATE_FORMAT")
        if format == "iso":
            return date.isoformat()
        return dateformat.format(date, format)


def _too_long() -> MergeError:
    return MergeError(
        _("The merged text would be longer than %(max)s characters.") % {"max": f"{MAX_OUTPUT:,}"}
    )


def _replace_filter(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
    text, old, new = str(s), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if len(text) + hits * len(new) > MAX_OUTPUT:
        raise _too_long()
    return FILTERS["replace"](eval_ctx, s, old, new, count)


def _join_filter(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> Any:
    if attribute is not None:
        raise SecurityError("join by attribute is not allowed")
    items = list(value)
    if sum(len(str(item)) for item in items) + len(str(d)) * len(items) > MAX_OUTPUT:
        raise _too_long()
    return FILTERS["join"](eval_ctx, items, d)


_replace_filter.jinja_pass_arg = FILTERS["replace"].jinja_pass_arg  # type: ignore[attr-defined]
_join_filter.jinja_pass_arg = FILTERS["join"].jinja_pass_arg  # type: ignore[attr-defined]


class MergeEnvironment(SandboxedEnvironment):
    """The sandbox with everything a merge template does not need taken away."""

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(autoescape=autoescape, undefined=ChainableUndefined, cache_size=0)
        self.globals.clear()
        self.filters = {name: FILTERS[name] for name in ALLOWED_FILTERS if name in FILTERS}
        self.filters.update({"replace": _replace_filter, "join": _join_filter})
        self.filters["date"] = _date_filter
        self.tests = {name: TESTS[name] for name in ALLOWED_TESTS}

    # Never folded at compile time, checked when run: `**` is refused; `*` and `%` may not
    # build a text or list (`'a' * 10**8`, `'%099999999d' % 1`).
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = all(
            isinstance(side, int | float) and not isinstance(side, bool) for side in (left, right)
        )
        if operator == "**" or not numbers:
            raise SecurityError(f"the {operator} operator is only allowed between two numbers")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Only the keys of a context dict and a loop's counters: never a Python attribute."""
        if isinstance(obj, dict) and isinstance(attribute, str) and not attribute.startswith("_"):
            if attribute in obj:
                return obj[attribute]
        elif isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:
            return super().getattr(obj, attribute)
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        return self.undefined(obj=obj, name=argument)

    def from_string(self, source: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Compiles only a template that passes the save-time check (unknown fields aside):
        what docxtpl compiles is checked too."""
        parsed = self.parse(source) if isinstance(source, str) else source
        checker = _checked(parsed)
        checker.check(parsed)
        if checker.fatal:
            line, message = min(checker.fatal)
            raise MergeError(_("Line %(line)s: %(message)s") % {"line": line, "message": message})
        return super().from_string(parsed, *args, **kwargs)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("calls are not allowed in a merge template")


ENVIRONMENTS: dict[str, MergeEnvironment] = {
    "html": MergeEnvironment(autoescape=True),
    "text": MergeEnvironment(autoescape=False),
}
DOCX_ENVIRONMENT = MergeEnvironment(autoescape=True)
"""For docxtpl (which sets `autoescape` on the environment it gets): autoescape is what keeps
a value such as "Smith & Sons" from breaking the document's XML."""


# ---------------------------------------------------------------------------------------------
# The save-time check


class _Checker:
    """Walks a parsed template and collects (line, message) problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self.fatal: list[tuple[int, str]] = []  # the problems other than unknown fields

    def add(self, node: nodes.Node, message: str, *, fatal: bool = True) -> None:
        self.problems.append((_line(node), message))
        if fatal:
            self.fatal.append((_line(node), message))

    def unknown(self, node: nodes.Node, name: str) -> None:
        self.add(node, _("unknown field '%(name)s'.") % {"name": name}, fatal=False)

    def check(self, template: nodes.Template) -> list[tuple[int, str]]:
        self.visit(template, loop_depth=0)
        return sorted(set(self.problems))

    def visit(self, node: nodes.Node, *, loop_depth: int) -> None:
        if not self.check_node(node, loop_depth):
            return
        if isinstance(node, nodes.For):
            loop_depth += 1
        for child in node.iter_child_nodes():
            self.visit(child, loop_depth=loop_depth)

    def check_node(self, node: nodes.Node, loop_depth: int) -> bool:
        """Checks one node; False when its children need no further look."""
        if isinstance(node, nodes.Call):
            self.add(node, _("function calls such as (…) are not allowed."))
            return False
        if isinstance(node, nodes.Pow):
            self.add(node, _("the ** operator is not allowed."))
            return False
        if not isinstance(node, _ALLOWED_NODES):
            name = _TAG_NAMES.get(type(node), type(node).__name__)
            self.add(node, _("%(tag)s is not allowed in a merge template.") % {"tag": name})
            return False
        check = getattr(self, f"check_{type(node).__name__.lower()}", None)
        return check(node, loop_depth) if check else True

    def check_name(self, node: nodes.Name, loop_depth: int) -> bool:
        if (
            node.name.startswith("_")
            or node.name == "self"
            or (node.name == "loop" and node.ctx == "store")
        ):
            self.add(node, _("the name '%(name)s' is not allowed.") % {"name": node.name})
        elif node.ctx == "store" and node.name in MERGE_FIELDS:
            self.add(
                node, _("'%(name)s' is a merge field: choose another name.") % {"name": node.name}
            )
        elif node.ctx == "load" and node.name in self.undeclared and node.name not in MERGE_FIELDS:
            self.unknown(node, node.name)
        return True

    def check_getattr(self, node: nodes.Getattr, loop_depth: int) -> bool:
        self.check_member(node, node.node, node.attr)
        return False

    def check_getitem(self, node: nodes.Getitem, loop_depth: int) -> bool:
        key = node.arg
        if not (isinstance(key, nodes.Const) and isinstance(key.value, str)):
            self.add(node, _("only a field name in quotes can stand between [ ]."))
            return False
        self.check_member(node, node.node, key.value)
        return False

    def check_member(self, node: nodes.Node, base: nodes.Node, attribute: str) -> None:
        """`record.field` (or `record['field']`, `loop.index`)."""
        if not isinstance(base, nodes.Name):
            self.add(node, _("only merge fields such as contact.name can have a '.'."))
            return
        if attribute.startswith("_"):
            self.add(node, _("the name '%(name)s' is not allowed.") % {"name": attribute})
        elif base.name == "loop" and base.name not in self.undeclared:
            if attribute not in LOOP_ATTRIBUTES:
                self.unknown(node, f"loop.{attribute}")
        elif base.name in RECORDS and base.name in self.undeclared:
            if attribute not in (MERGE_FIELDS[base.name] or ()):
                self.unknown(node, f"{base.name}.{attribute}")
        elif base.name in self.undeclared and base.name not in MERGE_FIELDS:
            self.unknown(node, base.name)
        else:
            self.add(node, _("only merge fields such as contact.name can have a '.'."))

    def check_mul(self, node: nodes.Mul, loop_depth: int) -> bool:
        if not all(_is_number(side) for side in (node.left, node.right)):
            self.add(node, _operator_message("*"))
            return False
        return True

    def check_mod(self, node: nodes.Mod, loop_depth: int) -> bool:
        if any(
            isinstance(side, nodes.Const) and not _is_number(side)
            for side in (node.left, node.right)
        ):
            self.add(node, _operator_message("%"))
            return False
        return True

    def check_filter(self, node: nodes.Filter, loop_depth: int) -> bool:
        if node.name not in ALLOWED_FILTERS:
            self.add(
                node,
                _("the filter '%(name)s' is not allowed; use one of: %(allowed)s.")
                % {"name": node.name, "allowed": ", ".join(ALLOWED_FILTERS)},
            )
            return False
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.add(node, _operator_message("*"))
            return False
        return True

    def check_test(self, node: nodes.Test, loop_depth: int) -> bool:
        if node.name not in ALLOWED_TESTS:
            self.add(node, _("the test '%(name)s' is not allowed.") % {"name": node.name})
            return False
        return True

    def check_for(self, node: nodes.For, loop_depth: int) -> bool:
        if loop_depth >= MAX_LOOP_DEPTH:
            self.add(node, _("loops can be nested at most %(max)s deep.") % {"max": MAX_LOOP_DEPTH})
            return False
        if node.recursive:
            self.add(node, _("recursive loops are not allowed."))
            return False
        if not self.is_loop_source(node.iter):
            self.add(node, _("a loop can only go over a merge field or a list of constants."))
            return False
        return True

    def is_loop_source(self, node: nodes.Node) -> bool:
        if isinstance(node, nodes.Name):
            return node.name in MERGE_FIELDS and node.name in self.undeclared
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            return isinstance(node.node, nodes.Name) and node.node.name in RECORDS
        if isinstance(node, nodes.List | nodes.Tuple):
            return all(isinstance(item, nodes.Const) for item in node.items)
        return isinstance(node, nodes.Const)

    undeclared: frozenset[str] = frozenset()


def _line(node: nodes.Node) -> int:
    """The node's line, else its first child's that has one (`{% autoescape %}`'s Scope has
    none of its own)."""
    for found in (node, *node.find_all(nodes.Node)):
        if getattr(found, "lineno", None):
            return int(found.lineno)
    return 1


def _operator_message(operator: str) -> str:
    return _("the %(operator)s operator is only allowed between two numbers.") % {
        "operator": operator
    }


def _is_number(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Const)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    )


def check_parsed(template: nodes.Template) -> list[tuple[int, str]]:
    """The problems of a parsed template (see the module docstring)."""
    return _checked(template).check(template)


def _checked(template: nodes.Template) -> _Checker:
    from jinja2 import meta

    checker = _Checker()
    try:
        undeclared = meta.find_undeclared_variables(template)
    except TemplateSyntaxError:  # e.g. an unknown filter, which the walk reports with its line
        stored = {node.name for node in template.find_all(nodes.Name) if node.ctx != "load"}
        undeclared = {node.name for node in template.find_all(nodes.Name)} - stored
    checker.undeclared = frozenset(undeclared)
    return checker


def template_check(source: str, *, mode: Mode) -> list[tuple[int, str]]:
    """The problems of a merge template as (line, message), in line order; empty when it can
    be saved. `mode` is "html" (bodies, HTML letters) or "text" (subjects, plain text)."""
    try:
        parsed = ENVIRONMENTS[mode].parse(source)
    except TemplateSyntaxError as exc:
        return [(exc.lineno or 1, syntax_message(exc))]
    return check_parsed(parsed)


def syntax_message(exc: TemplateSyntaxError) -> str:
    return _("syntax error: %(message)s") % {"message": exc.message or str(exc)}


# ---------------------------------------------------------------------------------------------
# Rendering


@functools.lru_cache(maxsize=512)
def compiled(source: str, mode: Mode) -> Any:
    """The compiled template (cached: a delivery merges one template for many contacts). The
    save-time check runs again here, so a template that reached the database some other way
    is refused too; only unknown fields are let through (they merge blank)."""
    try:
        return ENVIRONMENTS[mode].from_string(source)
    except TemplateSyntaxError as exc:
        raise MergeError(
            _("Line %(line)s: %(message)s") % {"line": exc.lineno, "message": syntax_message(exc)}
        ) from exc


_RENDER_ERRORS = (TemplateError, ArithmeticError, TypeError, ValueError, LookupError)


def _generate(chunks: Iterator[str]) -> str:
    parts: list[str] = []
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise _too_long()
            parts.append(chunk)
    except MergeError:
        raise
    except _RENDER_ERRORS as exc:
        raise MergeError(_("The template could not be merged: %(error)s") % {"error": exc}) from exc
    return "".join(parts)


def render(source: str, context: dict[str, Any], *, mode: Mode) -> str:
    """The merged text of `source` for `context` (plain dicts of strings)."""
    if "{" not in source:  # nothing to merge: the text as it is (escaping is for values only)
        return source
    return _generate(compiled(source, mode).generate(context))


def render_html(source: str, context: dict[str, Any]) -> str:
    """An HTML body or letter merged, every value HTML-escaped."""
    return render(source, context, mode="html")


def render_text(source: str, context: dict[str, Any]) -> str:
    """A plain text merged (values as they are)."""
    return render(source, context, mode="text")


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def render_subject(source: str, context: dict[str, Any]) -> str:
    """A subject merged, its line breaks (CR/LF) replaced by a space: a mail header holds one
    line."""
    return one_line(render_text(source, context))


def one_line(text: str) -> str:
    """`text` with its line breaks (CR/LF and the space around them) replaced by a space."""
    return _LINE_BREAKS.sub(" ", text).strip()


def docx_check(content: bytes) -> list[tuple[int, str]]:
    """The problems of a Word letter template as (paragraph, message); see `docx.py`."""
    from rapport.delivery.merge import docx

    return docx.docx_check(content)


def render_docx(content: bytes, context: dict[str, Any]) -> bytes:
    """A Word letter template merged for one context (a new .docx); see `docx.py`."""
    from rapport.delivery.merge import docx

    return docx.render_docx(content, context)
