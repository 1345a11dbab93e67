"""The interaction log pages (reference 2.2, 2.7): Interaction log entries (list and card),
cancel / un-cancel, evaluate, comment lines, Delete interaction log entries (canceled ones), and
Postponed interactions (list and delete). Every change goes through `services`; a refused
operation (DomainError) is shown as a message or next to its field, never as an error page.

Reading is open to every signed-in user; changes need the INTERACTIONS capability, and a
salesperson-role user changes only what the services allow (their own salesperson's entries,
their own drafts without salesperson). The postponed list shows such a user only those drafts.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View, generic

from rapport.contacts.models import Salesperson
from rapport.core import permissions
from rapport.core.choices import Role
from rapport.core.errors import DomainError, NotFoundError, ValidationFailed
from rapport.core.views import (
    Action,
    CapabilityRequiredMixin,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceFormView,
    add_domain_error,
)
from rapport.interactions import selectors, services
from rapport.interactions.choices import Evaluation
from rapport.interactions.forms.log import (
    DELETE_FIELDS,
    CommentForm,
    DeleteCanceledForm,
    EvaluateForm,
    InteractionLogFilterForm,
    PostponedFilterForm,
)
from rapport.interactions.log import may_change_entry, postponed_visible_to
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment

WRITE = permissions.INTERACTIONS

# The list filters the Create interaction dialog accepts as query parameters.
CREATE_FILTERS = ("contact_no", "company_no", "salesperson_code", "campaign_no", "template_code")
# The list filters the postponed list takes over from the log.
POSTPONED_FILTERS = ("contact_no", "salesperson_code")


# ---------------------------------------------------------------------------------------------
# Helpers


def _money(value: Any) -> str:
    return "" if value is None else number_format(value, 2, use_l10n=True, force_grouping=True)


def _minutes(value: Any) -> str:
    return "" if value is None else number_format(value, 0, use_l10n=True, force_grouping=True)


def _evaluation(value: Any) -> str:
    return str(Evaluation(value).label) if value else ""


def _with_query(url: str, params: Mapping[str, Any]) -> str:
    given = {name: value for name, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(given)}" if given else url


def _safe_next(request: HttpRequest, default: str) -> str:
    """The `next` of the request (POST, else GET) when it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _create_url(filters: Mapping[str, Any], next_url: str = "") -> str:
    """The Create interaction dialog, pre-filled with the list's filters it accepts."""
    url = reverse("interactions:interaction-create")
    params = {name: filters.get(name) for name in CREATE_FILTERS}
    params["next"] = next_url
    return _with_query(url, params)


def _create_params(filters: Mapping[str, Any], next_url: str = "") -> list[tuple[str, Any]]:
    """The query of `_create_url` as (name, value) pairs: the hidden fields of the log's row
    selection form, whose selected row adds its own `contact_no` (it comes last, so it wins)."""
    params = {name: filters.get(name) for name in CREATE_FILTERS}
    params["next"] = next_url
    return [(name, value) for name, value in params.items() if value not in (None, "")]


def _resume_url(entry_no: int, next_url: str = "") -> str:
    """The dialog that finishes a postponed interaction."""
    url = reverse("interactions:interaction-resume", args=[entry_no])
    return _with_query(url, {"next": next_url})


def entry_url(entry: InteractionLogEntry) -> str:
    """A logged entry's card; a postponed one's place is the postponed list."""
    if entry.postponed:
        return reverse("interactions:postponed-list")
    return reverse("interactions:entry-detail", args=[entry.entry_no])


def _get_entry(entry_no: Any, *, logged_only: bool = False) -> InteractionLogEntry:
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


# ---------------------------------------------------------------------------------------------
# Interaction log entries


