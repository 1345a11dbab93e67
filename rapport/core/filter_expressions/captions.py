"""Options of ``bool`` and ``choice`` filters: what a user may type (API values, or captions in
the active language) and the help that shows them. This is the one place where a caption
becomes a value."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The captions of a bool filter in the active language (besides the words of BOOL_WORDS).
BOOL_CAPTIONS = ((True, gettext_lazy("Yes")), (False, gettext_lazy("No")))
BOOL_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


Choices = list[str] | tuple[str, ...] | list[tuple[str, Any]] | tuple[tuple[str, Any], ...]


def option_pairs(choices: Any) -> tuple[tuple[str, Any], ...]:
    """``(value, caption)`` of each option as given (a lazy caption stays lazy)."""
    return tuple(
        (str(choice[0]).lower(), choice[1])
        if isinstance(choice, tuple | list)
        else (str(choice).lower(), str(choice))
        for choice in choices or ()
    )


def choice_options(choices: Any) -> tuple[tuple[str, str], ...]:
    """``(value, caption)`` of each option, the caption in the active language: the given
    pairs (Django ``choices``, captions may be lazy), or each plain value as its own caption."""
    return tuple((value, str(caption)) for value, caption in option_pairs(choices))


def option_words(kind: str, options: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """What may be typed for an option (case-folded) → its value: the API values first, then
    the captions (a caption never hides another option's API value)."""
    words: dict[str, Any] = {}
    if kind == "bool":
        words.update(BOOL_WORDS)
        for flag, bool_caption in BOOL_CAPTIONS:
            words.setdefault(str(bool_caption).casefold(), flag)
        return words
    words.update((value.casefold(), value) for value, _caption in options)
    for value, caption in options:
        words.setdefault(caption.strip().casefold(), value)
    return words


def option_captions(kind: str, choices: Any = None) -> list[str]:
    """The captions a user may type for an option field, in the active language; the blank
    option as ``''``, NAV's blank value (what help shows can be typed as shown)."""
    if kind == "bool":
        return [str(caption) for _value, caption in BOOL_CAPTIONS]
    return ["''" if not value else caption for value, caption in choice_options(choices)]


def option_help(kind: str, choices: Any = None) -> str:
    """The help text of an option field in the active language: "One of: Company, Person",
    "Yes or No"; empty for other kinds."""
    if kind == "bool":
        yes, no = option_captions(kind)
        return _("%(yes)s or %(no)s") % {"yes": yes, "no": no}
    if kind == "choice":
        return _("One of: %(values)s") % {"values": ", ".join(option_captions(kind, choices))}
    return ""
