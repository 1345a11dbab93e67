"""The interaction log pages (reference 2.2, 2.7), one module per page or subject:

* `entries` — Interaction log entries (the list) and the "Interactions this month" tile;
* `card` — an interaction's card, Cancel / Uncancel and Evaluate;
* `comments` — an interaction's comment lines;
* `postponed` — Postponed interactions (list and delete);
* `delete_canceled` — Delete interaction log entries (canceled ones);
* `access` and `links` — finding the entry a page is about, who may change it, and the
  addresses the pages link to.

Every change goes through `services`; a refused operation (DomainError) is shown as a message
or next to its field, never as an error page. Reading is open to every signed-in user; changes
need the INTERACTIONS capability, and a salesperson-role user changes only what the services
allow (their own salesperson's entries, their own drafts without salesperson). The postponed
list shows such a user only those drafts.
"""

from django.urls import path

from rapport.interactions.views.log.access import check_may_open_form
from rapport.interactions.views.log.card import (
    InteractionCancelView,
    InteractionEvaluateView,
    InteractionLogEntryDetailView,
    InteractionUncancelView,
    entry_sections,
)
from rapport.interactions.views.log.comments import (
    InteractionCommentDeleteView,
    InteractionCommentEditView,
    InteractionCommentsView,
)
from rapport.interactions.views.log.delete_canceled import DeleteCanceledView
from rapport.interactions.views.log.entries import (
    InteractionLogListView,
    LogThisMonthView,
    month_of,
)
from rapport.interactions.views.log.postponed import PostponedDeleteView, PostponedListView

__all__ = [
    "check_may_open_form",
    "entry_sections",
    "month_of",
    "urlpatterns",
]

urlpatterns = [
    path("interactions/", InteractionLogListView.as_view(), name="log-list"),
    path("interactions/this-month/", LogThisMonthView.as_view(), name="log-this-month"),
    path("interactions/delete-canceled/", DeleteCanceledView.as_view(), name="delete-canceled"),
    path("interactions/postponed/", PostponedListView.as_view(), name="postponed-list"),
    path(
        "interactions/postponed/<int:entry_no>/delete/",
        PostponedDeleteView.as_view(),
        name="postponed-delete",
    ),
    path(
        "interactions/<int:entry_no>/", InteractionLogEntryDetailView.as_view(), name="entry-detail"
    ),
    path(
        "interactions/<int:entry_no>/cancel/", InteractionCancelView.as_view(), name="entry-cancel"
    ),
    path(
        "interactions/<int:entry_no>/uncancel/",
        InteractionUncancelView.as_view(),
        name="entry-uncancel",
    ),
    path(
        "interactions/<int:entry_no>/evaluate/",
        InteractionEvaluateView.as_view(),
        name="entry-evaluate",
    ),
    path(
        "interactions/<int:entry_no>/comments/",
        InteractionCommentsView.as_view(),
        name="entry-comments",
    ),
    path(
        "interactions/<int:entry_no>/comments/<int:line_no>/edit/",
        InteractionCommentEditView.as_view(),
        name="entry-comment-edit",
    ),
    path(
        "interactions/<int:entry_no>/comments/<int:line_no>/delete/",
        InteractionCommentDeleteView.as_view(),
        name="entry-comment-delete",
    ),
]
