from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rapport.core.acting import Source, acting_as

API_PREFIX = "/api/"


class AuditActorMiddleware:
    """Changes made while answering a request are recorded as the request's user's, from the
    web or the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = Source.API if request.path.startswith(API_PREFIX) else Source.WEB
        with acting_as(source=source, request=request):
            return self.get_response(request)
