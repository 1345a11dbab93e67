"""Every page of the UI in Dutch shows no English text of the Dutch catalogue.

An administrator whose language is Dutch opens every page of the UI: the demo company plus a
segment with criteria, saved criteria, a logged segment with its follow-up, and one object of
every API resource (as `tests/test_ui_input.py` makes them) give the pages about one object
something to show. The pages without parameters are opened first; every link, `hx-get` and GET
form on them that leads to a page not opened yet is followed (one path per URL pattern), so a
page that apps add later is covered as soon as it is routed and linked. An `hx-get` target is
opened as htmx does (with `HX-Request`: the fragment the page swaps in) and as a plain link (what
it answers without JavaScript); an `hx-post` fired on `change` (a form's fill, which saves
nothing) is posted with htmx and the page's values left blank. A page no page links to
(an htmx fragment, the page after a POST) gets its parameters from an opened page with the same
parameter names; one that still cannot be opened is reported: link it, or seed its object.
Pages that are not HTML (downloads) are not read; a page that answers 4xx/5xx is reported.

The visible text of each page (text nodes, and the `placeholder`, `title`, `aria-label`, `alt`,
confirmation questions and button values) is compared with the msgids of the Dutch catalogue
whose translation differs (the compiled catalogues Django loads, with the plural msgids of the
project's own): a text that is such a msgid, or that a msgid with placeholders (`%(count)s
lines added`) produces, is English that was never translated, typically a label evaluated with
`gettext` at import time instead of `gettext_lazy`, or a string missing from the catalogue.
Texts that are stored data (any text column of the database) are left alone.

The second test finds the cause of the first kind in the source: no `gettext` call may run at
import time (module level, class bodies, default arguments, decorators), and no lazy
translation may be made text there (`%`, `+`, f-strings, `str()`, `.format()`, `.join()`).
"""

from __future__ import annotations

import ast
import re
import struct
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import override
from django.utils.translation.trans_real import translation

