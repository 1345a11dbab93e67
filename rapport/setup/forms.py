from __future__ import annotations

from django import forms

from rapport.core.forms import BootstrapFormMixin
from rapport.setup.models import MarketingSetup
from rapport.setup.services import EDITABLE_FIELDS

SECTIONS = (
    ("numbering", ("contact_nos", "segment_nos", "campaign_nos")),
    ("defaults", ("default_salesperson", "default_language", "default_correspondence_type")),
    ("salutations", ("default_company_salutation", "default_person_salutation")),
    ("attachments", ("attachment_storage_type", "attachment_storage_location")),
    ("delivery", ("delivery_rate_per_minute",)),
    (
        "inheritance",
        (
            "inherit_salesperson",
            "inherit_territory",
            "inherit_country",
            "inherit_language",
            "inherit_address",
            "inherit_communication",
        ),
    ),
)


class MarketingSetupForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = MarketingSetup
        fields = [name for _, names in SECTIONS for name in names]

    def __init__(self, *args, read_only: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        assert set(self.fields) <= EDITABLE_FIELDS
        self.fields["delivery_rate_per_minute"].required = False
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean_delivery_rate_per_minute(self) -> int:
        """Blank means no limit (0)."""
        return self.cleaned_data.get("delivery_rate_per_minute") or 0
