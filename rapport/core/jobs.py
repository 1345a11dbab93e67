"""Background jobs, whatever app runs them (API.md: `GET /api/v1/jobs/<id>/`).

An app that runs long work registers a *job source*: a function that, given a job id, returns
the job as API.md describes it (`{"id", "kind", "status", "progress", "result", ...}` plus
`"user_id"`, the user who started it) or None when the id is not one of its jobs. The jobs
endpoint asks each source in turn, so a lower app serves the jobs of a higher one without
importing it. Sources are registered in the owning app's `AppConfig.ready()`.

A job's `status` is one of `JOB_STATUSES` (API.md): `queued`, `running`, `done`, `failed`.
A task whose worker stopped while running it (killed, its machine lost) is failed by the
worker's recovery with the exception class `WORKER_STOPPED`, so that the job's source can say
what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JobSource = Callable[[str], dict[str, Any] | None]

JOB_STATUSES = ("queued", "running", "done", "failed")


class WorkerStopped(Exception):
    """The worker stopped while it was running the task (recorded by recovery, never raised)."""


WORKER_STOPPED = f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}"
"""The exception class path recovery gives the task result of a stopped worker."""

_sources: dict[str, JobSource] = {}


def register_job_source(name: str, source: JobSource) -> None:
    """Register (or replace, so `ready()` may run twice) the job source called `name`."""
    _sources[name] = source


def job_find(job_id: str) -> dict[str, Any] | None:
    """The job `job_id` from the first source that knows it, or None."""
    job_id = str(job_id)[:64]
    for source in _sources.values():
        job = source(job_id)
        if job is not None:
            return job
    return None
