"""The steps run when a contact is deleted (`rapport.contacts.deletion`): the apps above contacts
register them in their ready(); `contact_delete` runs them in registration order inside its
transaction, before the contact goes."""

import pytest

from rapport.contacts import deletion, services
from rapport.contacts.models import Contact
from rapport.contacts.services import contact_create, contact_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(monkeypatch):
    """A registry of this test's steps only (the apps' steps are set aside)."""
    monkeypatch.setattr(deletion, "_steps", [])
    return deletion


def test_steps_run_in_registration_order_before_the_contact_is_deleted(steps):
    company = contact_create(type="company", name="Acme", no="CO1")
    person = contact_create(type="person", name="Anna", company=company, no="P1")
    calls = []

    def first(*, contact):
        calls.append(("first", contact.no, Contact.objects.filter(pk=contact.pk).exists()))

    def second(*, contact):
        calls.append(("second", contact.no, Contact.objects.filter(pk=person.pk).exists()))

    steps.register_contact_delete_step(first)
    steps.register_contact_delete_step(second)
    steps.register_contact_delete_step(first)  # registered once, however often
    assert steps.contact_delete_steps() == (first, second)

    contact_delete(contact=company)

    # Each step saw the contact (and the company's person) still there.
    assert calls == [("first", company.no, True), ("second", company.no, True)]
    assert not Contact.objects.exists()


def test_a_step_that_fails_undoes_the_whole_delete(steps):
    company = contact_create(type="company", name="Acme", no="CO1")
    contact_create(type="person", name="Anna", company=company, no="P1")

    def rename_then_fail(*, contact):
        Contact.objects.filter(pk=contact.pk).update(name="Changed")
        raise RuntimeError("step failed")

    steps.register_contact_delete_step(rename_then_fail)
    with pytest.raises(RuntimeError, match="step failed"):
        contact_delete(contact=company)
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Acme", "Anna"]


def test_every_public_operation_stays_importable_from_services():
    missing = []
    for name in [
        "contact_create",
        "contact_update",
        "contact_delete",
        "contact_search_text",
        "contact_set_profile_answer",
        "contact_remove_profile_answer",
        "salesperson_create",
        "salesperson_update",
        "salesperson_delete",
        "language_create",
        "language_update",
        "language_delete",
        "code_table_create",
        "code_table_update",
        "code_table_delete",
        "code_table_text_fields",
        "profile_questionnaire_set_answers",
        "profile_questionnaire_save",
        "inherited_fields",
        "MAX_PROFILE_ANSWERS",
        "DEFAULTED_FIELDS",
        "CONTACT_TEXT_FIELDS",
        "CONTACT_FLAG_FIELDS",
        "CLASSIFICATION_FIELDS",
    ]:
        if not hasattr(services, name):
            missing.append(name)
    assert missing == []
