"""The Content-Security-Policy in a real browser: the watch that fails every browser test on a
violation (tests/browser/csp.py) sees one; the pages that need more than the site's policy (the
e-mail preview frame, the API docs) work without any violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _wait_for(page: Page, found: list[str]) -> None:
    for _ in range(40):
        if found:
            return
        page.wait_for_timeout(50)


def test_an_inline_style_or_script_is_refused_and_recorded(
    page: Page, admin_user: Any, login: Any, csp_violations: list[str]
) -> None:
    login(page, admin_user)
    assert csp_violations == []
    assert page.evaluate("() => document.querySelector('meta[name=htmx-config]') !== null")

    page.evaluate("() => document.body.setAttribute('style', 'background: rgb(255, 0, 0)')")
    _wait_for(page, csp_violations)
    assert any("style-src" in text for text in csp_violations), csp_violations
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 0, 0)"

    csp_violations.clear()
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ranInline = true"; document.head.append(s); }"""
    )
    _wait_for(page, csp_violations)
    assert any("script-src" in text for text in csp_violations), csp_violations
    assert page.evaluate("() => window.ranInline === undefined")
    csp_violations.clear()  # seen: this test passes


def test_the_email_preview_frame_keeps_its_inline_styles(
    page: Page, admin_user: Any, login: Any, live_server: Any
) -> None:
    from rapport.attachments import services

    mail = services.attachment_create(
        kind="email",
        subject="Welcome",
        body_html='<p id="hello" style="color: rgb(0, 128, 0)">Hello</p>'
        '<script>document.title = "owned"</script>',
    )
    login(page, admin_user)
    page.goto(f"/attachments/{mail.no}/")
    frame = page.frame_locator("iframe.attachment-preview")
    expect(frame.locator("#hello")).to_have_css("color", "rgb(0, 128, 0)")
    assert page.evaluate("() => document.title") != "owned"


def test_the_api_docs_work_under_the_policy(page: Page, admin_user: Any, login: Any) -> None:
    # Swagger UI (its page, scripts and styles) is what is tested here: a small schema stands in
    # for the real one, which takes the live server many seconds to generate.
    schema = {
        "openapi": "3.0.3",
        "info": {"title": "Rapport API", "version": "1"},
        "paths": {
            "/api/v1/me/": {"get": {"tags": ["me"], "responses": {"200": {"description": "OK"}}}}
        },
    }
    page.route("**/api/schema/**", lambda route: route.fulfill(json=schema))
    login(page, admin_user)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Rapport API")
    expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/v1/me/")


def test_the_browsable_api_works_under_the_policy(page: Page, admin_user: Any, login: Any) -> None:
    # DRF's pages with Bootstrap's scripts: the Filters dialog opens, its search box and the
    # current ordering keep the look of DRF's style attributes (now classes), nothing refused.
    login(page, admin_user)
    page.goto("/api/v1/campaigns/?ordering=no")
    expect(page.locator(".response-info")).to_contain_text('"count"')
    button = page.get_by_role("button", name="Filters")
    expect(button).to_have_css("float", "right")
    button.click()
    dialog = page.locator("#filtersModal")
    expect(dialog).to_be_visible()
    expect(dialog.locator("input.drf-search")).to_have_css("width", "350px")
    expect(dialog.locator(".glyphicon-ok")).to_have_css("float", "right")
