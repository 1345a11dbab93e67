from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core import permissions


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the application shell (header, navigation) needs on every page."""
    user = getattr(request, "user", None)
    return {
        "can": {
            "setup": permissions.user_can(user, permissions.SETUP),
            "contacts": permissions.user_can(user, permissions.CONTACTS),
            "marketing": permissions.user_can(user, permissions.MARKETING),
            "interactions": permissions.user_can(user, permissions.INTERACTIONS),
        },
        "work_date": user.effective_work_date if user and user.is_authenticated else None,
    }
