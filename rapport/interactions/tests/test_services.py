"""Interaction groups, templates and template languages: every rule, and that a refused
operation changes nothing."""

from __future__ import annotations

import decimal

import pytest
from django.db.models import ProtectedError

from rapport.attachments.models import Attachment
from rapport.campaigns.services import campaign_create
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.notices import collect_notices
from rapport.interactions import services
from rapport.interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)

from .conftest import snapshot

pytestmark = pytest.mark.django_db

D = decimal.Decimal


def errors_of(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as info:
        call(**kwargs)
    return info.value.errors


def rows_of(template) -> list[str]:
    return list(
        InteractionTemplateLanguage.objects.filter(template=template)
        .order_by("language__code")
        .values_list("language__code", flat=True)
    )


@pytest.fixture
def campaign(db):
    return campaign_create(no="CP1", description="Spring fair")


# --- Groups ------------------------------------------------------------------------------------


def test_group_create_normalises() -> None:
    group = services.interaction_group_create(code=" letter ", description="  Letters ")
    assert (group.code, group.description) == ("LETTER", "Letters")
    assert str(group) == "LETTER – Letters"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "must have a value"),
        ("   ", "must have a value"),
        ("A B", "no spaces"),
        ("A/B", "no spaces"),
        ("-AB", "start"),
        ("ABCDEFGHIJK", "at most 10"),
        ("A\x00", "no spaces"),
        (12, "must be text"),
        (None, "must be text"),
    ],
)
def test_group_code_rules(code, message) -> None:
    errors = errors_of(services.interaction_group_create, code=code)
    assert message in errors["code"][0]
    assert not InteractionGroup.objects.exists()


@pytest.mark.parametrize("description", ["d" * 101, "a\x00b", "tab\there", 3])
def test_group_description_rules(description) -> None:
    errors = errors_of(services.interaction_group_create, code="X", description=description)
    assert "description" in errors
    assert not InteractionGroup.objects.exists()


def test_group_code_is_unique_in_any_case(group) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.interaction_group_create(code="letter")
    assert info.value.code == "duplicate"
    assert "already exists" in info.value.errors["code"][0]
    assert InteractionGroup.objects.count() == 1


def test_group_update(group) -> None:
    services.interaction_group_update(group=group, description="Post")
    assert InteractionGroup.objects.get().description == "Post"
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.interaction_group_update(group=group, description="x" * 101)
    assert snapshot() == before


def test_group_with_templates_cannot_be_deleted(group, make_template) -> None:
    make_template("ABSTRACT")
    make_template("BUS")
    before = snapshot()
    with pytest.raises(ConflictError) as info:
        services.interaction_group_delete(group=group)
    assert info.value.status == 409
    assert info.value.message.startswith("Interaction group LETTER still has 2 interaction")
    assert "ABSTRACT, BUS" in info.value.message
    assert info.value.details == {"no_of_templates": 2}
    assert snapshot() == before


def test_group_delete(group) -> None:
    services.interaction_group_delete(group=group)
    assert not InteractionGroup.objects.exists()


