from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from rapport.contacts.models import Language, Salesperson
from rapport.core.forms import BootstrapFormMixin


class SalespersonForm(BootstrapFormMixin, forms.ModelForm):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        help_text=_("The user who signs in as this salesperson."),
    )

    class Meta:
        model = Salesperson
        fields = ["code", "name", "email", "user"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (codes compare in upper case)."""


class LanguageForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Language
        fields = ["code", "name"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (codes compare in upper case)."""