from tests.test_ui_input import seed_everything
from tests.urlwalk import Endpoint, ui_endpoints

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/api/")
SKIPPED_NAMES = {"logout", "set_language", "javascript-catalog"}
TEXT_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-confirm", "hx-confirm")
BUTTON_TYPES = {"submit", "button", "reset"}
INVISIBLE = {"script", "style"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
# A msgid with placeholders is only looked for when its own words say something: "%(a)s: %(b)s"
# or "%(yes)s or %(no)s" would match any data.
WORD = re.compile(r"[A-Za-z]{3,}")


# --- The catalogue ----------------------------------------------------------------------------


def _mo_originals(path: Path) -> Iterator[tuple[str, str]]:
    """(msgid, first msgstr) of a compiled catalogue, a plural entry once per English form."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count, originals, translations = struct.unpack(order + "4x3I", data[4:20])
    for index in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * index :][:8])
        t_length, t_offset = struct.unpack(order + "2I", data[translations + 8 * index :][:8])
        original = data[offset : offset + length].decode()
        translated = data[t_offset : t_offset + t_length].decode()
        if not original or "\x04" in original:  # the header; a msgctxt entry
            continue
        english = original.split("\x00")
        dutch = translated.split("\x00")
        for position, msgid in enumerate(english):
            yield msgid, dutch[min(position, len(dutch) - 1)]


def english_msgids() -> tuple[set[str], list[tuple[re.Pattern[str], str]]]:
    """The English texts that Dutch translates differently: exact ones, and the msgids with
    placeholders as patterns (with their msgid, for the report)."""
    pairs: dict[str, str] = {}
    catalog = translation("nl")._catalog
    for key in catalog.keys():  # noqa: SIM118 - a TranslationCatalog cannot be iterated
        msgid = key[0] if isinstance(key, tuple) else key
        msgstr = catalog.get(key)
        if isinstance(msgid, str) and isinstance(msgstr, str):
            pairs.setdefault(msgid, msgstr)
    for locale_path in settings.LOCALE_PATHS:
        compiled = Path(locale_path) / "nl" / "LC_MESSAGES" / "django.mo"
        if compiled.exists():
            for msgid, msgstr in _mo_originals(compiled):
                pairs.setdefault(msgid, msgstr)
    exact: set[str] = set()
    patterns: list[tuple[re.Pattern[str], str]] = []
    for msgid, msgstr in pairs.items():
        text = _normal(msgid)
        if not text or text == _normal(msgstr) or not re.search("[A-Za-z]", text):
            continue
        if PLACEHOLDER.search(text):
            literal = PLACEHOLDER.sub(" ", text)
            if WORD.search(literal):
                pieces = PLACEHOLDER.split(text)
                # A placeholder stands for a value (a number, a code, a name), not a sentence.
                regex = "(?:.{1,40}?)".join(re.escape(piece) for piece in pieces)
                patterns.append((re.compile(regex), msgid))
        else:
            exact.add(text)
    return exact, patterns


def _normal(text: str) -> str:
    return " ".join(text.split())


# --- Pages ------------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The visible texts of a page and the pages it leads to with a GET."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.htmx_links: list[str] = []  # hx-get: fragments, asked for with HX-Request
        self.fills: list[str] = []  # hx-post on change: a form's fill (nothing is saved)
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag in INVISIBLE:
            self._hidden += 1
        for name in TEXT_ATTRIBUTES:
            if a.get(name):
                self.texts.append(a[name])
        if tag == "input" and a.get("type", "").lower() in BUTTON_TYPES and a.get("value"):
            self.texts.append(a["value"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get"):
            self.links.append(a["hx-get"])
            self.htmx_links.append(a["hx-get"])
        if a.get("hx-post") and "change" in a.get("hx-trigger", ""):
            self.fills.append(a["hx-post"])
        if tag == "form" and a.get("method", "get").lower() == "get" and a.get("action"):
            self.links.append(a["action"])

    def handle_endtag(self, tag: str) -> None:
        if tag in INVISIBLE and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data)


def pages(method: str = "get") -> list[Endpoint]:
    """The UI's pages answering `method`: not the API, the admin, static files or signing
    out."""
    return [
        endpoint
        for endpoint in ui_endpoints()
        if method in endpoint.methods()
        and not endpoint.path.startswith(SKIPPED_PREFIXES)
        and endpoint.url_name not in SKIPPED_NAMES
    ]


def _endpoint_of(path: str, by_route: dict[str, Endpoint]) -> Endpoint | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return by_route.get(match.route)


def _shared_start(one: str, other: str) -> int:
    """How many leading characters two routes share."""
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count


def _local(base: str, link: str) -> str | None:
    url = urlsplit(urljoin(base, link))
    if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


class Walk:
    """Opens the pages: those without parameters and `extra` ones first, then every page they
    lead to that was not opened yet (one path per URL pattern)."""

    def __init__(self, client: Client, extra: list[str]) -> None:
        self.client = client
        self.wanted = pages()
        self.by_route = {endpoint.route: endpoint for endpoint in self.wanted}
        self.post_routes = {endpoint.route: endpoint for endpoint in pages("post")}
        self.queue = [endpoint.path for endpoint in self.wanted if not endpoint.has_parameters]
        self.reached = {endpoint.route for endpoint in self.wanted if not endpoint.has_parameters}
        # Fragments: (route, "get" or "post") reached with htmx, and their queue.
        self.htmx_reached: set[tuple[str, str]] = set()
        self.htmx_queue: list[tuple[str, str]] = []  # (method, path)
        self.texts: dict[str, list[str]] = {}
        self.problems: list[str] = []
        self.arguments: list[tuple[str, dict[str, Any]]] = []  # (route, kwargs) of opened pages
        for path in extra:
            self.add(path)

    def add(self, target: str | None) -> None:
        endpoint = _endpoint_of(target, self.by_route) if target else None
        if target and endpoint is not None and endpoint.route not in self.reached:
            self.reached.add(endpoint.route)
            self.queue.append(target)

    def add_htmx(self, method: str, target: str | None) -> None:
        routes = self.by_route if method == "get" else self.post_routes
        endpoint = _endpoint_of(target, routes) if target else None
        if target and endpoint is not None and (endpoint.route, method) not in self.htmx_reached:
            self.htmx_reached.add((endpoint.route, method))
            self.htmx_queue.append((method, target))

    def open(self, path: str, *, htmx: str = "") -> int:
        """GET `path` (`htmx` "get" or "post": as htmx asks for a fragment) and read it."""
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        if htmx == "post":
            response = self.client.post(path, {}, follow=True, **headers)
        else:
            response = self.client.get(path, follow=True, **headers)
        if response.status_code >= 400:
            return int(response.status_code)
        if not htmx:
            self.arguments.append(
                (resolve(urlsplit(path).path).route, resolve(urlsplit(path).path).kwargs)
            )
        if response.get("Content-Type", "").startswith("text/html"):  # else a download
            parser = VisibleText()
            parser.feed(response.content.decode())
            self.texts[f"{path} (htmx {htmx.upper()})" if htmx else path] = parser.texts
            for link in parser.links:
                self.add(_local(path, link))
            for link in parser.htmx_links:
                self.add_htmx("get", _local(path, link))
            for link in parser.fills:
                self.add_htmx("post", _local(path, link))
        return int(response.status_code)

    def run(self) -> None:
        while self.queue or self.htmx_queue:
            if self.queue:
                path = self.queue.pop(0)
                status = self.open(path)
                shown = path
            else:
                method, path = self.htmx_queue.pop(0)
                status = self.open(path, htmx=method)
                shown = f"{path} (htmx {method.upper()})"
            if status >= 400:
                self.problems.append(f"{shown}: answers {status}")

    def guess(self, endpoint: Endpoint) -> bool:
        """A page no page links to (an htmx fragment, a page after a POST): its parameters from
        an opened page with the same parameter names, the closest route first."""
        names = set(re.findall(r"<(?:[^>:]+:)?([^>]+)>", endpoint.route))
        candidates = sorted(
            ((route, kwargs) for route, kwargs in self.arguments if names and names <= set(kwargs)),
            key=lambda item: -_shared_start(item[0], endpoint.route),
        )
        tried = set()
        for _route, kwargs in candidates:
            values = {name: kwargs[name] for name in names}
            key = tuple(sorted(values.items()))
            if key in tried or len(tried) >= 3:
                continue
            tried.add(key)
            try:
                path = reverse(endpoint.name, kwargs=values) if endpoint.name else None
            except NoReverseMatch:
                continue
            if path and self.open(path) < 400:
                return True
        return False

    def missing(self) -> list[Endpoint]:
        return [
            endpoint
            for endpoint in self.wanted
            if endpoint.route not in self.reached and not self.guess(endpoint)
        ]


# --- Data: the demo company and a segment in every state ---------------------------------------


def stored_texts() -> set[str]:
    """Every text stored in the database (user data, never a catalogue string to flag)."""
    found: set[str] = set()
    for model in apps.get_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        for name in names:
            values = model._default_manager.exclude(**{name: ""}).values_list(name, flat=True)
            found.update(_normal(str(value)) for value in values.distinct() if value)
    return found


def seed(admin: Any, api_client: Any) -> list[str]:
    """The objects; returns the pages made that no page links to (a running log's job)."""
    from rapport.contacts.models import Contact, Salesperson
    from rapport.demo.data import load_demo
    from rapport.interactions.models import InteractionLogEntry, InteractionTemplate
    from rapport.interactions.services import interaction_add_comment
    from rapport.segments import services, tasks

    seed_everything(api_client())  # first: the API client is the `admin_user` fixture
    load_demo()
    numbers = "|".join(Contact.objects.order_by("no").values_list("no", flat=True)[:6])
    header = {
        "template": InteractionTemplate.objects.order_by("code").first(),
        "salesperson": Salesperson.objects.order_by("code").first(),
    }
    kept = services.segment_create(actor=admin, description="Kept segment", **header)
    services.segment_add_contacts(actor=admin, segment=kept, filters={"contact": {"no": numbers}})
    services.segment_refine_contacts(
        actor=admin, segment=kept, filters={"contact": {"type": "person|company"}}
    )
    services.segment_save_criteria(actor=admin, segment=kept, code="SEED", description="Seed")
    logged = services.segment_create(actor=admin, description="Logged segment", **header)
    services.segment_add_contacts(actor=admin, segment=logged, filters={"contact": {"no": numbers}})
    services.segment_log(actor=admin, segment=logged, follow_up=True, deliver=False)
    entry = InteractionLogEntry.objects.filter(postponed=False).order_by("entry_no").first()
    assert entry is not None
    interaction_add_comment(actor=admin, entry=entry, comment="Called back")
    queued = services.segment_create(actor=admin, description="Queued segment", **header)
    services.segment_add_contacts(actor=admin, segment=queued, filters={"contact": {"no": numbers}})
    job = tasks.enqueue_segment_log(actor=admin, segment=queued)
    from rapport.interactions.models import InteractionTemplateLanguage
    from rapport.interactions.services import template_language_attachment_create

    # Template languages with an attachment: their row actions (open, preview, export, remove).
    for row in InteractionTemplateLanguage.objects.filter(attachment=None).order_by("pk"):
        template_language_attachment_create(
            template_language=row, kind="email", body_html="<p>Hello</p>"
        )
    from rapport.attachments.models import Attachment

    # An editable e-mail attachment's card (its actions lead to the editor, import, export...).
    mail = Attachment.objects.filter(kind="email", read_only=False).order_by("no").first()
    assert mail is not None
    return [
        reverse("interactions:entry-comments", args=[entry.entry_no]),
        reverse("segments:segment-log-job", args=[job.id]),
        reverse("attachments:attachment-detail", args=[mail.no]),
    ]


# --- The tests --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_page_shows_english_in_dutch(
    admin_user: Any, client_for: Any, api_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo's interaction log is 600 entries; 80 show the same pages in a fraction of the time.
    monkeypatch.setattr("rapport.interactions.demo.LOGGED", 80, raising=False)
    admin = admin_user
    admin.language = "nl"
    admin.save(update_fields=["language"])
    extra = seed(admin, api_client)
    with override("nl"):
        exact, patterns = english_msgids()
    data = stored_texts()
    walk = Walk(client_for(admin), extra)
    walk.run()
    missing = walk.missing()
    texts, problems = walk.texts, walk.problems
    assert len(texts) > 20, "the walk opened too few pages"
    english: dict[str, set[str]] = defaultdict(set)  # text → pages
    for path, page_texts in texts.items():
        for raw in page_texts:
            text = _normal(raw)
            if text and text not in data:
                english[text].add(path)
    found: list[str] = []
    for text, paths in sorted(english.items()):
        msgid = text if text in exact else next((m for p, m in patterns if p.fullmatch(text)), "")
        if msgid:
            shown = text if msgid == text else f"{text} (msgid {msgid!r})"
            found.extend(f"{path}: {shown!r}" for path in sorted(paths))
    report = [*problems, *found]
    report.extend(
        f"{endpoint.route} ({endpoint.name}): not opened (no page links to it and no opened "
        "page has its parameters): link it, or seed its object in seed()"
        for endpoint in missing
    )
    assert not report, "English on Dutch pages:\n" + "\n".join(report)


def test_the_walk_opens_htmx_fragments_as_htmx() -> None:
    """An `hx-get` target is asked for as htmx does and as a plain link; a fill (`hx-post` on
    change) is posted with htmx; their texts are read like a page's."""
    from django.http import HttpResponse

    row_edit = "/segments/S1/lines/1/row/edit/"
    fill = "/segments/S1/lines/1/fill/?row=1"
    home = (
        f'<a href="/segments/S1/lines/1/edit/" hx-get="{row_edit}">Edit</a>'
        f'<select name="template" hx-post="{fill}" hx-trigger="change"></select>'
    )
    calls: list[tuple[str, str, bool]] = []

    class Recorder:
        def _answer(self, method: str, path: str, headers: dict[str, Any]) -> HttpResponse:
            htmx = headers.get("HTTP_HX_REQUEST") == "true"
            calls.append((method, path, htmx))
            if path == "/":
                return HttpResponse(home, content_type="text/html")
            if path == row_edit and htmx:
                return HttpResponse("<tbody><tr><td>Fragment</td></tr></tbody>")
            return HttpResponse("<p>Page</p>", content_type="text/html")

        def get(self, path: str, follow: bool = False, **headers: Any) -> HttpResponse:
            return self._answer("get", path, headers)

        def post(self, path: str, data: Any, follow: bool = False, **headers: Any) -> HttpResponse:
            return self._answer("post", path, headers)

    walk = Walk(Recorder(), [])  # type: ignore[arg-type]
    walk.run()
    assert ("get", row_edit, True) in calls
    assert ("get", row_edit, False) in calls
    assert ("post", fill, True) in calls
    assert not [call for call in calls if call[0] == "post" and not call[2]]
    assert walk.texts[f"{row_edit} (htmx GET)"] == ["Fragment"]
    assert walk.texts[f"{fill} (htmx POST)"] == ["Page"]
    assert walk.problems == []


EAGER = ("gettext", "ngettext", "pgettext", "npgettext")
LAZY = ("gettext_lazy", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy")


def _translation_names(tree: ast.AST, wanted: tuple[str, ...]) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in wanted
    }


def _forces(node: ast.AST, lazy: set[str]) -> bool:
    """Whether `node` turns a lazy translation into text: `_l("...") % x`, `+`, an f-string,
    `str(...)`, `.format(...)`, `.join(...)`."""

    def is_lazy(item: ast.AST) -> bool:
        return (
            isinstance(item, ast.Call) and isinstance(item.func, ast.Name) and item.func.id in lazy
        )

    if isinstance(node, ast.BinOp):
        return is_lazy(node.left) or is_lazy(node.right)
    if isinstance(node, ast.FormattedValue):
        return is_lazy(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return any(is_lazy(arg) for arg in node.args)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("format", "join") and (
            is_lazy(node.func.value) or any(is_lazy(arg) for arg in node.args)
        )
    return False


def _eager_gettext_calls(path: Path) -> Iterator[str]:
    """The translations in `path` that run at import time (module level, class bodies, default
    arguments, decorators): a `gettext` call, or a lazy translation made text there."""
    tree = ast.parse(path.read_text(), str(path))
    eager = _translation_names(tree, EAGER)
    lazy = _translation_names(tree, LAZY)
    if not eager and not lazy:
        return

    def visit(node: ast.AST, in_function: bool) -> Iterator[str]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            at_import = [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            if not isinstance(node, ast.Lambda):
                at_import.extend(node.decorator_list)
            for child in at_import:
                yield from visit(child, in_function)
            body = node.body if isinstance(node.body, list) else [node.body]
            for child in body:
                yield from visit(child, True)
            return
        if not in_function and (
            (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in eager
            )
            or _forces(node, lazy)
        ):
            yield f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}"
        for child in ast.iter_child_nodes(node):
            yield from visit(child, in_function)

    yield from visit(tree, False)


def test_no_gettext_runs_at_import_time() -> None:
    found = [
        call
        for folder in ("rapport", "config")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "/tests/" not in str(path)
        for call in _eager_gettext_calls(path)
    ]
    assert not found, "gettext at import time (use gettext_lazy):\n" + "\n".join(found)
