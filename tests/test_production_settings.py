"""Production settings (README, "Production"): `check --deploy` is clean with the production
environment, the Content-Security-Policy is on every page, sessions end, passwords are checked,
and no template or Python-made HTML carries an inline script, inline style or style attribute
(the policy would refuse it: the browser tests fail on any violation, tests/browser/csp.py)."""

from __future__ import annotations

import ast
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parent.parent
SITE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
# Variables of the environment that would change what is checked (a developer's shell; the
# browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
OURS = re.compile(
    r"^(DEBUG|SECRET_KEY|ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS|BEHIND_PROXY|SECURE_COOKIES|"
    r"DATABASE_URL|RAPPORT_.*|DJANGO_SETTINGS_MODULE|DJANGO_ALLOW_ASYNC_UNSAFE)$"
)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not OURS.match(key)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        RAPPORT_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="crm.example.com",
        CSRF_TRUSTED_ORIGINS="https://crm.example.com",
        DEBUG="0",
        RAPPORT_TLS="1",
        BEHIND_PROXY="1",
    )
    env.update(extra)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict[str, Any]:
    """config/settings.py's values under `env` (run as a fresh module; Django's own settings of
    this test run stay as they are)."""
    for key in list(os.environ):
        if OURS.match(key):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_check_deploy_is_clean_with_the_production_environment(tmp_path: Path) -> None:
    result = check_deploy(production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


@pytest.mark.django_db
@override_settings(
    DEBUG=True,
    SECURE_SSL_REDIRECT=False,
    SECURE_HSTS_SECONDS=0,
    SESSION_COOKIE_SECURE=False,
    CSRF_COOKIE_SECURE=False,
)
def test_check_deploy_fails_without_tls_and_with_debug() -> None:
    """What the check above would say without RAPPORT_TLS and with DEBUG on (in this process:
    a second subprocess costs seconds)."""
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", "--deploy", "--fail-level", "WARNING")
    for check in ("W004", "W008", "W012", "W016", "W018"):
        assert f"security.{check}" in str(raised.value)


def test_production_values(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    values = load_settings(monkeypatch, production_env(tmp_path, RAPPORT_SESSION_HOURS="2"))

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["crm.example.com"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_AGE"] == 2 * 3600
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def test_development_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`make run` (no environment): plain HTTP on 127.0.0.1 keeps working."""
    values = load_settings(monkeypatch, {"RAPPORT_DATA_DIR": str(tmp_path)})

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert len(values["SECRET_KEY"]) >= 50  # generated once into the data folder
    assert (tmp_path / "secret_key").read_text().strip() == values["SECRET_KEY"]
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in values["MIDDLEWARE"]


@pytest.mark.django_db
def test_every_page_has_the_content_security_policy(client: Client, admin_client: Client) -> None:
    for response in (client.get("/login/"), admin_client.get("/"), admin_client.get("/nope/")):
        assert response["Content-Security-Policy"] == SITE_CSP
    assert "unsafe" not in SITE_CSP


@pytest.mark.django_db
def test_the_api_docs_load_their_script_from_the_same_address(admin_client: Client) -> None:
    page = admin_client.get("/api/docs/")
    assert page["Content-Security-Policy"] == SITE_CSP
    text = page.content.decode()
    assert "<style" not in text
    assert re.findall(r"<script(?![^>]*\bsrc=)", text) == []
    assert '<script src="/api/docs/?script="></script>' in text

    script = admin_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_the_browsable_api_runs_under_the_site_policy_without_inline_style_or_script(
    admin_client: Client,
) -> None:
    """DRF's pages too: the templates with inline styles are overridden (templates/rest_framework)."""
    pages = {}
    for path in ("/api/v1/", "/api/v1/contacts/", "/api/v1/campaigns/?search=x&ordering=no"):
        page = admin_client.get(path, HTTP_ACCEPT="text/html")
        assert page.status_code == 200, path
        assert page["Content-Type"].startswith("text/html"), path
        assert page["Content-Security-Policy"] == SITE_CSP, path
        text = pages[path] = page.content.decode()
        assert "<style" not in text, path
        assert re.findall(r"""\sstyle=["']""", text) == [], path
        assert re.findall(r"<script(?![^>]*(\bsrc=|type=\"application/json\"))", text) == [], path
        assert "/static/rapport/api-browsable.css" in text, path
    # The classes that stand for DRF's style attributes: the Filters button, the search box,
    # the current ordering's tick.
    filters = pages["/api/v1/campaigns/?search=x&ordering=no"]
    assert 'class="drf-action-right btn btn-default"' in filters
    assert 'class="form-control drf-search"' in filters
    assert 'class="glyphicon glyphicon-ok drf-right"' in filters
    data = admin_client.get("/api/v1/contacts/", HTTP_ACCEPT="application/json")
    assert data["Content-Security-Policy"] == SITE_CSP


@pytest.mark.django_db
def test_a_session_ends_after_its_age_and_with_the_browser(admin_client: Client) -> None:
    session = admin_client.session
    assert session.get_expire_at_browser_close() is True
    assert session.get_expiry_age() == 8 * 3600


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678901", "This password is entirely numeric."),
        ("short1!", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("annabella-smith", "The password is too similar to the username."),
    ],
)
def test_passwords_are_checked(password: str, message: str) -> None:
    from rapport.core import services
    from rapport.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        services.user_create(username="annabella.smith", role="read_only", password=password)
    assert message in raised.value.fields()["password"]


# ---------------------------------------------------------------------------------------------
# No inline script or style anywhere (the policy allows none)

TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "rapport").glob("*/templates"))]
INLINE = [
    (re.compile(r"\bstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    # A script without src= that is not a data block (json_script's type="application/json").
    (
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", re.IGNORECASE),
        "an inline script",
    ),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE), "an event handler attribute"),
    (re.compile(r"\bhx-on[:-]", re.IGNORECASE), "an hx-on handler (needs eval)"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


# A template tag's arguments are not HTML (`{% render_field field style=style %}`): blanked
# before the scan, its lines kept.
TEMPLATE_TAG = re.compile(r"{%.*?%}", re.DOTALL)


def _problems(path: Path, text: str) -> list[str]:
    found = []
    if path.suffix == ".html":
        text = TEMPLATE_TAG.sub(lambda tag: re.sub(r"[^\n]", " ", tag.group()), text)
    for pattern, what in INLINE:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    return found


def test_no_template_has_an_inline_script_or_style() -> None:
    problems = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            problems += _problems(path, path.read_text(encoding="utf-8"))
    assert problems == []


# A form widget's style attribute: `attrs["style"] = ...`, `attrs={"style": ...}`.
WIDGET_STYLE = re.compile(r"""attrs\s*\[\s*["']style["']|["']style["']\s*:""")
# HTML that is never a page of Rapport's: mail bodies and printed letters (shown in a browser
# only inside the preview frame, whose own policy allows inline styles: rapport/core/csp.py).
NOT_PAGES = ("rapport/delivery/letters.py", "rapport/delivery/merge/")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _python_problems(path: Path, text: str) -> list[str]:
    """The widget style attributes, and the inline scripts and styles in the string literals
    (not docstrings) that hold markup."""
    name = path.relative_to(ROOT).as_posix()
    problems = [f"{name}: a widget's style attribute: {m[0]}" for m in WIDGET_STYLE.finditer(text)]
    if name.startswith(NOT_PAGES):
        return problems
    tree = ast.parse(text)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) not in skip and ("<" in node.value or "=" in node.value):
            for problem in _problems(path, node.value):
                problems.append(f"{problem} (line {node.lineno}): {node.value[:60]!r}")
    return problems


def test_no_python_made_html_has_an_inline_script_or_style() -> None:
    """HTML made in Python (format_html, mark_safe, widget attrs)."""
    problems = []
    for path in sorted((ROOT / "rapport").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        problems += _python_problems(path, path.read_text(encoding="utf-8"))
    assert problems == []


def test_the_check_finds_an_inline_style() -> None:
    """The two scans above can fail."""
    python = 'w.attrs["style"] = "width: 1rem"\nx = format_html(\'<b style="x">{}</b>\', 1)\n'
    assert len(_python_problems(ROOT / "rapport" / "x.py", python)) == 2
    sample = '<p style="color: red" onclick="x()"><script>1</script><script src="a.js"></script>'
    found = _problems(ROOT / "templates" / "x.html", sample)
    assert [problem.split(": ", 1)[1] for problem in found] == [
        "a style attribute",
        "an inline script",
        "an event handler attribute",
    ]
