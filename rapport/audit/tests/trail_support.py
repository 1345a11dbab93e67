"""What the actor-resolution tests of test_trail.py run: a page and an API view that write one
audit entry, a command and a background task that do the same (nothing here is routed or
scheduled outside those tests)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.tasks import task
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapport.audit.services import audit_record
from rapport.core.management.base import RapportCommand


def record(operation: str) -> None:
    audit_record(operation=operation, object_type="thing", object_key="T1")


def page(request: HttpRequest) -> HttpResponse:
    record("trail_test_page")
    return HttpResponse(status=204)


class ApiRecord(APIView):
    write_capability = None

    def post(self, request: Request) -> Response:
        record("trail_test_api")
        return Response(status=204)


class Command(RapportCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        record("trail_test_cli")


@task()
def record_task() -> None:
    record("trail_test_worker")


urlpatterns = [
    path("trail-test/", page),
    path("api/trail-test/", ApiRecord.as_view()),
]
