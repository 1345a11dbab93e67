"""The filter panel of the audit trail page (the API's filter names)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.audit import selectors
from rapport.core.dates import DateField
from rapport.core.forms import BootstrapFormMixin, DateInput

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")


class AuditEntryFilterForm(BootstrapFormMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), max_length=150, required=False)
    operation = forms.ChoiceField(label=gettext_lazy("Operation"), required=False)
    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), required=False)
    object_key = forms.CharField(label=gettext_lazy("Object key"), max_length=100, required=False)
    date_from = DateField(label=gettext_lazy("Date from"), required=False, widget=DateInput())
    date_to = DateField(label=gettext_lazy("Date to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", gettext_lazy("All"))]
        operations = self._with_asked("operation", selectors.operations())
        operation: Any = self.fields["operation"]
        operation.choices = everything + [(name, name) for name in operations]
        types = self._with_asked("object_type", selectors.object_types())
        object_type: Any = self.fields["object_type"]
        object_type.choices = everything + sorted(
            ((name, selectors.object_type_caption(name)) for name in types),
            key=lambda choice: choice[1].lower(),
        )

    def _with_asked(self, name: str, known: list[str]) -> list[str]:
        """The values the trail holds, and the one asked for (a card's "Changes" link for a
        record without entries yet: the list then says nothing matches, not everything)."""
        asked = str(self.data.get(name) or "") if self.is_bound else ""
        if IDENTIFIER.fullmatch(asked) and asked not in known:
            return sorted([*known, asked])
        return known

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", gettext_lazy("The end date is before the start date."))
        return data