class InteractionLogListView(ObjectListView):
    """Interaction log entries (reference 2.7): logged entries only, canceled ones marked."""

    model = InteractionLogEntry
    template_name = "interactions/log/entry_list.html"
    title = gettext_lazy("Interaction log entries")
    columns = [
        Column("entry_no", gettext_lazy("Entry no."), sort="entry_no", link=True, align_end=True),
        Column("date", gettext_lazy("Date"), sort="date"),
        Column("contact__no", gettext_lazy("Contact no."), sort="contact__no"),
        Column("contact__name", gettext_lazy("Contact name"), sort="contact__name"),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("template__code", gettext_lazy("Template"), sort="template__code"),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("cost", gettext_lazy("Cost"), sort="cost", format=_money, align_end=True),
        Column(
            "duration",
            gettext_lazy("Duration (min.)"),
            sort="duration",
            format=_minutes,
            align_end=True,
        ),
        Column("evaluation", gettext_lazy("Evaluation"), sort="evaluation", format=_evaluation),
        Column("successful", gettext_lazy("Successful"), sort="attempt_failed"),
        Column("canceled", gettext_lazy("Canceled"), sort="canceled"),
    ]
    search_fields = ["description", "contact__name"]
    search_placeholder = gettext_lazy("Description or contact name")
    filter_form_class = InteractionLogFilterForm
    default_sort = "-entry_no"
    write_capability = WRITE
    empty_message = gettext_lazy("No interaction has been logged yet.")
    empty_hint = gettext_lazy(
        "Interactions are logged with Create interaction, from a contact or from this page."
    )

    def get_base_queryset(self) -> QuerySet:
        return selectors.interaction_log()

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        form = self.filter_form
        assert isinstance(form, InteractionLogFilterForm)
        try:
            return selectors.interaction_log(form.selector_filters())
        except ValidationFailed as error:
            add_domain_error(form, error)
            return queryset.none()

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        form = self.filter_form
        if form is not None and form.is_bound and not form.is_valid():
            return queryset.none()  # the panel shows what is wrong; nothing is guessed
        return queryset

    def active_filters(self) -> dict[str, Any]:
        form = self.filter_form
        if form is None or not form.is_bound or not form.is_valid():
            return {}
        return {name: value for name, value in form.cleaned_data.items() if value}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.rights = ChangeRights(self.request.user)
        context = super().get_context_data(**kwargs)
        filters = self.active_filters()
        here = self.request.get_full_path()  # an htmx refresh asks for the URL it pushes
        context.update(
            next_url=here,
            create_url=_create_url(filters, here) if self.rights.can else None,
            create_action=reverse("interactions:interaction-create"),
            create_params=_create_params(filters, here),
            postponed_url=_with_query(
                reverse("interactions:postponed-list"),
                {name: filters.get(name) for name in POSTPONED_FILTERS},
            ),
            delete_canceled_url=_with_query(
                reverse("interactions:delete-canceled"),
                {name: filters.get(name) for name in DELETE_FIELDS},
            )
            if self.rights.can
            else None,
        )
        return context

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        for column, cell in zip(self.columns, row["cells"], strict=True):
            cell["name"] = column.name
        row["url"] = reverse("interactions:entry-detail", args=[obj.entry_no])
        row["may_change"] = self.rights.may_change(obj)
        # The row selection (NAV's current record): Create interaction takes its contact.
        row["contact_no"] = obj.contact.no if obj.contact is not None else ""
        return row


