"""Finding the entry a log page is about, and who may change it. The services decide (they
refuse what is not allowed); these checks only keep a form from opening that its submit would
refuse, and a button from showing that would fail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from rapport.contacts.models import Salesperson
from rapport.core import permissions
from rapport.core.choices import Role
from rapport.core.errors import NotFoundError
from rapport.interactions import selectors
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import may_change_entry, postponed_visible_to

WRITE = permissions.INTERACTIONS


def get_entry(entry_no: Any, *, logged_only: bool = False) -> InteractionLogEntry:
    """The entry, or 404. Postponed entries never show in the log: 404 where `logged_only`."""
    try:
        entry = selectors.interaction_get(entry_no)
    except NotFoundError as error:
        raise Http404(error.message) from error
    if logged_only and entry.postponed:
        raise Http404(_("Interaction %(no)s is postponed.") % {"no": entry.entry_no})
    return entry


def check_may_open_form(user: Any, entry: InteractionLogEntry) -> None:
    """A form about an entry (resume, comments, evaluate, delete) opens, on GET as on POST, only
    for a user who may change the entry (`may_change_entry`, the services' rule). A postponed
    entry the user does not see on the postponed list (`postponed_visible_to`) answers 404, as
    an unknown one; an entry the user sees but may not change answers 403."""
    if may_change_entry(user, entry):
        return
    if entry.postponed and not (
        InteractionLogEntry.objects.filter(postponed_visible_to(user), pk=entry.pk).exists()
    ):
        raise Http404(_("There is no postponed interaction %(no)s.") % {"no": entry.entry_no})
    raise PermissionDenied(
        _("Interaction %(no)s belongs to another salesperson: you cannot change it.")
        % {"no": entry.entry_no}
    )


class EntryFormRightsMixin:
    """For a page about one entry (`self.entry`): after the role check (403), the entry's own
    rule (`check_may_open_form`) for every method, so no form opens that the submit refuses."""

    write_capability: str | None = WRITE
    entry: Any

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if permissions.user_can(request.user, self.write_capability):
            check_may_open_form(request.user, self.entry)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class EntryFormMixin(EntryFormRightsMixin):
    """A form page about one entry: looked up lazily (after the capability check), opened only
    for who may change it."""

    logged_only = False
    kwargs: dict[str, Any]
    request: HttpRequest

    @cached_property
    def entry(self) -> InteractionLogEntry:
        return get_entry(self.kwargs["entry_no"], logged_only=self.logged_only)


class ChangeRights:
    """`may_change_entry` per row of a page, with the user's salesperson looked up once (the
    services still decide)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.own_id: int | None = None
        if permissions.role_of(user) == Role.SALESPERSON:
            self.own_id = Salesperson.objects.filter(user=user).values_list("pk", flat=True).first()
        self.can = permissions.user_can(user, WRITE)

    def may_change(self, entry: InteractionLogEntry) -> bool:
        return may_change_entry(self.user, entry, own_salesperson_id=self.own_id)
