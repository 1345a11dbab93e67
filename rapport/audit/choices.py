"""Choices of the audit trail."""

from rapport.core.acting import Source

__all__ = ["Source"]