class InteractionLogEntryDetailView(ObjectDetailView):
    """An interaction's card. A postponed entry number gives 404: postponed entries never show
    in the log (they are on the postponed list)."""

    template_name = "interactions/log/entry_detail.html"
    write_capability = WRITE

    def get_object(self, queryset: Any = None) -> InteractionLogEntry:
        return _get_entry(self.kwargs["entry_no"], logged_only=True)

    def get_actions(self) -> list[Action]:
        entry = self.object
        no = entry.entry_no
        here = reverse("interactions:entry-detail", args=[no])
        create = []
        if entry.contact is not None and permissions.user_can(self.request.user, WRITE):
            # Create interaction for this entry's contact (locked), back to this card.
            create.append(
                Action(
                    _("Create interaction"),
                    _create_url({"contact_no": entry.contact.no}, here),
                    icon="plus-lg",
                    style="primary",
                    dialog=True,
                )
            )
        if not ChangeRights(self.request.user).may_change(entry):
            return create
        if entry.canceled:
            toggle = Action(
                _("Uncancel"),
                reverse("interactions:entry-uncancel", args=[no]),
                icon="arrow-counterclockwise",
                method="post",
                confirm=_("Uncancel interaction %(no)s?") % {"no": no},
            )
        else:
            toggle = Action(
                _("Cancel interaction"),
                reverse("interactions:entry-cancel", args=[no]),
                icon="x-circle",
                method="post",
                confirm=_("Cancel interaction %(no)s?") % {"no": no},
                style="outline-danger",
            )
        return [
            *create,
            toggle,
            Action(
                _("Evaluate"),
                _with_query(reverse("interactions:entry-evaluate", args=[no]), {"next": here}),
                icon="hand-thumbs-up",
            ),
            Action(
                _("Comments"), reverse("interactions:entry-comments", args=[no]), icon="chat-left"
            ),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = self.object
        context.update(
            entry_sections=entry_sections(entry),
            comments=list(selectors.interaction_comments(entry)),
            log_url=reverse("interactions:log-list"),
        )
        return context


def _field(entry: InteractionLogEntry, name: str, value: Any = None, url: str = "") -> dict:
    label = getattr(InteractionLogEntry._meta.get_field(name), "verbose_name", name)
    if value is None and getattr(entry, name) == "":
        value = ""  # a blank option shows as blank, not as "(blank)"
    elif value is None:
        display = getattr(entry, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(entry, name)
    return {"name": name, "label": label, "value": value, "url": url}


def entry_sections(entry: InteractionLogEntry) -> list[dict[str, Any]]:
    """The card's sections; Campaign and Segment only where they apply."""
    contact = entry.contact
    company = entry.contact_company
    general = [
        _field(entry, "entry_no"),
        _field(entry, "date"),
        _field(entry, "time"),
        _field(
            entry,
            "contact",
            str(contact) if contact else "",
            contact.get_absolute_url() if contact else "",
        ),
        _field(
            entry,
            "contact_company",
            str(company) if company else "",
            company.get_absolute_url() if company else "",
        ),
        _field(entry, "description"),
        _field(entry, "subject"),
        _field(entry, "template", str(entry.template) if entry.template else ""),
        _field(entry, "group", str(entry.group) if entry.group else ""),
        _field(
            entry,
            "salesperson",
            str(entry.salesperson) if entry.salesperson else "",
            entry.salesperson.get_absolute_url() if entry.salesperson else "",
        ),
        _field(entry, "user", getattr(entry, "user_name", None) or ""),
    ]
    details = [
        _field(entry, "information_flow"),
        _field(entry, "initiated_by"),
        _field(entry, "correspondence_type"),
        _field(entry, "language", str(entry.language) if entry.language else ""),
        _field(entry, "evaluation"),
        {"name": "successful", "label": _("was successful"), "value": entry.successful, "url": ""},
        _field(entry, "cost", _money(entry.cost)),
        _field(entry, "duration", _minutes(entry.duration)),
        _field(entry, "canceled"),
        _field(entry, "delivery_status"),
    ]
    sections = [
        {"id": "general", "title": _("General"), "rows": general},
        {"id": "details", "title": _("Details"), "rows": details},
    ]
    if entry.campaign_id is not None:
        campaign_entry = entry.campaign_entry
        sections.append(
            {
                "id": "campaign",
                "title": _("Campaign"),
                "rows": [
                    _field(entry, "campaign", str(entry.campaign)),
                    _field(
                        entry,
                        "campaign_entry",
                        str(campaign_entry.entry_no) if campaign_entry else "",
                    ),
                    _field(entry, "campaign_target"),
                    _field(entry, "campaign_response"),
                ],
            }
        )
    attachment_no = getattr(entry, "attachment_no", None)
    if entry.segment_no or entry.logged_segment_entry_no or attachment_no:
        rows = []
        if entry.segment_no:
            rows.append(_field(entry, "segment_no"))
        if entry.logged_segment_entry_no:
            rows.append(_field(entry, "logged_segment_entry_no"))
        if attachment_no:
            rows.append(_field(entry, "attachment", str(attachment_no)))
        sections.append({"id": "segment", "title": _("Segment and attachment"), "rows": rows})
    return sections


class _EntryActionView(CapabilityRequiredMixin, View):
    """A POST-only change of one entry; back to `next` (on this site) or the entry's page."""

    write_capability = WRITE
    http_method_names = ["post"]

    def perform(self, entry: InteractionLogEntry) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = _get_entry(entry_no)
        try:
            message = self.perform(entry)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(_safe_next(request, entry_url(entry)))


class InteractionCancelView(_EntryActionView):
    def perform(self, entry: InteractionLogEntry) -> str:
        services.interaction_cancel(actor=self.request.user, entry=entry)
        return _("Interaction %(no)s was canceled.") % {"no": entry.entry_no}


class InteractionUncancelView(_EntryActionView):
    def perform(self, entry: InteractionLogEntry) -> str:
        services.interaction_uncancel(actor=self.request.user, entry=entry)
        return _("Interaction %(no)s was uncanceled.") % {"no": entry.entry_no}


class _EntryFormMixin(EntryFormRightsMixin):
    """A form page about one entry: looked up lazily (after the capability check), opened only
    for who may change it."""

    logged_only = False
    kwargs: dict[str, Any]
    request: HttpRequest

    @cached_property
    def entry(self) -> InteractionLogEntry:
        return _get_entry(self.kwargs["entry_no"], logged_only=self.logged_only)


class InteractionEvaluateView(_EntryFormMixin, ServiceFormView):
    """Evaluate Interaction (reference 2.7): set or clear the evaluation."""

    form_class = EvaluateForm
    write_capability = WRITE
    logged_only = True
    submit_label = gettext_lazy("Save evaluation")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Evaluate interaction %(entry)s") % {"entry": self.entry}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return _safe_next(self.request, entry_url(self.entry))

    def get_initial(self) -> dict[str, Any]:
        return {"evaluation": self.entry.evaluation}

    def perform(self, form: Any) -> Any:
        return services.interaction_evaluate(
            actor=self.request.user,
            entry=self.entry,
            evaluation=form.cleaned_data["evaluation"] or "",
        )

    def success_message(self, result: Any) -> str:
        return _("The evaluation of interaction %(no)s was saved.") % {"no": result.entry_no}

    def get_success_url_for(self, result: Any) -> str:
        return _safe_next(self.request, entry_url(result))


def _comments_url(entry: InteractionLogEntry) -> str:
    return reverse("interactions:entry-comments", args=[entry.entry_no])


class InteractionCommentsView(_EntryFormMixin, ServiceFormView):
    """An interaction's comment lines (logged or postponed): the list, and a form to add one."""

    template_name = "interactions/log/entry_comments.html"
    form_class = CommentForm
    write_capability = WRITE
    submit_label = gettext_lazy("Add comment")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Comments of interaction %(entry)s") % {"entry": self.entry}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return entry_url(self.entry)

    def perform(self, form: Any) -> Any:
        return services.interaction_add_comment(
            actor=self.request.user,
            entry=self.entry,
            comment=form.cleaned_data["comment"],
            date=form.cleaned_data["date"],
        )

    def success_message(self, result: Any) -> str:
        return _("Comment line %(line)s was added.") % {"line": result.line_no}

    def get_success_url_for(self, result: Any) -> str:
        return _comments_url(self.entry)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            entry=self.entry,
            comments=list(selectors.interaction_comments(self.entry)),
            may_change=ChangeRights(self.request.user).may_change(self.entry),
        )
        return context


class _CommentLineMixin(_EntryFormMixin):
    @cached_property
    def line(self) -> InteractionLogEntryComment:
        try:
            return selectors.interaction_comment_get(self.entry, self.kwargs["line_no"])
        except NotFoundError as error:
            raise Http404(error.message) from error


class InteractionCommentEditView(_CommentLineMixin, ServiceFormView):
    form_class = CommentForm
    write_capability = WRITE

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Comment line %(line)s of interaction %(no)s") % {
            "line": self.line.line_no,
            "no": self.entry.entry_no,
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return _comments_url(self.entry)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"date": self.line.date, "comment": self.line.comment}

    def perform(self, form: Any) -> Any:
        return services.interaction_update_comment(
            actor=self.request.user,
            comment_line=self.line,
            comment=form.cleaned_data["comment"],
            date=form.cleaned_data["date"],
        )

    def success_message(self, result: Any) -> str:
        return _("Comment line %(line)s was saved.") % {"line": result.line_no}

    def get_success_url_for(self, result: Any) -> str:
        return _comments_url(self.entry)


