"""Fixtures of the reliability tests, and the child side of their processes.

`processes` (fixture): OS processes (multiprocessing's *spawn*: fresh interpreters, nothing
shared with the test but what is passed) that work at the same time on the test's database.
The test's data must be committed for them to see it: such tests use
`pytest.mark.django_db(transaction=True)`. Each child is given the test database's connection
settings explicitly (pytest-django's `test_…` name, per xdist worker) and sets them before
`django.setup()`. Setting Django up costs a child one to two seconds of CPU, so the children
are started once per test module (when a test first needs them) and take one call per test:
a function of the test module (named `module:function`, imported after the set-up, so test
modules may import models at the top); a child closes its connections after each call.

    sync = processes.sync(parties=2)
    answers = processes.run([(work, {"n": 3}), (work, {"n": 4})], sync=sync)

Each function is called as `function(sync=sync, **kwargs)` in its own process, all at once;
`sync.line_up()` waits at a barrier for all of them, so that their work really overlaps;
`sync.events[HELD]` is an event one process may set for another. An exception in a child
fails the test with the child's traceback; children still busy after `timeout` seconds are
killed (and the next test starts new ones).

`reliability_world` (fixture): a small committed world for them (see its docstring).

Only the standard library and pytest are imported at the top: a child imports this module
before Django is set up.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

MAX_PROCESSES = 4
"""The most processes one test runs at once."""

HELD = "held"
"""The event a process sets once it has made its change and holds its transaction open."""

START_TIMEOUT = 60.0
"""How long a barrier waits for every process."""

RUN_TIMEOUT = 120.0
"""How long a test waits for its processes (their start included) before it kills them."""

POSTGRES_ONLY = (
    "needs PostgreSQL (concurrent writers and row locks; SQLite lets one writer at a time): "
    "run with DATABASE_URL=postgres://..."
)


# ---------------------------------------------------------------------------------------------
# The child side


@dataclass
class Sync:
    """What the processes share: a barrier per number of parties, and the event `HELD`. A
    test's call says how many processes line up (`parties`)."""

    barriers: dict[int, Any]
    events: dict[str, Any]
    parties: int = 0

    def line_up(self) -> None:
        self.barriers[self.parties].wait(START_TIMEOUT)


