"""The statistics endpoints (API.md): `GET <resource>/<key>/statistics/?date_from=&date_to=` for
contacts, salespeople, interaction templates, interaction groups and campaigns. Each answers the
figures of reference 2.8 and `months` for a chart. The templates' and groups' viewsets call
`statistics_response`; the contact, salesperson and campaign routes are served by the views
below (rapport/interactions/api/urls.py), so that those lower apps need not know interactions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.campaigns.selectors import campaign_list
from rapport.contacts.selectors import contact_get, salesperson_get
from rapport.core import permissions
from rapport.interactions import selectors
from rapport.interactions.api.serializers import (
    ContactStatisticsSerializer,
    StatisticsQuerySerializer,
    StatisticsSerializer,
)

DATE_PARAMETERS = [
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description="Count interactions on or after this date."
    ),
    OpenApiParameter(
        "date_to", OpenApiTypes.DATE, description="Count interactions on or before this date."
    ),
]
STATISTICS_SCHEMA: dict[str, Any] = {
    "parameters": DATE_PARAMETERS,
    "responses": StatisticsSerializer,
    "request": None,
}
CONTACT_STATISTICS_SCHEMA: dict[str, Any] = {
    "parameters": DATE_PARAMETERS,
    "responses": ContactStatisticsSerializer,
    "request": None,
}

_FIGURES: dict[str, Callable[..., Any]] = {
    "contact": selectors.contact_statistics,
    "salesperson": selectors.salesperson_statistics,
    "template": selectors.template_statistics,
    "group": selectors.group_statistics,
    "campaign": selectors.campaign_statistics,
}


def statistics_response(request: Request, **scope: Any) -> Response:
    """The statistics of one contact, salesperson, template, group or campaign (`scope`:
    exactly one of those, e.g. `contact=...`) for the request's date filter. A bad date gives
    400 in the error shape."""
    query = StatisticsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    dates = {
        "date_from": query.validated_data.get("date_from"),
        "date_to": query.validated_data.get("date_to"),
    }
    ((name, subject),) = scope.items()
    figures = _FIGURES[name](subject, **dates)
    months = selectors.monthly_series(**dates, **{name: subject})
    serializer = ContactStatisticsSerializer if name == "contact" else StatisticsSerializer
    bucket = months[0].bucket if months else "month"
    return Response(serializer({**vars(figures), "months": months, "bucket": bucket}).data)


class ContactStatisticsView(APIView):
    """A contact's interaction statistics (reference 2.8; a company's include its persons').
    Served at `contacts/<no>/statistics/` by this app, so that contacts need not know about
    interactions."""

    @extend_schema(**CONTACT_STATISTICS_SCHEMA)
    def get(self, request: Request, no: str) -> Response:
        return statistics_response(request, contact=contact_get(no))


class SalespersonStatisticsView(APIView):
    """A salesperson's interaction statistics (reference 2.8), at
    `salespeople/<code>/statistics/`."""

    @extend_schema(**STATISTICS_SCHEMA)
    def get(self, request: Request, code: str) -> Response:
        return statistics_response(request, salesperson=salesperson_get(code))


class CampaignStatisticsView(APIView):
    """The campaign's interaction statistics (reference 2.8)."""

    # Served at `campaigns/<no>/statistics/` by this app, so that campaigns need not know about
    # interactions; it answers as the campaign viewset's action it replaces (404 "Not found.",
    # the OPTIONS name, the role a write would need: 405 for marketing, 403 below it).
    name = "Statistics"
    write_capability = permissions.MARKETING

    @extend_schema(**STATISTICS_SCHEMA)
    def get(self, request: Request, no: str) -> Response:
        return statistics_response(
            request, campaign=get_object_or_404(campaign_list(), no=str(no).upper())
        )
