"""What an interaction copies from its template (reference 2.1.3) and the correspondence-type
resolution (2.1.4)."""

from __future__ import annotations

import decimal
from types import SimpleNamespace

import pytest

from rapport.campaigns.services import campaign_create
from rapport.interactions import selectors, services
from rapport.interactions.selectors import resolve_correspondence_type, template_defaults_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(make_template, languages, attachments):
    campaign = campaign_create(no="CP1", description="Fair")
    template = make_template(
        "LETTER",
        description="Our letter",
        unit_cost="12.50",
        unit_duration=20,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="hard_copy",
        campaign=campaign,
        campaign_target=True,
        language_default="EN",
    )
    en = template.languages.get()
    services.interaction_template_language_update(
        template_language=en, attachment=attachments["word"]
    )
    services.interaction_template_language_create(
        template=template, language="NL", attachment=attachments["pdf"]
    )
    return selectors.interaction_template_get("letter")


def test_values_copied_from_the_template(letter, attachments) -> None:
    defaults = template_defaults_for(letter)
    assert defaults.template_code == "LETTER"
    assert defaults.group_code == "LETTER"
    assert defaults.description == "Our letter"
    assert defaults.cost == decimal.Decimal("12.50")
    assert defaults.duration == decimal.Decimal("20")
    assert (defaults.information_flow, defaults.initiated_by) == ("outbound", "us")
    assert defaults.campaign.no == "CP1"
    assert (defaults.campaign_target, defaults.campaign_response) == (True, False)
    # No contact: the default language and its attachment; the template's channel.
    assert defaults.language_code == "EN"
    assert defaults.attachment == attachments["word"]
    assert defaults.correspondence_type == "hard_copy"


@pytest.mark.parametrize(
    ("contact", "language", "attachment"),
    [
        ({"language_code": "nl"}, "NL", "pdf"),  # the contact's language has a row
        ({"language_code": "DE"}, "EN", "word"),  # no DE row: the template's default
        ({"language_code": ""}, "EN", "word"),
        (SimpleNamespace(language=SimpleNamespace(code="NL")), "NL", "pdf"),
        (SimpleNamespace(language="nl", correspondence_type=""), "NL", "pdf"),
        (SimpleNamespace(language=None), "EN", "word"),
    ],
)
def test_the_language_follows_the_contact_when_the_template_has_it(
    letter, attachments, contact, language, attachment
) -> None:
    defaults = template_defaults_for(letter, contact)
    assert defaults.language_code == language
    assert defaults.attachment == attachments[attachment]


def test_a_template_without_default_language(make_template, languages) -> None:
    template = make_template("CALL")
    defaults = template_defaults_for(template, {"language_code": "NL"})
    assert (defaults.language_code, defaults.attachment) == ("", None)
    assert defaults.campaign is None
    services.interaction_template_language_create(template=template, language="NL")
    defaults = template_defaults_for(template, {"language_code": "NL"})
    assert (defaults.language_code, defaults.attachment) == ("NL", None)


def test_prefetched_template_needs_no_queries(letter, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        template_defaults_for(letter, {"language_code": "NL", "correspondence_type": "fax"})


@pytest.mark.parametrize(
    ("template_default", "ignore", "contact_type", "previous", "expected"),
    [
        # 2. the template ignores the contact's preference: its default, even blank
        ("hard_copy", True, "email", "", "hard_copy"),
        ("", True, "email", "fax", ""),
        # 2. the contact has none and the template has one
        ("email", False, "", "fax", "email"),
        # 3. the contact's preference
        ("email", False, "fax", "", "fax"),
        ("", False, "hard_copy", "", "hard_copy"),
        # 4. nothing decides: the previous value stays
        ("", False, "", "fax", "fax"),
        ("", False, "", "", ""),
    ],
)
def test_correspondence_type_resolution(
    template_default, ignore, contact_type, previous, expected
) -> None:
    assert (
        resolve_correspondence_type(
            template_default=template_default,
            ignore_contact_corres_type=ignore,
            contact_type=contact_type,
            previous=previous,
        )
        == expected
    )


def test_template_defaults_resolve_the_correspondence_type(letter, make_template) -> None:
    assert template_defaults_for(letter, {"correspondence_type": "email"}).correspondence_type == (
        "email"
    )
    assert template_defaults_for(letter, {"correspondence_type": ""}).correspondence_type == (
        "hard_copy"
    )
    services.interaction_template_update(template=letter, ignore_contact_corres_type=True)
    letter.refresh_from_db()
    assert template_defaults_for(letter, {"correspondence_type": "email"}).correspondence_type == (
        "hard_copy"
    )
    blank = make_template("BLANK", correspondence_type_default="")
    defaults = template_defaults_for(blank, None, previous_correspondence_type="fax")
    assert defaults.correspondence_type == "fax"


def test_selectors_find_by_code_in_any_case(letter) -> None:
    from rapport.core.errors import NotFoundError

    assert selectors.interaction_group_get("letter").no_of_templates == 1
    assert selectors.interaction_template_get(" letter ").default_attachment_no is not None
    assert selectors.interaction_template_language_get(letter, "nl").language.code == "NL"
    for call, args in (
        (selectors.interaction_group_get, ("NOPE",)),
        (selectors.interaction_template_get, ("NOPE",)),
        (selectors.interaction_template_language_get, (letter, "DE")),
    ):
        with pytest.raises(NotFoundError):
            call(*args)