def _child(
    index: int,
    database: dict[str, Any],
    overrides: dict[str, Any],
    sync: Sync,
    inbox: Any,
    outbox: Any,
) -> None:
    """A child process: Django on the test database, then one call per message until None."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.DATABASES["default"].update(database)
    for name, value in overrides.items():
        setattr(settings, name, value)
    import django

    django.setup()
    from django.db import connections
    from django.test.utils import setup_test_environment

    setup_test_environment()  # ALLOWED_HOSTS for the test client, e-mail kept in memory
    while (message := inbox.get()) is not None:
        run, target, kwargs, parties = message
        sync.parties = parties
        outcome: tuple[str, Any]
        try:
            module, name = target.split(":")
            function = getattr(importlib.import_module(module), name)
            outcome = ("ok", function(sync=sync, **kwargs))
        except BaseException:  # reported to the test
            outcome = ("error", f"process {index}:\n{traceback.format_exc()}")
            sync.barriers[parties].abort()  # the others stop waiting for this one
        finally:
            connections.close_all()
        outbox.put((run, index, outcome))


# ---------------------------------------------------------------------------------------------
# The test side


class Processes:
    """The children of one test module (see the module's docstring)."""

    def __init__(self, database: dict[str, Any], overrides: dict[str, Any]) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.database = database
        self.overrides = overrides
        self.children: list[tuple[Any, Any]] = []  # (process, its inbox)
        self.outbox: Any = None
        self.sync_: Sync | None = None
        self.runs = 0

    def _start(self) -> None:
        self.outbox = self.context.Queue()
        self.sync_ = Sync(
            barriers={n: self.context.Barrier(n) for n in range(1, MAX_PROCESSES + 1)},
            events={HELD: self.context.Event()},
        )
        for index in range(MAX_PROCESSES):
            inbox = self.context.Queue()
            child = self.context.Process(
                target=_child,
                args=(index, self.database, self.overrides, self.sync_, inbox, self.outbox),
                name=f"reliability-{index}",
                daemon=True,
            )
            child.start()
            self.children.append((child, inbox))

    def sync(self, parties: int) -> Sync:
        """The shared barriers and events, made ready for a call of `parties` processes."""
        if not self.children:
            self._start()
        assert self.sync_ is not None and 1 <= parties <= MAX_PROCESSES
        for barrier in self.sync_.barriers.values():
            barrier.reset()
        for event in self.sync_.events.values():
            event.clear()
        self.sync_.parties = parties
        return self.sync_

    def run(
        self,
        calls: list[tuple[Callable[..., Any], dict[str, Any]]],
        *,
        sync: Sync,
        timeout: float = RUN_TIMEOUT,
    ) -> list[Any]:
        """Run `function(sync=sync, **kwargs)` for every call, each in its own process, all at
        once; their answers in the order of `calls`."""
        assert len(calls) == sync.parties, "sync(parties=...) must match the calls"
        self.runs += 1
        for (child, inbox), (function, kwargs) in zip(self.children, calls, strict=False):
            assert child.is_alive(), f"{child.name} died"
            inbox.put(
                (self.runs, f"{function.__module__}:{function.__name__}", kwargs, sync.parties)
            )
        outcomes: dict[int, tuple[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while len(outcomes) < len(calls):
            try:
                run, index, outcome = self.outbox.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                pytest.fail(f"the processes gave no answer within {timeout:.0f} s (killed)")
            if run == self.runs:
                outcomes[index] = outcome
        errors = [outcome[1] for _index, outcome in sorted(outcomes.items()) if outcome[0] != "ok"]
        if errors:
            pytest.fail("a process failed:\n" + "\n".join(errors))
        return [outcomes[index][1] for index in range(len(calls))]

    def stop(self) -> None:
        """End the children (only these processes): asked first, killed when they do not."""
        for child, inbox in self.children:
            if child.is_alive():
                inbox.put(None)
        for child, _inbox in self.children:
            child.join(5)
            if child.is_alive():
                child.kill()
                child.join(5)
        self.children = []


@pytest.fixture(scope="module")
def _module_processes(django_db_setup: None) -> Iterator[Processes]:
    from django.conf import settings
    from django.db import connection

    database = {
        key: connection.settings_dict[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")
    }
    overrides = {
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PASSWORD_HASHERS": list(settings.PASSWORD_HASHERS),
    }
    runner = Processes(database, overrides)
    yield runner
    runner.stop()


@pytest.fixture
def processes(transactional_db: None, _module_processes: Processes) -> Processes:
    """Processes working on this test's committed database; see the module's docstring."""
    return _module_processes


# ---------------------------------------------------------------------------------------------
# Data


@pytest.fixture
def reliability_world(transactional_db: None, make_user: Callable[..., Any]) -> Any:
    """Committed (the test is transactional): user `mila` (marketing) with salesperson MV and an
    API token; group PHONE with template CALL (phone, 1.50 and 10 minutes a call, no
    correspondence type); number series CONT (C00001…) as Contact Nos. and SEG (SEG00001…) as
    Segment Nos.; `contacts` persons numbered from CONT (`make_contacts(n)` makes more)."""
    from rest_framework.authtoken.models import Token

    from rapport.contacts.services import contact_create, salesperson_create
    from rapport.interactions import services as interaction_services
    from rapport.numbering.services import number_series_create
    from rapport.setup.services import marketing_setup_update

    mila = make_user(username="mila", role="marketing")
    salesperson_create(code="MV", name="Mila de Vries", user=mila)
    phone = interaction_services.interaction_group_create(code="PHONE", description="Phone calls")
    call = interaction_services.interaction_template_create(
        code="CALL",
        group=phone,
        description="Phone call",
        unit_cost="1.50",
        unit_duration=10,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="",
    )
    contact_nos = number_series_create(
        code="CONT", description="Contacts", lines=[{"starting_no": "C00001"}]
    )
    segment_nos = number_series_create(
        code="SEG", description="Segments", lines=[{"starting_no": "SEG00001"}]
    )
    marketing_setup_update(contact_nos=contact_nos, segment_nos=segment_nos)

    def make_contacts(count: int) -> list[str]:
        return [
            contact_create(type="person", name=f"Contact {index}").no
            for index in range(1, count + 1)
        ]

    return SimpleNamespace(
        mila=mila,
        token=Token.objects.create(user=mila).key,
        call=call,
        make_contacts=make_contacts,
    )
