"""The `campaign-entries` resource (API.md), keyed by `entry_no`, in the style of the
interaction log: the list (`?campaign_no=`, `?canceled=`, `?entry_no=`), one entry, its
interactions, and the actions `cancel/`, `uncancel/` and `delete-canceled/` (with `"dry_run":
true` it only counts). The rules are those of `rapport.interactions.services.campaign_entries`.

A typo must never widen or execute a delete: every action refuses keys it does not know (400,
code `unknown_field`, the platform's rule `rapport.core.api.serializers.refuse_unknown_keys`)
and `null` as a filter value."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.campaigns.models import CampaignEntry
from rapport.core import permissions
from rapport.core.api.serializers import ActionSerializer, refuse_unknown_keys
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import ValidationFailed
from rapport.interactions import selectors, services
from rapport.interactions.api.serializers import InteractionSerializer
from rapport.interactions.filtersets import MAX_ENTRY_NO, CodeFilter, IntegerFilter
from rapport.interactions.services import campaign_entries

ENTRY_NO = OpenApiParameter(
    "entry_no", OpenApiTypes.INT, OpenApiParameter.PATH, description="Campaign entry no."
)


class CampaignEntrySerializer(serializers.Serializer):
    """A campaign entry (reference 1.13) with NAV's FlowField `no_of_interactions`."""

    entry_no = serializers.IntegerField(read_only=True)
    campaign_no = serializers.CharField(source="campaign.no", read_only=True)
    description = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)
    segment_no = serializers.CharField(read_only=True)
    logged_segment_entry_no = serializers.IntegerField(
        source="register_no",
        read_only=True,
        allow_null=True,
        help_text="The logged segment it was made for (NAV's Register No.); null for a single "
        "interaction's entry.",
    )
    salesperson_code = serializers.SerializerMethodField()
    user = serializers.SerializerMethodField(help_text="The user name of who logged it.")
    canceled = serializers.BooleanField(read_only=True)
    no_of_interactions = serializers.IntegerField(
        read_only=True,
        help_text="Its interactions whose canceled equals the entry's (NAV's FlowField).",
    )

    def get_salesperson_code(self, entry: CampaignEntry) -> str:
        return entry.salesperson.code if entry.salesperson is not None else ""

    def get_user(self, entry: CampaignEntry) -> str:
        return entry.user.get_username() if entry.user is not None else ""


class CampaignEntryDeleteCanceledSerializer(ActionSerializer):
    """The filters (combined with AND) of the canceled campaign entries to delete."""

    campaign_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    entry_no = serializers.IntegerField(min_value=1, max_value=MAX_ENTRY_NO, required=False)
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="true counts what would be deleted."
    )


class CampaignEntryDeleteCanceledResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="How many canceled campaign entries were (or would be) deleted."
    )
    dry_run = serializers.BooleanField()


class CampaignEntryFilterSet(django_filters.FilterSet):
    campaign_no = CodeFilter(field_name="campaign__no", help_text="The campaign.")
    entry_no = IntegerFilter(field_name="entry_no", min_value=1, max_value=MAX_ENTRY_NO)
    canceled = django_filters.BooleanFilter(field_name="canceled")

    class Meta:
        model = CampaignEntry
        fields = ["campaign_no", "entry_no", "canceled"]


def _body(request: Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The request body as a dict, refusing a body that is not an object, keys not in
    `allowed` (400 `unknown_field`) and null values (a missing filter is left out, never
    null)."""
    data = request.data
    if not isinstance(data, dict):
        if hasattr(data, "dict"):  # a form body
            data = data.dict()
        else:
            raise ValidationFailed({"non_field_errors": ["Send a JSON object."]})
    refuse_unknown_keys(data, allowed)  # the platform's rule (400 unknown_field)
    nulls = sorted(key for key, value in data.items() if value is None)
    if nulls:
        raise ValidationFailed(
            {key: ["Leave the field out instead of sending null."] for key in nulls}
        )
    return dict(data)


@extend_schema(parameters=[ENTRY_NO])
class CampaignEntryViewSet(
    NoticesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Campaign entries (reference 1.13, NAV page Campaign entries), newest first, keyed by
    `entry_no`. They change only through the actions: `cancel/` and `uncancel/` cascade to the
    entry's interactions; `delete-canceled/` deletes canceled ones with their interactions."""

    serializer_class = CampaignEntrySerializer
    write_capability = permissions.INTERACTIONS
    lookup_field = "entry_no"
    lookup_value_regex = r"[0-9]+"
    filterset_class = CampaignEntryFilterSet
    search_fields = ["description", "segment_no"]
    ordering_fields = ["entry_no", "date"]
    ordering = ["-entry_no"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return CampaignEntry.objects.none()
        return campaign_entries.campaign_entries()

    def get_object(self) -> Any:
        entry = campaign_entries.campaign_entry_get(self.kwargs["entry_no"])
        self.check_object_permissions(self.request, entry)
        return entry

    def _respond(self, entry: CampaignEntry) -> Response:
        fresh = campaign_entries.campaign_entry_get(entry.entry_no)
        return Response(CampaignEntrySerializer(fresh).data)

    @extend_schema(request=None, responses=CampaignEntrySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, entry_no: str) -> Response:
        """Cancel the campaign entry and all its interactions (nothing is deleted). 403 for a
        salesperson when an interaction of it is another salesperson's."""
        _body(request, ())
        entry = services.campaign_entry_cancel(actor=request.user, entry=self.get_object())
        return self._respond(entry)

    @extend_schema(request=None, responses=CampaignEntrySerializer)
    @action(detail=True, methods=["post"])
    def uncancel(self, request: Request, entry_no: str) -> Response:
        """Un-cancel the campaign entry and all its interactions: 409
        (`logged_segment_canceled`) while its logged segment is canceled."""
        _body(request, ())
        entry = services.campaign_entry_uncancel(actor=request.user, entry=self.get_object())
        return self._respond(entry)

    @extend_schema(
        parameters=[],
        request=CampaignEntryDeleteCanceledSerializer,
        responses=CampaignEntryDeleteCanceledResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="delete-canceled")
    def delete_canceled(self, request: Request) -> Response:
        """Delete the canceled campaign entries that match `campaign_no` and `entry_no` (all
        canceled ones without filters), with their interactions; never one that still has an
        interaction that is not canceled. Returns how many; `"dry_run": true` only counts."""
        data = _body(request, tuple(CampaignEntryDeleteCanceledSerializer().fields))
        serializer = CampaignEntryDeleteCanceledSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        dry_run = values.pop("dry_run", False)
        filters = {key: value for key, value in values.items() if value != ""}
        count = services.campaign_entries_delete_canceled(
            actor=request.user, filters=filters, dry_run=dry_run
        )
        return Response({"count": count, "dry_run": dry_run})


@extend_schema(parameters=[ENTRY_NO])
class CampaignEntryInteractionsView(generics.ListAPIView):
    """The interactions of a campaign entry, in entry order (canceled ones too)."""

    serializer_class = InteractionSerializer
    write_capability = permissions.INTERACTIONS
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return selectors.interaction_log().none()
        entry = campaign_entries.campaign_entry_get(self.kwargs["entry_no"])
        return selectors.interaction_log().filter(campaign_entry=entry).order_by("entry_no")
