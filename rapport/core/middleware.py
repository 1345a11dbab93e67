from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.core.notices import collect_notices

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login; API views answer 401 themselves (DRF), so they pass here."""

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if is_api_request(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class UserLanguageMiddleware:
    """The UI speaks the signed-in user's language, whatever the browser asks for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", None):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated and getattr(user, "language", None):
            response.headers.setdefault("Content-Language", user.language)
        return response


class NoticeMiddleware:
    """Refuses NUL bytes in the URL, and turns operation warnings into UI messages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in request.GET.getlist(key))
            for key in request.GET
        ):
            message = _("The request contains a NUL character, which is not allowed.")
            if is_api_request(request):
                return JsonResponse(
                    {"error": {"code": "invalid", "message": message, "fields": {}}}, status=400
                )
            return HttpResponse(message, status=400, content_type="text/plain")
        with collect_notices() as notices:
            response = self.get_response(request)
        if notices and not is_api_request(request) and hasattr(request, "_messages"):
            for text in notices:
                messages.warning(request, text)
        return response
