"""Handing a message to the SMTP server so that a crash at any moment never sends it twice.

`Sender.send` speaks MAIL, RCPT and DATA on the mailer's connection and writes the body, but
before the final "." it calls `on_handover`, which commits the message's state `handed_over`.
A process killed before that commit leaves an unterminated DATA, which the server drops when the
connection closes: the message was not sent and may be sent again. Killed after it, the server
(almost certainly) has the message: recovery marks it delivered and never sends it again. When
`on_handover` says the message is no longer ours (recovery gave it to another worker), the
connection is dropped instead of finishing the DATA.

The mailer is `django.core.mail.mailers.default` (settings.MAILERS). A backend that is not SMTP
(the locmem backend of the tests, a console backend) gets a Django `EmailMessage` through its
`send_messages`.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
from collections.abc import Callable
from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError

_EOLS = re.compile(rb"\r\n|\n|\r")
_LEADING_DOT = re.compile(rb"(?m)^\.")


class ClaimLost(Exception):
    """The message was taken from this worker (by recovery) before it was handed over."""


def dot_stuffed(data: bytes) -> bytes:
    """`data` as the DATA section carries it: CRLF line ends, a leading "." doubled, ending
    in CRLF (the terminating ".\\r\\n" is not included)."""
    data = _LEADING_DOT.sub(b"..", _EOLS.sub(b"\r\n", data))
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        connection.rset()


def send_two_phase(
    connection: smtplib.SMTP,
    from_addr: str,
    to_addr: str,
    data: bytes,
    on_handover: Callable[[], bool],
) -> tuple[int, bytes]:
    """Send one message; returns the server's final reply. Raises smtplib's errors for a
    refusal (the code and text as the server gave them) and ClaimLost."""
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(from_addr)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPSenderRefused(code, reply, from_addr)
    code, reply = connection.rcpt(to_addr)
    if code not in (250, 251):
        _reset(connection)
        raise smtplib.SMTPRecipientsRefused({to_addr: (code, reply)})
    code, reply = connection.docmd("data")
    if code != 354:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)
    connection.send(dot_stuffed(data))
    if not on_handover():
        raise ClaimLost(to_addr)
    connection.send(b".\r\n")
    code, reply = connection.getreply()
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)
    return code, reply


def _no_delay(connection: smtplib.SMTP) -> None:
    """Send the final dot at once: with Nagle's algorithm the small write after the body
    waits for the server's (delayed) ACK, about 40 ms per message."""
    sock = getattr(connection, "sock", None)
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Sender:
    """One connection to the mailer for a whole run (opened when first needed)."""

    def __init__(self) -> None:
        self.mailer: Any = mailers.default
        self.smtp = isinstance(self.mailer, SmtpBackend)

    def where(self) -> str:
        """host:port of the SMTP server (or the backend's name)."""
        if self.smtp:
            return f"{self.mailer.host}:{self.mailer.port}"
        return type(self.mailer).__module__

    def send(
        self,
        *,
        from_addr: str,
        to_addr: str,
        data: bytes,
        on_handover: Callable[[], bool],
        message: Callable[[], EmailMultiAlternatives],
    ) -> None:
        """Send `data` to `to_addr`; `message()` makes the Django message a backend that is
        not SMTP is given instead."""
        if not self.smtp:
            if not on_handover():
                raise ClaimLost(to_addr)
            self.mailer.send_messages([message()])
            return
        connection = self.mailer.connection
        if connection is None:
            self.mailer.open()
            connection = self.mailer.connection
            _no_delay(connection)
        try:
            send_two_phase(connection, from_addr, to_addr, data, on_handover)
        except (ClaimLost, OSError, DatabaseError):
            self.drop()  # mid-DATA perhaps: the server drops the unfinished message
            raise

    def drop(self) -> None:
        """Close the socket without QUIT (the server drops an unfinished DATA)."""
        connection = getattr(self.mailer, "connection", None)
        if connection is not None:
            connection.close()
            self.mailer.connection = None

    def close(self) -> None:
        if self.smtp:
            try:
                self.mailer.close()
            except (OSError, smtplib.SMTPException):
                self.drop()
