from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.core import permissions
from rapport.core.api.serializers import refuse_body
from rapport.core.api.views import NoticesMixin
from rapport.core.api.viewsets import CodeKeyedViewSet
from rapport.core.errors import DomainError, NotFoundError, ValidationFailed
from rapport.interactions import selectors, services
from rapport.interactions.api.serializers import (
    DeleteCanceledResultSerializer,
    DeleteCanceledSerializer,
    EvaluationSerializer,
    InteractionCommentSerializer,
    InteractionGroupSerializer,
    InteractionResumeSerializer,
    InteractionSerializer,
    InteractionTemplateLanguageSerializer,
    InteractionTemplateSerializer,
    InteractionWriteSerializer,
)
from rapport.interactions.api.statistics import STATISTICS_SCHEMA, statistics_response
from rapport.interactions.filtersets import (
    InteractionGroupFilterSet,
    InteractionLogFilterSet,
    InteractionTemplateFilterSet,
)
from rapport.interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.services import postponed_visible_to

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

    @extend_schema(**STATISTICS_SCHEMA)
    @action(detail=True, methods=["get"])
    def statistics(self, request: Request, code: str | None = None) -> Response:
        """The group's interaction statistics (reference 2.8)."""
        return statistics_response(request, group=self.get_object())


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

    @extend_schema(**STATISTICS_SCHEMA)
    @action(detail=True, methods=["get"])
    def statistics(self, request: Request, code: str | None = None) -> Response:
        """The template's interaction statistics (reference 2.8)."""
        return statistics_response(request, template=self.get_object())


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


# --- The interaction log -----------------------------------------------------------------------

LOG_FIELD_NAMES = {
    "contact": "contact_no",
    "template": "template_code",
    "salesperson": "salesperson_code",
    "language": "language_code",
    "campaign": "campaign_no",
    "successful": "attempt_failed",
}
_RELATIONS = {
    "contact_no": "contact",
    "template_code": "template",
    "salesperson_code": "salesperson",
    "language_code": "language",
    "campaign_no": "campaign",
}
_BLANKABLE = {
    "contact",
    "template",
    "salesperson",
    "language",
    "campaign",
    "description",
    "correspondence_type",
    "information_flow",
    "initiated_by",
    "evaluation",
}


