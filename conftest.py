"""Shared pytest set-up for the whole project (tests under `rapport/` and `tests/`).

Users and clients (every user's password is the `password` fixture):

- `make_user(role=..., username=None, **kwargs)`: a user made by `services.user_create`.
- `admin_user`, `marketing_user`, `salesperson_user`, `read_only_user`: one user of each role
  (these override pytest-django's `admin_user`).
- `admin_client`: a Django test `Client` logged in as `admin_user` (overrides pytest-django's);
  `client_for(user)`: the same for any user.
- `api_client(user=<admin_user>)`: a DRF `APIClient` that sends `Authorization: Token ...` for
  `user`; `api_client(None)` gives an anonymous one.

The browser (Playwright driving Debian's `/usr/bin/chromium`, see ARCHITECTURE.md):

- Tests that use `page`, `context`, `browser`, `logged_in_page` or live under `tests/browser/`
  are marked `browser`; they are skipped, with the reason, when Chromium is missing.
- The browser's pages open on `live_server` (`page.goto("/profile/")` works: `base_url`), which
  also gives the test a transactional database shared with the server thread. When such tests
  are selected, `DJANGO_ALLOW_ASYNC_UNSAFE=true` is set (Playwright's event loop would make
  Django refuse the tests' ORM calls).
- `login(page, user)`: logs in through the real login form; `logged_in_page`: a page logged in
  as `admin_user`, on the home page.
- `screenshot(page, "label")`: writes `test-artifacts/screenshots/<module>-<test>-NN-label.png`
  for people to look at. A failing browser test also leaves a screenshot under
  `test-artifacts/playwright/` (pytest-playwright's `--screenshot=only-on-failure`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

# Debian's Chromium; CHROMIUM_PATH points elsewhere (another distribution, or to try a missing one).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_MISSING = (
    f"Chromium is not installed at {CHROMIUM}: browser tests skipped "
    "(`apt-get install -y chromium` as root, or run `make test` as root, which installs it)"
)
BROWSER_FIXTURES = {"page", "context", "browser", "new_context", "logged_in_page"}

TEST_PASSWORD = "Rapport-test-pw-2026"  # noqa: S105 - test users only


def chromium_available() -> bool:
    return CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)


# ---------------------------------------------------------------------------------------------
# pytest hooks


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis: database tests are slower than hypothesis' 200 ms deadline on a busy CI machine.
    try:
        from hypothesis import settings as hypothesis_settings

        hypothesis_settings.register_profile("rapport", deadline=None, print_blob=True)
        hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "rapport"))
    except ImportError:  # pragma: no cover - hypothesis is a dev dependency
        pass

    # pytest-playwright's own base_url fixture (unused: ours comes from live_server) warns.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning",
    )

    # pytest-playwright's artifacts (a screenshot of every failing browser test) go to
    # test-artifacts/ (gitignored) instead of ./test-results. pytest-playwright empties that
    # folder at the start of every session, so the PostgreSQL run gets a folder of its own.
    option = config.option
    if getattr(option, "output", None) == "test-results":
        database_url = os.environ.get("DATABASE_URL", "")
        suffix = "-postgres" if database_url.startswith("postgres") else ""
        option.output = str(ARTIFACTS / f"playwright{suffix}")
    if getattr(option, "screenshot", None) == "off":
        option.screenshot = "only-on-failure"
        option.full_page_screenshot = True


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        where = "the test database is in memory"
    else:
        where = f"{settings.get('HOST')}:{settings.get('PORT')}, DATABASE_URL"
    lines = [f"database: {connection.vendor} ({where})"]
    if chromium_available():
        lines.append(f"browser: {CHROMIUM}")
    else:
        lines.append(f"browser: MISSING - {CHROMIUM_MISSING}")
    return lines


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks the browser tests, skips them without Chromium, and runs them last."""
    browser_dir = ROOT / "tests" / "browser"
    missing = not chromium_available()
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        in_browser_dir = browser_dir in Path(str(item.path)).parents
        if in_browser_dir or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if missing and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))
    # Fast tests first; the browser tests (live server, transactional database) at the end.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Playwright's sync API runs an event loop in the main thread for the rest of the session;
    Django would then refuse the tests' own ORM calls ("You cannot call this from an async
    context"). So when live-server or browser tests are selected, that check is switched off."""
    for item in session.items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("browser") or "live_server" in fixtures:
            os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
            break


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if chromium_available():
        return
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if CHROMIUM_MISSING in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} BROWSER TESTS SKIPPED", red=True)
        terminalreporter.write_line(CHROMIUM_MISSING, red=True, bold=True)


