"""Who is acting, for operations that do not receive an `actor=` (read by the audit trail,
`rapport.audit`). It lives in core so that every layer (commands, the worker) can set it.

The web middleware (`rapport.audit.middleware.AuditActorMiddleware`) makes the current request
the actor's source: its `user` is read when an entry is written, so a DRF token login (which sets
`request.user` inside the view) counts too. The CLI and the worker set the actor with
`acting_as`. An explicit `actor=` passed to `rapport.audit.services.audit_record` always wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a change came from."""

    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    WORKER = "worker", _("Background job")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Acting:
    user: Any = None  # a User, or None
    request: Any = None  # an HttpRequest whose .user is read late
    source: str = Source.SYSTEM
    name: str = ""  # shown when there is no user (e.g. the OS user of a command line)


_acting: ContextVar[Acting | None] = ContextVar("rapport_audit_acting", default=None)


@contextmanager
def acting_as(
    user: Any = None, *, source: str, request: Any = None, name: str = ""
) -> Iterator[None]:
    """Within the block, changes are recorded as done by `user` (or the request's user) from
    `source`."""
    token = _acting.set(Acting(user=user, request=request, source=source, name=name))
    try:
        yield
    finally:
        _acting.reset(token)


def current_acting() -> Acting | None:
    return _acting.get()


def resolve_actor(actor: Any = None) -> tuple[int | None, str, str]:
    """(user id, user name, source) of whoever acts now; `actor` when given."""
    acting = _acting.get()
    source = acting.source if acting is not None else Source.SYSTEM
    user = actor
    if user is None and acting is not None:
        user = acting.user
        if user is None and acting.request is not None:
            user = getattr(acting.request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk, user.get_username(), source
    return None, acting.name if acting is not None else "", source