def _service_values(data: dict[str, Any]) -> dict[str, Any]:
    """The serializer's validated data as the service's arguments: relations by key, null as
    blank on purpose (where blank means something), `attempt_failed` as `successful`."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("postpone", "deliver"):
            continue
        if key == "attempt_failed":
            values["successful"] = not value
            continue
        name = _RELATIONS.get(key, key)
        if value is None:
            if name not in _BLANKABLE:
                continue  # a null date, time, cost or duration: the default
            value = ""
        values[name] = value
    return values


ENTRY_NO = OpenApiParameter(
    "entry_no", OpenApiTypes.INT, OpenApiParameter.PATH, description="The entry no."
)
LINE_NO = OpenApiParameter(
    "line_no", OpenApiTypes.INT, OpenApiParameter.PATH, description="The comment line no."
)


@extend_schema(parameters=[ENTRY_NO])
class InteractionViewSet(
    NoticesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The interaction log, keyed by `entry_no` (reference 1.7, 2.7). The list shows logged
    entries (canceled ones too: `?canceled=false` leaves them out); `?postponed=true` lists the
    postponed ones instead. Entries change only through the actions."""

    serializer_class = InteractionSerializer
    write_capability = permissions.INTERACTIONS
    lookup_field = "entry_no"
    lookup_value_regex = r"[0-9]+"
    filterset_class = InteractionLogFilterSet
    search_fields = ["description", "contact__name"]
    ordering_fields = ["entry_no", "date", "cost", "duration"]
    ordering = ["-entry_no"]
    # PATCH only for a comment line (`comments/<line_no>/`): entries change through actions.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return InteractionLogEntry.objects.none()
        if "postponed" in self.request.query_params:
            # Postponed entries as on the pages: a salesperson sees only their own.
            visible = postponed_visible_to(self.request.user)
            queryset = selectors.interaction_list()
            return queryset.filter(Q(postponed=False) | visible) if visible else queryset
        return selectors.interaction_log()

    def get_object(self) -> Any:
        """The entry of the URL; another salesperson's postponed entry is not there (404), as
        on the Postponed interactions page."""
        entry = selectors.interaction_get(self.kwargs["entry_no"])
        visible = postponed_visible_to(self.request.user)
        if (
            entry.postponed
            and visible
            and not InteractionLogEntry.objects.filter(visible, pk=entry.pk).exists()
        ):
            raise NotFoundError(_("There is no interaction %(no)s.") % {"no": entry.entry_no})
        self.check_object_permissions(self.request, entry)
        return entry

    def _respond(self, entry: InteractionLogEntry, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.interaction_get(entry.entry_no)
        return Response(InteractionSerializer(fresh).data, status=code)

    @extend_schema(
        parameters=[],
        request=InteractionWriteSerializer,
        responses={201: InteractionSerializer},
    )
    def create(self, request: Request) -> Response:
        """Log one interaction (reference 2.1), or with `"postpone": true` save it for later.
        The template's values are the defaults for what is left out; the response's `warnings`
        say what was changed (an e-mail correspondence cleared for a contact without an
        address). A logged interaction with a correspondence type is delivered (its
        `delivery_status` becomes pending) unless `"deliver": false`."""
        serializer = InteractionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with api_field_names(LOG_FIELD_NAMES):
            entry = services.interaction_create(
                actor=request.user,
                postpone=data.get("postpone", False),
                deliver=data.get("deliver"),
                **_service_values(data),
            )
        # The new entry as stored, from what the service holds in memory (no query): the
        # same answer as reading it again (test_create_answers_what_a_read_gives).
        return Response(InteractionSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, entry_no: str) -> Response:
        """Delete a postponed interaction (409 for a logged one: cancel it instead)."""
        with api_field_names(LOG_FIELD_NAMES):
            services.interaction_delete_postponed(actor=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=InteractionResumeSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, entry_no: str) -> Response:
        """Finish a postponed interaction in place (same `entry_no`): the fields given change,
        the date becomes the work date unless given; `"postpone": true` keeps it postponed.
        409 for an entry that is not postponed."""
        entry = self.get_object()
        serializer = InteractionResumeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with api_field_names(LOG_FIELD_NAMES):
            entry = services.interaction_resume(
                actor=request.user,
                entry=entry,
                postpone=data.get("postpone", False),
                deliver=data.get("deliver"),
                **_service_values(data),
            )
        return self._respond(entry)

    @extend_schema(request=None, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, entry_no: str) -> Response:
        """Cancel a logged interaction (409 for a postponed one)."""
        refuse_body(request)
        with api_field_names(LOG_FIELD_NAMES):
            entry = services.interaction_cancel(actor=request.user, entry=self.get_object())
        return self._respond(entry)

    @extend_schema(request=None, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def uncancel(self, request: Request, entry_no: str) -> Response:
        """Un-cancel an interaction: 409 while its campaign entry (or logged segment) is
        canceled."""
        refuse_body(request)
        with api_field_names(LOG_FIELD_NAMES):
            entry = services.interaction_uncancel(actor=request.user, entry=self.get_object())
        return self._respond(entry)

    @extend_schema(request=EvaluationSerializer, responses=InteractionSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, entry_no: str) -> Response:
        """Set (or with `""` clear) a logged interaction's evaluation."""
        entry = self.get_object()
        serializer = EvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with api_field_names(LOG_FIELD_NAMES):
            entry = services.interaction_evaluate(
                actor=request.user, entry=entry, **serializer.validated_data
            )
        return self._respond(entry)

    @extend_schema(methods=["GET"], responses=InteractionCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=InteractionCommentSerializer,
        responses={201: InteractionCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def comments(self, request: Request, entry_no: str) -> Response:
        """An interaction's comment lines; POST adds one (`comment`, optional `date`)."""
        entry = self.get_object()
        if request.method == "POST":
            serializer = InteractionCommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            line = services.interaction_add_comment(
                actor=request.user, entry=entry, **serializer.validated_data
            )
            return Response(InteractionCommentSerializer(line).data, status=status.HTTP_201_CREATED)
        lines = selectors.interaction_comments(entry)
        return Response(InteractionCommentSerializer(lines, many=True).data)

    @extend_schema(parameters=[LINE_NO], methods=["GET"], responses=InteractionCommentSerializer)
    @extend_schema(
        parameters=[LINE_NO],
        methods=["PATCH"],
        request=InteractionCommentSerializer,
        responses=InteractionCommentSerializer,
    )
    @extend_schema(parameters=[LINE_NO], methods=["DELETE"], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["get", "patch", "delete"],
        url_path=r"comments/(?P<line_no>[0-9]+)",
        url_name="comment",
        filter_backends=[],
    )
    def comment(self, request: Request, entry_no: str, line_no: str) -> Response:
        """One comment line: PATCH changes its `comment` or `date`, DELETE removes it."""
        line = selectors.interaction_comment_get(self.get_object(), line_no)
        if request.method == "PATCH":
            serializer = InteractionCommentSerializer(line, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            line = services.interaction_update_comment(
                actor=request.user, comment_line=line, **serializer.validated_data
            )
        elif request.method == "DELETE":
            services.interaction_delete_comment(actor=request.user, comment_line=line)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(InteractionCommentSerializer(line).data)

    @extend_schema(
        parameters=[],
        request=DeleteCanceledSerializer,
        responses=DeleteCanceledResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="delete-canceled")
    def delete_canceled(self, request: Request) -> Response:
        """Delete the canceled interactions that match the filters (all of them without
        filters; never a postponed or not-canceled one) and return how many; `"dry_run":
        true` only counts them."""
        serializer = DeleteCanceledSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        dry_run = data.pop("dry_run", False)
        filters = {key: value for key, value in data.items() if value not in (None, "")}
        count = services.interactions_delete_canceled(
            actor=request.user, filters=filters, dry_run=dry_run
        )
        return Response({"count": count, "dry_run": dry_run})
