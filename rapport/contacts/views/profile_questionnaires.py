"""Profile questionnaires, each a question with fixed answers: the list, new and edit (with the
answers) and delete."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.contacts import services
from rapport.contacts.forms import ProfileQuestionnaireForm
from rapport.contacts.models import ProfileQuestionnaire
from rapport.core import permissions
from rapport.core.views import Column, ObjectListView, ServiceDeleteView, ServiceFormView


class ProfileQuestionnaireListView(ObjectListView):
    model = ProfileQuestionnaire
    title = gettext_lazy("Profile questionnaires")
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("answer_list", gettext_lazy("Answers")),
    ]
    search_fields = ["code", "description"]
    default_sort = "code"
    create_url_name = "contacts:profile-questionnaire-create"
    create_label = gettext_lazy("New profile questionnaire")
    write_capability = permissions.SETUP
    empty_hint = gettext_lazy(
        "A profile questionnaire is a question with fixed answers, e.g. 'Company size'."
    )

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return ProfileQuestionnaire.objects.prefetch_related("answers")

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        row["cells"][2]["value"] = " · ".join(answer.answer for answer in obj.answers.all())
        can_edit = permissions.user_can(self.request.user, permissions.SETUP)
        row["url"] = (
            reverse("contacts:profile-questionnaire-edit", args=[obj.code]) if can_edit else None
        )
        return row


class ProfileQuestionnaireFormView(ServiceFormView):
    form_class = ProfileQuestionnaireForm
    template_name = "contacts/code_table_form.html"

    def questionnaire(self) -> ProfileQuestionnaire | None:
        code = self.kwargs.get("code")
        return get_object_or_404(ProfileQuestionnaire, code=code.upper()) if code else None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        questionnaire = self.questionnaire()
        kwargs["editing"] = questionnaire is not None
        if questionnaire is not None:
            kwargs["initial"] = {
                "code": questionnaire.code,
                "description": questionnaire.description,
                "answers": "\n".join(a.answer for a in questionnaire.answers.all()),
            }
        return kwargs

    @property
    def title(self) -> Any:  # type: ignore[override]
        if self.kwargs.get("code"):
            return _("Edit profile questionnaire %(code)s") % {"code": self.kwargs["code"].upper()}
        return gettext_lazy("New profile questionnaire")

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("contacts:profile-questionnaire-list")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.kwargs.get("code"):
            context["delete_url"] = reverse(
                "contacts:profile-questionnaire-delete", args=[self.kwargs["code"].upper()]
            )
        return context

    def perform(self, form: Any) -> Any:
        return services.profile_questionnaire_save(
            questionnaire=self.questionnaire(),
            code=form.cleaned_data.get("code", ""),
            description=form.cleaned_data["description"],
            answer_texts=form.answer_lines(),
        )

    def get_success_url_for(self, result: Any) -> str:
        return reverse("contacts:profile-questionnaire-list")


class ProfileQuestionnaireDeleteView(ServiceDeleteView):
    success_url_name = "contacts:profile-questionnaire-list"

    def get_object(self) -> Any:
        return get_object_or_404(ProfileQuestionnaire, code=self.kwargs["code"].upper())

    def perform(self, obj: Any) -> None:
        services.code_table_delete(row=obj)
