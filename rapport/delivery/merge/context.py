"""The merge contexts: per log entry (or for a preview) the plain dicts of strings a template
merges with (`fields.MERGE_FIELDS`), never model instances.

`merge_contexts` is set-based: one `values()` query per 900 entries joined to the contact, the
entry's company, salesperson, template and campaign, and the salutations through
`rapport.contacts.selectors.salutations_for` (a few queries per language). Values are in the
entry's language: the long date ("6 december 2026", "6 December 2026") and the country name.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.contacts.models import Contact, Language, Salesperson
from rapport.core.errors import ErrorCollector
from rapport.delivery.merge.fields import COMPANY_FIELDS, CONTACT_FIELDS, SALESPERSON_FIELDS
from rapport.delivery.merge.sandbox import MergeDate

CHUNK = 900

# Merge field → path from a Contact (the contact, or the company).
CONTACT_PATHS = {
    **{name: name for name in CONTACT_FIELDS},
    "country_code": "country__code",
    "country_name": "country__name",
    "country_name_nl": "country__name_nl",
    "language_code": "language__code",
}
COMPANY_PATHS = {
    **{name: name for name in COMPANY_FIELDS},
    "country_name": "country__name",
    "country_name_nl": "country__name_nl",
}


def _existing(model: type[models.Model], paths: dict[str, str]) -> dict[str, str]:
    """The paths whose first field the model has (a field the model lacks merges blank)."""
    names = {field.name for field in model._meta.get_fields()}
    return {key: path for key, path in paths.items() if path.split("__")[0] in names}


SALESPERSON_PATHS = _existing(Salesperson, {name: name for name in SALESPERSON_FIELDS})
CONTACT_PATHS = _existing(Contact, CONTACT_PATHS)
COMPANY_PATHS = _existing(Contact, COMPANY_PATHS)


def django_language(code: str | None) -> str:
    """The Django language of a Rapport language code (ISO 639-1, "NL" → "nl"); the site's
    default when Django has no translation for it."""
    language = (code or "").strip().lower()
    if language and translation.check_for_language(language):
        return language
    return settings.LANGUAGE_CODE


def _record(
    row: dict[str, Any], prefix: str, paths: dict[str, str], fields: Iterable[str]
) -> tuple[dict[str, str], dict[str, Any]]:
    values = {name: row.get(f"{prefix}{path}") for name, path in paths.items()}
    record = {name: "" if values.get(name) is None else str(values[name]) for name in fields}
    return record, values


def _country(values: dict[str, Any], language: str) -> str:
    if language == "nl" and values.get("country_name_nl"):
        return str(values["country_name_nl"])
    return str(values.get("country_name") or "")


class _Dates:
    """MergeDate per (date, language), made once per batch."""

    def __init__(self) -> None:
        self.made: dict[tuple[datetime.date, str], MergeDate] = {}

    def __call__(self, value: datetime.date | None, language: str) -> str:
        if value is None:
            return ""
        key = (value, language)
        if key not in self.made:
            self.made[key] = MergeDate(value, language)
        return self.made[key]


INTERACTION_PATHS = {
    "description": "description",
    "subject": "subject",
    "template_code": "template__code",
    "campaign_no": "campaign__no",
    "campaign_description": "campaign__description",
}
ENTRY_PREFIXES = {
    "contact": "contact__",
    "company": "contact_company__",
    "salesperson": "salesperson__",
}


def build_context(
    row: dict[str, Any],
    *,
    language: str,
    prefixes: dict[str, str] = ENTRY_PREFIXES,
    dates: _Dates | None = None,
) -> dict:
    """The merge context of one row: the contact, company and salesperson paths under their
    `prefixes`, and the interaction's `date` and `INTERACTION_PATHS`; salutations are filled
    in by `add_salutations`. `_language` (Django's code) is for the merge, not the template."""
    contact, contact_values = _record(row, prefixes["contact"], CONTACT_PATHS, CONTACT_FIELDS)
    contact["country_name"] = _country(contact_values, language)
    company, company_values = _record(row, prefixes["company"], COMPANY_PATHS, COMPANY_FIELDS)
    company["country_name"] = _country(company_values, language)
    salesperson, _v = _record(row, prefixes["salesperson"], SALESPERSON_PATHS, SALESPERSON_FIELDS)
    interaction = {
        "date": (dates or _Dates())(row.get("date"), language),
        **{name: str(row.get(path) or "") for name, path in INTERACTION_PATHS.items()},
    }
    return {
        "contact": contact,
        "company": company,
        "salesperson": salesperson,
        "interaction": interaction,
        "salutation": "",
        "salutation_informal": "",
        "_language": language,
    }


def entry_paths() -> list[str]:
    """The values() paths of an InteractionLogEntry that `build_context` reads."""
    paths = [f"contact__{path}" for path in CONTACT_PATHS.values()]
    paths += [f"contact_company__{path}" for path in COMPANY_PATHS.values()]
    paths += [f"salesperson__{path}" for path in SALESPERSON_PATHS.values()]
    return (
        paths
        + list(INTERACTION_PATHS.values())
        + [
            "entry_no",
            "contact_id",
            "language__code",
            "date",
        ]
    )


def add_salutations(contexts: dict[Any, dict], contact_ids: dict[Any, int | None]) -> None:
    """Fill `salutation` and `salutation_informal` of each context (keyed like `contact_ids`)
    in its language: a few queries per language for any number of contexts."""
    from rapport.contacts.selectors import salutations_for

    by_language: dict[str, dict[Any, int]] = defaultdict(dict)
    for key, contact_id in contact_ids.items():
        if contact_id is not None:
            by_language[contexts[key]["_language_code"]][key] = contact_id
    for code, keys in by_language.items():
        ids = sorted(set(keys.values()))
        languages = dict.fromkeys(ids, code) if code else None
        formal = salutations_for(ids, salutation_type="formal", language_by_contact=languages)
        informal = salutations_for(ids, salutation_type="informal", language_by_contact=languages)
        for key, contact_id in keys.items():
            contexts[key]["salutation"] = formal.get(contact_id, "")
            contexts[key]["salutation_informal"] = informal.get(contact_id, "")


def merge_contexts(entry_nos: list[int]) -> dict[int, dict]:
    """The merge context of each log entry, by entry no. (unknown numbers are left out). The
    language is the entry's, else its contact's, else the site's default."""
    from rapport.interactions.models import InteractionLogEntry

    paths = entry_paths()
    contexts: dict[int, dict] = {}
    contact_ids: dict[int, int | None] = {}
    dates = _Dates()
    numbers = list(dict.fromkeys(int(no) for no in entry_nos))
    for start in range(0, len(numbers), CHUNK):
        rows = InteractionLogEntry.objects.filter(
            entry_no__in=numbers[start : start + CHUNK]
        ).values(*paths)
        for row in rows:
            code = row["language__code"] or row.get("contact__language__code") or ""
            context = build_context(row, language=django_language(code), dates=dates)
            context["_language_code"] = code.upper()
            contexts[row["entry_no"]] = context
            contact_ids[row["entry_no"]] = row["contact_id"]
    add_salutations(contexts, contact_ids)
    return contexts


# ---------------------------------------------------------------------------------------------
# Preview: one contact, with the interaction values of a template, segment or segment line


_SOURCE_PATHS = ["date", "language__code", "salesperson_id", *INTERACTION_PATHS.values()]


def _source_row(
    errors: ErrorCollector, *, template_code: str, segment_no: str, line_no: int | None
) -> tuple[dict[str, Any], int | None]:
    """The interaction values (INTERACTION_PATHS, date, language, salesperson) of the segment
    line, else the segment, else the template ({} when none is given), and the segment's pk
    when they are the header's."""
    from rapport.interactions.models import InteractionTemplate
    from rapport.segments.models import Segment, SegmentLine

    if line_no is not None and not segment_no:
        errors.add("line_no", _("A line no. needs a segment no."))
    if segment_no:
        segment = Segment.objects.filter(no=str(segment_no).strip().upper()).first()
        if segment is None:
            errors.add("segment_no", _("There is no segment %(no)s.") % {"no": segment_no})
            return {}, None
        if line_no is None:
            return Segment.objects.filter(pk=segment.pk).values(*_SOURCE_PATHS).get(), segment.pk
        found = (
            SegmentLine.objects.filter(segment=segment, line_no=line_no)
            .values(*_SOURCE_PATHS)
            .first()
        )
        if found is None:
            message = _("Segment %(no)s has no line %(line)s.")
            errors.add("line_no", message % {"no": segment.no, "line": line_no})
        return found or {}, None
    if not template_code:
        return {}, None
    template = (
        InteractionTemplate.objects.filter(code=str(template_code).strip().upper())
        .values("code", "description", "language_default__code", "campaign__no")
        .annotate(campaign_description=models.F("campaign__description"))
        .first()
    )
    if template is None:
        message = _("There is no interaction template %(code)s.")
        errors.add("template_code", message % {"code": template_code})
        return {}, None
    return {
        "description": template["description"],
        "template__code": template["code"],
        "campaign__no": template["campaign__no"],
        "campaign__description": template["campaign_description"],
        "language__code": template["language_default__code"],
    }, None


def _segment_language(source: dict[str, Any], segment_pk: int | None, code: str) -> None:
    """A segment header's language row gives its description and subject to that language."""
    from rapport.segments.models import SegmentLanguage

    if segment_pk is None or not code:
        return
    row = (
        SegmentLanguage.objects.filter(segment_id=segment_pk, language__code=code)
        .values("description", "subject")
        .first()
    )
    for name, value in (row or {}).items():
        if value:
            source[name] = value


def preview_context(
    *,
    contact_no: str,
    template_code: str = "",
    segment_no: str = "",
    line_no: int | None = None,
    language_code: str = "",
    actor: Any,
) -> dict:
    """The merge context of `contact_no` as an entry would have it when logged from the
    segment line (`segment_no` + `line_no`), the segment header, or the interaction template
    (`template_code`); with none of them, a blank interaction on the actor's work date. The
    language is `language_code`, else the line's, segment's or template's, else the
    contact's. Raises ValidationFailed naming the unknown key."""
    errors = ErrorCollector()
    contact = (
        Contact.objects.filter(no=str(contact_no or "").strip().upper())
        .values("pk", "type", "company_id", "salesperson_id", "language__code")
        .first()
    )
    if contact is None:
        errors.add("contact_no", _("There is no contact %(no)s.") % {"no": contact_no or "''"})
    source, segment_pk = _source_row(
        errors, template_code=template_code, segment_no=segment_no, line_no=line_no
    )
    language_code = str(language_code or "").strip().upper()
    if language_code and not Language.objects.filter(code=language_code).exists():
        errors.add("language_code", _("There is no language %(code)s.") % {"code": language_code})
    errors.raise_if_any()
    assert contact is not None
    code = language_code or source.get("language__code") or contact["language__code"] or ""
    _segment_language(source, segment_pk, code.upper())
    company_pk = contact["pk"] if contact["type"] == "company" else contact["company_id"]
    salesperson_pk = source.get("salesperson_id") or contact["salesperson_id"]
    row = dict(source)
    row.setdefault("date", _work_date(actor))
    row |= _prefixed("contact__", Contact, contact["pk"], CONTACT_PATHS)
    row |= _prefixed("company__", Contact, company_pk, COMPANY_PATHS)
    row |= _prefixed("salesperson__", Salesperson, salesperson_pk, SALESPERSON_PATHS)
    prefixes = {"contact": "contact__", "company": "company__", "salesperson": "salesperson__"}
    context = build_context(row, language=django_language(code), prefixes=prefixes)
    context["_language_code"] = code.upper()
    add_salutations({0: context}, {0: contact["pk"]})
    return context


def _prefixed(prefix: str, model: Any, pk: int | None, paths: dict[str, str]) -> dict:
    if pk is None:
        return {}
    values = model.objects.filter(pk=pk).values(*paths.values()).first() or {}
    return {f"{prefix}{path}": value for path, value in values.items()}


def _work_date(actor: Any) -> datetime.date:
    date = getattr(actor, "effective_work_date", None)
    return date if isinstance(date, datetime.date) else timezone.localdate()