def test_group_delete_refused_by_a_protecting_record(group, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise ProtectedError("protected", set())

    monkeypatch.setattr(InteractionGroup, "delete", refuse)
    with pytest.raises(ConflictError) as info:
        services.interaction_group_delete(group=group)
    assert "still in use" in info.value.message


# --- Templates ---------------------------------------------------------------------------------


def test_template_create_with_every_field(group, languages, campaign) -> None:
    with collect_notices() as notices:
        template = services.interaction_template_create(
            code=" letter1 ",
            group="letter",
            description=" A letter ",
            unit_cost="12.5",
            unit_duration=30,
            information_flow="outbound",
            initiated_by="us",
            correspondence_type_default="hard_copy",
            ignore_contact_corres_type=True,
            language_default="nl",
            wizard_action="open",
            campaign="cp1",
            campaign_target=True,
            campaign_response=True,
        )
    template.refresh_from_db()
    assert template.code == "LETTER1"
    assert template.group == group
    assert template.description == "A letter"
    assert template.unit_cost == D("12.50")
    assert template.unit_duration == D("30")
    assert (template.information_flow, template.initiated_by) == ("outbound", "us")
    assert template.correspondence_type_default == "hard_copy"
    assert template.ignore_contact_corres_type is True
    assert template.language_default == languages["NL"]
    assert template.wizard_action == "open"
    assert template.campaign == campaign
    assert (template.campaign_target, template.campaign_response) == (True, True)
    # The default language got its row, and a notice says so.
    assert rows_of(template) == ["NL"]
    assert notices == [
        "Language NL was added to interaction template LETTER1, because it is the template's "
        "default language."
    ]


def test_template_defaults(make_template) -> None:
    template = make_template("MEMO")
    assert template.correspondence_type_default == "email"  # as BC
    assert (template.unit_cost, template.unit_duration) == (D("0.00"), D("0"))
    assert (template.information_flow, template.initiated_by, template.wizard_action) == (
        "",
        "",
        "",
    )
    assert template.language_default is None
    assert rows_of(template) == []


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"code": ""}, "code", "must have a value"),
        ({"code": "TOO-LONG-CODE"}, "code", "at most 10"),
        ({"code": "A B"}, "code", "no spaces"),
        ({"group": None}, "group", "must have a value"),
        ({"group": "NOPE"}, "group", "There is no interaction group NOPE."),
        ({"group": 7}, "group", "must be text"),
        ({"description": "d" * 101}, "description", "at most 100"),
        ({"description": "a\x00b"}, "description", "control characters"),
        ({"unit_cost": -1}, "unit_cost", "may not be negative"),
        ({"unit_cost": "-0.01"}, "unit_cost", "may not be negative"),
        ({"unit_cost": "1.234"}, "unit_cost", "at most 2 decimals"),
        ({"unit_cost": "abc"}, "unit_cost", "must be a number"),
        ({"unit_cost": "NaN"}, "unit_cost", "must be a number"),
        ({"unit_cost": "Infinity"}, "unit_cost", "must be a number"),
        ({"unit_cost": True}, "unit_cost", "must be a number"),
        ({"unit_cost": [1]}, "unit_cost", "must be a number"),
        ({"unit_cost": "1e16"}, "unit_cost", "too large"),
        ({"unit_duration": "1.5"}, "unit_duration", "whole number of minutes"),
        ({"unit_duration": -5}, "unit_duration", "may not be negative"),
        ({"information_flow": "sideways"}, "information_flow", "must be one of"),
        ({"initiated_by": "US"}, "initiated_by", "must be one of"),
        ({"correspondence_type_default": "pigeon"}, "correspondence_type_default", "one of"),
        ({"wizard_action": "print"}, "wizard_action", "must be one of"),
        ({"ignore_contact_corres_type": "yes"}, "ignore_contact_corres_type", "true or false"),
        ({"language_default": "XX"}, "language_default", "There is no language XX."),
        ({"campaign": "CP404"}, "campaign", "There is no campaign CP404."),
        ({"campaign_target": True}, "campaign_target", "only be set when the template has a"),
        ({"campaign_response": True}, "campaign_response", "only be set when"),
    ],
)
def test_template_rules_refuse_and_store_nothing(group, languages, kwargs, field, message) -> None:
    values = {"code": "MEMO", "group": group, **kwargs}
    before = snapshot()
    errors = errors_of(services.interaction_template_create, **values)
    assert field in errors, errors
    assert message in errors[field][0]
    assert snapshot() == before


def test_template_values_are_normalised(group) -> None:
    template = services.interaction_template_create(
        code="MEMO", group=group, unit_cost=D("7"), unit_duration="30.0"
    )
    assert (str(template.unit_cost), str(template.unit_duration)) == ("7.00", "30")
    template = services.interaction_template_create(
        code="MEMO2", group=group, unit_cost=0.1, unit_duration=None
    )
    assert (template.unit_cost, template.unit_duration) == (D("0.10"), D("0"))


def test_several_errors_are_reported_together(group) -> None:
    errors = errors_of(
        services.interaction_template_create,
        code="",
        group="NOPE",
        unit_cost=-1,
        wizard_action="x",
    )
    assert set(errors) == {"code", "group", "unit_cost", "wizard_action"}


def test_template_code_is_unique_in_any_case(make_template) -> None:
    make_template("MEMO")
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        make_template("memo")
    assert info.value.code == "duplicate"
    assert "Interaction template MEMO already exists." in info.value.errors["code"]
    assert snapshot() == before


def test_template_update_changes_given_fields_only(make_template, languages) -> None:
    template = make_template("MEMO", unit_cost=5, information_flow="inbound")
    services.interaction_template_update(template=template, description="Memo", unit_duration=15)
    template.refresh_from_db()
    assert (template.description, template.unit_duration) == ("Memo", D("15"))
    assert (template.unit_cost, template.information_flow) == (D("5.00"), "inbound")


