"""Delivery's registrations in the registries of the apps below it (called from
`registrations.register_all`)."""

from __future__ import annotations


def register() -> None:
    """The interactions' delivery requester and the job source "delivery"."""
    from rapport.core.jobs import register_job_source
    from rapport.delivery.services.progress import delivery_job
    from rapport.delivery.services.queue import delivery_requested
    from rapport.interactions.services.delivery_hooks import register_delivery_requester

    register_delivery_requester(delivery_requested)
    register_job_source("delivery", delivery_job)