class InteractionCommentDeleteView(
    _CommentLineMixin, CapabilityRequiredMixin, generic.TemplateView
):
    template_name = "interactions/log/confirm.html"
    write_capability = WRITE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Delete comment line"),
            question=_('Delete comment line %(line)s of interaction %(no)s ("%(comment)s")?')
            % {"line": self.line.line_no, "no": self.entry.entry_no, "comment": self.line.comment},
            cancel_url=_comments_url(self.entry),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        line = self.line
        try:
            services.interaction_delete_comment(actor=request.user, comment_line=line)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Comment line %(line)s was deleted.") % {"line": line.line_no}
            )
        return HttpResponseRedirect(_comments_url(self.entry))


# ---------------------------------------------------------------------------------------------
# Delete interaction log entries (canceled ones)


def _signature(filters: Mapping[str, Any]) -> str:
    return urlencode(sorted((name, str(value)) for name, value in filters.items()))


class DeleteCanceledView(CapabilityRequiredMixin, generic.TemplateView):
    """Delete interaction log entries (reference 2.7, report 5190): the filters, then a preview
    that counts the canceled entries that match (the service's dry run), then the deletion.
    Only canceled logged entries are ever deleted, whatever the filters."""

    template_name = "interactions/log/delete_canceled.html"
    write_capability = WRITE

    def render_page(self, form: DeleteCanceledForm, count: int | None = None) -> HttpResponse:
        signature = _signature(form.service_filters()) if count is not None else ""
        return self.render_to_response(
            self.get_context_data(
                form=form,
                count=count,
                signature=signature,
                title=_("Delete interaction log entries"),
                log_url=reverse("interactions:log-list"),
            )
        )

    def preview(self, form: DeleteCanceledForm) -> HttpResponse:
        try:
            count = services.interactions_delete_canceled(
                actor=self.request.user, filters=form.service_filters(), dry_run=True
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.render_page(form)
        return self.render_page(form, count)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DeleteCanceledForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return self.render_page(form)
        if not form.is_bound:
            form.cleaned_data = {}
        return self.preview(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DeleteCanceledForm(request.POST)
        if not form.is_valid():
            return self.render_page(form)
        filters = form.service_filters()
        if "confirm" not in request.POST:
            return self.preview(form)
        if request.POST.get("previewed") != _signature(filters):
            messages.warning(
                request, _("The filters changed since the preview: check the count again.")
            )
            return self.preview(form)
        try:
            count = services.interactions_delete_canceled(actor=request.user, filters=filters)
        except DomainError as error:
            add_domain_error(form, error)
            return self.render_page(form)
        messages.success(
            request,
            ngettext(
                "%(count)s interaction log entry was deleted.",
                "%(count)s interaction log entries were deleted.",
                count,
            )
            % {"count": count},
        )
        return HttpResponseRedirect(reverse("interactions:log-list"))


# ---------------------------------------------------------------------------------------------
# Postponed interactions


class PostponedListView(ObjectListView):
    """Postponed interactions (reference 2.2): the drafts to finish (Resume) or delete."""

    model = InteractionLogEntry
    template_name = "interactions/log/postponed_list.html"
    title = gettext_lazy("Postponed interactions")
    columns = [
        Column("entry_no", gettext_lazy("Entry no."), sort="entry_no", align_end=True),
        Column("date", gettext_lazy("Date"), sort="date"),
        Column("contact__no", gettext_lazy("Contact no."), sort="contact__no"),
        Column("contact__name", gettext_lazy("Contact name"), sort="contact__name"),
        Column("description", gettext_lazy("Description"), sort="description"),
        Column("template__code", gettext_lazy("Template"), sort="template__code"),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("user_name", gettext_lazy("Created by"), sort="user__username"),
    ]
    search_fields = ["description", "contact__name"]
    search_placeholder = gettext_lazy("Description or contact name")
    filter_form_class = PostponedFilterForm
    default_sort = "-entry_no"
    write_capability = WRITE
    empty_message = gettext_lazy("There are no postponed interactions.")
    empty_hint = gettext_lazy(
        "An interaction you choose to finish later (Cancel in Create interaction) waits here."
    )

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(postponed_visible_to(self.request.user))

    def get_base_queryset(self) -> QuerySet:
        return self.scoped(selectors.postponed_interactions())

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        form = self.filter_form
        assert isinstance(form, PostponedFilterForm)
        try:
            return self.scoped(selectors.postponed_interactions(form.selector_filters()))
        except ValidationFailed as error:
            add_domain_error(form, error)
            return queryset.none()

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        form = self.filter_form
        if form is not None and form.is_bound and not form.is_valid():
            return queryset.none()
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.rights = ChangeRights(self.request.user)
        here = self.request.get_full_path()  # an htmx refresh asks for the URL it pushes
        self.here = here
        context = super().get_context_data(**kwargs)
        context.update(next_url=here, log_url=reverse("interactions:log-list"))
        return context

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        row["url"] = None
        row["may_change"] = self.rights.may_change(obj)
        row["resume_url"] = _resume_url(obj.entry_no, self.here) if row["may_change"] else None
        row["delete_url"] = (
            _with_query(
                reverse("interactions:postponed-delete", args=[obj.entry_no]), {"next": self.here}
            )
            if row["may_change"]
            else None
        )
        row["comments_url"] = _comments_url(obj) if row["may_change"] else None
        return row


def _postponed_question(entry: InteractionLogEntry) -> str:
    if entry.contact is not None:
        return _("Delete postponed interaction %(no)s with %(contact)s – %(description)s?") % {
            "no": entry.entry_no,
            "contact": entry.contact.name,
            "description": entry.description or _("(no description)"),
        }
    return _("Delete postponed interaction %(no)s – %(description)s?") % {
        "no": entry.entry_no,
        "description": entry.description or _("(no description)"),
    }


class PostponedDeleteView(_EntryFormMixin, CapabilityRequiredMixin, generic.TemplateView):
    """Delete a postponed interaction with its comment lines (reference 2.2). A logged entry
    has no such page (404); the service refuses to delete it anyway. Another salesperson's
    draft answers 404, as on the postponed list."""

    template_name = "interactions/log/confirm.html"
    write_capability = WRITE

    @cached_property
    def entry(self) -> InteractionLogEntry:
        entry = _get_entry(self.kwargs["entry_no"])
        if not entry.postponed:
            raise Http404(_("Interaction %(no)s is not postponed.") % {"no": entry.entry_no})
        return entry

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = self.entry
        context.update(
            title=_("Delete postponed interaction"),
            question=_postponed_question(entry),
            cancel_url=_safe_next(self.request, reverse("interactions:postponed-list")),
            next_url=self.request.GET.get("next", ""),
        )
        return context

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = self.entry
        try:
            services.interaction_delete_postponed(actor=request.user, entry=entry)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Postponed interaction %(no)s was deleted.") % {"no": entry.entry_no},
            )
        return HttpResponseRedirect(_safe_next(request, reverse("interactions:postponed-list")))


# ---------------------------------------------------------------------------------------------
# Role Center


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


class LogThisMonthView(View):
    """The "Interactions this month" tile: the log on the month of the user's work date."""

    def get(self, request: HttpRequest) -> HttpResponse:
        first, last = month_of(request.user.effective_work_date)  # type: ignore[union-attr]
        return HttpResponseRedirect(
            _with_query(
                reverse("interactions:log-list"),
                {"date_from": first.isoformat(), "date_to": last.isoformat(), "canceled": "no"},
            )
        )


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
