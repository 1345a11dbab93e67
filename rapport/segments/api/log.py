"""Logging a segment and the logged segments (API.md): `POST segments/<no>/log/`, the
`logged-segments` resource keyed by `entry_no` with its actions, and `jobs/<id>/` for a log
that runs in the background (a segment of 20,000 lines or more answers 202 with the job)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.core import jobs, permissions
from rapport.core.api.serializers import ActionSerializer, refuse_body
from rapport.core.api.views import NoticesMixin
from rapport.core.errors import NotFoundError
from rapport.interactions import selectors as interaction_selectors
from rapport.interactions.api.serializers import InteractionSerializer
from rapport.interactions.choices import Evaluation
from rapport.segments import selectors, services, tasks
from rapport.segments.choices import FollowUpOutcome
from rapport.segments.models import LoggedSegment

NO = OpenApiParameter("no", OpenApiTypes.STR, OpenApiParameter.PATH, description="Segment no.")
ENTRY_NO = OpenApiParameter(
    "entry_no", OpenApiTypes.INT, OpenApiParameter.PATH, description="Logged segment entry no."
)
JOB_ID = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Job id.")


class LogRequestSerializer(ActionSerializer):
    deliver = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Send or print the logged entries (reference 2.5). Left out or null: yes "
        "when a line has a correspondence type. Every line to deliver needs an attachment.",
    )
    follow_up = serializers.BooleanField(required=False, default=False)
    follow_up_outcome = serializers.ChoiceField(
        choices=FollowUpOutcome.choices, required=False, default=FollowUpOutcome.ALL
    )
    follow_up_evaluation = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=20,
        help_text="With follow_up_outcome=evaluation: this evaluation or worse, one of "
        + ", ".join(value for value in Evaluation.values if value)
        + ".",
    )
    follow_up_copy_setup = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(required=False, default=False)


class LogResultSerializer(serializers.Serializer):
    segment_no = serializers.CharField()
    logged_segment_entry_no = serializers.IntegerField(allow_null=True)
    no_of_interactions = serializers.IntegerField()
    follow_up_segment_no = serializers.CharField(allow_null=True)
    follow_up_no_of_lines = serializers.IntegerField()
    campaign_nos = serializers.ListField(child=serializers.CharField())
    dry_run = serializers.BooleanField()
    deliver = serializers.BooleanField()
    deliveries = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="With deliver: the entries delivered (in a dry run: to deliver) per "
        "correspondence type (email, hard_copy, fax).",
    )


class JobSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=list(jobs.JOB_STATUSES))
    progress = serializers.IntegerField(
        help_text="0-100: for a segment log 0 until the job ends, then 100; for a delivery the "
        "share of messages done."
    )
    segment_no = serializers.CharField(required=False, help_text="A segment log's segment.")
    done = serializers.IntegerField(required=False, help_text="A delivery's messages done.")
    total = serializers.IntegerField(required=False, help_text="A delivery's messages in all.")
    result = serializers.JSONField(allow_null=True)


JOB_FIELDS = ("id", "kind", "status", "progress", "segment_no", "done", "total", "result")


class JobResponseSerializer(serializers.Serializer):
    job = JobSerializer()


class LoggedSegmentSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None)
    no_of_interactions = serializers.IntegerField(
        read_only=True,
        help_text="Its interactions whose canceled equals the logged segment's (NAV).",
    )

    class Meta:
        model = LoggedSegment
        fields = [
            "entry_no",
            "segment_no",
            "description",
            "creation_date",
            "user",
            "no_of_interactions",
            "canceled",
            "follow_up_segment_no",
        ]
        read_only_fields = fields


class LoggedSegmentDeleteCanceledSerializer(ActionSerializer):
    """The filters of the canceled logged segments to delete; an unknown key or a null value
    is refused (400), so a typo never widens the delete."""

    entry_no = serializers.IntegerField(required=False, min_value=1)
    segment_no = serializers.CharField(required=False, allow_blank=True, max_length=20)
    dry_run = serializers.BooleanField(required=False, default=False)


class LoggedSegmentDeleteCanceledResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    dry_run = serializers.BooleanField()


def _job_body(result: Any) -> dict[str, Any]:
    return _job_response(tasks.job_data(result))


def _job_response(data: dict[str, Any]) -> dict[str, Any]:
    return {"job": {key: data[key] for key in JOB_FIELDS if key in data}}


@extend_schema(parameters=[NO])
class SegmentLogView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    @extend_schema(
        request=LogRequestSerializer,
        responses={200: LogResultSerializer, 202: JobResponseSerializer},
    )
    def post(self, request: Request, no: str) -> Response:
        """Log the segment (reference 2.5): one interaction per line with a contact, a logged
        segment, one campaign entry per campaign; the segment is removed. `follow_up` creates
        the follow-up segment (numbered from Segment Nos.) with all contacts, only the failed
        attempts, or `follow_up_evaluation` or worse; `follow_up_copy_setup` copies the
        interaction setup. `deliver` sends or prints the entries (default: when a line has a
        correspondence type). `dry_run` checks and counts, writing nothing. A segment of 20,000
        lines or more answers 202 with a job to poll at `jobs/<id>/`."""
        serializer = LogRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = dict(serializer.validated_data)
        started = services.segment_log_start(
            actor=request.user, segment=services.segment_to_log(no), **options
        )
        if started.job is not None:
            return Response(_job_body(started.job), status=status.HTTP_202_ACCEPTED)
        result = started.result
        return Response(tasks.log_result_data(result))


@extend_schema(parameters=[JOB_ID])
class JobDetailView(APIView):
    @extend_schema(responses=JobResponseSerializer)
    def get(self, request: Request, id: str) -> Response:
        """A background job (a segment being logged, a delivery): `status` queued, running,
        done or failed; `progress`; for a delivery `done` of `total` messages; `result`
        what the job answers (or `{"error": ...}` when it was refused)."""
        job = jobs.job_find(id)
        if job is None or (
            job.get("user_id") != request.user.pk
            and not permissions.user_can(request.user, permissions.MARKETING)
        ):
            raise NotFoundError(_("There is no job %(id)s.") % {"id": str(id)[:64]})
        return Response(_job_response(job))


@extend_schema(parameters=[JOB_ID])
class JobRestartView(APIView):
    write_capability = permissions.MARKETING

    @extend_schema(request=None, responses={202: JobResponseSerializer})
    def post(self, request: Request, id: str) -> Response:
        """Start a failed segment log again: 202 with the new job (same options, as you); the
        old job stays failed. 409 when the job has not failed, when its segment no longer
        exists (it may have been logged) or is being logged by another job."""
        job = tasks.job_get(id)
        if job is None:
            raise NotFoundError(_("There is no job %(id)s.") % {"id": str(id)[:64]})
        new = services.segment_log_job_restart(actor=request.user, job_id=str(job.id))
        return Response(_job_body(new), status=status.HTTP_202_ACCEPTED)


class LoggedSegmentListView(generics.ListAPIView):
    """Logged segments (reference 2.6), newest first; filters `?segment_no=`, `?canceled=`,
    `?entry_no=`; `?search=` in segment no. and description."""

    serializer_class = LoggedSegmentSerializer
    write_capability = permissions.MARKETING
    filterset_fields = ["entry_no", "segment_no", "canceled"]
    search_fields = ["segment_no", "description"]
    ordering_fields = ["entry_no", "creation_date", "segment_no"]
    ordering = ["-entry_no"]

    def get_queryset(self) -> Any:
        return services.logged_segments()


class _LoggedSegmentView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    def logged(self, entry_no: int) -> LoggedSegment:
        return selectors.logged_segment_get(entry_no)

    def respond(self, logged: LoggedSegment) -> Response:
        fresh = services.logged_segments().get(pk=logged.pk)
        return Response(LoggedSegmentSerializer(fresh).data)


@extend_schema(parameters=[ENTRY_NO])
class LoggedSegmentDetailView(_LoggedSegmentView):
    @extend_schema(responses=LoggedSegmentSerializer)
    def get(self, request: Request, entry_no: int) -> Response:
        return self.respond(self.logged(entry_no))


@extend_schema(parameters=[ENTRY_NO])
class LoggedSegmentCancelView(_LoggedSegmentView):
    @extend_schema(request=None, responses=LoggedSegmentSerializer)
    def post(self, request: Request, entry_no: int) -> Response:
        """Cancel the logged segment with its interactions and campaign entries."""
        refuse_body(request)
        logged = services.logged_segment_cancel(
            actor=request.user, logged_segment=self.logged(entry_no)
        )
        return self.respond(logged)


@extend_schema(parameters=[ENTRY_NO])
class LoggedSegmentUncancelView(_LoggedSegmentView):
    @extend_schema(request=None, responses=LoggedSegmentSerializer)
    def post(self, request: Request, entry_no: int) -> Response:
        """Un-cancel the logged segment with its interactions and campaign entries."""
        refuse_body(request)
        logged = services.logged_segment_uncancel(
            actor=request.user, logged_segment=self.logged(entry_no)
        )
        return self.respond(logged)


@extend_schema(parameters=[ENTRY_NO])
class LoggedSegmentInteractionsView(generics.ListAPIView):
    """The interactions logged with the logged segment, in entry order."""

    serializer_class = InteractionSerializer
    write_capability = permissions.MARKETING
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return interaction_selectors.interaction_log().none()
        logged = selectors.logged_segment_get(self.kwargs["entry_no"])
        return (
            interaction_selectors.interaction_log()
            .filter(logged_segment_entry_no=logged.entry_no)
            .order_by("entry_no")
        )


class LoggedSegmentDeleteCanceledView(NoticesMixin, APIView):
    write_capability = permissions.MARKETING

    @extend_schema(
        request=LoggedSegmentDeleteCanceledSerializer,
        responses=LoggedSegmentDeleteCanceledResultSerializer,
    )
    def post(self, request: Request) -> Response:
        """Delete the canceled logged segments that match `entry_no` and `segment_no` (all
        canceled ones without filters); their interactions and campaign entries stay. Returns
        how many; `"dry_run": true` only counts them."""
        serializer = LoggedSegmentDeleteCanceledSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        count = services.logged_segments_delete_canceled(
            actor=request.user,
            entry_no=data.get("entry_no"),
            segment_no=data.get("segment_no"),
            dry_run=data["dry_run"],
        )
        return Response({"count": count, "dry_run": data["dry_run"]})


urlpatterns = [
    path("segments/<str:no>/log/", SegmentLogView.as_view(), name="segment-log"),
    path("jobs/<str:id>/", JobDetailView.as_view(), name="job-detail"),
    path("jobs/<str:id>/restart/", JobRestartView.as_view(), name="job-restart"),
    path("logged-segments/", LoggedSegmentListView.as_view(), name="logged-segment-list"),
    path(
        "logged-segments/delete-canceled/",
        LoggedSegmentDeleteCanceledView.as_view(),
        name="logged-segment-delete-canceled",
    ),
    path(
        "logged-segments/<int:entry_no>/",
        LoggedSegmentDetailView.as_view(),
        name="logged-segment-detail",
    ),
    path(
        "logged-segments/<int:entry_no>/cancel/",
        LoggedSegmentCancelView.as_view(),
        name="logged-segment-cancel",
    ),
    path(
        "logged-segments/<int:entry_no>/uncancel/",
        LoggedSegmentUncancelView.as_view(),
        name="logged-segment-uncancel",
    ),
    path(
        "logged-segments/<int:entry_no>/interactions/",
        LoggedSegmentInteractionsView.as_view(),
        name="logged-segment-interactions",
    ),
]
