"""Template helpers available in every template (registered as a builtin)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def verbose_name(obj: Any) -> str:
    return str(obj._meta.verbose_name)


@register.filter
def field_value(obj: Any, name: str) -> Any:
    """The display value of a model field: the choice label where there is one."""
    display = getattr(obj, f"get_{name}_display", None)
    if callable(display):
        return display()
    return getattr(obj, name, "")
