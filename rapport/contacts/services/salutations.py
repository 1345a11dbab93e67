"""Salutations (NAV's Salutation and Salutation Formula): codes with a salutation text per
language and type, and the text they give for a contact's name parts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.audit.services import audit_record, audit_values
from rapport.contacts.models import (
    SALUTATION_NAME_FIELDS,
    Contact,
    Language,
    Salutation,
    SalutationFormula,
    SalutationNamePart,
    SalutationType,
)
from rapport.contacts.services.values import _check_text
from rapport.core.codes import normalize_code
from rapport.core.errors import ConflictError, ErrorCollector, ValidationFailed
from rapport.setup.models import MarketingSetup

FORMULA_KEYS = frozenset({"language_code", "type", "formula", *SALUTATION_NAME_FIELDS})
FORMULA_MAX_LENGTH = 50
MAX_FORMULAS = 200
_PLACEHOLDER = re.compile(r"%(\d+)")
_SPACES = re.compile(r"[ \t]{2,}")
_BLANK = "\x00"  # where a blank part was, until the spaces around it are tidied
_BLANK_BEFORE_MARK = re.compile(r"(?:[ \t]*\x00)+(?=[,.;:!?]|\Z)")


def salutation_text(formula: Any, name_parts: Mapping[str, str]) -> str:
    """The salutation a formula gives: each `%n` replaced by the name part that Name n names
    (blank when Name n is blank or the part is missing); a blank part takes the spaces before
    it along when a punctuation mark or the end follows ("Dear %1 %2," without %2: "Dear
    Anna,"), double spaces are collapsed and the text trimmed.

    `formula` is a SalutationFormula or a mapping with `formula` and `name_1`..`name_5`."""
    values = formula if isinstance(formula, Mapping) else vars(formula)
    chosen = [values.get(name) or "" for name in SALUTATION_NAME_FIELDS]

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(chosen) or not chosen[number - 1]:
            return _BLANK
        return str(name_parts.get(chosen[number - 1]) or "").strip() or _BLANK

    text = _PLACEHOLDER.sub(replace, str(values.get("formula") or ""))
    text = _BLANK_BEFORE_MARK.sub("", text).replace(_BLANK, "")
    return _SPACES.sub(" ", text).strip()


def _audit_values(salutation: Salutation) -> dict[str, Any]:
    """What the audit trail keeps of a salutation: its fields and its formulas (by language
    and type)."""
    formulas = [
        {
            "language_code": row.language.code if row.language else "",
            "type": row.salutation_type,
            "formula": row.formula,
            **{name: getattr(row, name) for name in SALUTATION_NAME_FIELDS},
        }
        for row in SalutationFormula.objects.filter(salutation=salutation).select_related(
            "language"
        )
    ]
    formulas.sort(key=lambda row: (row["language_code"], row["type"]))
    return {**audit_values(salutation), "formulas": formulas}


def _audit(operation: str, salutation: Salutation, before: dict[str, Any] | None) -> None:
    audit_record(
        operation=operation,
        object_type="salutation",
        object_key=salutation.code,
        before=before,
        after=_audit_values(salutation),
    )


@transaction.atomic
def salutation_create(
    *, code: str, description: str = "", formulas: list[dict[str, Any]] | None = None
) -> Salutation:
    """Create a salutation (code: upper case, at most 10 characters, unique) with its formulas
    (see `salutation_set_formulas`). Nothing is saved when anything is refused."""
    code = normalize_code(code, label=_("Code"), max_length=10)
    if Salutation.objects.filter(code=code).exists():
        raise ValidationFailed(
            {"code": [_("Salutation %(code)s already exists.") % {"code": code}]}
        )
    salutation = Salutation.objects.create(
        code=code, description=_check_text("description", description, 100)
    )
    if formulas:
        _replace_formulas(salutation, formulas)
    _audit("salutation_create", salutation, None)
    return salutation


@transaction.atomic
def salutation_update(
    *,
    salutation: Salutation,
    description: str | None = None,
    formulas: list[dict[str, Any]] | None = None,
) -> Salutation:
    """Change a salutation's description and, when `formulas` is given, replace its formulas.
    The code is the key and stays."""
    salutation = Salutation.objects.select_for_update().get(pk=salutation.pk)
    before = _audit_values(salutation)
    if description is not None:
        salutation.description = _check_text("description", description, 100)
        salutation.save(update_fields=["description"])
    if formulas is not None:
        _replace_formulas(salutation, formulas)
    _audit("salutation_update", salutation, before)
    return salutation


@transaction.atomic
def salutation_set_formulas(
    *, salutation: Salutation, formulas: list[dict[str, Any]]
) -> Salutation:
    """Replace the salutation's formulas. Each is a dict of `language_code` (blank: any
    language), `type` (formal or informal), `formula` (at most 50 characters, `%1`..`%5`) and
    `name_1`..`name_5` (job_title, first_name, middle_name, surname, initials, company_name or
    blank). Refused, naming the row (`formulas.<i>.<field>`): an unknown language, type, name
    part or key; a placeholder other than %1..%5; a %n whose Name n is blank; a language and
    type given twice."""
    before = _audit_values(salutation)
    _replace_formulas(salutation, formulas)
    _audit("salutation_set_formulas", salutation, before)
    return salutation


def _replace_formulas(salutation: Salutation, formulas: list[dict[str, Any]]) -> None:
    rows = _clean_formulas(formulas)
    SalutationFormula.objects.filter(salutation=salutation).delete()
    SalutationFormula.objects.bulk_create(
        SalutationFormula(salutation=salutation, **row) for row in rows
    )


def _clean_formulas(formulas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(formulas, list) or len(formulas) > MAX_FORMULAS:
        raise ValidationFailed(
            {"formulas": [_("Give at most %(max)s formulas.") % {"max": MAX_FORMULAS}]}
        )
    languages = {language.code: language for language in Language.objects.all()}
    errors = ErrorCollector()
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for index, given in enumerate(formulas):
        key = f"formulas.{index}"
        if not isinstance(given, Mapping):
            errors.add(key, _("A formula is a set of fields."))
            continue
        row = _clean_formula(given, key, languages, errors)
        if row is None:
            continue
        pair = (row["language"].code if row["language"] else "", row["salutation_type"])
        if pair in seen:
            errors.add(
                f"{key}.language_code",
                _("Row %(row)s has this language and type already.") % {"row": seen[pair] + 1},
            )
        seen.setdefault(pair, index)
        rows.append(row)
    if errors:
        raise ValidationFailed(errors.errors)
    return rows


def _clean_formula(
    given: Mapping[str, Any], key: str, languages: dict[str, Language], errors: ErrorCollector
) -> dict[str, Any] | None:
    for name in sorted(set(given) - FORMULA_KEYS):
        errors.add(f"{key}.{name}", _("Unknown field."))
    bad = len(errors.errors)
    code = str(given.get("language_code") or "").strip().upper()
    language = languages.get(code) if code else None
    if code and language is None:
        errors.add(f"{key}.language_code", _("There is no language %(code)s.") % {"code": code})
    salutation_type = str(given.get("type") or "").strip().lower()
    if salutation_type not in SalutationType.values:
        errors.add(f"{key}.type", _("The salutation type is formal or informal."))
    names = {}
    for name in SALUTATION_NAME_FIELDS:
        value = str(given.get(name) or "").strip().lower()
        if value not in SalutationNamePart.values:
            errors.add(f"{key}.{name}", _("Choose one of the name parts."))
        names[name] = value
    try:
        text = _check_text("formula", str(given.get("formula") or ""), FORMULA_MAX_LENGTH)
    except ValidationFailed as error:
        errors.add(f"{key}.formula", error.message)
        text = ""
    for number in dict.fromkeys(int(found) for found in _PLACEHOLDER.findall(text)):
        if not 1 <= number <= len(SALUTATION_NAME_FIELDS):
            errors.add(
                f"{key}.formula",
                _("%%%(number)s is not a placeholder: use %%1 to %%5.") % {"number": number},
            )
        elif not names[f"name_{number}"]:
            errors.add(
                f"{key}.name_{number}",
                _("The formula uses %%%(number)s: choose what Name %(number)s stands for.")
                % {"number": number},
            )
    if len(errors.errors) > bad:
        return None
    return {"language": language, "salutation_type": salutation_type, "formula": text, **names}


@transaction.atomic
def salutation_delete(*, salutation: Salutation) -> None:
    """Delete a salutation with its formulas. Refused (409) while contacts have it or Marketing
    Setup names it as a default."""
    uses: list[str] = []
    count = Contact.objects.filter(salutation=salutation).count()
    if count:
        uses.append(ngettext("%(count)s contact", "%(count)s contacts", count) % {"count": count})
    setup = MarketingSetup.objects.filter(pk=MarketingSetup.SINGLETON_ID).first()
    if setup is not None and setup.default_company_salutation_id == salutation.pk:
        uses.append(_("Marketing Setup's default company salutation code"))
    if setup is not None and setup.default_person_salutation_id == salutation.pk:
        uses.append(_("Marketing Setup's default person salutation code"))
    if uses:
        raise ConflictError(
            _("Salutation %(code)s is still used by %(uses)s and cannot be deleted.")
            % {"code": salutation.code, "uses": ", ".join(uses)},
            code="in_use",
        )
    salutation = Salutation.objects.select_for_update().get(pk=salutation.pk)
    before = _audit_values(salutation)
    salutation.delete()
    audit_record(
        operation="salutation_delete",
        object_type="salutation",
        object_key=before["code"],
        before=before,
    )


def contact_name_parts(
    *,
    type: str,
    name: str,
    first_name: str = "",
    middle_name: str = "",
    surname: str = "",
    initials: str = "",
    job_title: str = "",
    company_name: str = "",
) -> dict[str, str]:
    """The name parts a formula can use, for one contact. A company's company name is its own
    name (its person parts stay blank). A person without first, middle and surname gets them
    from its name, for the salutation only: the last word is the surname, the words before it
    the first name ("Anna Maria Jansen" → "Anna Maria", "Jansen"; one word is a surname)."""
    if type == "company":
        return dict.fromkeys(SalutationNamePart.values, "") | {"company_name": name}
    if not (first_name or middle_name or surname):
        words = (name or "").split()
        surname = words[-1] if words else ""
        first_name = " ".join(words[:-1])
    return {
        "": "",
        "job_title": job_title,
        "first_name": first_name,
        "middle_name": middle_name,
        "surname": surname,
        "initials": initials,
        "company_name": company_name,
    }
