"""Non-blocking warnings raised by business operations (NAV's informational messages).

An operation calls `notice_warning("...")`; the web UI shows each as a warning message and the
API adds them to the response as `"warnings": [...]`. Each distinct text is kept once per
request, which gives NAV's "once per series per run" for number-series warnings.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_current: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "rapport_notices", default=None
)


def notice_warning(message: str) -> None:
    notices = _current.get()
    if notices is None:
        return
    text = str(message)
    if text not in notices:
        notices.append(text)


@contextmanager
def collect_notices() -> Iterator[list[str]]:
    """Collect the warnings raised inside the block into the yielded list."""
    outer = _current.get()
    notices: list[str] = []
    token = _current.set(notices)
    try:
        yield notices
    finally:
        _current.reset(token)
        if outer is not None:
            for text in notices:
                if text not in outer:
                    outer.append(text)


def current_notices() -> list[str]:
    return list(_current.get() or [])
