"""Forms of the campaign pages; the services check the rules (dates, numbers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import DESCRIPTION_LENGTH, NO_LENGTH, Campaign
from rapport.contacts.models import Salesperson
from rapport.core.dates import DateField
from rapport.core.forms import BootstrapFormMixin, DateInput


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    no = forms.CharField(label=gettext_lazy("No."), max_length=NO_LENGTH, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=DESCRIPTION_LENGTH, required=False
    )
    starting_date = DateField(
        label=gettext_lazy("Starting date"), required=False, widget=DateInput()
    )
    ending_date = DateField(label=gettext_lazy("Ending date"), required=False, widget=DateInput())

    class Meta:
        model = Campaign
        fields = ["no", "description", "starting_date", "ending_date", "salesperson"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = Salesperson.objects.order_by("code")  # type: ignore[attr-defined]
        number = self.fields["no"]
        if self.instance.pk:
            number.disabled = True
            return
        from rapport.setup.selectors import marketing_setup_get

        series = marketing_setup_get().campaign_nos
        if series is None:
            number.help_text = _(
                "Type the campaign's number: Campaign Nos. is not set up in Marketing Setup."
            )
        elif series.manual_nos and series.default_nos:
            number.help_text = _(
                "Leave blank to take the next number of number series %(code)s."
            ) % {"code": series.code}
        elif series.manual_nos:
            number.help_text = _("Type the campaign's number.")
        else:
            number.disabled = True
            number.help_text = _("The number is taken from number series %(code)s.") % {
                "code": series.code
            }

    def validate_unique(self) -> None:
        """Uniqueness of the number is the service's rule."""

    def _post_clean(self) -> None:
        """The service validates and saves; the model instance is not touched here."""


class CampaignFilterForm(BootstrapFormMixin, forms.Form):
    salesperson = forms.ModelChoiceField(
        label=gettext_lazy("Salesperson"),
        queryset=Salesperson.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("All"),
        to_field_name="code",
    )
