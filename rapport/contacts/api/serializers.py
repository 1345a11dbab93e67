from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from rapport.contacts.importing import COLUMNS as CONTACT_COLUMNS
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactProfileAnswer,
    ContactType,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    ProfileQuestionnaireAnswer,
    Salesperson,
    Salutation,
    SalutationNamePart,
    SalutationType,
    Territory,
)
from rapport.contacts.services import MAX_PROFILE_ANSWERS, code_table_text_fields
from rapport.contacts.services.salutations import FORMULA_MAX_LENGTH, MAX_FORMULAS
from rapport.core.api.fields import CodeRelatedField
from rapport.core.api.serializers import ActionSerializer
from rapport.core.choices import CorrespondenceType


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
        fields = ["code", "name", "name_nl"]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["code"].read_only = True
        return fields


# --- Classification tables --------------------------------------------------------------------


def code_table_serializer(model: type[Any]) -> type[serializers.ModelSerializer]:
    """A serializer for a code + description (or code + name) table."""

    class Meta:
        pass

    Meta.model = model  # type: ignore[attr-defined]
    Meta.fields = ["code", *code_table_text_fields(model)]  # type: ignore[attr-defined]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = serializers.ModelSerializer.get_fields(self)
        fields["code"].validators = []
        if self.instance is not None and not isinstance(self.instance, list):
            fields["code"].read_only = True
        return fields

    return type(
        f"{model.__name__}Serializer",
        (serializers.ModelSerializer,),
        {"Meta": Meta, "get_fields": get_fields},
    )


class ProfileAnswerSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = ProfileQuestionnaireAnswer
        fields = ["line_no", "answer"]


class ProfileQuestionnaireSerializer(serializers.ModelSerializer):
    answers = ProfileAnswerSerializer(  # type: ignore[call-arg]  # ListSerializer's max_length
        many=True,
        required=False,
        max_length=MAX_PROFILE_ANSWERS,
        help_text=f"At most {MAX_PROFILE_ANSWERS} answers.",
    )

    class Meta:
        model = ProfileQuestionnaire
        fields = ["code", "description", "answers"]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        fields["code"].validators = []
        if self.instance is not None and not isinstance(self.instance, list):
            fields["code"].read_only = True
        return fields


# --- Salutations -------------------------------------------------------------------------------


class SalutationFormulaSerializer(serializers.Serializer):
    language_code = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="Blank: any language."
    )
    type = serializers.ChoiceField(choices=SalutationType.choices)
    formula = serializers.CharField(
        max_length=FORMULA_MAX_LENGTH,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The salutation text; %1..%5 stand for the name parts name_1..name_5 name.",
    )
    name_1 = serializers.ChoiceField(
        choices=SalutationNamePart.choices, required=False, allow_blank=True
    )
    name_2 = serializers.ChoiceField(
        choices=SalutationNamePart.choices, required=False, allow_blank=True
    )
    name_3 = serializers.ChoiceField(
        choices=SalutationNamePart.choices, required=False, allow_blank=True
    )
    name_4 = serializers.ChoiceField(
        choices=SalutationNamePart.choices, required=False, allow_blank=True
    )
    name_5 = serializers.ChoiceField(
        choices=SalutationNamePart.choices, required=False, allow_blank=True
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "language_code": instance.language.code if instance.language_id else "",
            "type": instance.salutation_type,
            "formula": instance.formula,
            **{f"name_{n}": getattr(instance, f"name_{n}") for n in range(1, 6)},
        }


class SalutationSerializer(serializers.ModelSerializer):
    formulas = SalutationFormulaSerializer(  # type: ignore[call-arg]  # ListSerializer's max_length
        many=True,
        required=False,
        max_length=MAX_FORMULAS,
        help_text="Replaces the salutation's formulas when given.",
    )

    class Meta:
        model = Salutation
        fields = ["code", "description", "formulas"]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        fields["code"].validators = []
        if self.instance is not None and not isinstance(self.instance, list):
            fields["code"].read_only = True
        return fields

    def to_representation(self, instance: Salutation) -> dict[str, Any]:
        return {
            "code": instance.code,
            "description": instance.description,
            "formulas": [
                SalutationFormulaSerializer().to_representation(formula)
                for formula in instance.formulas.all()
            ],
        }


