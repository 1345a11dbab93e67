from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from rapport.contacts.models import Language, Salesperson


class SalespersonSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
        help_text="User name of the user who signs in as this salesperson.",
    )

    class Meta:
        model = Salesperson
        fields = ["code", "name", "email", "user"]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["code"].read_only = True
        return fields


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["code"].read_only = True
        return fields
