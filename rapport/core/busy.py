"""A busy database answers "busy, try again", never a 500 (issue 11, "short locks").

SQLite lets one writer at a time: a writer that waits longer than the busy timeout
(`DATABASES["default"]["OPTIONS"]["timeout"]`, e.g. behind a big segment being logged) gets
`OperationalError: database is locked` (or `database is busy`). That is not a fault of the
request: the API answers 503 with `Retry-After` in the one error body (`api_busy_response`),
the pages a 503 message page (`BusyMiddleware`, and `handler500` for what happens outside a
view), the command line a clear message and exit status 75 (EX_TEMPFAIL, `RapportCommand`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5
"""What `Retry-After` asks a client to wait before it tries again."""

BUSY_EXIT_STATUS = 75
"""The command line's exit status when the database is busy (sysexits' EX_TEMPFAIL)."""

_BUSY_TEXTS = ("database is locked", "database is busy", "database table is locked")


def is_busy(error: BaseException | None) -> bool:
    """Whether `error` is the database refusing a write because another one holds it."""
    return isinstance(error, OperationalError) and any(
        text in str(error).lower() for text in _BUSY_TEXTS
    )


def busy_message() -> str:
    return _(
        "The database is busy with another change (for example a big segment being logged), "
        "so this one could not be saved. Nothing was changed. Try again in a few seconds."
    )


def api_busy_response(request: HttpRequest | None = None) -> JsonResponse:
    """The API's answer: 503, `Retry-After`, the one error body with code `busy`."""
    body = {"error": {"code": "busy", "message": busy_message(), "fields": {}}}
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_busy_response(request: HttpRequest) -> HttpResponse:
    """The pages' answer: the 503 message page, with `Retry-After`. A form posted by htmx (the
    dialogs, the line editor) gets the message in the page's message area instead, so what the
    user typed stays on the screen to be sent again (base.html lets htmx show a 503)."""
    context = {"message": busy_message(), "retry_url": request.get_full_path()}
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(
            '<div class="alert alert-warning" role="alert" data-testid="busy">'
            f"{escape(context['message'])}</div>",
            status=503,
        )
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML"
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    try:
        response = render(request, "503.html", context, status=503)
    except OperationalError:  # the page's own reads waited too: the message alone
        response = HttpResponse(escape(context["message"]), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def busy_response(request: HttpRequest) -> HttpResponse:
    from rapport.core.middleware import is_api_request

    return api_busy_response(request) if is_api_request(request) else page_busy_response(request)


class BusyMiddleware:
    """Answers a view that failed on a busy database with the 503 (API: the error body;
    pages: the message page) instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if is_busy(exception):
            return busy_response(request)
        return None
