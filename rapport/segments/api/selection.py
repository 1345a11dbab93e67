"""The API of selecting a segment's contacts (API.md): `segments/<no>/add-contacts/`,
`reduce-contacts/`, `refine-contacts/` (each with `dry_run`), `go-back/`, `save-criteria/`,
`reuse-criteria/`, `reuse-logged-segment/`, the criteria actions of a segment, and the saved
segment criteria. The operations are `rapport.segments.services`'; refusals answer in the
uniform error shape (400 bad filters naming `filters.<section>.<field>`, 404 unknown segment,
409 nothing to undo or a segment logged meanwhile, 403 without the marketing role)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.core import permissions
from rapport.core.api.serializers import ActionSerializer, refuse_body
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import ValidationFailed
from rapport.segments import selectors, services
from rapport.segments.models import (
    LoggedSegment,
    SavedSegmentCriteria,
    SegmentCriteriaAction,
)

SEGMENT_NO = OpenApiParameter("no", str, OpenApiParameter.PATH, description="The segment no.")

FILTERS_HELP = (
    'Sections of field → NAV filter expression, e.g. {"contact": {"country_code": "NL|BE"}, '
    '"mailing_group": {"code": "NEWS"}}. Sections: ' + ", ".join(services.SECTIONS) + "."
)


# --- Serializers ---------------------------------------------------------------------------------


class AddContactsSerializer(ActionSerializer):
    filters = serializers.JSONField(required=False, default=dict, help_text=FILTERS_HELP)
    allow_existing = serializers.BooleanField(required=False, default=False)
    expand_companies = serializers.BooleanField(required=False, default=False)
    allow_related_companies = serializers.BooleanField(required=False, default=False)
    ignore_exclusion = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Count only; write nothing."
    )


class RemoveContactsSerializer(ActionSerializer):
    filters = serializers.JSONField(required=False, default=dict, help_text=FILTERS_HELP)
    entire_companies = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Count only; write nothing."
    )


class SkippedContactSerializer(serializers.Serializer):
    no = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()


class SelectionResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    dry_run = serializers.BooleanField()
    added = serializers.IntegerField(help_text="Lines added (or that would be).")
    removed = serializers.IntegerField(help_text="Lines removed (or that would be).")
    skipped = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Contacts skipped per reason: privacy_blocked, excluded_from_segments, "
        "no_email, already_on_segment (each contact under its first reason).",
    )
    skipped_contacts = SkippedContactSerializer(
        many=True, help_text="In a dry run of Add contacts: the first 100 skipped contacts."
    )
    action_no = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


def result_data(result: services.SelectionResult) -> dict[str, Any]:
    return {
        "action": result.action,
        "dry_run": result.dry_run,
        "added": result.added,
        "removed": result.removed,
        "skipped": result.skipped,
        "skipped_contacts": [vars(row) for row in result.skipped_contacts],
        "action_no": result.action_no,
        "message": result.summary(),
    }


class GoBackResultSerializer(serializers.Serializer):
    action_no = serializers.IntegerField()
    action = serializers.CharField()
    description = serializers.CharField()
    lines_removed = serializers.IntegerField()
    lines_restored = serializers.IntegerField()


class SaveCriteriaSerializer(ActionSerializer):
    code = serializers.CharField(max_length=10)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SavedCriteriaSerializer(serializers.ModelSerializer):
    no_of_actions = serializers.SerializerMethodField()

    class Meta:
        model = SavedSegmentCriteria
        fields = ["code", "description", "no_of_actions"]

    def get_no_of_actions(self, obj: SavedSegmentCriteria) -> int:
        count = getattr(obj, "no_of_actions", None)
        return int(count) if count is not None else obj.actions.count()


class ReuseCriteriaSerializer(ActionSerializer):
    code = serializers.CharField(max_length=20)


class ReuseCriteriaResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    actions = SelectionResultSerializer(many=True)


class ReuseLoggedSegmentSerializer(ActionSerializer):
    entry_no = serializers.IntegerField(min_value=1)


class CriteriaActionSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()
    created_by: Any = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SegmentCriteriaAction
        fields = [
            "action_no",
            "action",
            "description",
            "filters",
            "allow_existing",
            "expand_companies",
            "allow_related_companies",
            "ignore_exclusion",
            "entire_companies",
            "logged_segment_entry_no",
            "no_of_lines_inserted",
            "no_of_lines_removed",
            "created_by",
            "created_at",
        ]

    def get_description(self, obj: SegmentCriteriaAction) -> str:
        return services.criteria_action_label(obj)


# --- Views ---------------------------------------------------------------------------------------


class SegmentActionView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    def validated(self, serializer_class: type[serializers.Serializer], request: Request) -> Any:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema(parameters=[SEGMENT_NO])
class AddContactsView(SegmentActionView):
    """Add contacts (reference 2.4.1): the contacts that pass the filters, with NAV's options.
    `dry_run` answers the same counts without writing (the preview)."""

    @extend_schema(
        request=AddContactsSerializer,
        responses={
            200: OpenApiResponse(SelectionResultSerializer, description="A dry run's counts."),
            201: OpenApiResponse(SelectionResultSerializer, description="Lines were added."),
        },
    )
    def post(self, request: Request, no: str) -> Response:
        segment = selectors.segment_get(no)
        data = self.validated(AddContactsSerializer, request)
        result = services.segment_add_contacts(actor=request.user, segment=segment, **data)
        return Response(result_data(result), status=_status(result))


def _status(result: services.SelectionResult) -> int:
    return status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED


@extend_schema(parameters=[SEGMENT_NO])
class ReduceContactsView(SegmentActionView):
    """Reduce contacts (reference 2.4.2): remove the lines whose contact passes the filters."""

    operation = staticmethod(services.segment_reduce_contacts)

    @extend_schema(request=RemoveContactsSerializer, responses=SelectionResultSerializer)
    def post(self, request: Request, no: str) -> Response:
        segment = selectors.segment_get(no)
        data = self.validated(RemoveContactsSerializer, request)
        result = self.operation(actor=request.user, segment=segment, **data)
        return Response(result_data(result))


@extend_schema(parameters=[SEGMENT_NO])
class RefineContactsView(ReduceContactsView):
    """Refine contacts (reference 2.4.2): keep only the lines whose contact passes the
    filters."""

    operation = staticmethod(services.segment_refine_contacts)


@extend_schema(parameters=[SEGMENT_NO])
class GoBackView(SegmentActionView):
    """Undo the last criteria action exactly: the lines it inserted go, the lines it removed
    come back with their per-line values. 409 `nothing_to_undo` without criteria actions."""

    @extend_schema(request=None, responses=GoBackResultSerializer)
    def post(self, request: Request, no: str) -> Response:
        refuse_body(request)
        segment = selectors.segment_get(no)
        result = services.segment_go_back(actor=request.user, segment=segment)
        return Response(
            {
                "action_no": result.action_no,
                "action": result.action,
                "description": result.label,
                "lines_removed": result.lines_removed,
                "lines_restored": result.lines_restored,
            }
        )


@extend_schema(parameters=[SEGMENT_NO])
class SaveCriteriaView(SegmentActionView):
    """Save the segment's criteria actions under a code (reference 2.4.5)."""

    @extend_schema(request=SaveCriteriaSerializer, responses={201: SavedCriteriaSerializer})
    def post(self, request: Request, no: str) -> Response:
        segment = selectors.segment_get(no)
        data = self.validated(SaveCriteriaSerializer, request)
        saved = services.segment_save_criteria(actor=request.user, segment=segment, **data)
        return Response(SavedCriteriaSerializer(saved).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[SEGMENT_NO])
