"""A real SMTP server for the delivery tests: aiosmtpd on 127.0.0.1, in a thread.

`SmtpServer` counts what it accepted by Message-ID (`ids`), keeps the messages (`messages`:
(recipients, parsed message)) and can refuse every Nth DATA with a 550 (`refuse_every`).
Fixtures: `smtp_server` (a started server) and `smtp_mailer` (the server plus settings.MAILERS
pointing at it: the test set-up replaces MAILERS with the locmem backend).

`Controller(port=0)` does not work (the controller connects to its own port to check it
started), so a free port is picked first.
"""

from __future__ import annotations

import collections
import email
import socket
import threading
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

REFUSAL = "550 5.7.1 Refused by test server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Handler:
    def __init__(self, refuse_every: int = 0) -> None:
        self.refuse_every = refuse_every
        self.data_commands = 0
        self.ids: collections.Counter[str] = collections.Counter()
        self.messages: list[tuple[list[str], Any]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
            if self.refuse_every and self.data_commands % self.refuse_every == 0:
                return REFUSAL
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            self.ids[str(message["Message-ID"])] += 1
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpServer:
    def __init__(self, refuse_every: int = 0) -> None:
        self.handler = Handler(refuse_every)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def ids(self) -> collections.Counter[str]:
        return self.handler.ids

    @property
    def messages(self) -> list[tuple[list[str], Any]]:
        return self.handler.messages

    def refuse_every(self, n: int) -> None:
        self.handler.refuse_every = n

    def mailers(self) -> dict[str, Any]:
        """settings.MAILERS for this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_mailer(smtp_server: SmtpServer, settings: Any) -> SmtpServer:
    """The SMTP server, with settings.MAILERS sending to it."""
    settings.MAILERS = smtp_server.mailers()
    return smtp_server
