"""Token authentication for the whole API (settings: DEFAULT_AUTHENTICATION_CLASSES): DRF's,
reading the user's own salesperson in the same query (an interaction create needs it: the
default salesperson, a salesperson's right to record for them), one query less per create."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from rapport.interactions.services.rights import OWN_SALESPERSON


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model: Any = self.get_model()
        try:
            token = model.objects.select_related("user", "user__salesperson").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user = token.user
        setattr(user, OWN_SALESPERSON, getattr(user, "salesperson", None))
        return (user, token)
