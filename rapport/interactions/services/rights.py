"""Who may record and change interactions (the interaction log's rights): the administrator and
marketing roles any entry; a salesperson only those of the salesperson linked to their user
(a draft without a salesperson: the one they saved); the read-only role none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rapport.contacts.models import Salesperson
from rapport.core import permissions
from rapport.core.choices import Role
from rapport.core.errors import PermissionDeniedError
from rapport.interactions.models import InteractionLogEntry

_UNSET: Any = object()
# The attribute a request's user carries when its authentication read the user's salesperson
# (`interactions.api.authentication`): that request asks no query for it.
OWN_SALESPERSON = "_own_salesperson"


# ---------------------------------------------------------------------------------------------
# Who may do what


def check_role(actor: Any) -> None:
    if not permissions.user_can(actor, permissions.INTERACTIONS):
        raise PermissionDeniedError(
            _("Your role does not allow recording or changing interactions.")
        )


def own_salesperson(actor: Any) -> Salesperson | None:
    """The salesperson linked to `actor` (None: none). Read with the user when the request's
    authentication selected it (`interactions.api.authentication`), else one query."""
    if not getattr(actor, "is_authenticated", False):
        return None
    known = getattr(actor, OWN_SALESPERSON, _UNSET)
    if known is not _UNSET:
        return known  # type: ignore[no-any-return]
    return Salesperson.objects.filter(user=actor).first()


def is_salesperson_role(actor: Any) -> bool:
    return permissions.role_of(actor) == Role.SALESPERSON


def check_may_act_for(actor: Any, salesperson: Salesperson | None) -> None:
    """A user with the salesperson role records interactions for their own salesperson only."""
    check_role(actor)
    if not is_salesperson_role(actor):
        return
    own = own_salesperson(actor)
    if own is None:
        raise PermissionDeniedError(
            _(
                "Your user is not linked to a salesperson, so you cannot record interactions. "
                "Ask an administrator to link you to your salesperson."
            )
        )
    if salesperson is not None and salesperson.pk != own.pk:
        raise PermissionDeniedError(
            _(
                "You can only record interactions for your own salesperson %(own)s, not for "
                "%(other)s."
            )
            % {"own": own.code, "other": salesperson.code},
            field="salesperson",
        )


def may_change_entry(
    actor: Any, entry: InteractionLogEntry, *, own_salesperson_id: Any = _UNSET
) -> bool:
    """Who may change an entry: the administrator and marketing roles any entry; a salesperson
    those of their own salesperson, and their own drafts without a salesperson; the read-only
    role none. Pages pass `own_salesperson_id` (looked up once) to ask this per row without a
    query."""
    if not permissions.user_can(actor, permissions.INTERACTIONS):
        return False
    if not is_salesperson_role(actor):
        return True
    if entry.salesperson_id is None:
        return bool(entry.user_id == actor.pk)
    if own_salesperson_id is _UNSET:
        own = own_salesperson(actor)
        own_salesperson_id = own.pk if own is not None else None
    return own_salesperson_id is not None and entry.salesperson_id == own_salesperson_id


def postponed_visible_to(actor: Any) -> Q:
    """The postponed interactions a user sees: a salesperson-role user their own salesperson's
    and their own drafts without a salesperson (those they may change); the others all."""
    if not is_salesperson_role(actor):
        return Q()
    return Q(salesperson__user=actor) | Q(salesperson=None, user=actor)


def check_may_change(actor: Any, entry: InteractionLogEntry) -> None:
    """Refuses (PermissionDeniedError) what `may_change_entry` does not allow."""
    check_role(actor)
    if may_change_entry(actor, entry):
        return
    raise PermissionDeniedError(
        _("Interaction %(no)s belongs to another salesperson: you cannot change it.")
        % {"no": entry.entry_no}
    )