class ReuseCriteriaView(SegmentActionView):
    """Replay every action of saved segment criteria on this segment (reference 2.4.5)."""

    @extend_schema(request=ReuseCriteriaSerializer, responses=ReuseCriteriaResultSerializer)
    def post(self, request: Request, no: str) -> Response:
        segment = selectors.segment_get(no)
        data = self.validated(ReuseCriteriaSerializer, request)
        result = services.segment_reuse_criteria(
            actor=request.user, segment=segment, code=data["code"]
        )
        return Response(
            {
                "code": result.criteria_code,
                "added": result.added,
                "removed": result.removed,
                "actions": [result_data(one) for one in result.results],
            }
        )


@extend_schema(parameters=[SEGMENT_NO])
class ReuseLoggedSegmentView(SegmentActionView):
    """One line per interaction of a logged segment (reference 2.4.5)."""

    @extend_schema(request=ReuseLoggedSegmentSerializer, responses={201: SelectionResultSerializer})
    def post(self, request: Request, no: str) -> Response:
        segment = selectors.segment_get(no)
        data = self.validated(ReuseLoggedSegmentSerializer, request)
        logged = LoggedSegment.objects.filter(entry_no=data["entry_no"]).first()
        if logged is None:
            raise ValidationFailed(
                {"entry_no": [_("There is no logged segment %(no)s.") % {"no": data["entry_no"]}]}
            )
        result = services.segment_reuse_logged_segment(
            actor=request.user, segment=segment, logged_segment=logged
        )
        return Response(result_data(result), status=status.HTTP_201_CREATED)


@extend_schema(parameters=[SEGMENT_NO])
class CriteriaActionListView(generics.ListAPIView):
    """The criteria actions of a segment, oldest first (its history, reference 1.11)."""

    serializer_class = CriteriaActionSerializer
    write_capability = permissions.MARKETING

    def get_queryset(self) -> QuerySet[SegmentCriteriaAction]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return SegmentCriteriaAction.objects.none()
        segment = selectors.segment_get(self.kwargs["no"])
        return selectors.segment_criteria_actions(segment).select_related("created_by")


class SavedCriteriaListView(generics.ListAPIView):
    """Saved segment criteria, by code."""

    serializer_class = SavedCriteriaSerializer
    write_capability = permissions.MARKETING

    def get_queryset(self) -> QuerySet[SavedSegmentCriteria]:
        return selectors.saved_criteria_list()


urlpatterns = [
    path(
        "segments/<str:no>/add-contacts/",
        AddContactsView.as_view(),
        name="segment-add-contacts",
    ),
    path(
        "segments/<str:no>/reduce-contacts/",
        ReduceContactsView.as_view(),
        name="segment-reduce-contacts",
    ),
    path(
        "segments/<str:no>/refine-contacts/",
        RefineContactsView.as_view(),
        name="segment-refine-contacts",
    ),
    path("segments/<str:no>/go-back/", GoBackView.as_view(), name="segment-go-back"),
    path(
        "segments/<str:no>/save-criteria/",
        SaveCriteriaView.as_view(),
        name="segment-save-criteria",
    ),
    path(
        "segments/<str:no>/reuse-criteria/",
        ReuseCriteriaView.as_view(),
        name="segment-reuse-criteria",
    ),
    path(
        "segments/<str:no>/reuse-logged-segment/",
        ReuseLoggedSegmentView.as_view(),
        name="segment-reuse-logged-segment",
    ),
    path(
        "segments/<str:no>/criteria-actions/",
        CriteriaActionListView.as_view(),
        name="segment-criteria-actions",
    ),
    path(
        "saved-segment-criteria/",
        SavedCriteriaListView.as_view(),
        name="saved-segment-criteria-list",
    ),
]
