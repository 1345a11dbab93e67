"""An interaction's comment lines (logged or postponed): the list with a form to add one, and
each line's edit and delete pages. Opened only for who may change the entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.core.errors import DomainError, NotFoundError
from rapport.core.views import CapabilityRequiredMixin, ServiceFormView
from rapport.interactions import selectors, services
from rapport.interactions.forms.log import CommentForm
from rapport.interactions.models import InteractionLogEntryComment
from rapport.interactions.views.log.access import WRITE, ChangeRights, EntryFormMixin
from rapport.interactions.views.log.links import comments_url, entry_url


class _CommentFormMixin(EntryFormMixin):
    """Add or edit a comment line: the form's values go to `save_comment`; back to the list."""

    saved_message: Any  # "%(line)s" is the line number

    def save_comment(self, **values: Any) -> InteractionLogEntryComment:
        raise NotImplementedError  # pragma: no cover - abstract

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return self.save_comment(comment=data["comment"], date=data["date"])

    def success_message(self, result: Any) -> str:
        return self.saved_message % {"line": result.line_no}

    def get_success_url_for(self, result: Any) -> str:
        return comments_url(self.entry)


class InteractionCommentsView(_CommentFormMixin, ServiceFormView):
    """An interaction's comment lines (logged or postponed): the list, and a form to add one."""

    template_name = "interactions/log/entry_comments.html"
    form_class = CommentForm
    write_capability = WRITE
    submit_label = gettext_lazy("Add comment")
    saved_message = gettext_lazy("Comment line %(line)s was added.")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Comments of interaction %(entry)s") % {"entry": self.entry}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return entry_url(self.entry)

    def save_comment(self, **values: Any) -> InteractionLogEntryComment:
        return services.interaction_add_comment(actor=self.request.user, entry=self.entry, **values)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            entry=self.entry,
            comments=list(selectors.interaction_comments(self.entry)),
            may_change=ChangeRights(self.request.user).may_change(self.entry),
        )
        return context


class _CommentLineMixin(EntryFormMixin):
    @cached_property
    def line(self) -> InteractionLogEntryComment:
        try:
            return selectors.interaction_comment_get(self.entry, self.kwargs["line_no"])
        except NotFoundError as error:
            raise Http404(error.message) from error


class InteractionCommentEditView(_CommentLineMixin, _CommentFormMixin, ServiceFormView):
    form_class = CommentForm
    write_capability = WRITE
    saved_message = gettext_lazy("Comment line %(line)s was saved.")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Comment line %(line)s of interaction %(no)s") % {
            "line": self.line.line_no,
            "no": self.entry.entry_no,
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return comments_url(self.entry)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"date": self.line.date, "comment": self.line.comment}

    def save_comment(self, **values: Any) -> InteractionLogEntryComment:
        return services.interaction_update_comment(
            actor=self.request.user, comment_line=self.line, **values
        )


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
            cancel_url=comments_url(self.entry),
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
        return HttpResponseRedirect(comments_url(self.entry))
