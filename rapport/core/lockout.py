"""What a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE, config/settings.py).

After too many failed logins for a user name or from an address, the API (the token endpoint)
answers 429 in the one error body, and the login page shows itself again with the reason."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.core.api.exceptions import error_body, is_api_path

LOCKED_OUT = "locked_out"


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0
    if not minutes:
        return _("Too many failed sign-in attempts. Ask an administrator to unlock the account.")
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    message = lockout_message(request)
    if is_api_path(request):
        return JsonResponse(error_body(LOCKED_OUT, message), status=429)
    from rapport.core.forms import LoginForm

    context = {
        "form": LoginForm(request),
        "lockout_message": message,
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    response = TemplateResponse(request, "core/login.html", context, status=429)
    return response.render()
