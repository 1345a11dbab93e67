"""`POST interactions/<entry_no>/resend/` and `POST logged-segments/<entry_no>/resend/`
(API.md): queue again what failed, never what was delivered."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.core import permissions
from rapport.core.api.serializers import ActionSerializer, refuse_body
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import NotFoundError
from rapport.delivery.api.common import (
    DeliveryJobSerializer,
    delivery_job,
    interaction_delivery,
    logged_segment_delivery,
    resend_selection,
)

ENTRY_NO = OpenApiParameter("entry_no", OpenApiTypes.INT, OpenApiParameter.PATH)
MAX_SELECTION = 100_000


class ResendSelectionSerializer(ActionSerializer):
    entry_nos = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=MAX_SELECTION,
        help_text="Only these interactions of the logged segment (default: all that failed).",
    )


class ResendResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="Failed messages queued again.")
    job = DeliveryJobSerializer(allow_null=True)


def _answer(queued: int, delivery: Any) -> Response:
    return Response({"queued": queued, "job": delivery_job(delivery)})


@extend_schema(parameters=[ENTRY_NO])
class InteractionResendView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    @extend_schema(request=None, responses=ResendResultSerializer)
    def post(self, request: Request, entry_no: int) -> Response:
        """Send the interaction again when its delivery failed (a delivered one never is):
        `queued` is 1 or 0; `job` the delivery to follow at `jobs/<id>/`."""
        from rapport.delivery.services import resend

        refuse_body(request)
        delivery = interaction_delivery(entry_no)
        if delivery is None:
            raise NotFoundError(
                _("Interaction %(no)s was not delivered, so there is nothing to resend.")
                % {"no": entry_no}
            )
        queued = resend(actor=request.user, entry_nos=[entry_no])
        return _answer(queued, delivery)


@extend_schema(parameters=[ENTRY_NO])
class LoggedSegmentResendView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    @extend_schema(request=ResendSelectionSerializer, responses=ResendResultSerializer)
    def post(self, request: Request, entry_no: int) -> Response:
        """Send again the logged segment's failed messages, or only those of `entry_nos`
        (interactions of this logged segment); delivered ones never."""
        from rapport.delivery.services import resend

        serializer = ResendSelectionSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        delivery = logged_segment_delivery(entry_no)
        if delivery is None:
            raise NotFoundError(
                _("Logged segment %(no)s was not delivered, so there is nothing to resend.")
                % {"no": entry_no}
            )
        selection = serializer.validated_data.get("entry_nos")
        if selection:
            queued = resend(
                actor=request.user,
                entry_nos=resend_selection(selection, entry_no),
                logged_segment_entry_no=entry_no,
            )
        else:
            queued = resend(actor=request.user, logged_segment_entry_no=entry_no)
        return _answer(queued, delivery)


urlpatterns = [
    path(
        "interactions/<int:entry_no>/resend/",
        InteractionResendView.as_view(),
        name="interaction-resend",
    ),
    path(
        "logged-segments/<int:entry_no>/resend/",
        LoggedSegmentResendView.as_view(),
        name="logged-segment-resend",
    ),
]
