"""The segment card's line rows, prepared in Python for `segments/lines/_line.html` (the one
markup of a row: the card renders it once per line, the in-place editor for the one row it
swaps back). Rendering a page of 50 rows was most of the card's time (issue 11): per row three
`{% url %}` reversals, `get_absolute_url`, two `floatformat`s, a choice label and three
translations. Here every URL is reversed once per page and formatted per row, amounts are
formatted once per distinct value, and the row texts are translated once per page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.core.url_formers import url_former
from rapport.segments.models import Segment, SegmentLine

ROW_TEMPLATE = "segments/lines/_line.html"
# Stands for a row value in the once-rendered row template (private-use characters: escaping
# leaves them alone and no text contains them).
_SLOT = re.compile("\ue000(\\w+)\ue001")


def row_texts() -> dict[str, str]:
    """The row's fixed texts in the active language (translated once per page)."""
    return {
        "personalised": _("Personalised: another template than the header"),
        "edit": _("Edit"),
        "remove": _("Remove"),
    }


def line_rows(
    segment: Segment, lines: Iterable[dict[str, Any]], *, can_write: bool
) -> list[dict[str, Any]]:
    """One dict per line (as `selectors.segment_line_rows` reads them) with what `_line.html`
    shows: values formatted as the template filters would (`floatformat:"2g"`/`"0g"` in the
    active language), labels as `get_correspondence_type_display`, the links reversed."""
    contact_url = url_former("contacts:contact-detail")
    if can_write:
        edit_url = url_former("segments:segment-line-edit", segment.no)
        row_edit_url = url_former("segments:segment-line-row-edit", segment.no)
        delete_url = url_former("segments:segment-line-delete", segment.no)
    amount = cache(lambda value: floatformat(value, "2g"))
    minutes = cache(lambda value: floatformat(value, "0g"))
    field = SegmentLine._meta.get_field("correspondence_type")
    kinds = {key: str(label) for key, label in field.flatchoices}  # translated once per page
    texts = row_texts()
    rows: list[dict[str, Any]] = []
    for line in lines:
        no, kind, has_contact = line["line_no"], line["correspondence_type"], line["contact_id"]
        row: dict[str, Any] = {
            "line_no": localize(no),  # as {{ line.line_no }} showed it, once instead of 5 times
            "personalised": line["template_id"] != segment.template_id,
            "contact_url": contact_url(line["contact__no"]) if has_contact is not None else "",
            "contact_no": line["contact__no"] or "",
            "contact_name": line["contact__name"] or "",
            "company_name": line["contact_company__name"] or "",
            "template_code": line["template__code"] or "",
            "description": line["description"],
            "salesperson_code": line["salesperson__code"] or "",
            "correspondence_type": kinds.get(kind, kind) if kind else "",
            "language_code": line["language__code"] or "",
            "cost": amount(line["cost"]),
            "duration": minutes(line["duration"]),
            "texts": texts,
        }
        if can_write:
            row["edit_url"] = edit_url(no)
            row["row_edit_url"] = row_edit_url(no)
            row["delete_url"] = delete_url(no)
        rows.append(row)
    return rows


class RowFormat:
    """`ROW_TEMPLATE` rendered once per page and kind of row (personalised or not, with or
    without a contact: its `{% if %}`s), with a marker in place of every row value, turned into
    a format string; each row is then its escaped values formatted in. The output is the
    template's, character for character, as long as the template shows row values plainly
    (`{{ row.name }}`, no filters; `test_line_rows` compares it with the rendered partial)."""

    def __init__(self, segment: Segment, *, can_write: bool) -> None:
        self.template = get_template(ROW_TEMPLATE)
        self.context = {"object": segment, "can_write": can_write}
        self.formats: dict[tuple[bool, bool], str] = {}

    def _format(self, row: dict[str, Any], key: tuple[bool, bool]) -> str:
        marked: dict[str, Any] = {name: f"\ue000{name}\ue001" for name in row}
        marked.update(personalised=key[0], texts=row["texts"])
        if not key[1]:
            marked["contact_url"] = ""
        html = self.template.render({**self.context, "row": marked})
        html = html.replace("{", "{{").replace("}", "}}")
        return _SLOT.sub(lambda found: "{" + found.group(1) + "}", html)

    def render(self, row: dict[str, Any]) -> SafeString:
        key = (bool(row["personalised"]), bool(row["contact_url"]))
        form = self.formats.get(key)
        if form is None:
            form = self.formats[key] = self._format(row, key)
        values = {name: conditional_escape(value) for name, value in row.items() if name != "texts"}
        return mark_safe(form.format_map(values))  # noqa: S308 - every value escaped above


def line_rows_html(
    segment: Segment, lines: Iterable[dict[str, Any]], *, can_write: bool
) -> list[SafeString]:
    """The rows of `lines` (as `selectors.segment_line_rows` reads them) as `ROW_TEMPLATE`
    renders them, cheaply (see `RowFormat`)."""
    form = RowFormat(segment, can_write=can_write)
    return [form.render(row) for row in line_rows(segment, lines, can_write=can_write)]
