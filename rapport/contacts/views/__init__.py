"""The contacts app's pages, by subject: contacts, salespeople, the classification tables, the
profile questionnaires and the salutations. `rapport.contacts.urls` takes them from here."""

from rapport.contacts.views.code_tables import (
    CODE_TABLES,
    CODE_TABLES_BY_NAME,
    CodeTable,
    CodeTableCreateView,
    CodeTableDeleteView,
    CodeTableEditView,
    CodeTableListView,
    CodeTableMixin,
)
from rapport.contacts.views.contacts import (
    ContactCreateView,
    ContactDeleteView,
    ContactDetailView,
    ContactEditView,
    ContactFilterForm,
    ContactFormMixin,
    ContactListView,
    ContactProfileAnswerView,
)
from rapport.contacts.views.profile_questionnaires import (
    ProfileQuestionnaireDeleteView,
    ProfileQuestionnaireFormView,
    ProfileQuestionnaireListView,
)
from rapport.contacts.views.salespeople import (
    SalespersonCreateView,
    SalespersonDeleteView,
    SalespersonDetailView,
    SalespersonEditView,
    SalespersonListView,
)
from rapport.contacts.views.salutations import (
    SalutationCreateView,
    SalutationDeleteView,
    SalutationDetailView,
    SalutationEditView,
    SalutationListView,
)

__all__ = [
    "CODE_TABLES",
    "CODE_TABLES_BY_NAME",
    "CodeTable",
    "CodeTableCreateView",
    "CodeTableDeleteView",
    "CodeTableEditView",
    "CodeTableListView",
    "CodeTableMixin",
    "ContactCreateView",
    "ContactDeleteView",
    "ContactDetailView",
    "ContactEditView",
    "ContactFilterForm",
    "ContactFormMixin",
    "ContactListView",
    "ContactProfileAnswerView",
    "ProfileQuestionnaireDeleteView",
    "ProfileQuestionnaireFormView",
    "ProfileQuestionnaireListView",
    "SalespersonCreateView",
    "SalespersonDeleteView",
    "SalespersonDetailView",
    "SalespersonEditView",
    "SalespersonListView",
    "SalutationCreateView",
    "SalutationDeleteView",
    "SalutationDetailView",
    "SalutationEditView",
    "SalutationListView",
]
