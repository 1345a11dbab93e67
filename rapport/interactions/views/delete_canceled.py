"""The "delete canceled entries" pages (reference 2.7 and 1.13, NAV reports 5190 and 5189): the
filters, then a preview that counts what would go (the service's dry run), then the deletion.
The confirmation must carry the signature of the filters that were counted: when they changed
since the preview, nothing is deleted and the count is shown again.

`DeleteCanceledView` is that flow once; Delete interaction log entries (`log.delete_canceled`)
and Delete canceled campaign entries (`campaign_entries`) say which form, which service and
which texts. The templates extend `interactions/delete_canceled.html` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic

from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.views import CapabilityRequiredMixin, add_domain_error


def filters_signature(filters: Mapping[str, Any]) -> str:
    """The filters as one stable string: the preview sends it, the confirmation returns it."""
    return urlencode(sorted((name, str(value)) for name, value in filters.items()))


class DeleteCanceledView(CapabilityRequiredMixin, generic.TemplateView):
    """Preview (GET, or POST without `confirm`), then delete (POST with `confirm` and the
    previewed signature). A subclass names `form_class` (a form with `service_filters()`),
    `title`, and implements `delete`, `back_url`, `deleted_message` and `success_url`."""

    write_capability: str | None = permissions.INTERACTIONS
    form_class: type[forms.Form]
    title: Any = ""

    def delete(self, filters: dict[str, Any], *, dry_run: bool = False) -> int:
        raise NotImplementedError  # pragma: no cover - abstract

    def back_url(self) -> str:
        raise NotImplementedError  # pragma: no cover - abstract

    def deleted_message(self, count: int) -> str:
        raise NotImplementedError  # pragma: no cover - abstract

    def success_url(self, filters: dict[str, Any]) -> str:
        raise NotImplementedError  # pragma: no cover - abstract

    def render_page(self, form: Any, count: int | None = None) -> HttpResponse:
        signature = filters_signature(form.service_filters()) if count is not None else ""
        return self.render_to_response(
            self.get_context_data(
                form=form,
                count=count,
                signature=signature,
                title=str(self.title),
                back_url=self.back_url(),
            )
        )

    def preview(self, form: Any) -> HttpResponse:
        try:
            count = self.delete(form.service_filters(), dry_run=True)
        except DomainError as error:
            add_domain_error(form, error)
            return self.render_page(form)
        return self.render_page(form, count)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.GET or None)
        if form.is_bound and not form.is_valid():
            return self.render_page(form)
        if not form.is_bound:
            form.cleaned_data = {}
        return self.preview(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form: Any = self.form_class(request.POST)
        if not form.is_valid():
            return self.render_page(form)
        filters = form.service_filters()
        if "confirm" not in request.POST:
            return self.preview(form)
        if request.POST.get("previewed") != filters_signature(filters):
            messages.warning(
                request, _("The filters changed since the preview: check the count again.")
            )
            return self.preview(form)
        try:
            count = self.delete(filters)
        except DomainError as error:
            add_domain_error(form, error)
            return self.render_page(form)
        messages.success(request, self.deleted_message(count))
        return HttpResponseRedirect(self.success_url(filters))
