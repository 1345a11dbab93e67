"""Languages and the classification tables (mailing groups, industry groups, job
responsibilities, business relations, countries, territories, ...): rows with a code and a
text."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from rapport.audit.services import audit_created, audit_deleted, audit_updated, audit_values
from rapport.contacts.models import Language
from rapport.contacts.services.values import _check_text
from rapport.core.codes import normalize_code
from rapport.core.errors import ConflictError, ValidationFailed

CODE_TABLE_TEXT_LIMITS = {"description": 100, "name": 50, "name_nl": 50}


def stored_values(row: Any) -> dict[str, Any]:
    """The audit trail's values of `row` as stored (the caller's instance may be older)."""
    stored = type(row)._default_manager.filter(pk=row.pk).first()
    return audit_values(stored if stored is not None else row)


def code_table_object_type(model: type[Any]) -> str:
    """The audit trail's object type of a table's rows: its API resource in the singular
    (MailingGroup: `mailing_group`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


@transaction.atomic
def language_create(*, code: str, name: str, name_nl: str = "") -> Language:
    """Create a language. Codes are unique (upper case, at most 10 characters); `name_nl` is the
    Dutch name pages show to Dutch users (optional)."""
    code = normalize_code(code, label=_("Code"), max_length=10)
    if Language.objects.filter(code=code).exists():
        raise ValidationFailed({"code": [_("Language %(code)s already exists.") % {"code": code}]})
    language = Language.objects.create(
        code=code,
        name=_check_text("name", name, 50, required=True),
        name_nl=_check_text("name_nl", name_nl, 50),
    )
    audit_created(language, operation="language_create", object_type="language")
    return language


@transaction.atomic
def language_update(*, language: Language, name: str, name_nl: str | None = None) -> Language:
    before = stored_values(language)
    language.name = _check_text("name", name, 50, required=True)
    if name_nl is not None:
        language.name_nl = _check_text("name_nl", name_nl, 50)
    language.save(update_fields=["name", "name_nl"])
    audit_updated(before, language, operation="language_update", object_type="language")
    return language


@transaction.atomic
def language_delete(*, language: Language) -> None:
    """Delete a language nothing refers to any more."""
    before = stored_values(language)
    try:
        language.delete()
        audit_deleted(
            before, operation="language_delete", object_type="language", key=before["code"]
        )
    except ProtectedError as exc:
        raise ConflictError(
            _(
                "Language %(code)s is still in use (for example as the default language in "
                "Marketing Setup) and cannot be deleted."
            )
            % {"code": language.code}
        ) from exc


@transaction.atomic
def code_table_create(*, model: type[Any], code: str, **fields: Any) -> Any:
    """Create a row of a classification table (mailing groups, countries, ...). Codes are
    unique, upper case and at most 10 characters; the text field is required for countries
    and languages (their name) and optional elsewhere (description)."""
    row = create_row(model=model, code=code, **fields)
    audit_created(row, operation="code_table_create", object_type=code_table_object_type(model))
    return row


def create_row(*, model: type[Any], code: str, **fields: Any) -> Any:
    """`code_table_create` without its audit entry, for operations that write their own."""
    code = normalize_code(code, label=_("Code"), max_length=10)
    if model.objects.filter(code=code).exists():
        raise ValidationFailed(
            {
                "code": [
                    _("%(table)s %(code)s already exists.")
                    % {"table": str(model._meta.verbose_name).capitalize(), "code": code}
                ]
            }
        )
    values = _code_table_values(model, fields)
    return model.objects.create(code=code, **values)


@transaction.atomic
def code_table_update(*, row: Any, **fields: Any) -> Any:
    """Change a classification row's text (the code is its key and stays)."""
    before = stored_values(row)
    update_row(row=row, **fields)
    audit_updated(
        before, row, operation="code_table_update", object_type=code_table_object_type(type(row))
    )
    return row


def update_row(*, row: Any, **fields: Any) -> Any:
    """`code_table_update` without its audit entry, for operations that write their own."""
    for name, value in _code_table_values(type(row), fields, partial=True).items():
        setattr(row, name, value)
    row.save()
    return row


@transaction.atomic
def code_table_delete(*, row: Any) -> None:
    """Delete a classification row. Contacts linked to a mailing group, industry group, job
    responsibility or business relation lose the link; a country, territory or language
    that contacts use cannot be deleted."""
    before = stored_values(row)
    try:
        row.delete()
        audit_deleted(
            before,
            operation="code_table_delete",
            object_type=code_table_object_type(type(row)),
            key=before["code"],
        )
    except ProtectedError as exc:
        raise ConflictError(
            _("%(table)s %(code)s is still in use and cannot be deleted.")
            % {"table": str(row._meta.verbose_name).capitalize(), "code": row.code},
            code="in_use",
        ) from exc


def code_table_text_fields(model: type[Any]) -> list[str]:
    """The text fields of a classification table: `description`, or `name` (required) and, for
    countries and languages, `name_nl` (their Dutch name, optional)."""
    names = {f.name for f in model._meta.fields}
    if "name" not in names:
        return ["description"]
    return ["name", "name_nl"] if "name_nl" in names else ["name"]


def _code_table_values(model: type[Any], fields: dict[str, Any], *, partial: bool = False) -> dict:
    text_fields = code_table_text_fields(model)
    unknown = set(fields) - set(text_fields)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    values = {}
    for text_field in text_fields:
        if partial and text_field not in fields:
            continue
        values[text_field] = _check_text(
            text_field,
            fields.get(text_field, ""),
            CODE_TABLE_TEXT_LIMITS[text_field],
            required=text_field == "name",
        )
    return values
