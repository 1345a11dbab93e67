"""Background work of segments (Django's tasks API, run by `rapport worker`).

A segment of `services.log.BACKGROUND_THRESHOLD` lines or more is logged by `segment_log_task`
(queued by `services.segment_log_start`): the same `services.segment_log`, still one
transaction. The job's status is the task result's (API.md: queued, running, done, failed);
its result is what the synchronous log answers, or the refusal (`{"error": {...}}`) when the
log was refused by a rule. Intermediate progress is not observable: the log is one statement
inside one transaction, so the page shows the status. A job whose worker stopped (killed: its
transaction never committed, nothing was logged) is failed by the worker's recovery and says
so; a failed job can be started again (`services.segment_log_job_restart`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.tasks import TaskResult, TaskResultStatus, default_task_backend, task
from django.utils.translation import gettext as _

from rapport.core.errors import DomainError
from rapport.core.jobs import WORKER_STOPPED
from rapport.segments.models import Segment

JOB_KIND = "segment_log"


def log_result_data(result: Any) -> dict[str, Any]:
    """A `LogResult` as the API and the job give it."""
    return {
        "segment_no": result.segment_no,
        "logged_segment_entry_no": result.logged_segment.entry_no
        if result.logged_segment is not None
        else None,
        "no_of_interactions": result.no_of_interactions,
        "follow_up_segment_no": result.follow_up_segment.no
        if result.follow_up_segment is not None
        else None,
        "follow_up_no_of_lines": result.follow_up_lines,
        "campaign_nos": list(result.campaigns),
        "dry_run": result.dry_run,
        "deliver": result.deliver,
        "deliveries": dict(result.deliveries),
    }


@task()
def segment_log_task(
    *,
    segment_no: str,
    user_id: int,
    follow_up: bool = False,
    follow_up_outcome: str = "all",
    follow_up_evaluation: str | None = None,
    follow_up_copy_setup: bool = False,
    deliver: bool | None = None,
) -> dict[str, Any]:
    """Log segment `segment_no` as user `user_id` (see `services.segment_log`)."""
    # Imported when the task runs: the logging services queue this task, so they import this
    # module, not the other way round.
    from rapport.segments.services.log import segment_log

    actor = get_user_model().objects.get(pk=user_id)
    try:
        segment = Segment.objects.get(no=segment_no)
        result = segment_log(
            actor=actor,
            segment=segment,
            follow_up=follow_up,
            follow_up_outcome=follow_up_outcome,
            follow_up_evaluation=follow_up_evaluation,
            follow_up_copy_setup=follow_up_copy_setup,
            deliver=deliver,
        )
    except Segment.DoesNotExist:
        return {
            "error": {
                "code": "not_found",
                "message": f"Segment {segment_no} no longer exists (it may have been logged).",
                "fields": {},
            }
        }
    except DomainError as error:
        return {"error": {"code": error.code, "message": error.message, "fields": error.fields()}}
    return log_result_data(result)


def enqueue_segment_log(*, actor: Any, segment: Segment, **options: Any) -> TaskResult:
    """Queue the logging of `segment` (the options of `services.segment_log`, without dry run).
    Called by `services.segment_log_start`, which decides."""
    return segment_log_task.enqueue(segment_no=segment.no, user_id=actor.pk, **options)


def job_get(job_id: str) -> TaskResult | None:
    """The segment-log job `job_id`, or None when there is none."""
    try:
        result = default_task_backend.get_result(str(job_id)[:64])
    except Exception:  # an unknown or malformed id
        return None
    if result.task.name != segment_log_task.name:
        return None
    return result


STATUS_NAMES = {
    TaskResultStatus.READY: "queued",
    TaskResultStatus.RUNNING: "running",
    TaskResultStatus.SUCCESSFUL: "done",
    TaskResultStatus.FAILED: "failed",
}


def _failure(result: TaskResult) -> dict[str, Any]:
    """The error of a FAILED task result: the worker stopped (recovery), or an error."""
    stopped = any(error.exception_class_path == WORKER_STOPPED for error in result.errors)
    if stopped:
        code = "worker_stopped"
        message = _("The worker stopped while logging; nothing was logged. Start it again.")
    else:
        code = "server_error"
        message = _("The job failed unexpectedly; nothing was logged.")
    return {"error": {"code": code, "message": str(message), "fields": {}}}


def job_data(result: TaskResult) -> dict[str, Any]:
    """{"id", "kind", "status", "progress", "result"} (API.md's job; `status` one of
    `jobs.JOB_STATUSES`). A log refused by a rule is a failed job whose result is the refusal;
    a job whose worker stopped or that failed on an error is failed with `{"error": ...}`
    saying so; `progress` is 0 until the job ends, then 100."""
    status = STATUS_NAMES.get(result.status, "queued")
    value: Any = None
    if result.status == TaskResultStatus.SUCCESSFUL:
        value = result.return_value
        if isinstance(value, dict) and "error" in value:
            status = "failed"
    elif result.status == TaskResultStatus.FAILED:
        value = _failure(result)
    return {
        "id": str(result.id),
        "kind": JOB_KIND,
        "status": status,
        "progress": 100 if result.is_finished else 0,
        "user_id": result.kwargs.get("user_id"),
        "segment_no": result.kwargs.get("segment_no"),
        "result": value,
    }


def segment_log_job(job_id: str) -> dict[str, Any] | None:
    """The job source of segment logs (`rapport.core.jobs`)."""
    result = job_get(job_id)
    return None if result is None else job_data(result)
