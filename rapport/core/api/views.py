from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.urls import NoReverseMatch, URLResolver, reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.core import permissions, services
from rapport.core.api.parsers import FormParser, JSONParser, MultiPartParser
from rapport.core.api.serializers import MeSerializer
from rapport.core.lockout import lockout_response
from rapport.core.notices import current_notices


class NoticesMixin:
    """Adds the operation's warnings to the response as `"warnings": [...]`."""

    def finalize_response(self, request, response, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        notices = current_notices()
        if notices and isinstance(getattr(response, "data", None), dict):
            response.data["warnings"] = notices
        return response


class TokenRequestSerializer(serializers.Serializer):
    # The user model's limit: a longer name is refused before it reaches authentication (and
    # django-axes' record of failed attempts, whose column it would overflow on PostgreSQL).
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Failed logins are throttled per user
    name and per address (django-axes, config/settings.py): locked out, the answer is 429
    `locked_out`."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # The project's parsers (NUL, surrogate and depth checks), not DRF's plain ones.
    parser_classes = (JSONParser, FormParser, MultiPartParser)

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        TokenRequestSerializer(data=request.data).is_valid(raise_exception=True)
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        # django-axes marks the request it was given (DRF's Request, not Django's) as locked out.
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request._request)
        if not valid:
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        # A token is a login: the signal resets the failed logins (and sets last_login).
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(NoticesMixin, generics.RetrieveUpdateAPIView):
    """The signed-in user's own settings: work date and language."""

    serializer_class = MeSerializer
    write_capability = permissions.OWN_PROFILE
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):  # type: ignore[no-untyped-def]
        return self.request.user

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        data = serializer.validated_data
        services.user_update_preferences(
            user=self.request.user,
            **{key: data[key] for key in ("work_date", "language") if key in data},
        )

    def update(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().update(request, *args, **kwargs)
        request.user.refresh_from_db()
        return Response(MeSerializer(request.user).data)


@extend_schema(exclude=True)
class ApiDocsView(SpectacularSwaggerSplitView):
    """The browsable API docs; a signed-out visitor is sent to the login page first (the schema
    they load needs a login itself). Under the site's Content-Security-Policy: Swagger UI's
    start script is this page with `?script` (the split view), its styles a stylesheet
    (core/api_docs.html)."""

    permission_classes = [AllowAny]
    template_name = "core/api_docs.html"

    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)


@cache
def api_resources() -> dict[str, str]:
    """{name: URL name} of every resource at `/api/v1/<name>/` (the lists and the singletons
    such as `me/`), found in the URL configuration so that a new resource is listed at once."""
    from rapport.core.api.urls import v1

    found: dict[str, str] = {}

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            if not pattern.name:
                continue
            try:
                url = reverse(pattern.name)
            except NoReverseMatch:
                continue  # the pattern needs a key
            match = re.fullmatch(r"/api/v1/([^/]+)/", url)
            if match:
                found.setdefault(match[1], pattern.name)

    walk(v1)
    return dict(sorted(found.items()))


class ApiRootView(APIView):
    """The index of the API: every resource's name and URL."""

    @extend_schema(
        responses={
            200: {
                "type": "object",
                "description": "Resource name → its URL.",
                "additionalProperties": {"type": "string", "format": "uri"},
            }
        }
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                name: request.build_absolute_uri(reverse(url_name))
                for name, url_name in api_resources().items()
                if permissions.user_can(request.user, _read_capability(url_name))
            }
        )


def _read_capability(url_name: str) -> str | None:
    """What reading a resource needs: its view's `read_capability` (e.g. the audit trail's
    setup, for administrators), None (any signed-in user) by default."""
    from django.urls import resolve

    view = resolve(reverse(url_name)).func
    return getattr(getattr(view, "cls", None), "read_capability", None)
