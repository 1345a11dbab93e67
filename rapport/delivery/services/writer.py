"""The state changes of the sending loop: raw UPDATEs by id, the outbox message and its log
entry in one transaction (the hot path: two short commits per message).

Each change is conditional on the message still being this worker's (`claimed_by`) and in the
state it expects, so a message recovery gave to another worker is never written over. A
delivered message is written together with the next message's hand-over (or at `flush`): until
then it stays `handed_over`, which recovery also takes as delivered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from rapport.delivery.models import MessageState, OutboxMessage
from rapport.interactions.choices import DeliveryStatus
from rapport.interactions.models import InteractionLogEntry


@dataclass
class Claimed:
    """A message claimed by this worker, as the loop needs it."""

    id: int
    entry_id: int
    entry_no: int
    message_id: str
    attempts: int


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(OutboxMessage._meta.db_table), quote(InteractionLogEntry._meta.db_table)


class StateWriter:
    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.outbox, self.entries = _tables()
        self.delivered_pending: list[Claimed] = []

    def _entry(self, cursor: Any, message: Claimed, status: str, error: str = "") -> None:
        cursor.execute(
            f"UPDATE {self.entries} SET delivery_status = %s, delivery_error = %s "  # noqa: S608 - model tables
            "WHERE id = %s",
            [status, error, message.entry_id],
        )

    def _flush(self, cursor: Any) -> None:
        if not self.delivered_pending:
            return
        cursor.executemany(
            f"UPDATE {self.outbox} SET state = %s, lease_until = NULL "  # noqa: S608 - model tables
            "WHERE id = %s AND state = %s AND claimed_by = %s",
            [
                (
                    MessageState.DELIVERED.value,
                    message.id,
                    MessageState.HANDED_OVER.value,
                    self.worker_id,
                )
                for message in self.delivered_pending
            ],
        )
        cursor.executemany(
            f"UPDATE {self.entries} SET delivery_status = %s, delivery_error = '' "  # noqa: S608 - model tables
            "WHERE id = %s",
            [
                (DeliveryStatus.DELIVERED.value, message.entry_id)
                for message in self.delivered_pending
            ],
        )
        self.delivered_pending.clear()

    def flush(self) -> None:
        """Write the delivered messages not written yet."""
        if self.delivered_pending:
            with transaction.atomic(), connection.cursor() as cursor:
                self._flush(cursor)

    def handed_over(self, message: Claimed) -> bool:
        """Commit `handed_over` (and the delivered ones before it); False when the message is
        no longer this worker's."""
        with transaction.atomic(), connection.cursor() as cursor:
            self._flush(cursor)
            cursor.execute(
                f"UPDATE {self.outbox} SET state = %s, sent_at = %s "  # noqa: S608 - model tables
                "WHERE id = %s AND state = %s AND claimed_by = %s",
                [
                    MessageState.HANDED_OVER.value,
                    timezone.now(),
                    message.id,
                    MessageState.SENDING.value,
                    self.worker_id,
                ],
            )
            return cursor.rowcount == 1

    def delivered(self, message: Claimed) -> None:
        self.delivered_pending.append(message)

    def delivered_with_note(self, message: Claimed, note: str) -> None:
        self._final(
            message, MessageState.DELIVERED.value, DeliveryStatus.DELIVERED.value, "", note=note
        )

    def failed(self, message: Claimed, reason: str) -> None:
        self._final(message, MessageState.FAILED.value, DeliveryStatus.FAILED.value, reason)

    def _final(self, message: Claimed, state: str, status: str, error: str, note: str = "") -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self._flush(cursor)
            cursor.execute(
                f"UPDATE {self.outbox} SET state = %s, error = %s, note = %s, lease_until = NULL "  # noqa: S608 - model tables
                "WHERE id = %s AND state IN (%s, %s) AND claimed_by = %s",
                [
                    state,
                    error,
                    note,
                    message.id,
                    MessageState.SENDING.value,
                    MessageState.HANDED_OVER.value,
                    self.worker_id,
                ],
            )
            if cursor.rowcount == 1:
                self._entry(cursor, message, status, error)

    def requeue(
        self,
        messages: list[Claimed],
        *,
        at: datetime.datetime | None,
        error: str,
        count_attempt: bool,
    ) -> None:
        """Back to queued (the server did not take them): due at `at`; the attempt is taken
        back unless `count_attempt`."""
        if not messages:
            return
        undo = 0 if count_attempt else 1
        with transaction.atomic(), connection.cursor() as cursor:
            self._flush(cursor)
            for message in messages:
                cursor.execute(
                    f"UPDATE {self.outbox} SET state = %s, next_attempt_at = %s, error = %s, "  # noqa: S608 - model tables
                    "claimed_by = '', lease_until = NULL, attempts = attempts - %s "
                    "WHERE id = %s AND state IN (%s, %s) AND claimed_by = %s",
                    [
                        MessageState.QUEUED.value,
                        at,
                        error,
                        undo,
                        message.id,
                        MessageState.SENDING.value,
                        MessageState.HANDED_OVER.value,
                        self.worker_id,
                    ],
                )
                if cursor.rowcount == 1:
                    self._entry(cursor, message, DeliveryStatus.PENDING.value)
