from __future__ import annotations

from rapport.contacts import selectors, services
from rapport.contacts.api.serializers import LanguageSerializer, SalespersonSerializer
from rapport.core import permissions
from rapport.core.api.viewsets import CodeKeyedViewSet


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


class LanguageViewSet(CodeKeyedViewSet):
    """Languages, keyed by code."""

    serializer_class = LanguageSerializer
    write_capability = permissions.SETUP
    search_fields = ["code", "name"]
    filterset_fields = ["code"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.language_list()

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = services.language_create(**serializer.validated_data)

    def perform_update(self, serializer):  # type: ignore[no-untyped-def]
        serializer.instance = services.language_update(
            language=serializer.instance,
            name=serializer.validated_data.get("name", serializer.instance.name),
        )

    def perform_destroy(self, instance):  # type: ignore[no-untyped-def]
        services.language_delete(language=instance)
