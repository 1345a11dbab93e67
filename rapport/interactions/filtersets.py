from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext as _
from django_filters.constants import EMPTY_VALUES

from rapport.contacts.models import Contact
from rapport.core.dates import validate_date_in_range
from rapport.interactions.choices import DeliveryStatus, Evaluation
from rapport.interactions.models import InteractionGroup, InteractionLogEntry, InteractionTemplate

MAX_ENTRY_NO = 2_147_483_647


class InteractionGroupFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = InteractionGroup
        fields = ["code"]


class InteractionTemplateFilterSet(django_filters.FilterSet):
    """The template list's filters, by the API's field names."""

    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    group_code = django_filters.CharFilter(field_name="group__code", lookup_expr="iexact")
    language_code_default = django_filters.CharFilter(
        field_name="language_default__code", lookup_expr="iexact"
    )
    campaign_no = django_filters.CharFilter(field_name="campaign__no", lookup_expr="iexact")

    class Meta:
        model = InteractionTemplate
        fields = [
            "code",
            "group_code",
            "information_flow",
            "initiated_by",
            "correspondence_type_default",
            "ignore_contact_corres_type",
            "language_code_default",
            "wizard_action",
            "campaign_no",
        ]


class CodeFilter(django_filters.CharFilter):
    """An exact match on a code or number, which are stored in upper case (so the unique
    index serves the lookup, unlike `iexact`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return qs
        return super().filter(qs, str(value).strip().upper())


class ContactNoFilter(CodeFilter):
    """A contact's number on a relation to contacts (`field_name` is `<relation>__no`), matched
    as `<relation>_id = (SELECT id FROM contact WHERE no = ...)` instead of a join: the
    database then reads the entries through an index on the relation in the list's order
    (one page, no sort of the contact's entries; issue 11)."""

    def filter(self, qs: Any, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return qs
        number = str(value).strip().upper()
        contact = Contact.objects.filter(no=number).order_by().values("pk")[:1]
        return qs.filter(**{self.field_name.removesuffix("__no"): Subquery(contact)})


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class GivenChoiceField(forms.ChoiceField):
    """A choice that, when the parameter is given, must be one of the choices: `?evaluation=`
    is refused (400) rather than read as "no filter", which a client could take for
    "entries without an evaluation". Left out, the parameter filters nothing."""

    def clean(self, value: Any) -> Any:
        if value == "":
            choices: list[tuple[Any, Any]] = list(self.choices)  # type: ignore[arg-type]
            raise forms.ValidationError(
                _("Choose one of: %(choices)s.")
                % {"choices": ", ".join(str(key) for key, _label in choices if key)},
                code="invalid_choice",
            )
        return super().clean(value)


class GivenChoiceFilter(django_filters.ChoiceFilter):
    field_class = GivenChoiceField


class InteractionLogFilterSet(django_filters.FilterSet):
    """The interaction log's filters, by the API's names (reference 2.7). The selectors apply
    the same set to a plain dict (`selectors.filter_interactions`), for the pages and the CLI.
    Codes and numbers match exactly (case-insensitive); dates are inclusive."""

    entry_no = IntegerFilter(field_name="entry_no", min_value=1, max_value=MAX_ENTRY_NO)
    contact_no = ContactNoFilter(
        field_name="contact__no", help_text="The contact (person or company)."
    )
    company_no = ContactNoFilter(
        field_name="contact_company__no",
        help_text="The company: its own interactions and those of its persons.",
    )
    salesperson_code = CodeFilter(field_name="salesperson__code")
    template_code = CodeFilter(field_name="template__code")
    group_code = CodeFilter(field_name="group__code")
    campaign_no = CodeFilter(field_name="campaign__no")
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", validators=[validate_date_in_range]
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", validators=[validate_date_in_range]
    )
    canceled = django_filters.BooleanFilter()
    postponed = django_filters.BooleanFilter(
        help_text="true lists the postponed interactions; the log (false) is the default."
    )
    attempt_failed = django_filters.BooleanFilter()
    evaluation = GivenChoiceFilter(choices=[choice for choice in Evaluation.choices if choice[0]])
    delivery_status = GivenChoiceFilter(
        choices=[choice for choice in DeliveryStatus.choices if choice[0]],
        help_text="pending, sending, delivered or failed.",
    )

    class Meta:
        model = InteractionLogEntry
        fields: list[str] = []
