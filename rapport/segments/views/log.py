"""Logging a segment (reference 2.5) and the logged segments (2.6): the Log request page (with
the dry-run check shown first; a big segment goes on to its job page, `jobs.py`), the result
page, the Logged segments list and card (Cancel/Uncancel), and Delete canceled logged segments."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import generic

from rapport.campaigns.models import CampaignEntry
from rapport.core import permissions
from rapport.core.cards import card_actions, card_panels
from rapport.core.errors import DomainError
from rapport.core.forms import BootstrapFormMixin
from rapport.core.views import (
    Action,
    CapabilityRequiredMixin,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    add_domain_error,
    requested_page,
)
from rapport.interactions.choices import Evaluation
from rapport.segments import services
from rapport.segments.choices import FollowUpOutcome
from rapport.segments.models import LoggedSegment, Segment
from rapport.segments.views.base import WRITE, SegmentWriteMixin

INTERACTIONS_PER_PAGE = 50


def _logged_or_404(entry_no: Any) -> LoggedSegment:
    found = services.logged_segments().filter(entry_no=entry_no).first()
    if found is None:
        raise Http404(_("There is no logged segment %(no)s.") % {"no": entry_no})
    return found


def _date(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _segment_url(no: str) -> str | None:
    """The segment's card, None when the segment no longer exists."""
    if not no or not Segment.objects.filter(no=no).exists():
        return None
    try:
        return reverse("segments:segment-detail", args=[no])
    except NoReverseMatch:
        return None


def _refusal(error: DomainError) -> list[str]:
    """Every message of a refusal (a refused log names several lines)."""
    listed = [message for messages_ in error.fields().values() for message in messages_]
    return listed or [error.message]


# ---------------------------------------------------------------------------------------------
# Log segment


class SegmentLogForm(BootstrapFormMixin, forms.Form):
    deliver = forms.BooleanField(
        label=gettext_lazy("Deliver"),
        required=False,
        help_text=gettext_lazy(
            "Send the e-mails and print the letters of the logged interactions, each with its "
            "line's attachment."
        ),
    )
    follow_up = forms.BooleanField(label=gettext_lazy("Create follow-up segment"), required=False)
    follow_up_outcome = forms.ChoiceField(
        label=gettext_lazy("Follow-up contacts"),
        choices=FollowUpOutcome.choices,
        initial=FollowUpOutcome.ALL,
        required=False,
        widget=forms.RadioSelect,
    )
    follow_up_evaluation = forms.ChoiceField(
        label=gettext_lazy("Evaluation or worse"),
        choices=[("", "—"), *[choice for choice in Evaluation.choices if choice[0]]],
        required=False,
        help_text=gettext_lazy("With “Only a chosen evaluation or worse”."),
    )
    follow_up_copy_setup = forms.BooleanField(
        label=gettext_lazy("Copy the interaction setup to the follow-up segment"), required=False
    )

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "deliver": bool(data.get("deliver")),
            "follow_up": bool(data.get("follow_up")),
            "follow_up_outcome": data.get("follow_up_outcome") or FollowUpOutcome.ALL,
            "follow_up_evaluation": data.get("follow_up_evaluation") or None,
            "follow_up_copy_setup": bool(data.get("follow_up_copy_setup")),
        }


