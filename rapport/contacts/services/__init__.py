"""Business operations on contacts, salespeople, languages, the classification tables and
profile questionnaires, by subject:

* `contacts`: contacts (companies and persons): create, change, delete;
* `salespeople`: salespeople;
* `code_tables`: languages and the classification tables (mailing groups, countries, ...);
* `profiles`: profile questionnaires and the answers contacts give;
* `salutations`: salutation codes with their formulas, and the text a formula gives;
* `values`: the checks of plain texts and e-mail addresses they share.

What happens to the rows of the apps above when a contact is deleted is registered with
`rapport.contacts.deletion.register_contact_delete_step`.
"""

from rapport.contacts.services.code_tables import (
    CODE_TABLE_TEXT_LIMITS,
    code_table_create,
    code_table_delete,
    code_table_text_fields,
    code_table_update,
    language_create,
    language_delete,
    language_update,
)
from rapport.contacts.services.contacts import (
    CLASSIFICATION_FIELDS,
    CONTACT_FIELDS,
    CONTACT_FLAG_FIELDS,
    CONTACT_RELATED_FIELDS,
    CONTACT_TEXT_FIELDS,
    DEFAULTED_FIELDS,
    INHERITED_FIELDS,
    _clean_contact_changes,
    contact_create,
    contact_delete,
    contact_search_text,
    contact_update,
    inherited_fields,
)
from rapport.contacts.services.profiles import (
    MAX_PROFILE_ANSWERS,
    contact_remove_profile_answer,
    contact_set_profile_answer,
    profile_questionnaire_create,
    profile_questionnaire_save,
    profile_questionnaire_set_answers,
    profile_questionnaire_update,
)
from rapport.contacts.services.salespeople import (
    salesperson_create,
    salesperson_delete,
    salesperson_update,
)
from rapport.contacts.services.salutations import (
    contact_name_parts,
    salutation_create,
    salutation_delete,
    salutation_set_formulas,
    salutation_text,
    salutation_update,
)

__all__ = [
    "CLASSIFICATION_FIELDS",
    "CODE_TABLE_TEXT_LIMITS",
    "CONTACT_FIELDS",
    "CONTACT_FLAG_FIELDS",
    "CONTACT_RELATED_FIELDS",
    "CONTACT_TEXT_FIELDS",
    "DEFAULTED_FIELDS",
    "INHERITED_FIELDS",
    "MAX_PROFILE_ANSWERS",
    "_clean_contact_changes",
    "code_table_create",
    "code_table_delete",
    "code_table_text_fields",
    "code_table_update",
    "contact_create",
    "contact_delete",
    "contact_name_parts",
    "contact_remove_profile_answer",
    "contact_search_text",
    "contact_set_profile_answer",
    "contact_update",
    "inherited_fields",
    "language_create",
    "language_delete",
    "language_update",
    "profile_questionnaire_create",
    "profile_questionnaire_save",
    "profile_questionnaire_set_answers",
    "profile_questionnaire_update",
    "salesperson_create",
    "salesperson_delete",
    "salesperson_update",
    "salutation_create",
    "salutation_delete",
    "salutation_set_formulas",
    "salutation_text",
    "salutation_update",
]