def test_update_is_all_or_nothing(make_template) -> None:
    template = make_template("MEMO")
    before = snapshot()
    with pytest.raises(ValidationFailed):
        services.interaction_template_update(template=template, description="New", unit_cost=-3)
    assert snapshot() == before


def test_setting_a_default_language_creates_its_row_once(make_template, languages) -> None:
    template = make_template("MEMO")
    services.interaction_template_language_create(template=template, language="EN")
    with collect_notices() as notices:
        services.interaction_template_update(template=template, language_default="EN")
    assert notices == []  # the row existed
    assert rows_of(template) == ["EN"]
    with collect_notices() as notices:
        services.interaction_template_update(template=template, language_default=languages["DE"])
    assert rows_of(template) == ["DE", "EN"]
    assert len(notices) == 1 and "Language DE was added" in notices[0]
    template.refresh_from_db()
    assert template.language_default == languages["DE"]
    services.interaction_template_update(template=template, language_default=None)
    template.refresh_from_db()
    assert template.language_default is None
    assert rows_of(template) == ["DE", "EN"]  # clearing the default keeps the rows


def test_a_refused_update_does_not_create_the_language_row(make_template, languages) -> None:
    template = make_template("MEMO")
    before = snapshot()
    with collect_notices() as notices, pytest.raises(ValidationFailed):
        services.interaction_template_update(template=template, language_default="NL", unit_cost=-1)
    assert snapshot() == before
    assert notices == []


# --- Campaign flags ----------------------------------------------------------------------------


def test_campaign_flags_need_a_campaign(make_template, campaign) -> None:
    template = make_template("FAIR", campaign=campaign, campaign_target=True)
    assert (template.campaign_target, template.campaign_response) == (True, False)
    services.interaction_template_update(template=template, campaign_response=True)
    # Removing the campaign clears both flags.
    services.interaction_template_update(template=template, campaign=None)
    template.refresh_from_db()
    assert template.campaign is None
    assert (template.campaign_target, template.campaign_response) == (False, False)
    before = snapshot()
    errors = errors_of(
        services.interaction_template_update, template=template, campaign_target=True
    )
    assert "campaign_target" in errors
    # Removing the campaign and setting a flag in one go is refused too.
    services.interaction_template_update(template=template, campaign="CP1")
    before = snapshot()
    errors = errors_of(
        services.interaction_template_update,
        template=template,
        campaign="",
        campaign_response=True,
    )
    assert "campaign_response" in errors
    assert snapshot() == before


# --- Wizard action -----------------------------------------------------------------------------


def with_default_row(make_template, languages, attachment, **kwargs):
    template = make_template("MAIL", **kwargs)
    services.interaction_template_language_create(
        template=template, language=languages["EN"], attachment=attachment
    )
    services.interaction_template_update(template=template, language_default="EN")
    return template


def test_merge_needs_an_email_attachment_on_the_default_language(
    make_template, languages, attachments
) -> None:
    # A new template has no attachment yet.
    errors = errors_of(
        services.interaction_template_create,
        code="NEWS",
        group="LETTER",
        language_default="EN",
        wizard_action="merge",
    )
    assert errors["wizard_action"] == [
        "Wizard Action Merge cannot be used for interaction template NEWS: its default "
        "language EN has no attachment. Merge needs an e-mail (HTML) attachment."
    ]
    assert not InteractionTemplate.objects.exists()
    # Without a default language.
    template = make_template("PLAIN")
    errors = errors_of(
        services.interaction_template_update, template=template, wizard_action="merge"
    )
    assert "has no default language" in errors["wizard_action"][0]
    # With a PDF on the default language.
    template = with_default_row(make_template, languages, attachments["pdf"])
    before = snapshot()
    errors = errors_of(
        services.interaction_template_update, template=template, wizard_action="merge"
    )
    assert errors["wizard_action"] == [
        "Wizard Action Merge cannot be used for interaction template MAIL: the attachment of its "
        "default language EN is not an e-mail (HTML) attachment."
    ]
    assert snapshot() == before
    # With an e-mail attachment it is accepted.
    row = InteractionTemplateLanguage.objects.get(template=template)
    services.interaction_template_language_update(
        template_language=row, attachment=attachments["email"]
    )
    services.interaction_template_update(template=template, wizard_action="merge")
    template.refresh_from_db()
    assert template.wizard_action == "merge"


