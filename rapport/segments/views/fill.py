"""Filling a segment's forms from a chosen template before anything is saved (htmx), as
saving will (`services.segment_update`, `services.segment_line_update`): the header's and a
line's values as form initials, the values after a template was chosen, and the fields sent
back."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core.forms import without_nul
from rapport.core.views import ServiceFormView
from rapport.interactions import selectors as interaction_selectors
from rapport.interactions.models import InteractionTemplate
from rapport.interactions.services import template_defaults_apply
from rapport.segments.models import Segment, SegmentLine


def line_initial(line: SegmentLine) -> dict[str, Any]:
    """A line's values as a line form's initial values (relations by their code)."""
    initial = {
        name: getattr(line, name)
        for name in (
            "description",
            "date",
            "time",
            "subject",
            "correspondence_type",
            "cost",
            "duration",
            "information_flow",
            "initiated_by",
            "evaluation",
            "attempt_failed",
            "campaign_target",
            "campaign_response",
        )
    }
    for name, key in (
        ("template", "code"),
        ("salesperson", "code"),
        ("language", "code"),
        ("campaign", "no"),
    ):
        related = getattr(line, name)
        initial[name] = getattr(related, key) if related is not None else ""
    return initial


def header_initial(segment: Segment) -> dict[str, Any]:
    """A header's values as the header form's initial values (relations by their code)."""
    return {
        "no": segment.no,
        "description": segment.description,
        "salesperson": segment.salesperson.code if segment.salesperson else "",
        "date": segment.date,
        "campaign": segment.campaign.no if segment.campaign else "",
        "template": segment.template.code if segment.template else "",
        "language": segment.language.code if segment.language else "",
        "subject": segment.subject,
        "correspondence_type": segment.correspondence_type,
        "cost": segment.cost,
        "duration": segment.duration,
        "information_flow": segment.information_flow,
        "initiated_by": segment.initiated_by,
        "campaign_target": segment.campaign_target,
        "campaign_response": segment.campaign_response,
    }


def posted_values(form: Any, data: Any) -> dict[str, Any]:
    """What was typed in a posted form, as initial values (to show the form again, filled)."""
    return {
        name: without_nul(field.widget.value_from_datadict(data, {}, form.add_prefix(name)))
        for name, field in form.fields.items()
        if not field.disabled
    }


def template_by_code(code: Any) -> InteractionTemplate | None:
    code = str(code or "").strip()
    if not code:
        return None
    return interaction_selectors.interaction_template_list().filter(code=code).first()


# The header fields a template sets (besides the campaign when none is chosen).
HEADER_TEMPLATE_FIELDS = (
    "language",
    "subject",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "correspondence_type",
    "campaign_target",
    "campaign_response",
)
# The line fields a template sets (besides the description while blank).
LINE_TEMPLATE_FIELDS = (
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "correspondence_type",
    "language",
    "campaign",
)


def header_fill(values: dict[str, Any], segment: Segment | None = None) -> dict[str, Any]:
    """The header's values after a template was chosen, as saving will make them
    (`services.segment_update`, reference 2.3.2): language, cost, duration, flow, initiated
    by, campaign flags and correspondence type from the template, its campaign when none is
    chosen, the subject cleared; blanks without a template. The saved `segment`'s own template
    chosen again: its saved values (saving does not change the template, so refills nothing)."""
    values = dict(values)
    template = template_by_code(values.get("template"))
    if segment is not None and template == segment.template:
        saved = header_initial(segment)
        values.update({name: saved[name] for name in HEADER_TEMPLATE_FIELDS})
        return values
    values["subject"] = ""
    if template is None:
        values.update(
            template="",
            language="",
            cost=0,
            duration=0,
            information_flow="",
            initiated_by="",
            correspondence_type="",
            campaign_target=False,
            campaign_response=False,
        )
        return values
    # The template's values (`template_defaults_apply`, no contact), but as the header takes
    # them (`services.segment_update`): its description stays, the correspondence type is the
    # template's default as it is, and the template's campaign only when none is chosen.
    template_defaults_apply(
        values,
        template,
        keep={"group", "description", "campaign", "correspondence_type"},
        as_keys=True,
    )
    values["correspondence_type"] = template.correspondence_type_default
    if not values.get("campaign") and template.campaign is not None:
        values["campaign"] = template.campaign.no
    if not values.get("campaign"):
        values["campaign_target"] = values["campaign_response"] = False
    return values


def line_fill(line: SegmentLine, values: dict[str, Any]) -> dict[str, Any]:
    """A line's values after another template was chosen, as saving will make them
    (`services.segment_line_update`, reference 2.3.5): cost, duration, flow, initiated by,
    campaign flags, and for the line's contact the language and correspondence type; the
    description only while blank; the campaign the header's, else the template's. The line's
    own (saved) template chosen again: its saved values (saving does not change the template,
    so refills nothing)."""
    values = dict(values)
    template = template_by_code(values.get("template"))
    if template == line.template:
        saved = line_initial(line)
        values.update({name: saved[name] for name in LINE_TEMPLATE_FIELDS})
        return values
    if template is None or line.contact is None:
        return values
    # The template's values for the line's contact (`template_defaults_apply`), from the line as
    # saving starts from it (its saved correspondence type is kept when nothing decides) and the
    # description as typed (filled only while blank); the campaign the header's, else the
    # template's.
    target = {
        "description": values.get("description"),
        "correspondence_type": line.correspondence_type,
    }
    values.update(
        template_defaults_apply(
            target, template, contact=line.contact, keep={"group", "campaign"}, as_keys=True
        )
    )
    campaign = line.segment.campaign or template.campaign
    values["campaign"] = campaign.no if campaign is not None else ""
    return values


def render_fields(
    request: HttpRequest, form: Any, sections: Any, fill_url: str, cancel_url: str
) -> HttpResponse:
    """The form's fields again, and (out of band) its plain Save button in place of an
    update-lines question that was showing: that question was about the values before."""
    context = {
        "form": form,
        "fill_url": fill_url,
        "cancel_url": cancel_url,
        "submit_label": ServiceFormView.submit_label,
        "sections": [
            {"title": title, "fields": [form[name] for name in names if name in form.fields]}
            for title, names in sections
        ],
    }
    return render(request, "segments/_form_fill.html", context)
