from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.core import permissions
from rapport.core.api.views import NoticesMixin
from rapport.core.api.viewsets import CodeKeyedViewSet
from rapport.core.errors import DomainError, ValidationFailed
from rapport.interactions import selectors, services
from rapport.interactions.api.serializers import (
    InteractionGroupSerializer,
    InteractionTemplateLanguageSerializer,
    InteractionTemplateSerializer,
)
from rapport.interactions.filtersets import InteractionGroupFilterSet, InteractionTemplateFilterSet
from rapport.interactions.models import InteractionTemplate, InteractionTemplateLanguage

API_FIELD_NAMES = {
    "group": "group_code",
    "language_default": "language_code_default",
    "campaign": "campaign_no",
    "language": "language_code",
    "attachment": "attachment_no",
}


@contextmanager
def api_field_names(mapping: Mapping[str, str] = API_FIELD_NAMES) -> Iterator[None]:
    """A refused operation names the API's fields (`group_code`), not the model's (`group`)."""
    try:
        yield
    except DomainError as error:
        if error.field is not None and error.field in mapping:
            error.field = mapping[error.field]
        if isinstance(error, ValidationFailed):
            error.errors = {mapping.get(name, name): value for name, value in error.errors.items()}
        raise


class InteractionGroupViewSet(CodeKeyedViewSet):
    """Interaction groups, keyed by code. Deleting a group that still has templates answers
    409."""

    serializer_class = InteractionGroupSerializer
    write_capability = permissions.SETUP
    filterset_class = InteractionGroupFilterSet
    search_fields = ["code", "description"]
    ordering_fields = ["code", "description"]
    ordering = ["code"]

    def get_queryset(self) -> Any:
        return selectors.interaction_group_list()

    def perform_create(self, serializer: Any) -> None:
        with api_field_names():
            serializer.instance = services.interaction_group_create(**serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        data = serializer.validated_data
        with api_field_names():
            serializer.instance = services.interaction_group_update(
                group=serializer.instance,
                **{key: data[key] for key in ("description",) if key in data},
            )

    def perform_destroy(self, instance: Any) -> None:
        with api_field_names():
            services.interaction_group_delete(group=instance)


class InteractionTemplateViewSet(CodeKeyedViewSet):
    """Interaction templates, keyed by code. Their languages are at
    `interaction-templates/<code>/languages/`."""

    serializer_class = InteractionTemplateSerializer
    write_capability = permissions.SETUP
    filterset_class = InteractionTemplateFilterSet
    search_fields = ["code", "description"]
    ordering_fields = ["code", "description", "unit_cost", "unit_duration"]
    ordering = ["code"]

    def get_queryset(self) -> Any:
        return selectors.interaction_template_list()

    def _fresh(self, template: InteractionTemplate) -> InteractionTemplate:
        return selectors.interaction_template_list().get(pk=template.pk)

    def perform_create(self, serializer: Any) -> None:
        with api_field_names():
            template = services.interaction_template_create(**serializer.validated_data)
        serializer.instance = self._fresh(template)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("code", None)
        with api_field_names():
            template = services.interaction_template_update(template=serializer.instance, **data)
        serializer.instance = self._fresh(template)

    def perform_destroy(self, instance: Any) -> None:
        with api_field_names():
            services.interaction_template_delete(template=instance)


TEMPLATE_CODE = OpenApiParameter(
    "template_code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The interaction template's code.",
)
LANGUAGE_CODE = OpenApiParameter(
    "language_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The language's code."
)


@extend_schema(parameters=[TEMPLATE_CODE])
class InteractionTemplateLanguageViewSet(NoticesMixin, viewsets.GenericViewSet):
    """The languages of one interaction template: `language_code`, `description`,
    `attachment_no`. Deleting the default language's row clears the template's default
    language (refused, 409, while its wizard action is Merge)."""

    serializer_class = InteractionTemplateLanguageSerializer
    write_capability = permissions.SETUP
    search_fields = ["language__code", "language__name", "description"]
    ordering_fields = ["language__code", "description"]
    ordering = ["language__code"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_template(self) -> InteractionTemplate:
        if not hasattr(self, "_template"):
            self._template = selectors.interaction_template_get(self.kwargs["template_code"])
        return self._template

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return InteractionTemplateLanguage.objects.none()
        return selectors.interaction_template_language_list(self.get_template())

    def get_object(self) -> Any:
        row = selectors.interaction_template_language_get(
            self.get_template(), self.kwargs["language_code"]
        )
        self.check_object_permissions(self.request, row)
        return row

    def _respond(self, row: Any, status_code: int = status.HTTP_200_OK) -> Response:
        row = selectors.interaction_template_language_get(self.get_template(), row.language.code)
        return Response(self.get_serializer(row).data, status=status_code)

    def list(self, request: Request, template_code: str) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def create(self, request: Request, template_code: str) -> Response:
        template = self.get_template()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with api_field_names():
            row = services.interaction_template_language_create(
                template=template, **serializer.validated_data
            )
        return self._respond(row, status.HTTP_201_CREATED)

    @extend_schema(parameters=[LANGUAGE_CODE])
    def retrieve(self, request: Request, template_code: str, language_code: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(parameters=[LANGUAGE_CODE])
    def partial_update(self, request: Request, template_code: str, language_code: str) -> Response:
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with api_field_names():
            row = services.interaction_template_language_update(
                template_language=row, **serializer.validated_data
            )
        return self._respond(row)

    @extend_schema(parameters=[LANGUAGE_CODE])
    def destroy(self, request: Request, template_code: str, language_code: str) -> Response:
        with api_field_names():
            services.interaction_template_language_delete(template_language=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