def test_merge_checks_the_language_the_default_changes_to(
    make_template, languages, attachments
) -> None:
    template = with_default_row(make_template, languages, attachments["email"])
    services.interaction_template_update(template=template, wizard_action="merge")
    services.interaction_template_language_create(
        template=template, language="NL", attachment=attachments["pdf"]
    )
    before = snapshot()
    errors = errors_of(
        services.interaction_template_update, template=template, language_default="NL"
    )
    assert "default language NL is not an e-mail" in errors["wizard_action"][0]
    errors = errors_of(
        services.interaction_template_update, template=template, language_default="DE"
    )
    assert "default language DE has no attachment" in errors["wizard_action"][0]
    assert snapshot() == before


def test_import_cannot_be_used_with_a_word_attachment(
    make_template, languages, attachments
) -> None:
    template = with_default_row(make_template, languages, attachments["word"])
    before = snapshot()
    errors = errors_of(
        services.interaction_template_update, template=template, wizard_action="import"
    )
    assert errors["wizard_action"] == [
        "Wizard Action Import cannot be used for interaction template MAIL: the attachment of "
        "its default language EN is a Word document."
    ]
    assert snapshot() == before
    row = InteractionTemplateLanguage.objects.get(template=template)
    services.interaction_template_language_update(template_language=row, attachment=None)
    services.interaction_template_update(template=template, wizard_action="import")
    # Now the row may not get a Word document.
    before = snapshot()
    errors = errors_of(
        services.interaction_template_language_update,
        template_language=row,
        attachment=attachments["word"],
    )
    assert "is a Word document" in errors["attachment"][0]
    assert snapshot() == before
    services.interaction_template_language_update(
        template_language=row, attachment=attachments["pdf"]
    )


def test_open_and_blank_take_any_attachment(make_template, languages, attachments) -> None:
    template = with_default_row(make_template, languages, attachments["word"])
    services.interaction_template_update(template=template, wizard_action="open")
    services.interaction_template_update(template=template, wizard_action="")


# --- Deleting templates ------------------------------------------------------------------------


def test_deleting_a_template_deletes_its_language_rows_and_their_unshared_attachments(
    make_template, languages, attachments
) -> None:
    """Reference 1.4/1.5: the rows go, and each row's attachment with it, unless something
    else still uses it (reference-counted)."""
    template = with_default_row(make_template, languages, attachments["email"])
    services.interaction_template_language_create(
        template=template, language="NL", attachment=attachments["word"]
    )
    other = make_template("OTHER")
    services.interaction_template_language_create(
        template=other, language="NL", attachment=attachments["word"]
    )
    services.interaction_template_delete(template=template)
    assert list(InteractionTemplate.objects.values_list("code", flat=True)) == ["OTHER"]
    assert rows_of(other) == ["NL"]
    assert InteractionTemplateLanguage.objects.count() == 1
    # The e-mail was this template's alone; the Word letter is still OTHER's.
    assert set(Attachment.objects.values_list("pk", flat=True)) == {
        attachments["word"].pk,
        attachments["pdf"].pk,
    }


def test_deleting_a_template_in_use_is_refused(make_template, monkeypatch) -> None:
    template = make_template("MEMO")

    def refuse(*args, **kwargs):
        raise ProtectedError("protected", {template})

    monkeypatch.setattr(InteractionTemplate, "delete", refuse)
    with pytest.raises(ConflictError) as info:
        services.interaction_template_delete(template=template)
    assert info.value.message == (
        "Interaction template MEMO is still used (interaction templates) and cannot be deleted."
    )
    assert InteractionTemplate.objects.filter(code="MEMO").exists()


# --- Template languages ------------------------------------------------------------------------


