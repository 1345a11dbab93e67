"""The background log of a big segment: its job page (polled until the job ends) and, when the
job failed, its "Start again" button (`services.segment_log_job_restart`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.tasks import TaskResult
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import generic

from rapport.core.errors import DomainError
from rapport.core.views import CapabilityRequiredMixin
from rapport.segments import services, tasks
from rapport.segments.views.base import WRITE
from rapport.segments.views.log import _segment_url


def _own_job(request: HttpRequest, job_id: str) -> TaskResult:
    """The user's own segment-log job `job_id` (404 for anyone else's or an unknown id)."""
    job = tasks.job_get(job_id)
    if job is None or job.kwargs.get("user_id") != request.user.pk:
        raise Http404(_("There is no such job."))
    return job


class SegmentLogJobView(CapabilityRequiredMixin, generic.TemplateView):
    """A big segment being logged in the background: the page polls itself (htmx) until the
    job ends, then goes to the result page (or shows why it failed, with "Start again" while
    the segment exists)."""

    template_name = "segments/log/job.html"
    write_capability = WRITE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = tasks.job_data(_own_job(request, kwargs["job_id"]))
        result = data["result"] if isinstance(data["result"], dict) else {}
        if data["status"] == "done":
            target = reverse(
                "segments:segment-log-result", args=[result["logged_segment_entry_no"]]
            )
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        segment_url = _segment_url(data["segment_no"])
        restart_url = None
        if data["status"] == "failed" and segment_url:
            restart_url = reverse("segments:segment-log-job-restart", args=[data["id"]])
        context = self.get_context_data(
            job=data,
            error=(result.get("error") or {}).get("message", ""),
            title=_("Logging segment %(no)s") % {"no": data["segment_no"]},
            segment_url=segment_url,
            restart_url=restart_url,
        )
        template = self.template_name
        if getattr(request, "htmx", False):
            template = f"{template}#status"
        return render(request, template, context)


class SegmentLogJobRestartView(CapabilityRequiredMixin, generic.View):
    """The "Start again" button (POST): queue the failed job again and go to the new job's
    page; a refusal (not failed, the segment gone or being logged) goes back to the old job's
    page with the reason."""

    http_method_names = ["post"]
    write_capability = WRITE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        old = _own_job(request, kwargs["job_id"])
        try:
            new = services.segment_log_job_restart(actor=request.user, job_id=str(old.id))
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("segments:segment-log-job", args=[old.id]))
        messages.success(request, _("The log has been started again."))
        return HttpResponseRedirect(reverse("segments:segment-log-job", args=[new.id]))


urlpatterns: list[URLPattern] = [
    path(
        "logged-segments/jobs/<str:job_id>/",
        SegmentLogJobView.as_view(),
        name="segment-log-job",
    ),
    path(
        "logged-segments/jobs/<str:job_id>/restart/",
        SegmentLogJobRestartView.as_view(),
        name="segment-log-job-restart",
    ),
]
