"""The interactions app's operations (every write with a business rule), by subject:

* `setup` — interaction groups and templates (reference 1.3–1.4);
* `template_languages` — a template's language rows and their attachments (reference 1.5);
* `deliver` — whether a logged interaction is delivered, and the request (reference 2.1.6);
* `values` — checking an interaction's values, and what a template copies onto one;
* `rights` — who may record and change interactions;
* `log` — create (log or postpone), prepare, resume; entry numbers, attachment copies;
* `entries` — cancel, un-cancel, evaluate, delete postponed or canceled entries, detach a
  deleted contact;
* `comments` — an interaction's comment lines;
* `campaign_entries` — cancel, un-cancel and delete campaign entries (they write log rows);
* `uncancel_checks` — the registry that apps above fill with "may this be un-canceled?".

Import operations from here (`from rapport.interactions.services import interaction_create`).
"""

from rapport.interactions.services.campaign_entries import (
    campaign_entries_delete_canceled,
    campaign_entry_cancel,
    campaign_entry_get,
    campaign_entry_interactions,
    campaign_entry_uncancel,
    deletable_campaign_entries,
    may_change_campaign_entry,
)
from rapport.interactions.services.comments import (
    interaction_add_comment,
    interaction_delete_comment,
    interaction_update_comment,
)
from rapport.interactions.services.entries import (
    DELETE_CANCELED_FILTERS,
    interaction_cancel,
    interaction_delete_postponed,
    interaction_evaluate,
    interaction_uncancel,
    interactions_delete_canceled,
    interactions_detach_contact,
)
from rapport.interactions.services.log import (
    PreparedInteraction,
    attachment_has_content,
    attachment_read_only_copy,
    interaction_create,
    interaction_prepare,
    interaction_resume,
)
from rapport.interactions.services.rights import may_change_entry, postponed_visible_to
from rapport.interactions.services.setup import (
    CHOICES,
    LABELS,
    MAX_ATTACHMENT_NO,
    interaction_group_create,
    interaction_group_delete,
    interaction_group_update,
    interaction_template_create,
    interaction_template_delete,
    interaction_template_update,
)
from rapport.interactions.services.template_languages import (
    interaction_template_language_create,
    interaction_template_language_delete,
    interaction_template_language_update,
    kind_for_file_name,
    template_language_attachment_create,
    template_language_attachment_editable,
    template_language_attachment_import,
    template_language_attachment_remove,
)
from rapport.interactions.services.uncancel_checks import (
    UncancelCheck,
    register_uncancel_check,
    registered_uncancel_checks,
)
from rapport.interactions.services.values import (
    TEMPLATE_DEFAULT_FIELDS,
    clean_interaction_values,
    now_rounded_up,
    template_defaults_apply,
)

__all__ = [
    "CHOICES",
    "DELETE_CANCELED_FILTERS",
    "LABELS",
    "MAX_ATTACHMENT_NO",
    "TEMPLATE_DEFAULT_FIELDS",
    "PreparedInteraction",
    "UncancelCheck",
    "attachment_has_content",
    "attachment_read_only_copy",
    "campaign_entries_delete_canceled",
    "campaign_entry_cancel",
    "campaign_entry_get",
    "campaign_entry_interactions",
    "campaign_entry_uncancel",
    "clean_interaction_values",
    "deletable_campaign_entries",
    "interaction_add_comment",
    "interaction_cancel",
    "interaction_create",
    "interaction_delete_comment",
    "interaction_delete_postponed",
    "interaction_evaluate",
    "interaction_group_create",
    "interaction_group_delete",
    "interaction_group_update",
    "interaction_prepare",
    "interaction_resume",
    "interaction_template_create",
    "interaction_template_delete",
    "interaction_template_language_create",
    "interaction_template_language_delete",
    "interaction_template_language_update",
    "interaction_template_update",
    "interaction_uncancel",
    "interaction_update_comment",
    "interactions_delete_canceled",
    "interactions_detach_contact",
    "kind_for_file_name",
    "may_change_campaign_entry",
    "may_change_entry",
    "now_rounded_up",
    "postponed_visible_to",
    "register_uncancel_check",
    "registered_uncancel_checks",
    "template_defaults_apply",
    "template_language_attachment_create",
    "template_language_attachment_editable",
    "template_language_attachment_import",
    "template_language_attachment_remove",
]
