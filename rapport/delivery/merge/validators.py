"""What merge adds to attachments through their hooks: the save-time check of merge templates
(a content validator) and the merge field list beside the editor (an editor panel)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.errors import ErrorCollector
from rapport.delivery.merge.fields import field_groups
from rapport.delivery.merge.sandbox import docx_check, template_check

BODY_KINDS = ("email", "pdf")


def _add(errors: ErrorCollector, name: str, problems: list[tuple[int, str]], *, docx: bool) -> None:
    for line, message in problems:
        text = _("Paragraph %(line)s: %(message)s") if docx else _("Line %(line)s: %(message)s")
        errors.add(name, text % {"line": line, "message": message})


def check_merge_templates(kind: str, values: dict[str, Any], errors: ErrorCollector) -> None:
    """Refuse an attachment whose merge template has a syntax error, an unknown field or an
    attempt to reach Python: the subject and a hand-written text part (text), the HTML body
    (html) of an e-mail or HTML letter, and a Word letter's document; each error names the
    line (paragraph in a Word document), e.g. "Line 3: unknown field 'contct'."."""
    if values.get("subject"):
        _add(errors, "subject", template_check(values["subject"], mode="text"), docx=False)
    if kind in BODY_KINDS and values.get("body_html"):
        _add(errors, "body_html", template_check(values["body_html"], mode="html"), docx=False)
    if kind == "email" and values.get("body_text_manual") and values.get("body_text"):
        _add(errors, "body_text", template_check(values["body_text"], mode="text"), docx=False)
    if kind == "word" and values.get("content"):
        _add(errors, "content", docx_check(bytes(values["content"])), docx=True)


def merge_field_panel(request: Any, attachment: Any, kind: str) -> str:
    """The merge fields beside the e-mail and HTML-letter editor (blank for other kinds)."""
    if kind not in (*BODY_KINDS, "word"):
        return ""
    return render_to_string(
        "delivery/preview_fields.html", {"groups": field_groups(), "kind": kind}, request=request
    )


def _preview_url(request: Any, attachment: Any) -> str:
    """The attachment card's Merge preview action (none for a plain file)."""
    from rapport.delivery.views.preview import preview_url

    return "" if attachment.kind == "file" else preview_url(attachment.no)


def register() -> None:
    from rapport.attachments import hooks
    from rapport.core import cards
    from rapport.delivery.views.preview import PREVIEW_CAPABILITY

    hooks.register_content_validator("merge", check_merge_templates)
    hooks.register_editor_panel("merge-fields", merge_field_panel)
    cards.register_action(
        cards.CardAction(
            card="attachment",
            name="merge-preview",
            order=50,
            label=gettext_lazy("Merge preview"),
            url=_preview_url,
            icon="eye",
            capability=PREVIEW_CAPABILITY,
        )
    )
