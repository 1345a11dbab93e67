"""Registries through which higher apps take part in attachments without being imported here.

- `register_storage_policy(fn)`: `fn() -> (storage_type, location)` says where a new
  attachment's file is stored (NAV's Storage Type and Attachment Storage Location of Marketing
  Setup); the setup app registers it. Without one, files are embedded.
- `register_content_validator(name, fn)`: `fn(kind, values, errors)` checks an attachment's
  values (a dict of the cleaned fields) after this app's own checks and adds to `errors`
  (an `ErrorCollector`) what it refuses; create and update call every validator.
- `register_editor_panel(name, fn)`: `fn(request, attachment_or_None, kind) -> str` returns
  safe HTML shown beside the e-mail and HTML-letter editor (the merge field list, ...).

Registering again under the same name replaces the earlier function (so a re-run `ready()`
does not register twice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapport.core.errors import ErrorCollector

StoragePolicy = Callable[[], tuple[str, str]]
ContentValidator = Callable[[str, dict[str, Any], ErrorCollector], None]
EditorPanel = Callable[[Any, Any, str], str]

_storage_policy: list[StoragePolicy] = []
_validators: dict[str, ContentValidator] = {}
_panels: dict[str, EditorPanel] = {}


def register_storage_policy(fn: StoragePolicy) -> None:
    """Make `fn` the storage policy: `fn() -> (storage_type, location)`."""
    _storage_policy[:] = [fn]


def storage_policy() -> tuple[str, str]:
    """(storage type, location) for a new attachment's file: the registered policy's answer,
    else ("embedded", "")."""
    if not _storage_policy:
        return "embedded", ""
    return _storage_policy[0]()


def register_content_validator(name: str, fn: ContentValidator) -> None:
    _validators[name] = fn


def content_validators() -> list[ContentValidator]:
    return list(_validators.values())


def register_editor_panel(name: str, fn: EditorPanel) -> None:
    _panels[name] = fn


def editor_panels(request: Any, attachment: Any, kind: str) -> list[str]:
    """The HTML of every registered editor panel, in the order of registration (blank ones
    left out)."""
    return [html for fn in _panels.values() if (html := fn(request, attachment, kind))]
