"""Every browser test fails on a Content-Security-Policy violation (config/settings.py's
SECURE_CSP: no inline script or style anywhere).

`watch_csp(context, found)` records, for every page and frame of a Playwright browser context,
what the browser refused: the `securitypolicyviolation` events of the documents that run scripts
(reported to Python through an exposed binding) and the console errors that Chromium writes
for each refusal, which also come from frames that run no script (a sandboxed preview frame).
`fail_on_csp_violations(context, found)` fails the test when anything was recorded. The `page`
fixture (conftest.py) uses both, so every browser test is watched.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

BINDING = "__rapportCspViolation"
LISTENER = f"""
document.addEventListener("securitypolicyviolation", function (event) {{
  if (window.{BINDING}) {{
    window.{BINDING}([event.effectiveDirective || event.violatedDirective,
      String(event.blockedURI || ""), String(event.sourceFile || event.documentURI || ""),
      event.lineNumber || 0, String(event.sample || "")].join(" | "));
  }}
}}, true);
"""
CONSOLE_MARK = "Content Security Policy"


def watch_csp(context: Any, found: list[str]) -> None:
    """Records the CSP violations of every page of `context` into `found`."""

    def on_violation(source: Any, text: str) -> None:
        frame = source.get("frame") if isinstance(source, dict) else None
        found.append(f"violation at {getattr(frame, 'url', '?')}: {text}")

    def on_console(message: Any) -> None:
        if message.type in ("error", "warning") and CONSOLE_MARK in message.text:
            location = message.location or {}
            found.append(f"console at {location.get('url', '?')}: {message.text}")

    context.expose_binding(BINDING, on_violation)
    context.add_init_script(LISTENER)
    context.on("console", on_console)


def settle(context: Any) -> None:
    """Lets the open pages report what is still on its way (violation events are tasks)."""
    for page in context.pages:
        if page.is_closed():
            continue
        # A page navigating or gone has nothing more to say.
        with contextlib.suppress(Exception):
            page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")


def fail_on_csp_violations(context: Any, found: list[str]) -> None:
    settle(context)
    if found:
        unique = list(dict.fromkeys(found))
        pytest.fail(
            "The browser refused something under the Content-Security-Policy (no inline "
            "script, style or style attribute; see config/settings.py SECURE_CSP):\n"
            + "\n".join(unique[:20]),
            pytrace=False,
        )
