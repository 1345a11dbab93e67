"""Who we talk to and who talks: contacts (companies and persons), salespeople, languages and
the classifications segments filter on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import CorrespondenceType


class TranslatedNameMixin:
    """A reference row named in English (`name`) and in Dutch (`name_nl`, optional): pages show
    the name in the user's language, falling back to `name`."""

    name: str
    name_nl: str

    @property
    def local_name(self) -> str:
        if self.name_nl and (get_language() or "").lower().startswith("nl"):
            return self.name_nl
        return self.name


class Language(TranslatedNameMixin, models.Model):
    """A language an interaction or contact can use (NL, EN, DE, ...: ISO 639-1 codes for the
    languages the migrations load)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_nl = models.CharField(_("name (Dutch)"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return f"{self.code} – {self.local_name}" if self.local_name else self.code


class Salesperson(models.Model):
    """Someone who talks to contacts; may be linked to the user who signs in as them."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=80, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salesperson",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("salesperson")
        verbose_name_plural = _("salespeople")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:salesperson-detail", kwargs={"code": self.code})


# --- Classifications ---------------------------------------------------------------------------


class CodeDescriptionModel(models.Model):
    """A small classification table keyed by an upper-case code."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


class Country(TranslatedNameMixin, models.Model):
    """A country/region (ISO 3166-1 alpha-2 code such as NL, BE, GB, DE, US)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_nl = models.CharField(_("name (Dutch)"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country/region")
        verbose_name_plural = _("countries/regions")

    def __str__(self) -> str:
        return f"{self.code} – {self.local_name}"


class Territory(CodeDescriptionModel):
    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("territory")
        verbose_name_plural = _("territories")


class MailingGroup(CodeDescriptionModel):
    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("mailing group")
        verbose_name_plural = _("mailing groups")


class IndustryGroup(CodeDescriptionModel):
    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("industry group")
        verbose_name_plural = _("industry groups")


class JobResponsibility(CodeDescriptionModel):
    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("job responsibility")
        verbose_name_plural = _("job responsibilities")


class BusinessRelation(CodeDescriptionModel):
    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("business relation")
        verbose_name_plural = _("business relations")


class ProfileQuestionnaire(CodeDescriptionModel):
    """A question with a fixed set of answers (NAV's Profile Questionnaire, simplified to one
    question per questionnaire)."""

    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("profile questionnaire")
        verbose_name_plural = _("profile questionnaires")


class ProfileQuestionnaireAnswer(models.Model):
    questionnaire = models.ForeignKey(
        ProfileQuestionnaire, on_delete=models.CASCADE, related_name="answers"
    )
    line_no = models.PositiveIntegerField(_("line no."))
    answer = models.CharField(_("answer"), max_length=100)

    class Meta:
        ordering = ["questionnaire", "line_no"]
        verbose_name = _("profile answer")
        verbose_name_plural = _("profile answers")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "line_no"], name="contacts_profileanswer_unique_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code} {self.line_no}: {self.answer}"


# --- Salutations (NAV tables 5068 Salutation and 5069 Salutation Formula) ----------------------


class SalutationType(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")


class SalutationNamePart(models.TextChoices):
    """What a formula's %1..%5 stand for (NAV's Name 1..Name 5)."""

    BLANK = "", _("(none)")
    JOB_TITLE = "job_title", _("Job title")
    FIRST_NAME = "first_name", _("First name")
    MIDDLE_NAME = "middle_name", _("Middle name")
    SURNAME = "surname", _("Surname")
    INITIALS = "initials", _("Initials")
    COMPANY_NAME = "company_name", _("Company name")


class Salutation(CodeDescriptionModel):
    """A salutation code (e.g. M-JOB): the formulas per language and type say how to greet a
    contact that has it."""

    class Meta(CodeDescriptionModel.Meta):
        verbose_name = _("salutation")
        verbose_name_plural = _("salutations")

    def get_absolute_url(self) -> str:
        return reverse("contacts:salutation-detail", kwargs={"code": self.code})


SALUTATION_NAME_FIELDS = ("name_1", "name_2", "name_3", "name_4", "name_5")


def _name_part_field(label: Any) -> models.CharField:
    return models.CharField(
        label, max_length=20, choices=SalutationNamePart.choices, blank=True, default=""
    )


class SalutationFormula(models.Model):
    """One salutation text of a salutation, for a language (blank: any language) and a type;
    `%1`..`%5` in `formula` stand for the name parts `name_1`..`name_5` name."""

    salutation = models.ForeignKey(
        Salutation, verbose_name=_("salutation"), on_delete=models.CASCADE, related_name="formulas"
    )
    language = models.ForeignKey(
        Language,
        verbose_name=_("language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    salutation_type = models.CharField(
        _("salutation type"), max_length=10, choices=SalutationType.choices
    )
    formula = models.CharField(_("salutation"), max_length=50, blank=True)
    name_1 = _name_part_field(_("name 1"))
    name_2 = _name_part_field(_("name 2"))
    name_3 = _name_part_field(_("name 3"))
    name_4 = _name_part_field(_("name 4"))
    name_5 = _name_part_field(_("name 5"))

    class Meta:
        ordering = [
            "salutation",
            models.F("language__code").asc(nulls_first=True),
            "salutation_type",
        ]
        verbose_name = _("salutation formula")
        verbose_name_plural = _("salutation formulas")
        constraints = [
            models.UniqueConstraint(
                fields=["salutation", "language", "salutation_type"],
                condition=models.Q(language__isnull=False),
                name="contacts_salutationformula_unique",
            ),
            models.UniqueConstraint(
                fields=["salutation", "salutation_type"],
                condition=models.Q(language__isnull=True),
                name="contacts_salutationformula_unique_any_language",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.salutation_id} {self.language_id or ''} {self.salutation_type}: {self.formula}"
        )


# --- Contacts ----------------------------------------------------------------------------------


class ContactType(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")


class Contact(models.Model):
    """A company or a person we talk to. A person belongs to at most one company and inherits
    fields from it as Marketing Setup's inherit flags say."""

    no = models.CharField(_("no."), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=ContactType.choices)
    name = models.CharField(_("name"), max_length=100)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        limit_choices_to={"type": ContactType.COMPANY},
    )
    address = models.CharField(_("address"), max_length=100, blank=True)
    address_2 = models.CharField(_("address 2"), max_length=50, blank=True)
    post_code = models.CharField(_("post code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country/region"), on_delete=models.PROTECT, null=True, blank=True
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, null=True, blank=True
    )
    phone_no = models.CharField(_("phone no."), max_length=30, blank=True)
    mobile_phone_no = models.CharField(_("mobile phone no."), max_length=30, blank=True)
    fax_no = models.CharField(_("fax no."), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), max_length=80, blank=True)
    job_title = models.CharField(_("job title"), max_length=30, blank=True)
    salutation = models.ForeignKey(
        Salutation,
        verbose_name=_("salutation code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    first_name = models.CharField(_("first name"), max_length=30, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=30, blank=True)
    surname = models.CharField(_("surname"), max_length=30, blank=True)
    initials = models.CharField(_("initials"), max_length=30, blank=True)
    language = models.ForeignKey(
        Language, verbose_name=_("language"), on_delete=models.PROTECT, null=True, blank=True
    )
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.BLANK,
    )
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    exclude_from_segment = models.BooleanField(_("exclude from segment"), default=False)
    privacy_blocked = models.BooleanField(_("privacy blocked"), default=False)
    no_series = models.CharField(_("no. series"), max_length=20, blank=True, editable=False)
    # Lower-cased "no name city e-mail company" so that one indexed-free scan of a single narrow
    # column answers the search box (see docs/differences.md, "Contact search").
    search_text = models.CharField(max_length=400, blank=True, editable=False, db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    mailing_groups = models.ManyToManyField(
        MailingGroup, verbose_name=_("mailing groups"), blank=True, related_name="contacts"
    )
    industry_groups = models.ManyToManyField(
        IndustryGroup, verbose_name=_("industry groups"), blank=True, related_name="contacts"
    )
    job_responsibilities = models.ManyToManyField(
        JobResponsibility,
        verbose_name=_("job responsibilities"),
        blank=True,
        related_name="contacts",
    )
    business_relations = models.ManyToManyField(
        BusinessRelation, verbose_name=_("business relations"), blank=True, related_name="contacts"
    )

    class Meta:
        ordering = ["no"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["name"], name="contacts_contact_name"),
            models.Index(fields=["company", "type"], name="contacts_contact_company"),
            models.Index(fields=["city"], name="contacts_contact_city"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type="company") | models.Q(company__isnull=True),
                name="contacts_contact_company_has_no_company",
            )
        ]

    def __str__(self) -> str:
        return f"{self.no} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact-detail", kwargs={"no": self.no})

    @property
    def is_company(self) -> bool:
        return self.type == ContactType.COMPANY

    @property
    def company_no(self) -> str:
        """NAV's Company No.: a company's own number; a person's company's number, or blank."""
        if self.is_company:
            return self.no
        return self.company.no if self.company_id and self.company else ""


class ContactProfileAnswer(models.Model):
    """A contact's answer to a profile questionnaire (one answer per questionnaire)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="profile_answers")
    answer = models.ForeignKey(
        ProfileQuestionnaireAnswer, on_delete=models.CASCADE, related_name="contact_answers"
    )
    questionnaire = models.ForeignKey(
        ProfileQuestionnaire, on_delete=models.CASCADE, related_name="contact_answers"
    )

    class Meta:
        ordering = ["contact", "questionnaire__code"]
        verbose_name = _("contact profile answer")
        verbose_name_plural = _("contact profile answers")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "questionnaire"], name="contacts_contactprofile_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.answer}"
