"""The batches a run sends, claimed and merged one batch ahead: while the loop sends a batch
(mostly waiting for the SMTP server's replies), a thread claims and merges the next one.

Made in line instead (no thread) inside a transaction — another connection would not see its
uncommitted rows (tests; the immediate task backend in a request) — and under a rate limit,
which must count what the current batch sent before the next one is claimed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connection

from rapport.delivery.services.writer import Claimed, StateWriter

Made = tuple[list[Claimed], dict[int, Any]]


class Batches:
    def __init__(self, make: Callable[[], Made], *, ahead: bool) -> None:
        self.make = make
        self.pool = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapport-delivery-batch")
            if ahead and not connection.in_atomic_block
            else None
        )
        self.future: Future[Made] | None = None

    def __iter__(self) -> Iterator[Made]:
        if self.pool is None:
            while (made := self.make())[0]:
                yield made
            return
        self.future = self.pool.submit(self.make)
        while True:
            made = self.future.result()
            self.future = None
            if not made[0]:
                return
            self.future = self.pool.submit(self.make)
            yield made

    def close(self, writer: StateWriter) -> None:
        """Give back the batch made ahead and not sent; end the thread (and its connection)."""
        if self.pool is None:
            return
        try:
            if self.future is not None:
                batch, _parts = self.future.result()
                writer.requeue(batch, at=None, error="", count_attempt=False)
        finally:
            self.pool.submit(_close_connection).result()
            self.pool.shutdown()


def _close_connection() -> None:
    """Close the calling thread's database connection (`connection` is per thread)."""
    connection.close()
