"""The page framework every app reuses: list, card (detail), edit and delete pages.

A list page has a search box, a filter panel, sortable columns and pagination, and refreshes
its table in place with htmx; every page still works as a plain link. Edit pages call a service
function and show a refused operation (DomainError) next to the field it names.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.core import permissions, selectors, services
from rapport.core.busy import busy_response, is_busy
from rapport.core.errors import DomainError
from rapport.core.forms import LoginForm, PreferencesForm
from rapport.core.middleware import is_api_request


@dataclass(frozen=True)
class Column:
    """One column of a list page. `sort` is the ORM ordering key, or None when not sortable."""

    name: str
    label: Any
    sort: str | None = None
    link: bool = False
    format: Callable[[Any], Any] | None = None
    align_end: bool = False


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a refused operation's message next to its field (or above the form)."""
    fields: dict[Any, list[str]] = {**error.fields()}
    if not fields:
        fields = {error.field: [error.message]}
    for name, field_messages in fields.items():
        target = name if name in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
    if hasattr(form, "mark_invalid_fields"):
        form.mark_invalid_fields()


class CapabilityRequiredMixin:
    """Refuses (403) users whose role lacks `write_capability` for this page."""

    write_capability: str | None = permissions.SETUP

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.user_can(request.user, self.write_capability):
            raise PermissionDenied(_("Your role does not allow this change."))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def requested_page(paginator: Any, requested: str | None) -> Any:
    """The page `?page=` asks for, never an error: a value that is not a number, or a number
    below 1, gives the first page; one past the end the last (a link kept from a longer list
    still opens); "last" the last."""
    number: Any = requested
    if requested == "last":
        number = paginator.num_pages
    else:
        with contextlib.suppress(TypeError, ValueError):  # get_page shows the first page
            number = max(int(str(requested)), 1)
    return paginator.get_page(number)


class ObjectListView(generic.ListView):
    """A NAV list page: search, filters, sortable columns, pagination, empty state."""

    template_name = "core/object_list.html"
    paginate_by = 25
    columns: Sequence[Column] = ()
    search_fields: Sequence[str] = ()
    search_placeholder: Any = gettext_lazy("Search")
    filter_form_class: type[forms.Form] | None = None
    default_sort: str = ""
    # A unique column that makes every sort total: ties are broken by it in the sort's
    # direction (so one index on the sort column and it serves the page), and a sort on it
    # needs nothing more. Blank: ties broken by ascending pk.
    tie_breaker: str = ""
    title: Any = ""
    create_url_name: str | None = None
    create_label: Any = gettext_lazy("New")
    write_capability: str | None = permissions.SETUP
    empty_message: Any = gettext_lazy("Nothing here yet.")
    empty_hint: Any = ""
    # What an htmx refresh of `#object-table` renders; by default the `table` partial of
    # `template_name` (a page that extends core/object_list.html names this one's instead).
    table_template_name: str | None = None

    def get_base_queryset(self) -> QuerySet:
        return self.model._default_manager.all()  # type: ignore[union-attr]

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        """Apply the filter form's cleaned values; override for fields that are not plain."""
        for name, value in data.items():
            if value not in (None, "", [], ()):
                queryset = queryset.filter(**{name: value})
        return queryset

    def get_queryset(self) -> QuerySet:
        queryset = self.get_base_queryset()
        self.filter_form = None
        if self.filter_form_class is not None:
            self.filter_form = self.filter_form_class(self.request.GET or None)
            if self.filter_form.is_bound and self.filter_form.is_valid():
                queryset = self.apply_filters(queryset, self.filter_form.cleaned_data)
        self.search = self.request.GET.get("q", "").strip()[:100]
        if self.search and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": self.search})
            queryset = queryset.filter(condition)
        self.sort = self.current_sort()
        if self.sort:
            queryset = queryset.order_by(*self.sort_ordering(self.sort))
        return queryset

    def sort_ordering(self, sort: str) -> list[str]:
        """The ORDER BY of `sort` (a column's sort, `-` for descending): total (see
        `tie_breaker`)."""
        key = sort.lstrip("-")
        sign = "-" if sort.startswith("-") else ""
        if not self.tie_breaker:
            return [f"{sign}{key}", "pk"]
        if key == self.tie_breaker:
            return [f"{sign}{key}"]
        return [f"{sign}{key}", f"{sign}{self.tie_breaker}"]

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", "")
        allowed = {column.sort for column in self.columns if column.sort}
        if requested.lstrip("-") in allowed:
            return requested
        return self.default_sort

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Any, Any, Any, bool]:
        """The requested page (`requested_page`)."""
        paginator = self.get_paginator(queryset, page_size)
        page = requested_page(paginator, self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title or self.model._meta.verbose_name_plural.capitalize(),  # type: ignore[union-attr]
            columns=self.columns,
            rows=[self.row(obj) for obj in context["object_list"]],
            total=context["paginator"].count
            if context.get("paginator")
            else len(context["object_list"]),
            search=self.search,
            search_enabled=bool(self.search_fields),
            search_placeholder=self.search_placeholder,
            filter_form=self.filter_form,
            sort=self.sort,
            create_url=reverse(self.create_url_name) if self.create_url_name else None,
            create_label=self.create_label,
            can_write=permissions.user_can(self.request.user, self.write_capability),
            empty_message=self.empty_message,
            empty_hint=self.empty_hint,
            filtered=bool(self.search) or bool(self.filter_form and self.filter_form.has_changed()),
        )
        return context

    def row(self, obj: models.Model) -> dict[str, Any]:
        cells = []
        for column in self.columns:
            value: Any = obj
            for part in column.name.split("__"):
                value = getattr(value, part, None) if value is not None else None
            if callable(value) and not isinstance(value, models.Model):
                value = value()
            if column.format is not None:
                value = column.format(value)
            cells.append({"value": value, "link": column.link, "end": column.align_end})
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
        return {"object": obj, "url": url, "cells": cells}

    def get_template_names(self) -> list[str]:
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":  # type: ignore[attr-defined]
            return [self.table_template_name or f"{self.template_name}#table"]
        return names


