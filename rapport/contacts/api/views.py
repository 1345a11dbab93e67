from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rapport.contacts import selectors, services
from rapport.contacts.api.serializers import (
    ContactProfileAnswerSerializer,
    ContactSerializer,
    LanguageSerializer,
    ProfileQuestionnaireSerializer,
    SalespersonSerializer,
    SalutationSerializer,
    code_table_serializer,
)
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactProfileAnswer,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    Territory,
)
from rapport.core import permissions
from rapport.core.api.filters import StableOrderingFilter, StrictFilterBackend
from rapport.core.api.views import NoticesMixin
from rapport.core.api.viewsets import CodeKeyedViewSet
from rapport.core.errors import ValidationFailed


class SalespersonViewSet(CodeKeyedViewSet):
    """Salespeople, keyed by code."""

    serializer_class = SalespersonSerializer
    write_capability = permissions.SETUP
    search_fields = ["code", "name", "email"]
    filterset_fields = ["code"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.salesperson_list()

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = services.salesperson_create(**serializer.validated_data)

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = services.salesperson_update(
            salesperson=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):  # type: ignore[no-untyped-def]
        services.salesperson_delete(salesperson=instance)


class CodeTableViewSet(CodeKeyedViewSet):
    """A classification table keyed by code; writes through the code-table services."""

    model: type[Any]
    write_capability = permissions.SETUP
    ordering_fields = ["code"]

    def get_queryset(self) -> QuerySet:
        return self.model.objects.order_by("code")

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        serializer.instance = services.code_table_create(
            model=self.model, code=data.pop("code"), **data
        )

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        data = {k: v for k, v in serializer.validated_data.items() if k != "code"}
        serializer.instance = services.code_table_update(row=serializer.instance, **data)

    def perform_destroy(self, instance):  # type: ignore[no-untyped-def]
        services.code_table_delete(row=instance)


def code_table_viewset(model: type[Any], doc: str) -> type[CodeTableViewSet]:
    serializer = code_table_serializer(model)
    text_field = serializer.Meta.fields[1]  # type: ignore[attr-defined]
    return type(
        f"{model.__name__}ViewSet",
        (CodeTableViewSet,),
        {
            "__doc__": doc,
            "model": model,
            "serializer_class": serializer,
            "search_fields": ["code", text_field],
            "filterset_fields": ["code"],
            "ordering_fields": ["code", text_field],
        },
    )


class LanguageViewSet(CodeTableViewSet):
    """Languages, keyed by code."""

    model = Language
    serializer_class = LanguageSerializer
    search_fields = ["code", "name"]
    filterset_fields = ["code"]
    ordering_fields = ["code", "name"]


CountryViewSet = code_table_viewset(Country, "Countries/regions, keyed by code.")
TerritoryViewSet = code_table_viewset(Territory, "Territories, keyed by code.")
MailingGroupViewSet = code_table_viewset(MailingGroup, "Mailing groups, keyed by code.")
IndustryGroupViewSet = code_table_viewset(IndustryGroup, "Industry groups, keyed by code.")
JobResponsibilityViewSet = code_table_viewset(
    JobResponsibility, "Job responsibilities, keyed by code."
)
BusinessRelationViewSet = code_table_viewset(BusinessRelation, "Business relations, keyed by code.")


class ProfileQuestionnaireViewSet(CodeTableViewSet):
    """Profile questionnaires with their answers (`answers` replaces the set, by line no.)."""

    model = ProfileQuestionnaire
    serializer_class = ProfileQuestionnaireSerializer
    search_fields = ["code", "description"]
    filterset_fields = ["code"]
    ordering_fields = ["code", "description"]

    def get_queryset(self) -> QuerySet:
        return ProfileQuestionnaire.objects.prefetch_related("answers").order_by("code")

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        questionnaire = services.profile_questionnaire_create(
            code=data.pop("code"), answers=data.pop("answers", []), **data
        )
        serializer.instance = self.get_queryset().get(pk=questionnaire.pk)

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        data = {k: v for k, v in serializer.validated_data.items() if k != "code"}
        questionnaire = services.profile_questionnaire_update(
            questionnaire=serializer.instance, answers=data.pop("answers", None), **data
        )
        serializer.instance = self.get_queryset().get(pk=questionnaire.pk)


class SalutationViewSet(CodeKeyedViewSet):
    """Salutations with their formulas per language and type (`formulas` replaces the set)."""

    serializer_class = SalutationSerializer
    write_capability = permissions.SETUP
    search_fields = ["code", "description"]
    filterset_fields = ["code"]
    ordering_fields = ["code", "description"]

    def get_queryset(self) -> QuerySet:
        return selectors.salutation_list()

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        salutation = services.salutation_create(**data)
        serializer.instance = self.get_queryset().get(pk=salutation.pk)

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        data = {k: v for k, v in serializer.validated_data.items() if k != "code"}
        salutation = services.salutation_update(salutation=serializer.instance, **data)
        serializer.instance = self.get_queryset().get(pk=salutation.pk)

    def perform_destroy(self, instance):  # type: ignore[no-untyped-def]
        services.salutation_delete(salutation=instance)


class ContactFilter(django_filters.FilterSet):
    no = django_filters.CharFilter(field_name="no", lookup_expr="iexact")
    type = django_filters.CharFilter(field_name="type")
    company_no = django_filters.CharFilter(field_name="company__no", lookup_expr="iexact")
    salesperson_code = django_filters.CharFilter(
        field_name="salesperson__code", lookup_expr="iexact"
    )
    country_code = django_filters.CharFilter(field_name="country__code", lookup_expr="iexact")
    territory_code = django_filters.CharFilter(field_name="territory__code", lookup_expr="iexact")
    language_code = django_filters.CharFilter(field_name="language__code", lookup_expr="iexact")
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact")
    mailing_group_code = django_filters.CharFilter(
        field_name="mailing_groups__code", lookup_expr="iexact", distinct=True
    )
    exclude_from_segment = django_filters.BooleanFilter()
    privacy_blocked = django_filters.BooleanFilter()
    search = django_filters.CharFilter(method="filter_search", label="Search")

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.contact_search(queryset, value)


class ContactViewSet(NoticesMixin, viewsets.ModelViewSet):
    """Contacts (companies and persons), keyed by `no`. `?search=` looks in number, name, city,
    post code and e-mail."""

    serializer_class = ContactSerializer
    write_capability = permissions.CONTACTS
    lookup_field = "no"
    lookup_value_regex = r"[^/]+"
    filterset_class = ContactFilter
    filter_backends = [StrictFilterBackend, StableOrderingFilter]
    ordering_fields = ["no", "name", "city", "post_code"]
    ordering = ["no"]

    def get_queryset(self) -> QuerySet:
        return selectors.contact_list_for_api()

    def get_object(self) -> Contact:
        contact = selectors.contact_get(self.kwargs["no"])
        self.check_object_permissions(self.request, contact)
        return contact

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        serializer.instance = services.contact_create(
            work_date=self.request.user.effective_work_date, **data
        )

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = services.contact_update(
            contact=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):  # type: ignore[no-untyped-def]
        services.contact_delete(contact=instance)

    @extend_schema(methods=["GET"], responses=ContactProfileAnswerSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ContactProfileAnswerSerializer,
        responses={201: ContactProfileAnswerSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="profile-answers",
        pagination_class=None,
        filter_backends=[],
    )
    def profile_answers(self, request: Request, no: str | None = None) -> Response:
        """A contact's profile answers; POST gives (or changes) the answer to a questionnaire."""
        contact = self.get_object()
        if request.method == "POST":
            serializer = ContactProfileAnswerSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            code = serializer.validated_data["questionnaire_code"].strip().upper()
            questionnaire = ProfileQuestionnaire.objects.filter(code=code).first()
            if questionnaire is None:
                raise ValidationFailed(
                    {
                        "questionnaire_code": [
                            _("There is no profile questionnaire with code '%(code)s'.")
                            % {"code": code}
                        ]
                    }
                )
            services.contact_set_profile_answer(
                contact=contact,
                questionnaire=questionnaire,
                line_no=serializer.validated_data["line_no"],
            )
        rows = ContactProfileAnswer.objects.filter(contact=contact).select_related(
            "questionnaire", "answer"
        )
        data = ContactProfileAnswerSerializer(rows, many=True).data
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(data, status=code)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"profile-answers/(?P<questionnaire_code>[^/]+)",
    )
    def remove_profile_answer(
        self, request: Request, no: str | None = None, questionnaire_code: str = ""
    ) -> Response:
        """Remove a contact's answer to a questionnaire."""
        contact = self.get_object()
        questionnaire = get_object_or_404(ProfileQuestionnaire, code=questionnaire_code.upper())
        services.contact_remove_profile_answer(contact=contact, questionnaire=questionnaire)
        return Response(status=status.HTTP_204_NO_CONTENT)
