"""Test data and an in-process worker for the delivery browser journeys
(`test_delivery_journey.py`); no tests here.

`ThreadWorker` runs django-tasks-db's worker loop (what `rapport worker` runs) in a thread of
the test process, against the live server's database: with SQLite in memory it shares one
connection with the live server's threads and the test (see `ThreadWorker._share`); with
PostgreSQL it opens its own and closes it when stopped. It writes the worker heartbeat each round, so the pages
see a running worker (`worker_alive()`), and removes it when stopped."""

from __future__ import annotations

import contextlib
import threading
from types import SimpleNamespace
from typing import Any

from rapport.attachments.services import attachment_create
from rapport.contacts.models import Language
from rapport.contacts.services import contact_create, salesperson_create
from rapport.contacts.services.salutations import salutation_create
from rapport.interactions import services as interaction_services
from rapport.segments import services as segment_services

WORKER_ID = "browser-test-worker"

EMAIL_EN = """<html><body>
<p>{{ salutation }},</p>
<p>An offer for {{ contact.name }}.</p>
</body></html>"""
EMAIL_NL = """<html><body>
<p>{{ salutation }},</p>
<p>Een aanbod voor {{ contact.name }}.</p>
</body></html>"""
LETTER = """<html><body>
<p>{{ salutation }},</p>
<p>A printed letter for {{ contact.name }}.</p>
</body></html>"""


def formula(language: str, text: str, *names: str) -> dict[str, Any]:
    row: dict[str, Any] = {"language_code": language, "type": "formal", "formula": text}
    row.update({f"name_{n}": name for n, name in enumerate(names, start=1)})
    return row


def salutation() -> Any:
    """FORMAL: EN "Dear %1 %2" (first name, surname), NL "Geachte heer/mevrouw %1 %2" (middle
    name, surname)."""
    return salutation_create(
        code="FORMAL",
        description="Formal",
        formulas=[
            formula("EN", "Dear %1 %2", "first_name", "surname"),
            formula("NL", "Geachte heer/mevrouw %1 %2", "middle_name", "surname"),
        ],
    )


def people(formal: Any, *, email: bool) -> dict[str, Any]:
    """Ann Smith (English), Jan de Vries and Kees Bakker (Dutch), with salutation FORMAL."""
    en, nl = Language.objects.get(code="EN"), Language.objects.get(code="NL")
    rows = [
        ("ANN", "Ann Smith", "Ann", "", "Smith", en, "ann@example.com"),
        ("JAN", "Jan de Vries", "Jan", "de", "Vries", nl, "jan@example.nl"),
        ("KEES", "Kees Bakker", "Kees", "", "Bakker", nl, "kees@example.nl"),
    ]
    return {
        no: contact_create(
            type="person",
            no=no,
            name=name,
            first_name=first,
            middle_name=middle,
            surname=surname,
            language=language,
            email=address if email else "",
            salutation=formal,
        )
        for no, name, first, middle, surname, language, address in rows
    }


def add_lines(segment: Any, *nos: str) -> None:
    """The contacts `nos` as lines of `segment` (as the Add contacts action inserts them)."""
    from rapport.contacts.models import Contact
    from rapport.segments.services.line_values import insert_lines

    action = segment_services.start_criteria_action(actor=None, segment=segment, action="add")
    insert_lines(segment, Contact.objects.filter(no__in=nos), action_no=action.action_no)


def mailing_world(user: Any) -> SimpleNamespace:
    """Template MAIL (e-mail, language rows EN and NL with an e-mail each) and segment S1 of
    Ann (EN), Jan and Kees (NL), made by `user` (marketing)."""
    formal = salutation()
    salesperson_create(code="MB", name="Mia Bos", user=user)
    contacts = people(formal, email=True)
    group = interaction_services.interaction_group_create(code="MAIL", description="Mailings")
    template = interaction_services.interaction_template_create(
        code="MAIL",
        group=group,
        description="Winter mailing",
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="email",
        ignore_contact_corres_type=True,
        language_default="EN",
    )
    english = attachment_create(
        kind="email", subject="Offer for {{ contact.first_name }}", body_html=EMAIL_EN
    )
    dutch = attachment_create(
        kind="email", subject="Aanbod voor {{ contact.first_name }}", body_html=EMAIL_NL
    )
    interaction_services.interaction_template_language_update(
        template_language=template.languages.get(), attachment=english
    )
    interaction_services.interaction_template_language_create(
        template=template, language="NL", attachment=dutch
    )
    segment = segment_services.segment_create(
        actor=user, no="S1", description="Winter mailing", template=template
    )
    add_lines(segment, "ANN", "JAN", "KEES")
    return SimpleNamespace(template=template, segment=segment, contacts=contacts)


def letters_world(user: Any) -> SimpleNamespace:
    """Template PRINT (hard copy, an HTML letter per language EN and NL) and segment S2 of Ann
    (EN), Jan and Kees (NL), who have no e-mail address."""
    formal = salutation()
    salesperson_create(code="MB", name="Mia Bos", user=user)
    contacts = people(formal, email=False)
    group = interaction_services.interaction_group_create(code="POST", description="Letters")
    template = interaction_services.interaction_template_create(
        code="PRINT",
        group=group,
        description="Printed offer",
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="hard_copy",
        ignore_contact_corres_type=True,
        language_default="EN",
    )
    english = attachment_create(kind="pdf", file_name="offer.pdf", body_html=LETTER)
    dutch = attachment_create(kind="pdf", file_name="aanbod.pdf", body_html=LETTER)
    interaction_services.interaction_template_language_update(
        template_language=template.languages.get(), attachment=english
    )
    interaction_services.interaction_template_language_create(
        template=template, language="NL", attachment=dutch
    )
    segment = segment_services.segment_create(
        actor=user, no="S2", description="Printed offer", template=template
    )
    add_lines(segment, "ANN", "JAN", "KEES")
    return SimpleNamespace(template=template, segment=segment, contacts=contacts)


