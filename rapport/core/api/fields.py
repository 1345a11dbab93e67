from __future__ import annotations

from typing import Any

from rest_framework import serializers


class CodeRelatedField(serializers.SlugRelatedField):
    """A relation written and read as the related record's code (case-insensitive on input)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = data.strip().upper()
            if data == "" and self.allow_null:
                return None
        elif data is not None:
            self.fail("invalid")
        queryset = self.get_queryset()
        assert queryset is not None
        try:
            return queryset.get(**{self.slug_field: data})
        except queryset.model.DoesNotExist:
            name = queryset.model._meta.verbose_name
            raise serializers.ValidationError(f"There is no {name} with code '{data}'.") from None
