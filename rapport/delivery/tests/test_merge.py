"""Merge contexts (set-based, in the entry's language), the merged e-mail parts of each kind,
and the save-time check that attachments run through their content-validator hook."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from rapport.attachments.services import attachment_create, attachment_update
from rapport.attachments.testing import docx_bytes
from rapport.core.errors import ValidationFailed
from rapport.delivery.merge import email as merge_email
from rapport.delivery.merge.context import merge_contexts, preview_context
from rapport.delivery.merge.fields import MERGE_FIELDS, field_groups
from rapport.delivery.merge.sandbox import MergeDate, MergeError, render_text
from rapport.delivery.tests.test_merge_support import log_entry, merge_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return merge_world()


def test_contexts_hold_every_field_as_text_in_the_entrys_language(world):
    en = log_entry(world, world.ann, world.mail_en, "EN")
    nl = log_entry(world, world.jan, world.mail_nl, "NL")

    contexts = merge_contexts([en, nl, 999])

    assert set(contexts) == {en, nl}
    ann, jan = contexts[en], contexts[nl]
    for context in (ann, jan):
        for name, fields in MERGE_FIELDS.items():
            if fields is None:
                assert isinstance(context[name], str)
            else:
                assert set(context[name]) == set(fields)
                assert all(isinstance(value, str) for value in context[name].values())
    assert ann["contact"] | {} == ann["contact"]
    assert ann["contact"]["name"] == "Ann Smith"
    assert ann["contact"]["job_title"] == "Buyer"
    assert ann["company"]["name"] == "Smith & Sons"
    assert ann["salesperson"] == {
        "code": "SP",
        "name": "Sam Price",
        "email": "sam@example.com",
        "phone_no": "",
        "job_title": "",
    }
    assert ann["interaction"] | {"date": ""} == {
        "date": "",
        "description": "Winter mailing",
        "subject": "Winter offer",
        "template_code": "MAIL",
        "campaign_no": "CP1",
        "campaign_description": "Winter fair",
    }
    assert ann["interaction"]["date"] == "6 December 2026"
    assert jan["interaction"]["date"] == "6 december 2026"
    assert ann["contact"]["country_name"] == "Netherlands"
    assert jan["contact"]["country_name"] == "Nederland"
    assert ann["salutation"] == "Dear Ann Smith"
    assert ann["salutation_informal"] == "Hi Ann"
    assert jan["salutation"] == "Geachte heer/mevrouw de Vries"
    assert jan["salutation_informal"] == "Beste Jan"


def test_contexts_are_set_based(world):
    entries = [log_entry(world, world.ann, world.mail_en, "EN") for _n in range(30)]
    entries += [log_entry(world, world.jan, world.mail_nl, "NL") for _n in range(30)]

    with CaptureQueriesContext(connection) as few:
        merge_contexts([entries[0], entries[-1]])
    with CaptureQueriesContext(connection) as many:
        merge_contexts(entries)

    assert len(many) == len(few)


def test_the_date_filter_formats_in_the_entrys_language():
    date = datetime.date(2026, 12, 6)
    context = {"interaction": {"date": MergeDate(date, "nl")}}
    source = "{{ interaction.date }}|{{ interaction.date|date('short') }}|{{ interaction.date|date('iso') }}|{{ interaction.date|date('l j F') }}"

    with translation.override("en"):
        assert render_text(source, context) == (
            "6 december 2026|06-12-2026|2026-12-06|zondag 6 december"
        )
    context = {"interaction": {"date": MergeDate(date, "en")}}
    with translation.override("nl"):
        assert render_text(source, context) == (
            "6 December 2026|2026-12-06|2026-12-06|Sunday 6 December"
        )


def test_email_parts_merge_each_entry_in_its_language(world):
    en = log_entry(world, world.ann, world.mail_en, "EN")
    nl = log_entry(world, world.jan, world.mail_nl, "NL")

    parts = merge_email.email_parts([en, nl])

    ann, jan = parts[en], parts[nl]
    assert (ann.to, ann.to_name, ann.subject) == ("ann@example.com", "Ann Smith", "Offer for Ann")
    assert (jan.to, jan.to_name, jan.subject) == (
        "jan@example.nl",
        "Jan de Vries",
        "Aanbod voor Jan",
    )
    assert '<p class="greeting" style="color: #123456;">Dear Ann Smith,</p>' in ann.html
    assert "<p>Smith &amp; Sons in Utrecht, 6 December 2026.</p>" in ann.html
    assert "<style>" not in ann.html
    assert ann.text == "Dear Ann Smith,\n\nSmith & Sons in Utrecht, 6 December 2026.\n\nSam Price"
    assert jan.text == (
        "Geachte heer/mevrouw de Vries,\n\nSmith & Sons te Utrecht, 6 december 2026.\n\nSam Price"
    )
    assert ann.files == jan.files == []


def test_the_derived_text_template_gives_what_converting_each_message_gives(world):
    entry = log_entry(world, world.jan, world.mail_nl, "NL")

    part = merge_email.email_parts([entry])[entry]

    assert merge_email.text_template(world.mail_nl.body_html) is not None
    assert part.text == merge_email.html_to_text(part.html)


def test_a_loop_inside_a_table_is_converted_per_message(world):
    body = "<table>{% for c in ['a', 'b'] %}<tr><td>{{ c }} {{ contact.first_name }}</td></tr>{% endfor %}</table>"
    mail = attachment_create(kind="email", subject="Table", body_html=body)
    entry = log_entry(world, world.ann, mail, "EN")

    part = merge_email.email_parts([entry])[entry]

    assert merge_email.text_template(body) is None
    assert part.text == "a Ann\nb Ann"


def test_a_hand_written_text_part_is_merged(world):
    mail = attachment_create(
        kind="email",
        subject="Hi",
        body_html="<p>{{ salutation }}</p>",
        body_text="{{ salutation_informal }}, see you in {{ contact.city }}.",
        body_text_manual=True,
    )
    entry = log_entry(world, world.ann, mail, "EN")

    assert merge_email.email_parts([entry])[entry].text == "Hi Ann, see you in Utrecht."


def test_word_pdf_and_file_attachments_are_attached(world):
    word = attachment_create(
        kind="word",
        file_name="offer.docx",
        content=docx_bytes("{{ salutation }},", "{{ company.name }}"),
    )
    letter = attachment_create(kind="pdf", body_html="<p>{{ salutation }},</p>")
    plain = attachment_create(kind="file", file_name="terms.txt", content=b"Terms {{ x }}")
    entries = [log_entry(world, world.jan, item, "NL") for item in (word, letter, plain)]

    parts = merge_email.email_parts(entries)

    ((name, kind, content),) = parts[entries[0]].files
    assert (name, kind) == ("offer.docx", merge_email.DOCX_TYPE)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert paragraphs == ["Geachte heer/mevrouw de Vries,", "Smith & Sons"]
    ((name, kind, content),) = parts[entries[1]].files
    assert (name, kind) == ("letter.pdf", "application/pdf")
    assert [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages] == [
        "Geachte heer/mevrouw de Vries,"
    ]
    assert parts[entries[2]].files == [("terms.txt", "text/plain", b"Terms {{ x }}")]
    assert {parts[no].subject for no in entries} == {"Winter offer"}


def test_an_entry_without_attachment_has_the_interactions_subject(world):
    entry = log_entry(world, world.ann, None, "EN")

    part = merge_email.email_parts([entry])[entry]

    assert (part.subject, part.html, part.text, part.files) == ("Winter offer", "", "", [])


def test_a_template_that_cannot_be_merged_raises_merge_error(world):
    mail = attachment_create(kind="email", subject="Hi", body_html="<p>ok</p>")
    type(mail).objects.filter(pk=mail.pk).update(body_html="<p>{{ contact.items() }}</p>")
    entry = log_entry(world, world.ann, mail, "EN")

    with pytest.raises(MergeError, match="Line 1: function calls"):
        merge_email.email_parts([entry])


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "email", "subject": "Hi", "body_html": "<p>\n\n{{ contct.name }}</p>"},
            "body_html",
            "Line 3: unknown field 'contct'.",
        ),
        (
            {"kind": "email", "subject": "Hi {{ contact.nmae }}", "body_html": "<p>x</p>"},
            "subject",
            "Line 1: unknown field 'contact.nmae'.",
        ),
        (
            {
                "kind": "email",
                "subject": "Hi",
                "body_html": "<p>x</p>",
                "body_text": "x\n{{ contact.__class__ }}",
                "body_text_manual": True,
            },
            "body_text",
            "Line 2: the name '__class__' is not allowed.",
        ),
        (
            {"kind": "pdf", "body_html": "{% include 'x' %}"},
            "body_html",
            "Line 1: {% include %} is not allowed in a merge template.",
        ),
        (
            {
                "kind": "word",
                "file_name": "a.docx",
                "content": docx_bytes("Dear", "{{ cycler.__init__ }}"),
            },
            "content",
            "Paragraph 2: the name '__init__' is not allowed.",
        ),
    ],
)
def test_attachments_refuse_bad_merge_templates_naming_the_line(fields, field, message):
    with pytest.raises(ValidationFailed) as refused:
        attachment_create(**fields)

    assert refused.value.errors[field] == [message]


def test_an_update_is_checked_too_and_the_message_is_dutch_in_dutch(world):
    with translation.override("nl"), pytest.raises(ValidationFailed) as refused:
        attachment_update(attachment=world.mail_en, body_html="<p>\n{{ contct.name }}</p>")

    assert refused.value.errors["body_html"] == ["Regel 2: onbekend veld 'contct'."]


def test_a_file_is_not_checked_as_a_template():
    attachment = attachment_create(kind="file", file_name="a.txt", content=b"{{ x.__class__ }}")

    assert attachment.pk


def test_the_field_list_has_translated_labels():
    with translation.override("nl"):
        groups = {group["name"]: group for group in field_groups()}

    assert groups["contact"]["label"] == "Contact"
    assert ("{{ contact.name }}", "Naam") in groups["contact"]["fields"]
    assert ("{{ salutation }}", "Aanhef (formeel)") in groups["salutation"]["fields"]


def test_preview_context_takes_the_templates_values_and_the_contacts_language(world, admin_user):
    context = preview_context(contact_no="p2", template_code="mail", actor=admin_user)

    assert context["interaction"]["template_code"] == "MAIL"
    assert context["interaction"]["campaign_description"] == "Winter fair"
    assert context["interaction"]["date"] == MergeDate(admin_user.effective_work_date, "nl")
    assert context["salutation"] == "Geachte heer/mevrouw de Vries"
    assert context["company"]["name"] == "Smith & Sons"

    english = preview_context(contact_no="P2", language_code="EN", actor=admin_user)
    assert english["salutation"] == "Dear Jan Vries"


def test_preview_context_names_unknown_keys(world, admin_user):
    with pytest.raises(ValidationFailed) as refused:
        preview_context(
            contact_no="NOPE", template_code="NONE", language_code="XX", actor=admin_user
        )

    assert set(refused.value.errors) == {"contact_no", "template_code", "language_code"}
