"""Interaction group and template pages: lists, cards, create/edit/delete, and the template's
language rows (a list part on the template card with their own add, edit and delete pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.core import permissions
from rapport.core.errors import DomainError, NotFoundError
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
)
from rapport.interactions import selectors, services
from rapport.interactions.forms.setup import (
    COMMUNICATION_FIELDS,
    GENERAL_FIELDS,
    INTERACTION_FIELDS,
    InteractionGroupForm,
    InteractionTemplateFilterForm,
    InteractionTemplateForm,
    InteractionTemplateLanguageForm,
)
from rapport.interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.views.statistics import statistics_context

WRITE = permissions.SETUP


def _or_404[T](read: Callable[..., T], *args: Any) -> T:
    try:
        return read(*args)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _money(value: Any) -> str:
    return "" if value is None else number_format(value, 2, use_l10n=True, force_grouping=True)


def _minutes(value: Any) -> str:
    return "" if value is None else number_format(value, 0, use_l10n=True, force_grouping=True)


class _PlainFormMixin:
    """ServiceFormView for forms that are not model forms: the record goes to the form as
    `template`/`row`/`editing`, not as `instance`."""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs.pop("instance", None)
        kwargs.update(self.form_extra_kwargs())
        return kwargs

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {}


# --- Interaction groups ------------------------------------------------------------------------


class InteractionGroupListView(ObjectListView):
    model = InteractionGroup
    title = gettext_lazy("Interaction groups")
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column(
            "no_of_templates",
            gettext_lazy("Templates"),
            sort="no_of_templates",
            align_end=True,
        ),
    ]
    search_fields = ["code", "description"]
    search_placeholder = gettext_lazy("Code or description")
    default_sort = "code"
    create_url_name = "interactions:group-create"
    create_label = gettext_lazy("New interaction group")
    write_capability = WRITE
    empty_message = gettext_lazy("There are no interaction groups yet.")
    empty_hint = gettext_lazy(
        "Interaction groups, such as LETTER, MEETING or PHONE, classify interaction templates."
    )

    def get_base_queryset(self) -> QuerySet:
        return selectors.interaction_group_list()


class InteractionGroupDetailView(ObjectDetailView):
    """The group card, listing its templates."""

    template_name = "interactions/group_detail.html"
    sections = [(gettext_lazy("General"), ["code", "description"])]
    write_capability = WRITE

    def get_object(self, queryset: Any = None) -> InteractionGroup:
        return _or_404(selectors.interaction_group_get, self.kwargs["code"])

    def get_actions(self) -> list[Action]:
        if not permissions.user_can(self.request.user, WRITE):
            return []
        code = self.object.code
        return [
            Action(
                _("New interaction template"),
                reverse("interactions:template-create") + f"?group={code}",
                icon="plus-lg",
            ),
            Action(_("Edit"), reverse("interactions:group-edit", args=[code]), icon="pencil"),
            Action(
                _("Delete"),
                reverse("interactions:group-delete", args=[code]),
                icon="trash",
                style="outline-danger",
            ),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["templates"] = (
            selectors.interaction_template_list().filter(group=self.object).order_by("code")
        )
        context.update(statistics_context(self.request, "group", self.object))
        return context


class InteractionGroupCreateView(_PlainFormMixin, ServiceFormView):
    form_class = InteractionGroupForm
    title = gettext_lazy("New interaction group")
    write_capability = WRITE

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("interactions:group-list")

    def perform(self, form: InteractionGroupForm) -> InteractionGroup:
        return services.interaction_group_create(**form.cleaned_data)

    def success_message(self, result: Any) -> str:
        return _("Interaction group %(code)s was created.") % {"code": result.code}


class InteractionGroupEditView(_PlainFormMixin, ServiceFormView):
    form_class = InteractionGroupForm
    write_capability = WRITE

    def get_group(self) -> InteractionGroup:
        if not hasattr(self, "_group"):
            self._group = _or_404(selectors.interaction_group_get, self.kwargs["code"])
        return self._group

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"editing": True}

    def get_initial(self) -> dict[str, Any]:
        group = self.get_group()
        return {"code": group.code, "description": group.description}

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit interaction group %(code)s") % {"code": self.get_group().code}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.get_group().get_absolute_url()

    def perform(self, form: InteractionGroupForm) -> InteractionGroup:
        return services.interaction_group_update(
            group=self.get_group(), description=form.cleaned_data["description"]
        )

    def success_message(self, result: Any) -> str:
        return _("Interaction group %(code)s was saved.") % {"code": result.code}


class InteractionGroupDeleteView(ServiceDeleteView):
    success_url_name = "interactions:group-list"
    write_capability = WRITE

    def get_object(self) -> InteractionGroup:
        return _or_404(selectors.interaction_group_get, self.kwargs["code"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group = context["object"]
        count = getattr(group, "no_of_templates", 0)
        if count:
            context["question"] = ngettext(
                "Interaction group %(code)s still has %(count)s interaction template, so it "
                "cannot be deleted. Move the template to another group or delete it first.",
                "Interaction group %(code)s still has %(count)s interaction templates, so it "
                "cannot be deleted. Move the templates to another group or delete them first.",
                count,
            ) % {"code": group.code, "count": count}
        return context

    def perform(self, obj: Any) -> None:
        services.interaction_group_delete(group=obj)


# --- Interaction templates ---------------------------------------------------------------------


class InteractionTemplateListView(ObjectListView):
    model = InteractionTemplate
    title = gettext_lazy("Interaction templates")
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("group__code", gettext_lazy("Group"), sort="group__code"),
        Column(
            "unit_cost", gettext_lazy("Unit cost"), sort="unit_cost", format=_money, align_end=True
        ),
        Column(
            "unit_duration",
            gettext_lazy("Unit duration (min.)"),
            sort="unit_duration",
            format=_minutes,
            align_end=True,
        ),
        Column("get_correspondence_type_default_display", gettext_lazy("Correspondence type")),
        Column("language_default__code", gettext_lazy("Language"), sort="language_default__code"),
        Column("campaign__no", gettext_lazy("Campaign"), sort="campaign__no"),
    ]
    search_fields = ["code", "description"]
    search_placeholder = gettext_lazy("Code or description")
    filter_form_class = InteractionTemplateFilterForm
    default_sort = "code"
    create_url_name = "interactions:template-create"
    create_label = gettext_lazy("New interaction template")
    write_capability = WRITE
    empty_message = gettext_lazy("There are no interaction templates yet.")
    empty_hint = gettext_lazy(
        "A template holds the defaults of one kind of interaction: its group, cost, duration, "
        "channel and language."
    )

    template_name = "interactions/template_list.html"
    table_template_name = "core/object_list.html#table"  # the page only adds a link

    def get_base_queryset(self) -> QuerySet:
        return selectors.interaction_template_list()

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("group"):
            queryset = queryset.filter(group__code=data["group"])
        if data.get("correspondence_type_default"):
            queryset = queryset.filter(
                correspondence_type_default=data["correspondence_type_default"]
            )
        return queryset


class InteractionTemplateDetailView(ObjectDetailView):
    """The template card: General, Interaction and Communication, and its languages."""

    template_name = "interactions/template_detail.html"
    write_capability = WRITE

    def get_object(self, queryset: Any = None) -> InteractionTemplate:
        return _or_404(selectors.interaction_template_get, self.kwargs["code"])

    def get_actions(self) -> list[Action]:
        if not permissions.user_can(self.request.user, WRITE):
            return []
        code = self.object.code
        return [
            Action(_("Edit"), reverse("interactions:template-edit", args=[code]), icon="pencil"),
            Action(
                _("Add language"),
                reverse("interactions:template-language-create", args=[code]),
                icon="translate",
            ),
            Action(
                _("Delete"),
                reverse("interactions:template-delete", args=[code]),
                icon="trash",
                style="outline-danger",
            ),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        template = self.object
        interaction = list(INTERACTION_FIELDS)
        if template.campaign_id is None:
            # Fields that do not apply are not shown empty.
            interaction = [
                name for name in interaction if name not in ("campaign_target", "campaign_response")
            ]
        self.sections = [
            (_("General"), GENERAL_FIELDS),
            (_("Interaction"), interaction),
            (_("Communication"), COMMUNICATION_FIELDS),
        ]
        context = super().get_context_data(**kwargs)
        for section in context["sections"]:
            for row in section["rows"]:
                if row["name"] == "unit_cost":
                    row["value"] = _money(row["value"])
                elif row["name"] == "unit_duration":
                    row["value"] = _minutes(row["value"])
                elif row["name"] in services.CHOICES and not getattr(template, row["name"]):
                    row["value"] = ""  # a blank option shows as "—", like other empty fields
        from rapport.interactions.views.template_languages import row_actions

        rows = list(template.languages.all())
        for row in rows:
            row.attachment_actions = row_actions(self.request, template, row)  # type: ignore[attr-defined]
        context["sections"][2]["rows"].append(
            {
                "name": "attachment_no",
                "label": _("attachment no."),
                "value": template.default_attachment_no,
            }
        )
        context.update(
            languages=rows,
            default_language_id=template.language_default_id,
        )
        context.update(statistics_context(self.request, "template", template))
        return context


class _TemplateFormBase(_PlainFormMixin, ServiceFormView):
    form_class = InteractionTemplateForm
    template_name = "interactions/template_form.html"
    write_capability = WRITE
    sections = [
        (gettext_lazy("General"), GENERAL_FIELDS),
        (gettext_lazy("Interaction"), INTERACTION_FIELDS),
        (gettext_lazy("Communication"), COMMUNICATION_FIELDS),
    ]


class InteractionTemplateCreateView(_TemplateFormBase):
    title = gettext_lazy("New interaction template")

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("interactions:template-list")

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        code = self.request.GET.get("group", "").strip().upper()[:20]
        group = InteractionGroup.objects.filter(code=code).first() if code else None
        if group is not None:
            initial["group"] = group.pk
        return initial

    def perform(self, form: InteractionTemplateForm) -> InteractionTemplate:
        return services.interaction_template_create(
            code=form.cleaned_data["code"], **form.service_values()
        )

    def success_message(self, result: Any) -> str:
        return _("Interaction template %(code)s was created.") % {"code": result.code}


class InteractionTemplateEditView(_TemplateFormBase):
    def get_template(self) -> InteractionTemplate:
        if not hasattr(self, "_template"):
            self._template = _or_404(selectors.interaction_template_get, self.kwargs["code"])
        return self._template

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"template": self.get_template()}

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit interaction template %(code)s") % {"code": self.get_template().code}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.get_template().get_absolute_url()

    def perform(self, form: InteractionTemplateForm) -> InteractionTemplate:
        return services.interaction_template_update(
            template=self.get_template(), **form.service_values()
        )

    def success_message(self, result: Any) -> str:
        return _("Interaction template %(code)s was saved.") % {"code": result.code}


class InteractionTemplateDeleteView(ServiceDeleteView):
    success_url_name = "interactions:template-list"
    write_capability = WRITE

    def get_object(self) -> InteractionTemplate:
        return _or_404(selectors.interaction_template_get, self.kwargs["code"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        count = len(context["object"].languages.all())
        if count:
            context["question"] = "{} {}".format(
                context["question"],
                ngettext(
                    "Its %(count)s language row is deleted with it, and its attachment unless "
                    "something else still uses it.",
                    "Its %(count)s language rows are deleted with it, and their attachments "
                    "unless something else still uses them.",
                    count,
                )
                % {"count": count},
            )
        return context

    def perform(self, obj: Any) -> None:
        services.interaction_template_delete(template=obj)


# --- Template languages ------------------------------------------------------------------------


class _TemplateLanguageMixin:
    kwargs: dict[str, Any]

    def get_template(self) -> InteractionTemplate:
        if not hasattr(self, "_template"):
            self._template = _or_404(selectors.interaction_template_get, self.kwargs["code"])
        return self._template

    def get_row(self) -> InteractionTemplateLanguage:
        if not hasattr(self, "_row"):
            self._row = _or_404(
                selectors.interaction_template_language_get,
                self.get_template(),
                self.kwargs["language_code"],
            )
        return self._row

    def card_url(self) -> str:
        return self.get_template().get_absolute_url() + "#languages"


class InteractionTemplateLanguageCreateView(
    _TemplateLanguageMixin, _PlainFormMixin, ServiceFormView
):
    form_class = InteractionTemplateLanguageForm
    write_capability = WRITE

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"template": self.get_template()}

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Add a language to interaction template %(code)s") % {
            "code": self.get_template().code
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.card_url()

    def perform(self, form: InteractionTemplateLanguageForm) -> InteractionTemplateLanguage:
        return services.interaction_template_language_create(
            template=self.get_template(), **form.cleaned_data
        )

    def get_success_url_for(self, result: Any) -> str:
        return self.card_url()

    def success_message(self, result: Any) -> str:
        return _("Language %(language)s was added to interaction template %(code)s.") % {
            "language": result.language.code,
            "code": self.get_template().code,
        }


class InteractionTemplateLanguageEditView(_TemplateLanguageMixin, _PlainFormMixin, ServiceFormView):
    form_class = InteractionTemplateLanguageForm
    write_capability = WRITE

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"template": self.get_template(), "row": self.get_row()}

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit language %(language)s of interaction template %(code)s") % {
            "language": self.get_row().language.code,
            "code": self.get_template().code,
        }

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.card_url()

    def perform(self, form: InteractionTemplateLanguageForm) -> InteractionTemplateLanguage:
        return services.interaction_template_language_update(
            template_language=self.get_row(), **form.cleaned_data
        )

    def get_success_url_for(self, result: Any) -> str:
        return self.card_url()

    def success_message(self, result: Any) -> str:
        return _("Language %(language)s of interaction template %(code)s was saved.") % {
            "language": result.language.code,
            "code": self.get_template().code,
        }


class InteractionTemplateLanguageDeleteView(_TemplateLanguageMixin, ServiceDeleteView):
    write_capability = WRITE

    def get_object(self) -> InteractionTemplateLanguage:
        return self.get_row()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        row = self.get_row()
        template = self.get_template()
        question = _("Remove language %(language)s from interaction template %(code)s?") % {
            "language": row.language.code,
            "code": template.code,
        }
        if template.language_default_id == row.language_id:
            question = "{} {}".format(
                question,
                _("It is the template's default language: the template will have none."),
            )
        context.update(question=question, cancel_url=self.card_url())
        return context

    def perform(self, obj: Any) -> None:
        services.interaction_template_language_delete(template_language=obj)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self.get_row()
        language = row.language.code
        try:
            self.perform(row)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Language %(language)s was removed from interaction template %(code)s.")
                % {"language": language, "code": self.get_template().code},
            )
        return HttpResponseRedirect(self.card_url())