# --- Contacts ----------------------------------------------------------------------------------


class CodeListField(serializers.ListField):
    """A writable list of classification codes, e.g. `"mailing_group_codes": ["NEWS", "VIP"]`."""

    def __init__(self, *, model: type[Any], **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("child", serializers.CharField(max_length=10))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        codes = [str(code).strip().upper() for code in super().to_internal_value(data)]
        rows = {row.code: row for row in self.model.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in rows]
        if missing:
            name = self.model._meta.verbose_name
            raise serializers.ValidationError(
                _("There is no %(name)s with code %(codes)s.")
                % {"name": name, "codes": ", ".join(f"'{code}'" for code in missing)}
            )
        return list(dict.fromkeys(rows[code] for code in codes))

    def to_representation(self, value: Any) -> list[str]:
        return sorted(row.code for row in value.all())


class ContactNoField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "no")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if data in ("", None):
            return None
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return Contact.objects.get(no=data.strip().upper())
        except Contact.DoesNotExist:
            raise serializers.ValidationError(
                _("There is no contact with no. '%(no)s'.") % {"no": data}
            ) from None


class ContactSerializer(serializers.ModelSerializer):
    no = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Leave out to draw the number from Marketing Setup's Contact Nos.",
    )
    type = serializers.ChoiceField(choices=ContactType.choices)
    company_no = ContactNoField(
        source="company", queryset=Contact.objects.all(), required=False, allow_null=True
    )
    company_name = serializers.CharField(source="company.name", read_only=True, default="")
    language_code = CodeRelatedField(
        source="language", queryset=Language.objects.all(), required=False, allow_null=True
    )
    salesperson_code = CodeRelatedField(
        source="salesperson", queryset=Salesperson.objects.all(), required=False, allow_null=True
    )
    country_code = CodeRelatedField(
        source="country", queryset=Country.objects.all(), required=False, allow_null=True
    )
    territory_code = CodeRelatedField(
        source="territory", queryset=Territory.objects.all(), required=False, allow_null=True
    )
    salutation_code = CodeRelatedField(
        source="salutation", queryset=Salutation.objects.all(), required=False, allow_null=True
    )
    mailing_group_codes = CodeListField(source="mailing_groups", model=MailingGroup)
    industry_group_codes = CodeListField(source="industry_groups", model=IndustryGroup)
    job_responsibility_codes = CodeListField(source="job_responsibilities", model=JobResponsibility)
    business_relation_codes = CodeListField(source="business_relations", model=BusinessRelation)
    correspondence_type = serializers.ChoiceField(
        choices=CorrespondenceType.choices, required=False, allow_blank=True
    )

    class Meta:
        model = Contact
        # The columns of the CSV import/export, plus the company's name (read-only).
        fields = [*CONTACT_COLUMNS[:4], "company_name", *CONTACT_COLUMNS[4:]]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["no"].read_only = True
        return fields

    def to_representation(self, instance: Contact) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["company_no"] = instance.company_no
        # Always present, also after a PATCH (DRF skips a read-only default on partial updates).
        company = instance.company
        data["company_name"] = company.name if company is not None else ""
        for key in (
            "language_code",
            "salesperson_code",
            "country_code",
            "territory_code",
            "salutation_code",
        ):
            if data.get(key) is None:
                data[key] = ""
        return data


class ContactProfileAnswerSerializer(ActionSerializer):
    questionnaire_code = serializers.CharField(max_length=10)
    line_no = serializers.IntegerField(min_value=1)
    answer = serializers.CharField(read_only=True)

    def to_representation(self, instance: ContactProfileAnswer) -> dict[str, Any]:
        return {
            "questionnaire_code": instance.questionnaire.code,
            "line_no": instance.answer.line_no,
            "answer": instance.answer.answer,
        }
