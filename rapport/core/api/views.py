from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import generics, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from rapport.core import permissions, services
from rapport.core.api.serializers import MeSerializer
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
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().post(request, *args, **kwargs)


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
class ApiDocsView(SpectacularSwaggerView):
    """The browsable API docs; a signed-out visitor is sent to the login page first (the schema
    they load needs a login itself)."""

    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
