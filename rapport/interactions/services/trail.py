"""The interactions app's entries in the audit trail (`rapport.audit.services`): what an
interaction, a comment line and a template's language row are called there, and which of an
interaction's fields are kept.

Each operation writes its entry in its own transaction, after the change; an operation that
changed nothing (canceling a canceled entry, deleting canceled entries when none match, a save
that changed no value) writes none.
"""

from __future__ import annotations

from typing import Any

from rapport.audit.services import audit_values
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services.values import VALUE_FIELDS

INTERACTION = "interaction"
COMMENT = "interaction_comment"
GROUP = "interaction_group"
TEMPLATE = "interaction_template"
TEMPLATE_LANGUAGE = "interaction_template_language"

# An interaction as the trail keeps it: the API's fields of an entry. Every relation among them
# is set as a record by the operations that write an entry, so reading them asks no query.
ENTRY_FIELDS = (*VALUE_FIELDS, "campaign_entry", "attachment", "postponed")


def entry_values(entry: InteractionLogEntry) -> dict[str, Any]:
    """The interaction's `ENTRY_FIELDS` (relations by their business key)."""
    return audit_values(entry, ENTRY_FIELDS)


def comment_key(entry_no: int, line_no: int) -> str:
    """A comment line's key: "<entry no.>:<line no.>"."""
    return f"{entry_no}:{line_no}"


def language_key(template_code: str, language_code: str) -> str:
    """A template language row's key: "<template code>:<language code>"."""
    return f"{template_code}:{language_code}"