@dataclass(frozen=True)
class Action:
    """A button in a card page's action bar. POST actions carry a confirmation question;
    `dialog` GET actions open their page over the card in a modal (see rapport.js)."""

    label: Any
    url: str
    icon: str = ""
    method: str = "get"
    confirm: Any = ""
    style: str = "outline-primary"
    dialog: bool = False


def edit_action(url: str) -> Action:
    """A card's Edit button (first in the bar)."""
    return Action(_("Edit"), url, icon="pencil")


def delete_action(url: str) -> Action:
    """A card's Delete button (last in the bar, in the danger style); the page it opens asks
    for confirmation."""
    return Action(_("Delete"), url, icon="trash", style="outline-danger")


class ObjectDetailView(generic.DetailView):
    """A NAV card page: foldable sections of fields, an action bar and a FactBox."""

    template_name = "core/object_detail.html"
    sections: Sequence[tuple[Any, Sequence[str]]] = ()
    write_capability: str | None = permissions.SETUP

    def get_actions(self) -> list[Action]:
        return []

    def field_rows(self, names: Sequence[str]) -> list[dict[str, Any]]:
        obj = self.object
        rows = []
        for name in names:
            field = obj._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if callable(display) else getattr(obj, name)
            rows.append({"name": name, "label": field.verbose_name, "value": value})
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=str(self.object),
            sections=[
                {"title": title, "rows": self.field_rows(names)} for title, names in self.sections
            ],
            actions=self.get_actions(),
            can_write=permissions.user_can(self.request.user, self.write_capability),
        )
        return context


class ServiceFormView(CapabilityRequiredMixin, generic.FormView):
    """An edit page whose save calls a service; a DomainError lands on the form."""

    template_name = "core/object_form.html"
    title: Any = ""
    sections: Sequence[tuple[Any, Sequence[str]]] = ()
    cancel_url: str | None = None
    submit_label: Any = gettext_lazy("Save")

    def get_instance(self) -> models.Model | None:
        """The record being edited (None on a create page)."""
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        self.instance = self.get_instance()
        if self.instance is not None:
            kwargs["instance"] = self.instance
        return kwargs

    def perform(self, form: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def success_message(self, result: Any) -> str:
        return _("Saved.")

    def get_success_url_for(self, result: Any) -> str:
        if hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        return self.cancel_url or reverse("home")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = self.perform(form)
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(result))
        return HttpResponseRedirect(self.get_success_url_for(result))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        sections = self.sections or [("", list(form.fields))]
        context.update(
            title=self.title,
            sections=[
                {"title": title, "fields": [form[name] for name in names if name in form.fields]}
                for title, names in sections
            ],
            cancel_url=self.cancel_url,
            submit_label=self.submit_label,
        )
        return context


class ServiceDeleteView(CapabilityRequiredMixin, generic.TemplateView):
    """A confirmation page naming what will be deleted; POST calls the service."""

    template_name = "core/object_confirm_delete.html"
    success_url_name = "home"

    def get_object(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def perform(self, obj: models.Model) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(
            object=obj,
            cancel_url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/",
            question=_("Delete %(name)s %(object)s?")
            % {"name": obj._meta.verbose_name, "object": obj},
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        try:
            self.perform(obj)
        except DomainError as error:
            messages.error(request, error.message)
            target = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"
            return HttpResponseRedirect(target)
        messages.success(request, _("Deleted %(object)s.") % {"object": obj})
        return HttpResponseRedirect(reverse(self.success_url_name))


class ServiceActionView(CapabilityRequiredMixin, generic.View):
    """A button's change of one record (POST only: cancel, uncancel, ...): `perform` calls the
    service and returns the success message; a refusal (DomainError) becomes an error message.
    Either way back to `success_url` (the record's card, or where the page says)."""

    http_method_names = ["post"]

    def get_object(self, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def perform(self, obj: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object(**kwargs)
        try:
            message = self.perform(obj)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(self.success_url(obj))


# ---------------------------------------------------------------------------------------------
# Shell pages


class HomeView(generic.TemplateView):
    """The Role Center: tiles with live counts that open their list."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tiles"] = selectors.home_tiles(user=self.request.user)
        return context


class ProfileView(generic.FormView):
    """The signed-in user's own settings: work date and language."""

    template_name = "core/profile.html"
    form_class = PreferencesForm

    def get_initial(self) -> dict[str, Any]:
        user = self.request.user
        return {"work_date": user.work_date, "language": user.language}  # type: ignore[union-attr]

    def form_valid(self, form: PreferencesForm) -> HttpResponse:
        user = services.user_update_preferences(
            user=self.request.user,  # type: ignore[arg-type]
            work_date=form.cleaned_data["work_date"],
            language=form.cleaned_data["language"],
        )
        from django.utils import translation

        translation.activate(user.language)
        messages.success(self.request, _("Your settings were saved."))
        return HttpResponseRedirect(reverse("profile"))


@login_not_required
def api_aware_page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        body = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


@login_not_required
def api_aware_server_error(request: HttpRequest) -> HttpResponse:
    if is_busy(sys.exc_info()[1]):  # a busy database outside a view (e.g. a middleware's write)
        return busy_response(request)
    if is_api_request(request):
        message = "An unexpected error occurred; it has been logged."
        return JsonResponse(
            {"error": {"code": "server_error", "message": message, "fields": {}}}, status=500
        )
    return TemplateResponse(request, "500.html", status=500).render()


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
