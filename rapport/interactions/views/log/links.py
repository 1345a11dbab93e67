"""The addresses the log pages link to, with the list filters they carry along."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from rapport.interactions.models import InteractionLogEntry

# The list filters the Create interaction dialog accepts as query parameters.
CREATE_FILTERS = ("contact_no", "company_no", "salesperson_code", "campaign_no", "template_code")


def with_query(url: str, params: Mapping[str, Any]) -> str:
    """`url` with the given `params` (blank ones left out) as its query string."""
    given = {name: value for name, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(given)}" if given else url


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` of the request (POST, else GET) when it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def create_url(filters: Mapping[str, Any], next_url: str = "") -> str:
    """The Create interaction dialog, pre-filled with the list's filters it accepts."""
    url = reverse("interactions:interaction-create")
    params = {name: filters.get(name) for name in CREATE_FILTERS}
    params["next"] = next_url
    return with_query(url, params)


def create_params(filters: Mapping[str, Any], next_url: str = "") -> list[tuple[str, Any]]:
    """The query of `create_url` as (name, value) pairs: the hidden fields of the log's row
    selection form, whose selected row adds its own `contact_no` (it comes last, so it wins)."""
    params = {name: filters.get(name) for name in CREATE_FILTERS}
    params["next"] = next_url
    return [(name, value) for name, value in params.items() if value not in (None, "")]


def resume_url(entry_no: int, next_url: str = "") -> str:
    """The dialog that finishes a postponed interaction."""
    url = reverse("interactions:interaction-resume", args=[entry_no])
    return with_query(url, {"next": next_url})


def entry_url(entry: InteractionLogEntry) -> str:
    """A logged entry's card; a postponed one's place is the postponed list."""
    if entry.postponed:
        return reverse("interactions:postponed-list")
    return reverse("interactions:entry-detail", args=[entry.entry_no])


def comments_url(entry: InteractionLogEntry) -> str:
    return reverse("interactions:entry-comments", args=[entry.entry_no])
