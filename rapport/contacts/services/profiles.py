"""Profile questionnaires with their answers, and the answers contacts give (reference 1.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record, audit_values
from rapport.contacts.models import (
    Contact,
    ContactProfileAnswer,
    ProfileQuestionnaire,
    ProfileQuestionnaireAnswer,
)
from rapport.contacts.services.code_tables import create_row, update_row
from rapport.contacts.services.values import _check_text
from rapport.core.errors import ValidationFailed

# The most answers one profile questionnaire offers (NAV's questionnaires have a handful; a
# limit keeps one request from writing thousands of rows). Pages, API and CLI all refuse more.
MAX_PROFILE_ANSWERS = 100
# New answers are numbered in steps of 10,000 after the highest line no. (as NAV numbers lines).
ANSWER_LINE_NO_STEP = 10000


def _audit_values(questionnaire: ProfileQuestionnaire) -> dict[str, Any]:
    """What the audit trail keeps of a questionnaire: its fields and its answers."""
    answers = questionnaire.answers.order_by("line_no").values_list("line_no", "answer")
    return {
        **audit_values(questionnaire),
        "answers": [{"line_no": line_no, "answer": text} for line_no, text in answers],
    }


def _audit(
    operation: str, questionnaire: ProfileQuestionnaire, before: dict[str, Any] | None
) -> None:
    audit_record(
        operation=operation,
        object_type="profile_questionnaire",
        object_key=questionnaire.code,
        before=before,
        after=_audit_values(questionnaire),
    )


@transaction.atomic
def profile_questionnaire_create(
    *, code: str, answers: Sequence[Mapping[str, Any]] = (), **fields: Any
) -> ProfileQuestionnaire:
    """Create a questionnaire with its answers (as `profile_questionnaire_set_answers` takes
    them): together or not at all, one audit entry."""
    questionnaire = create_row(model=ProfileQuestionnaire, code=code, **fields)
    _set_answers(questionnaire, answers)
    _audit("profile_questionnaire_create", questionnaire, None)
    return questionnaire


@transaction.atomic
def profile_questionnaire_update(
    *,
    questionnaire: ProfileQuestionnaire,
    answers: Sequence[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> ProfileQuestionnaire:
    """Change a questionnaire's texts and, when `answers` is given, replace its answers:
    together or not at all, one audit entry."""
    before = _audit_values(questionnaire)
    if fields:
        update_row(row=questionnaire, **fields)
    if answers is not None:
        _set_answers(questionnaire, answers)
    _audit("profile_questionnaire_update", questionnaire, before)
    return questionnaire


@transaction.atomic
def profile_questionnaire_set_answers(
    *, questionnaire: ProfileQuestionnaire, answers: Sequence[Mapping[str, Any]]
) -> ProfileQuestionnaire:
    """Replace a questionnaire's answers, matched by line no. (new rows get the next line no.
    in steps of 10000, as NAV numbers lines). An answer that contacts gave cannot be removed.
    A questionnaire has at most MAX_PROFILE_ANSWERS answers."""
    before = _audit_values(questionnaire)
    _set_answers(questionnaire, answers)
    _audit("profile_questionnaire_set_answers", questionnaire, before)
    return questionnaire


def _set_answers(questionnaire: ProfileQuestionnaire, answers: Sequence[Mapping[str, Any]]) -> None:
    if len(answers) > MAX_PROFILE_ANSWERS:
        raise ValidationFailed(
            {
                "answers": [
                    _("A profile questionnaire has at most %(limit)s answers, not %(count)s.")
                    % {"limit": MAX_PROFILE_ANSWERS, "count": len(answers)}
                ]
            }
        )
    existing = {row.line_no: row for row in questionnaire.answers.all()}
    cleaned, keep, errors = _clean_answers(answers)
    removed = set(existing) - keep
    in_use = ContactProfileAnswer.objects.filter(
        answer__questionnaire=questionnaire, answer__line_no__in=removed
    ).values_list("answer__line_no", flat=True)
    for line_no in sorted(set(in_use)):
        errors.setdefault("answers", []).append(
            _("Answer %(no)s was given by contacts and cannot be removed.") % {"no": line_no}
        )
    if errors:
        raise ValidationFailed(errors)
    questionnaire.answers.filter(line_no__in=removed).delete()
    _save_answers(questionnaire, existing, cleaned, keep)


def _clean_answers(
    answers: Sequence[Mapping[str, Any]],
) -> tuple[list[tuple[Any, str]], set[int], dict[str, list[str]]]:
    """The answers' texts with their line nos. (None: a new answer), the line nos. kept, and
    the errors filed under `answers.<index>.answer` / `.line_no`."""
    keep: set[int] = set()
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[Any, str]] = []
    for index, item in enumerate(answers):
        try:
            text = _check_text("answer", str(item.get("answer", "")), 100, required=True)
        except ValidationFailed as error:
            errors[f"answers.{index}.answer"] = next(iter(error.fields().values()))
            continue
        line_no = item.get("line_no")
        if line_no == "":
            line_no = None  # a blank line no. is a new answer, as an absent one
        if line_no is not None:
            try:
                if isinstance(line_no, bool):
                    raise TypeError
                line_no = int(line_no)
            except (TypeError, ValueError):
                errors[f"answers.{index}.line_no"] = [_("A line no. is a whole number.")]
                continue
            if line_no < 1:
                errors[f"answers.{index}.line_no"] = [_("A line no. must be at least 1.")]
                continue
            if line_no in keep:
                errors[f"answers.{index}.line_no"] = [
                    _("Line no. %(no)s is used twice.") % {"no": line_no}
                ]
                continue
            keep.add(line_no)
        cleaned.append((line_no, text))
    return cleaned, keep, errors


def _save_answers(
    questionnaire: ProfileQuestionnaire,
    existing: dict[int, ProfileQuestionnaireAnswer],
    cleaned: list[tuple[Any, str]],
    keep: set[int],
) -> None:
    """Write the cleaned answers: a new one after the highest line no., a changed text in
    place, a given line no. that does not exist yet as it is."""
    next_line = max(existing, default=0)
    for line_no, text in cleaned:
        if line_no is None:
            next_line = max(next_line, *keep) if keep else next_line
            next_line += ANSWER_LINE_NO_STEP
            keep.add(next_line)
            ProfileQuestionnaireAnswer.objects.create(
                questionnaire=questionnaire, line_no=next_line, answer=text
            )
        elif line_no in existing:
            row = existing[line_no]
            if row.answer != text:
                row.answer = text
                row.save(update_fields=["answer"])
        else:
            ProfileQuestionnaireAnswer.objects.create(
                questionnaire=questionnaire, line_no=line_no, answer=text
            )


@transaction.atomic
def profile_questionnaire_save(
    *,
    questionnaire: ProfileQuestionnaire | None,
    code: str,
    description: str,
    answer_texts: Sequence[str],
) -> ProfileQuestionnaire:
    """Create (questionnaire None) or change a questionnaire with its answers given in the order
    they are offered: the n-th text keeps the n-th existing answer's line no., extra texts are
    new answers, missing ones are removed (refused for answers that contacts gave). The
    questionnaire and its answers are saved together or not at all."""
    before = None
    if questionnaire is None:
        questionnaire = create_row(model=ProfileQuestionnaire, code=code, description=description)
        existing: list[int] = []
    else:
        before = _audit_values(questionnaire)
        update_row(row=questionnaire, description=description)
        existing = [answer["line_no"] for answer in before["answers"]]
    answers = [
        {"line_no": existing[index] if index < len(existing) else None, "answer": text}
        for index, text in enumerate(answer_texts)
    ]
    _set_answers(questionnaire, answers)
    _audit("profile_questionnaire_save", questionnaire, before)
    return questionnaire


@transaction.atomic
def contact_set_profile_answer(
    *, contact: Contact, questionnaire: ProfileQuestionnaire, line_no: int
) -> ContactProfileAnswer:
    """Give (or change) a contact's answer to a questionnaire: one answer per questionnaire."""
    answer = questionnaire.answers.filter(line_no=line_no).first()
    if answer is None:
        raise ValidationFailed(
            {
                "line_no": [
                    _("Questionnaire %(code)s has no answer %(line)s.")
                    % {"code": questionnaire.code, "line": line_no}
                ]
            }
        )
    given = (
        ContactProfileAnswer.objects.filter(contact=contact, questionnaire=questionnaire)
        .values_list("answer__line_no", flat=True)
        .first()
    )
    row, _created = ContactProfileAnswer.objects.update_or_create(
        contact=contact, questionnaire=questionnaire, defaults={"answer": answer}
    )
    audit_record(
        operation="contact_set_profile_answer",
        object_type="contact_profile_answer",
        object_key=f"{contact.no}:{questionnaire.code}",
        before=None if given is None else {"line_no": given},
        after={"line_no": line_no},
    )
    return row


@transaction.atomic
def contact_remove_profile_answer(*, contact: Contact, questionnaire: ProfileQuestionnaire) -> None:
    """Remove a contact's answer to a questionnaire (nothing happens when it gave none)."""
    rows = ContactProfileAnswer.objects.filter(contact=contact, questionnaire=questionnaire)
    given = rows.values_list("answer__line_no", flat=True).first()
    if given is None:
        return
    rows.delete()
    audit_record(
        operation="contact_remove_profile_answer",
        object_type="contact_profile_answer",
        object_key=f"{contact.no}:{questionnaire.code}",
        before={"line_no": given},
    )
