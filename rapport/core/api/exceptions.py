"""One error body for every API failure: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from rapport.core.busy import RETRY_AFTER_SECONDS, busy_message, is_busy
from rapport.core.errors import DomainError

UNKNOWN_FIELD = "unknown_field"  # a key the operation does not know (serializers.UNKNOWN_FIELD)
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return {"error": body}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub.0": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            flat[prefix] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix] = [str(detail)]
    return flat


def _has_code(detail: Any, code: str) -> bool:
    """Whether DRF's error detail holds an ErrorDetail with `code` anywhere (iteratively)."""
    stack = [detail]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif getattr(item, "code", None) == code:
            return True
    return False


def _validation_response(detail: Any) -> Response:
    error_code = UNKNOWN_FIELD if _has_code(detail, UNKNOWN_FIELD) else "invalid"
    fields = _flatten(detail)
    general: list[str] | None = fields.pop("non_field_errors", None) or fields.pop("", None)
    if general:
        message = general[0]
        if fields:
            fields["non_field_errors"] = general
    elif fields:
        name, field_messages = next(iter(fields.items()))
        message = f"{name}: {field_messages[0]}"
    else:
        message = "The request is not valid."
    return Response(error_body(error_code, message, fields), status=status.HTTP_400_BAD_REQUEST)


def bad_request_message(exception: Exception | None) -> str:
    """What a client is told when Django itself refuses the request (400)."""
    if isinstance(exception, RequestDataTooBig):
        return _("The request body is larger than %(size)s bytes.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
    if isinstance(exception, TooManyFieldsSent):
        return _("The request has more than %(count)s fields.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    return _("The request is not valid.")


def is_api_path(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


@login_not_required
def api_aware_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler400`: under `/api/`, the one error body instead of Django's HTML page (a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, any other SuspiciousOperation)."""
    if is_api_path(request):
        return JsonResponse(error_body("invalid", bad_request_message(exception)), status=400)
    return defaults.bad_request(request, exception)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if is_busy(exc):  # SQLite: another write held the database past the busy timeout
        set_rollback()
        busy = Response(error_body("busy", busy_message()), status=503)
        busy["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return busy
    if isinstance(exc, SuspiciousOperation):
        return Response(
            error_body("invalid", bad_request_message(exc)), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DomainError):
        return Response(
            error_body(exc.code, exc.message, exc.fields(), **exc.details), status=exc.status
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return _validation_response(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = STATUS_CODES.get(response.status_code, "error")
    message = response.data.get("detail") if isinstance(response.data, dict) else response.data
    response.data = error_body(code, str(message or "The request failed."))
    return response