def _in_line_batches(make: Any, *, ahead: bool) -> Any:
    from rapport.delivery.services.prefetch import Batches

    return Batches(make, ahead=False)


class OneRequestAtATime:
    """The live server's WSGI application, holding `lock` while it serves a request (and until
    the response is closed): a request and a worker round never use the shared connection at
    the same time. (Django's connection keeps its transaction state, `in_atomic_block` and
    the savepoints, in the object itself, so two threads in it at once can commit or roll
    back each other's work.) The response is read inside the lock; the tests serve no
    stream."""

    def __init__(self, application: Any, lock: threading.Lock) -> None:
        self.application = application
        self.lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            response = self.application(environ, start_response)
            try:
                return list(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()


class ThreadWorker:
    """The worker loop in a thread: `start()`, then `stop()` (which re-raises what the thread
    raised), and `release()` at the end of the test. Each round writes the heartbeat and runs
    every ready task (db_worker --batch); with a shared connection, it holds the lock that the
    live server holds for each request (`OneRequestAtATime`)."""

    def __init__(self, live_server: Any, monkeypatch: Any) -> None:
        self.live_server = live_server
        self.monkeypatch = monkeypatch
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.rounds = 0
        self.thread: threading.Thread | None = None
        self.shared: dict[str, Any] = {}
        self.lock = threading.Lock()
        self._added: Any = None
        self._application: Any = None
        self._share()

    def _share(self) -> None:
        """With SQLite in memory, the live server's threads, this worker and the test use one
        connection, as Django's own live server does for an in-memory database. (pytest-django
        starts the session's live server before the test database exists, so it shares none:
        each request thread would open its own connection to the shared-cache database, where
        a reader's table lock makes a writer fail at once, "database table is locked", without
        waiting.) Undone by `stop()`."""
        from django.db import connections

        connection: Any = connections["default"]
        overrides = self.live_server.thread.connections_override
        if overrides or connection.vendor != "sqlite" or not connection.is_in_memory_db():
            self.shared = dict(overrides)
            return
        connection.inc_thread_sharing()
        overrides["default"] = connection
        # One connection for every thread: the delivery run must not claim the next batch
        # in a thread of its own (`prefetch.Batches`, which would open a second connection).
        from rapport.delivery.services import sending

        self.monkeypatch.setattr(sending, "Batches", _in_line_batches)
        self.shared = {"default": connection}
        self._added = connection
        server = self.live_server.thread.httpd
        self._application = server.get_app()
        server.set_app(OneRequestAtATime(self._application, self.lock))

    def start(self) -> ThreadWorker:
        self.thread = threading.Thread(
            target=self._run, args=(self.shared,), name=WORKER_ID, daemon=True
        )
        self.thread.start()
        return self

    def _run(self, shared: dict[str, Any]) -> None:
        from django.db import connections
        from django_tasks_db.management.commands.db_worker import Worker

        from rapport.delivery.services.recovery import heartbeat

        for alias, connection in shared.items():
            connections[alias] = connection
        try:
            while not self.stopping.is_set():
                with self.lock if self._application is not None else contextlib.nullcontext():
                    heartbeat(WORKER_ID)
                    Worker(
                        queue_names=["default"],
                        interval=0,
                        batch=True,
                        backend_name="default",
                        startup_delay=False,
                        max_tasks=None,
                        worker_id=WORKER_ID,
                        excluded_queue_names=[],
                    ).run()
                self.rounds += 1
                self.stopping.wait(0.2)
        except BaseException as error:  # reported by stop()
            self.error = error
        finally:
            if not shared:
                connections.close_all()

    def state(self) -> str:
        """What the worker and the queue hold now: for the message of a wait that timed out."""
        from django_tasks_db.models import DBTaskResult

        from rapport.delivery.models import OutboxMessage

        messages = list(
            OutboxMessage.objects.order_by("pk").values_list(
                "state", "attempts", "next_attempt_at", "claimed_by", "error"
            )
        )
        tasks = [
            (*row, traceback[-600:])
            for *row, traceback in DBTaskResult.objects.order_by("enqueued_at").values_list(
                "task_path", "status", "run_after", "worker_ids", "traceback"
            )
        ]
        alive = self.thread is not None and self.thread.is_alive()
        return (
            f"worker: {self.rounds} round(s), thread alive: {alive}, error: {self.error!r}\n"
            f"outbox messages: {messages}\ntask results: {tasks}"
        )

    def stop(self) -> None:
        """Stop the thread (once) and take its heartbeat away; re-raise what it raised."""
        from rapport.delivery.services.recovery import heartbeat_end

        if self.thread is None or self.stopping.is_set():
            return
        self.stopping.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the worker thread did not stop"
        heartbeat_end(WORKER_ID)
        if self.error is not None:
            raise self.error

    def release(self) -> None:
        """Undo `_share()` (at the end of the test): the live server's next request threads
        open their own connections again. The connection stays shareable: a request thread
        that served this test may still close it when the browser's connection ends."""
        if self._added is not None:
            self.live_server.thread.connections_override.pop("default", None)
            self.live_server.thread.httpd.set_app(self._application)
            self._added = None
            self._application = None
