"""The DomainError hierarchy: every refused business operation raises one of these.

The UI shows `message` next to `field` (or above the form), the API answers with `status` and
the uniform error body, the CLI exits non-zero with the message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if code:
            self.code = code
        self.details = details or {}

    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class ValidationFailed(DomainError):
    """Input that breaks a rule; may name several fields."""

    def __init__(self, errors: dict[str, list[str]] | str, *, code: str | None = None) -> None:
        if isinstance(errors, str):
            errors = {"": [errors]}
        self.errors = errors
        first_field, first_messages = next(iter(errors.items()))
        super().__init__(first_messages[0], field=first_field or None, code=code)

    def fields(self) -> dict[str, list[str]]:
        return {name: msgs for name, msgs in self.errors.items() if name}


class ConflictError(DomainError):
    """The request conflicts with the current state (HTTP 409)."""

    status = 409
    code = "conflict"


class NotFoundError(DomainError):
    status = 404
    code = "not_found"


class PermissionDeniedError(DomainError):
    status = 403
    code = "permission_denied"


class ErrorCollector:
    """Collects field errors while a whole input is checked, so that one ValidationFailed can
    name every bad field at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: Any) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def __contains__(self, name: str) -> bool:
        return name in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