# ---------------------------------------------------------------------------------------------
# Isolation


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Stored files go to a temporary folder, never to the real data folder; passwords are
    hashed with a fast hasher (PBKDF2's million rounds cost about a second per user or login)."""
    from django.test import override_settings

    with override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    """A request by a Dutch user activates Dutch in the test's own thread
    (`UserLanguageMiddleware`), where it stays: the next test starts in the default language
    again, so what it asserts in English does not depend on the order the tests ran in."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """A transactional test (live_server, `transaction=True`) starts on a database that the
    previous one flushed, which also removed the countries and languages the migrations load:
    load them again, so every test sees what a fresh database has."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from rapport.contacts.models import Country, Language
    from rapport.contacts.reference_data import load_all

    load_all(Country, Language)


@pytest.fixture(autouse=True)
def _entry_numbers_from_one(request: pytest.FixtureRequest) -> None:
    """PostgreSQL: entry numbers come from sequences, which a test's rolled-back transaction
    does not reset (`rapport.core.entry_numbers`): start them again, so every test numbers
    from 1 as on a fresh database (what reset_sequences does stays above rows a test inserts)."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not (marker or {"db", "transactional_db", "live_server"} & names):
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from rapport.core.entry_numbers import reset_sequences

    reset_sequences()


# ---------------------------------------------------------------------------------------------
# Users and clients


@pytest.fixture
def password() -> str:
    """The password of every user made by these fixtures."""
    return TEST_PASSWORD


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """`make_user(role="marketing", username="mia")`: a user made through `user_create`."""
    from rapport.core import services

    counter = itertools.count(1)

    def make(*, role: str = "read_only", username: str | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("password", TEST_PASSWORD)
        kwargs.setdefault("validate", False)
        return services.user_create(
            username=username or f"{role.replace('_', '')}{next(counter)}", role=role, **kwargs
        )

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user(username="admin", role="administrator", email="admin@example.com")


@pytest.fixture
def marketing_user(make_user: Callable[..., Any]) -> Any:
    return make_user(username="marketing", role="marketing")


@pytest.fixture
def salesperson_user(make_user: Callable[..., Any]) -> Any:
    return make_user(username="sales", role="salesperson")


@pytest.fixture
def read_only_user(make_user: Callable[..., Any]) -> Any:
    return make_user(username="reader", role="read_only")


@pytest.fixture
def client_for(db: None) -> Callable[..., Any]:
    """`client_for(user)`: a Django test Client with `user` logged in."""
    from django.test import Client

    def make(user: Any, **kwargs: Any) -> Client:
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def admin_client(admin_user: Any, client_for: Callable[..., Any]) -> Any:
    """A Django test Client logged in as `admin_user`."""
    return client_for(admin_user)


_ADMIN: Any = object()


@pytest.fixture
def api_client(db: None, request: pytest.FixtureRequest) -> Callable[..., Any]:
    """`api_client(user)`: a DRF APIClient using token auth for `user` (default: `admin_user`;
    `None`: anonymous)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user: Any = _ADMIN, **kwargs: Any) -> APIClient:
        if user is _ADMIN:
            user = request.getfixturevalue("admin_user")
        client = APIClient(**kwargs)
        if user is not None:
            token = Token.objects.filter(user=user).first() or Token.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


# ---------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium with the flags that work on these machines (no downloads, no network)."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    """Pages open on the live server, in a desktop-sized window, in English."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "timezone_id": "Europe/Amsterdam",
    }


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the Content-Security-Policy during the test (any entry
    fails it: tests/browser/csp.py)."""
    return []


@pytest.fixture
def page(page: Any, csp_violations: list[str]) -> Iterator[Any]:
    """pytest-playwright's page, failing after 10 s rather than 30 s when something is missing,
    and failing the test on any Content-Security-Policy violation (tests/browser/csp.py)."""
    from tests.browser.csp import fail_on_csp_violations, watch_csp

    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    watch_csp(page.context, csp_violations)
    yield page
    fail_on_csp_violations(page.context, csp_violations)


@pytest.fixture
def login(live_server: Any) -> Callable[..., Any]:
    """`login(page, user, password=...)`: signs in through the real login form."""

    def do(page: Any, user: Any, password: str = TEST_PASSWORD) -> Any:
        page.goto(f"{live_server.url}/login/")
        form = page.locator("form").filter(has=page.locator("input[name=password]"))
        form.locator("input[name=username]").fill(user.get_username())
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return do


@pytest.fixture
def logged_in_page(page: Any, live_server: Any, admin_user: Any, login: Callable[..., Any]) -> Any:
    """A Playwright page signed in as `admin_user` through the login form, on the home page."""
    return login(page, admin_user)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """`screenshot(page, "label")` saves a full-page PNG under test-artifacts/screenshots/ and
    returns its path. A test's earlier screenshots are removed when it starts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = _slug(f"{Path(str(request.node.path)).stem}-{request.node.name}")
    for old in SCREENSHOTS.glob(f"{prefix}-[0-9][0-9]-*.png"):
        old.unlink(missing_ok=True)
    counter = itertools.count(1)

    def take(page: Any, label: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{prefix}-{next(counter):02d}-{_slug(label)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
