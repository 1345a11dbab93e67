"""Reversing one URL for many rows (issue 11, H9): `url_former(name, *head)` reverses once
with a marker for the last argument and formats each row's value in; exactly `reverse()`'s
result (values it would quote take the plain `reverse()`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.urls import reverse

# A value that reverse() puts into the URL unchanged (no quoting), so formatting it in is exact.
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+\Z")
_MARK = "8642097531"  # stands for the row's value: digits match both int and str converters


def url_former(name: str, *head: Any) -> Callable[[Any], str]:
    """`lambda value: reverse(name, args=[*head, value])`, reversed once: the URL is reversed
    with a marker and the value formatted in per call. Values that reverse() would quote, or a
    marker found more than once, take the plain reverse()."""
    url = reverse(name, args=[*head, _MARK])
    before, _found, after = url.partition(_MARK)
    if url.count(_MARK) != 1:

        def slow(value: Any) -> str:
            return reverse(name, args=[*head, value])

        return slow

    def former(value: Any) -> str:
        text = str(value)
        if _PLAIN.match(text):
            return before + text + after
        return reverse(name, args=[*head, value])

    return former
