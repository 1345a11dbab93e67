from __future__ import annotations

from rest_framework import serializers

from rapport.core.choices import UILanguage
from rapport.core.models import User


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="effective_role", read_only=True)
    work_date = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="The work date (NAV's WORKDATE). null resets it to today; reads give today then.",
    )
    language = serializers.ChoiceField(choices=UILanguage.choices, required=False)

    class Meta:
        model = User
        fields = ["username", "role", "work_date", "language"]
        read_only_fields = ["username"]

    def to_representation(self, instance):  # type: ignore[no-untyped-def]
        data = super().to_representation(instance)
        data["work_date"] = instance.effective_work_date.isoformat()
        return data