class SegmentLogView(SegmentWriteMixin, ServiceFormView):
    """The Log request page: what would be logged (a dry run of every check, shown first), the
    follow-up options; Log runs it (in the background for a big segment)."""

    template_name = "segments/log/segment_log.html"
    form_class = SegmentLogForm
    write_capability = WRITE
    submit_label = gettext_lazy("Log")

    def get_form(self, form_class: Any = None) -> SegmentLogForm:
        """Deliver: on by default when a line has a correspondence type (reference 2.5),
        else off and disabled, saying why."""
        form: SegmentLogForm = super().get_form(form_class)  # type: ignore[assignment]
        field = form.fields["deliver"]
        if services.default_deliver(self.segment):
            field.initial = True
        else:
            field.initial = False
            field.disabled = True
            field.help_text = _(
                "No line has a correspondence type: there is nothing to send or print."
            )
        return form

    def _delivery_check(self) -> dict[str, Any]:
        """What Deliver would send or print (a dry run with Deliver), or why it cannot."""
        if not services.default_deliver(self.segment):
            return {}
        try:
            result = services.segment_log(
                actor=self.request.user, segment=self.segment, dry_run=True, deliver=True
            )
        except DomainError as error:
            return {"ok": False, "messages": _refusal(error)}
        return {
            "ok": True,
            "email": result.deliveries.get("email", 0),
            "hard_copy": result.deliveries.get("hard_copy", 0),
            "fax": result.deliveries.get("fax", 0),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        check: dict[str, Any] = {}
        context["delivery"] = self._delivery_check()
        try:
            result = services.segment_log(
                actor=self.request.user, segment=self.segment, dry_run=True, deliver=False
            )
        except DomainError as error:
            check = {"ok": False, "messages": _refusal(error)}
        else:
            check = {
                "ok": True,
                "count": result.no_of_interactions,
                "campaigns": result.campaigns,
                "background": services.runs_in_background(result.no_of_interactions),
            }
        segment_url = reverse("segments:segment-detail", args=[self.segment.no])
        context.update(
            title=_("Log segment %(no)s") % {"no": self.segment.no},
            segment=self.segment,
            check=check,
            cancel_url=segment_url,
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            started = services.segment_log_start(
                actor=self.request.user, segment=self.segment, **form.options()
            )
        except DomainError as error:
            add_domain_error(form, error)
            if not error.fields() or set(error.fields()) - set(form.fields):
                for message in _refusal(error)[1:]:
                    form.add_error(None, message)
            return self.form_invalid(form)
        if started.job is not None:
            return HttpResponseRedirect(reverse("segments:segment-log-job", args=[started.job.id]))
        result = started.result
        assert result is not None
        messages.success(
            self.request, _("Segment %(no)s has been logged.") % {"no": result.segment_no}
        )
        assert result.logged_segment is not None
        return HttpResponseRedirect(
            reverse("segments:segment-log-result", args=[result.logged_segment.entry_no])
        )


class SegmentLogResultView(CapabilityRequiredMixin, generic.TemplateView):
    """What was logged: the logged segment, its interactions and campaign entries, the
    follow-up segment."""

    template_name = "segments/log/result.html"
    write_capability = WRITE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        logged = _logged_or_404(kwargs["entry_no"])
        campaign_entries = list(
            CampaignEntry.objects.filter(register_no=logged.entry_no)
            .select_related("campaign")
            .order_by("entry_no")
        )
        context.update(
            title=_("Segment %(no)s has been logged.") % {"no": logged.segment_no},
            logged=logged,
            campaign_entries=campaign_entries,
            follow_up_url=_segment_url(logged.follow_up_segment_no),
        )
        return context


# ---------------------------------------------------------------------------------------------
# Logged segments


class LoggedSegmentFilterForm(BootstrapFormMixin, forms.Form):
    canceled = forms.TypedChoiceField(
        label=gettext_lazy("Canceled"),
        choices=[
            ("", gettext_lazy("All")),
            ("false", gettext_lazy("No")),
            ("true", gettext_lazy("Yes")),
        ],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    segment_no = forms.CharField(label=gettext_lazy("Segment No."), max_length=20, required=False)

    def clean_segment_no(self) -> str:
        return str(self.cleaned_data.get("segment_no") or "").strip().upper()


class LoggedSegmentListView(ObjectListView):
    """Logged segments (NAV page 5139)."""

    model = LoggedSegment
    template_name = "segments/log/logged_segment_list.html"
    title = gettext_lazy("Logged segments")
    columns = [
        Column("entry_no", gettext_lazy("Entry No."), sort="entry_no", link=True, align_end=True),
        Column("creation_date", gettext_lazy("Creation Date"), sort="creation_date", format=_date),
        Column("user__username", gettext_lazy("User")),
        Column("segment_no", gettext_lazy("Segment No."), sort="segment_no", link=True),
        Column("description", gettext_lazy("Description"), sort="description"),
        Column(
            "no_of_interactions",
            gettext_lazy("No. of Interactions"),
            sort="no_of_interactions",
            align_end=True,
        ),
        Column("canceled", gettext_lazy("Canceled"), sort="canceled", format=_yes_no),
    ]
    search_fields = ["segment_no", "description"]
    search_placeholder = gettext_lazy("Segment no. or description")
    filter_form_class = LoggedSegmentFilterForm
    default_sort = "-entry_no"
    write_capability = WRITE
    empty_message = gettext_lazy("No logged segments.")
    empty_hint = gettext_lazy("Logging a segment records its interactions and registers it here.")

    def get_base_queryset(self) -> QuerySet:
        return services.logged_segments()


class LoggedSegmentDetailView(ObjectDetailView):
    """The logged segment card: its fields, its interactions (paginated), Cancel/Uncancel."""

    template_name = "segments/log/logged_segment_detail.html"
    write_capability = WRITE
    sections = [
        (
            gettext_lazy("General"),
            [
                "entry_no",
                "segment_no",
                "description",
                "creation_date",
                "user",
                "canceled",
                "follow_up_segment_no",
            ],
        )
    ]

    def get_object(self, queryset: Any = None) -> LoggedSegment:
        return _logged_or_404(self.kwargs["entry_no"])

    def get_actions(self) -> list[Action]:
        """Cancel or Uncancel, then what other apps register for the card "logged_segment"
        (the delivery app: resend, letters)."""
        registered = card_actions("logged_segment", self.request, self.object)
        if not permissions.user_can(self.request.user, WRITE):
            return registered
        return [*self._cancel_actions(), *registered]

    def _cancel_actions(self) -> list[Action]:
        logged = self.object
        count = logged.no_of_interactions  # type: ignore[attr-defined]
        if logged.canceled:
            return [
                Action(
                    _("Uncancel"),
                    reverse("segments:logged-segment-uncancel", args=[logged.entry_no]),
                    icon="arrow-counterclockwise",
                    method="post",
                    confirm=ngettext(
                        "Uncancel logged segment %(no)s and its %(count)s interaction?",
                        "Uncancel logged segment %(no)s and its %(count)s interactions?",
                        count,
                    )
                    % {"no": logged.entry_no, "count": count},
                )
            ]
        return [
            Action(
                _("Cancel"),
                reverse("segments:logged-segment-cancel", args=[logged.entry_no]),
                icon="x-circle",
                method="post",
                style="outline-danger",
                confirm=ngettext(
                    "Cancel logged segment %(no)s and its %(count)s interaction?",
                    "Cancel logged segment %(no)s and its %(count)s interactions?",
                    count,
                )
                % {"no": logged.entry_no, "count": count},
            )
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        logged = self.object
        paginator = Paginator(services.logged_segment_interactions(logged), INTERACTIONS_PER_PAGE)
        context.update(
            title=_("Logged segment %(no)s") % {"no": logged.entry_no},
            interactions=requested_page(paginator, self.request.GET.get("page")),
            follow_up_url=_segment_url(logged.follow_up_segment_no),
            campaign_entries=list(
                CampaignEntry.objects.filter(register_no=logged.entry_no)
                .select_related("campaign")
                .order_by("entry_no")
            ),
        )
        context.update(card_panels("logged_segment", self.request, logged))
        return context


class _LoggedSegmentActionView(ServiceActionView):
    """Cancel or uncancel (the card's buttons post); back to the card with a message."""

    write_capability = WRITE
    # As this page always answered: OPTIONS too (the other methods refused with 405).
    http_method_names = ["post", "options"]
    canceled = True

    def get_object(self, **kwargs: Any) -> LoggedSegment:
        return _logged_or_404(kwargs["entry_no"])

    def perform(self, obj: LoggedSegment) -> str:
        if self.canceled:
            services.logged_segment_cancel(actor=self.request.user, logged_segment=obj)
            message = _("Logged segment %(no)s and its interactions are canceled.")
        else:
            services.logged_segment_uncancel(actor=self.request.user, logged_segment=obj)
            message = _("Logged segment %(no)s and its interactions are no longer canceled.")
        return message % {"no": obj.entry_no}

    def success_url(self, obj: LoggedSegment) -> str:
        return reverse("segments:logged-segment-detail", args=[obj.entry_no])


class LoggedSegmentCancelView(_LoggedSegmentActionView):
    canceled = True


class LoggedSegmentUncancelView(_LoggedSegmentActionView):
    canceled = False


class DeleteCanceledForm(BootstrapFormMixin, forms.Form):
    entry_no = forms.IntegerField(label=gettext_lazy("Entry No."), min_value=1, required=False)
    segment_no = forms.CharField(label=gettext_lazy("Segment No."), max_length=20, required=False)

    def clean_segment_no(self) -> str:
        return str(self.cleaned_data.get("segment_no") or "").strip().upper()


class LoggedSegmentsDeleteCanceledView(CapabilityRequiredMixin, generic.TemplateView):
    """Delete canceled logged segments (NAV report 5191): the filters, then how many match
    (counted first), then Delete. Their interactions and campaign entries stay."""

    template_name = "segments/log/delete_canceled.html"
    write_capability = WRITE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DeleteCanceledForm(request.GET or None)
        count = None
        if form.is_bound and form.is_valid():
            count = services.logged_segments_delete_canceled(
                actor=request.user, dry_run=True, **self._filters(form)
            )
        elif not form.is_bound:
            count = services.logged_segments_delete_canceled(actor=request.user, dry_run=True)
        return self.render_to_response(self.get_context_data(form=form, count=count))

    def _filters(self, form: DeleteCanceledForm) -> dict[str, Any]:
        return {
            "entry_no": form.cleaned_data.get("entry_no"),
            "segment_no": form.cleaned_data.get("segment_no") or None,
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DeleteCanceledForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, count=None))
        try:
            count = services.logged_segments_delete_canceled(
                actor=request.user, **self._filters(form)
            )
        except DomainError as error:
            add_domain_error(form, error)
            return self.render_to_response(self.get_context_data(form=form, count=None))
        messages.success(
            request,
            ngettext(
                "%(count)s logged segment has been deleted.",
                "%(count)s logged segments have been deleted.",
                count,
            )
            % {"count": count},
        )
        return HttpResponseRedirect(reverse("segments:logged-segment-list"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = kwargs["form"]
        query = {}
        if form.is_bound and form.is_valid():
            query = {key: value for key, value in self._filters(form).items() if value}
        context.update(
            title=_("Delete canceled logged segments"),
            cancel_url=reverse("segments:logged-segment-list"),
            query=urlencode(query),
        )
        return context


urlpatterns: list[URLPattern] = [
    path("segments/<str:no>/log/", SegmentLogView.as_view(), name="segment-log"),
    path("logged-segments/", LoggedSegmentListView.as_view(), name="logged-segment-list"),
    path(
        "logged-segments/delete-canceled/",
        LoggedSegmentsDeleteCanceledView.as_view(),
        name="logged-segment-delete-canceled",
    ),
    path(
        "logged-segments/<int:entry_no>/",
        LoggedSegmentDetailView.as_view(),
        name="logged-segment-detail",
    ),
    path(
        "logged-segments/<int:entry_no>/logged/",
        SegmentLogResultView.as_view(),
        name="segment-log-result",
    ),
    path(
        "logged-segments/<int:entry_no>/cancel/",
        LoggedSegmentCancelView.as_view(),
        name="logged-segment-cancel",
    ),
    path(
        "logged-segments/<int:entry_no>/uncancel/",
        LoggedSegmentUncancelView.as_view(),
        name="logged-segment-uncancel",
    ),
]