def test_language_rows(make_template, languages, attachments) -> None:
    template = make_template("MEMO")
    row = services.interaction_template_language_create(
        template=template, language="nl", description=" Brief ", attachment=attachments["pdf"].no
    )
    assert (row.language.code, row.description, row.attachment) == (
        "NL",
        "Brief",
        attachments["pdf"],
    )
    assert str(row) == "MEMO NL"
    services.interaction_template_language_update(
        template_language=row, description="Letter", attachment=str(attachments["word"].no)
    )
    row.refresh_from_db()
    assert (row.description, row.attachment) == ("Letter", attachments["word"])
    services.interaction_template_language_update(template_language=row, attachment=None)
    row.refresh_from_db()
    assert row.attachment is None


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"language": "XX"}, "language", "There is no language XX."),
        ({"language": None}, "language", "must have a value"),
        ({"language": "EN", "description": "d" * 101}, "description", "at most 100"),
        ({"language": "EN", "attachment": 999}, "attachment", "There is no attachment 999."),
        ({"language": "EN", "attachment": "abc"}, "attachment", "whole number"),
        ({"language": "EN", "attachment": 10**20}, "attachment", "There is no attachment"),
        ({"language": "EN", "attachment": True}, "attachment", "whole number"),
    ],
)
def test_language_row_rules(make_template, languages, kwargs, field, message) -> None:
    template = make_template("MEMO")
    before = snapshot()
    errors = errors_of(services.interaction_template_language_create, template=template, **kwargs)
    assert message in errors[field][0]
    assert snapshot() == before


def test_a_template_has_each_language_once(make_template, languages) -> None:
    template = make_template("MEMO")
    services.interaction_template_language_create(template=template, language="EN")
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.interaction_template_language_create(template=template, language="en")
    assert info.value.errors["language"] == ["Interaction template MEMO already has language EN."]
    assert snapshot() == before


def test_renaming_a_row_moves_the_default_language_along(make_template, languages) -> None:
    template = make_template("MEMO", language_default="EN")
    services.interaction_template_language_create(template=template, language="DE")
    row = InteractionTemplateLanguage.objects.get(template=template, language__code="EN")
    before = snapshot()
    errors = errors_of(
        services.interaction_template_language_update, template_language=row, language="DE"
    )
    assert "already has language DE" in errors["language"][0]
    assert snapshot() == before
    services.interaction_template_language_update(template_language=row, language="NL")
    template.refresh_from_db()
    assert template.language_default.code == "NL"
    assert rows_of(template) == ["DE", "NL"]


def test_deleting_the_default_row_clears_the_default(make_template, languages) -> None:
    template = make_template("MEMO", language_default="EN")
    services.interaction_template_language_create(template=template, language="NL")
    nl = InteractionTemplateLanguage.objects.get(template=template, language__code="NL")
    services.interaction_template_language_delete(template_language=nl)
    template.refresh_from_db()
    assert template.language_default.code == "EN"  # another row: the default stays
    en = InteractionTemplateLanguage.objects.get(template=template)
    with collect_notices() as notices:
        services.interaction_template_language_delete(template_language=en)
    template.refresh_from_db()
    assert template.language_default is None
    assert rows_of(template) == []
    assert notices == [
        "Interaction template MEMO has no default language any more: EN was its default language."
    ]


def test_the_default_row_of_a_merge_template_cannot_be_deleted(
    make_template, languages, attachments
) -> None:
    template = with_default_row(make_template, languages, attachments["email"])
    services.interaction_template_update(template=template, wizard_action="merge")
    row = InteractionTemplateLanguage.objects.get(template=template)
    before = snapshot()
    with pytest.raises(ConflictError) as info:
        services.interaction_template_language_delete(template_language=row)
    assert "Wizard Action Merge needs its e-mail attachment" in info.value.message
    assert snapshot() == before
    # Nor can its attachment become something else.
    errors = errors_of(
        services.interaction_template_language_update,
        template_language=row,
        attachment=attachments["pdf"],
    )
    assert "not an e-mail (HTML) attachment" in errors["attachment"][0]
    assert snapshot() == before


def test_deleting_a_row_deletes_its_attachment_unless_shared(
    make_template, languages, attachments
) -> None:
    """Reference 1.5: "Deleting the row deletes its attachment", reference-counted."""
    template = make_template("MEMO")
    row = services.interaction_template_language_create(
        template=template, language="EN", attachment=attachments["email"]
    )
    shared = services.interaction_template_language_create(
        template=template, language="NL", attachment=attachments["word"]
    )
    services.interaction_template_language_create(
        template=make_template("OTHER"), language="NL", attachment=attachments["word"]
    )
    services.interaction_template_language_delete(template_language=row)
    assert not Attachment.objects.filter(pk=attachments["email"].pk).exists()
    services.interaction_template_language_delete(template_language=shared)
    assert Attachment.objects.filter(pk=attachments["word"].pk).exists()
