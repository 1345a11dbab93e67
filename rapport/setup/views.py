from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.core import permissions
from rapport.core.errors import DomainError
from rapport.core.views import add_domain_error
from rapport.setup import selectors, services
from rapport.setup.forms import SECTIONS, MarketingSetupForm

SECTION_TITLES = {
    "numbering": gettext_lazy("Numbering"),
    "defaults": gettext_lazy("Defaults for new contacts"),
    "salutations": gettext_lazy("Salutations"),
    "attachments": gettext_lazy("Attachments"),
    "delivery": gettext_lazy("Delivery"),
    "inheritance": gettext_lazy("Inheritance from company to person"),
}


class MarketingSetupView(View):
    """The Marketing Setup card: everyone reads it, administrators change it."""

    template_name = "setup/marketing_setup.html"

    def render_form(
        self, request: HttpRequest, form: MarketingSetupForm, can_write: bool
    ) -> HttpResponse:
        sections = [
            {"key": key, "title": SECTION_TITLES[key], "fields": [form[name] for name in names]}
            for key, names in SECTIONS
        ]
        context: dict[str, Any] = {
            "title": _("Marketing Setup"),
            "form": form,
            "sections": sections,
            "can_write": can_write,
        }
        return render(request, self.template_name, context, status=400 if form.errors else 200)

    def get(self, request: HttpRequest) -> HttpResponse:
        can_write = permissions.user_can(request.user, permissions.SETUP)
        form = MarketingSetupForm(instance=selectors.marketing_setup_get(), read_only=not can_write)
        return self.render_form(request, form, can_write)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not permissions.user_can(request.user, permissions.SETUP):
            raise PermissionDenied(_("Your role does not allow this change."))
        form = MarketingSetupForm(request.POST, instance=selectors.marketing_setup_get())
        if form.is_valid():
            try:
                services.marketing_setup_update(**form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Marketing Setup was saved."))
                return HttpResponseRedirect(reverse("setup:marketing-setup"))
        return self.render_form(request, form, True)
