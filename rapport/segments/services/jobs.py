"""Starting a failed background log again (`segment_log_job_restart`), for the job page's
"Start again" button and `POST /api/v1/jobs/<id>/restart/`.

A background log that failed wrote nothing (one transaction), whatever made it fail: its worker
was killed (recovery marks the job failed), the log was refused by a rule, or an error. Starting
it again queues a new job with the same options, as the user who starts it again; the old job
stays as it was. Nothing can be logged twice: the log deletes the segment, so a job whose
segment is gone cannot be started again, and neither can one whose segment is being logged by
another queued or running job.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record
from rapport.core.errors import ConflictError, NotFoundError
from rapport.segments.models import Segment
from rapport.segments.services.headers import check_may_segment, lock_segment
from rapport.segments.tasks import job_data, job_get, segment_log_task

# The options of `segment_log_task` a new job takes over from the failed one.
RESTARTED_OPTIONS = (
    "follow_up",
    "follow_up_outcome",
    "follow_up_evaluation",
    "follow_up_copy_setup",
    "deliver",
)


def _active_log(segment_no: str) -> str | None:
    """The id of a queued or running log job of segment `segment_no` (tasks kept in the
    database), else None."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(segment_log_task.get_backend(), DatabaseBackend):
        return None
    found = (
        DBTaskResult.objects.filter(
            task_path=segment_log_task.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        .values_list("id", "args_kwargs")
        .order_by("enqueued_at")
    )
    for job_id, args_kwargs in found:
        if (args_kwargs.get("kwargs") or {}).get("segment_no") == segment_no:
            return str(job_id)
    return None


def segment_log_job_restart(*, actor: Any, job_id: str) -> TaskResult:
    """Queue the failed segment-log job `job_id` again as `actor` (marketing role): a new job,
    with the old one's options, that `rapport worker` runs. NotFoundError when there is no
    such job; ConflictError (409) when it has not failed, when its segment no longer exists (it
    may have been logged), or when the segment is being logged by another job. The restart is
    audited (the log it runs is too, as `segment_log`)."""
    check_may_segment(actor)
    old = job_get(job_id)
    if old is None:
        raise NotFoundError(_("There is no job %(id)s.") % {"id": str(job_id)[:64]})
    data = job_data(old)
    if data["status"] != "failed":
        raise ConflictError(
            _("Job %(id)s has not failed: only a failed job can be started again.")
            % {"id": data["id"]},
            code="job_not_failed",
        )
    segment_no = str(data["segment_no"])
    with transaction.atomic():
        segment = Segment.objects.filter(no=segment_no).first()
        if segment is None:
            raise ConflictError(
                _(
                    "Segment %(no)s no longer exists (it may have been logged): there is "
                    "nothing to start again."
                )
                % {"no": segment_no},
                code="not_found",
            )
        lock_segment(segment)  # one restart at a time per segment
        active = _active_log(segment_no)
        if active is not None:
            raise ConflictError(
                _("Segment %(no)s is already being logged (job %(id)s).")
                % {"no": segment_no, "id": active},
                code="already_running",
            )
        options = {key: old.kwargs[key] for key in RESTARTED_OPTIONS if key in old.kwargs}
        new = segment_log_task.enqueue(segment_no=segment_no, user_id=actor.pk, **options)
        audit_record(
            operation="segment_log_job_restart",
            object_type="segment",
            object_key=segment_no,
            actor=actor,
            details={"failed_job": str(data["id"]), "job": str(new.id), **options},
        )
        return new
