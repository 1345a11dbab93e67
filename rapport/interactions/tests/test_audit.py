"""The audit trail of the interaction log (issue 12): each operation that changes an interaction,
its comment lines or campaign entries writes exactly one entry (operation, object type, key,
user, the values before and after, counts and filters for the set-based ones); a refused
operation, and one that changes nothing, writes none."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rapport.audit.testing import audit_count, audited
from rapport.campaigns.models import CampaignEntry
from rapport.core.acting import Source, acting_as
from rapport.core.errors import ConflictError, DomainError, PermissionDeniedError
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db

DATE = datetime.date(2026, 3, 16)


def created(**after: Any) -> dict[str, Any]:
    """The changes of a created record: every value as `after`."""
    return {name: {"before": None, "after": value} for name, value in after.items()}


def changed(**pairs: tuple[Any, Any]) -> dict[str, Any]:
    return {name: {"before": old, "after": new} for name, (old, new) in pairs.items()}


CALL_AFTER = {
    "contact": "P3",
    "template": "CALL",
    "group": "PHONE",
    "description": "Called",
    "salesperson": "MV",
    "correspondence_type": "",
    "date": "2026-03-16",
    "time": "10:15:00",
    "information_flow": "outbound",
    "initiated_by": "us",
    "evaluation": "",
    "attempt_failed": False,
    "cost": "1.50",
    "duration": "10",
    "campaign_target": False,
    "campaign_response": False,
    "postponed": False,
}


def call(world: Any, **kwargs: Any) -> InteractionLogEntry:
    kwargs = {"contact": "P3", "template": "CALL", "description": "Called", **kwargs}
    kwargs.setdefault("actor", world.mila)
    return services.interaction_create(date=DATE, time="10:15", **kwargs)


# --- Create, postpone, resume, delete postponed ------------------------------------------------


def test_create_writes_one_entry_with_the_entry_values(world: Any) -> None:
    entry = call(world)
    found = audited("interaction_create", object_key=str(entry.entry_no))
    assert (found.object_type, found.username, found.user_id) == (
        "interaction",
        "mila",
        world.mila.pk,
    )
    assert found.changes == created(**CALL_AFTER)
    assert found.details == {}


def test_create_by_the_api_records_the_token_user_and_comments(world: Any, api_client: Any) -> None:
    body = {
        "contact_no": "P1",
        "template_code": "NEWS",
        "date": "2026-03-16",
        "time": "11:00",
        "comments": ["Asked for prices"],
    }
    response = api_client(world.admin).post("/api/v1/interactions/", body, format="json")
    assert response.status_code == 201, response.content
    entry = InteractionLogEntry.objects.get(entry_no=response.json()["entry_no"])
    found = audited("interaction_create", object_key=str(entry.entry_no))
    assert (found.username, found.source) == ("ada", Source.API)
    assert found.details == {"no_of_comments": 1, "deliver": True}
    assert found.changes["campaign"] == {"before": None, "after": "CP1"}
    campaign_entry_no = str(entry.campaign_entry.entry_no)  # relations by their key, as text
    assert found.changes["campaign_entry"] == {"before": None, "after": campaign_entry_no}
    assert found.changes["attachment"] == {"before": None, "after": str(entry.attachment.no)}
    assert found.changes["contact_company"] == {"before": None, "after": "CO1"}


def test_refused_creates_write_nothing(world: Any) -> None:
    before = audit_count()
    with pytest.raises(DomainError):
        call(world, template=None, description="")  # no template
    with pytest.raises(PermissionDeniedError):
        call(world, actor=world.reader)
    with pytest.raises(PermissionDeniedError):
        call(world, actor=world.sven, salesperson="MV")  # another salesperson's
    assert audit_count() == before


def test_postpone_resume_and_delete_postponed(world: Any) -> None:
    draft = services.interaction_create(
        actor=world.mila, contact="P3", description="Later", postpone=True
    )
    found = audited("interaction_create", object_key=str(draft.entry_no))
    assert found.changes["postponed"] == {"before": None, "after": True}
    assert "template" not in found.changes  # a draft keeps what was typed

    services.interaction_resume(
        actor=world.mila, entry=draft, template="CALL", date=DATE, comments=["Done"]
    )
    resumed = audited("interaction_resume", object_key=str(draft.entry_no))
    assert resumed.username == "mila"
    assert resumed.changes["postponed"] == {"before": True, "after": False}
    assert resumed.changes["template"] == {"before": None, "after": "CALL"}
    assert resumed.changes["group"] == {"before": None, "after": "PHONE"}
    assert resumed.details == {"no_of_comments": 1}

    other = services.interaction_create(actor=world.mila, contact="P1", postpone=True)
    services.interaction_add_comment(actor=world.mila, entry=other, comment="Call back")
    services.interaction_delete_postponed(actor=world.mila, entry=other)
    deleted = audited("interaction_delete_postponed", object_key=str(other.entry_no))
    assert deleted.object_type == "interaction"
    assert deleted.changes["contact"] == {"before": "P1", "after": None}
    assert deleted.changes["postponed"] == {"before": True, "after": None}
    assert deleted.details == {"no_of_comments": 1}


def test_refused_resume_and_delete_write_nothing(world: Any) -> None:
    logged = call(world)
    draft = services.interaction_create(actor=world.mila, contact="P3", postpone=True)
    before = audit_count()
    with pytest.raises(ConflictError):
        services.interaction_resume(actor=world.mila, entry=logged)  # not postponed
    with pytest.raises(DomainError):
        services.interaction_resume(actor=world.mila, entry=draft, description="")  # no template
    with pytest.raises(ConflictError):
        services.interaction_delete_postponed(actor=world.mila, entry=logged)
    with pytest.raises(PermissionDeniedError):
        services.interaction_delete_postponed(actor=world.reader, entry=draft)
    assert audit_count() == before


# --- Cancel, un-cancel, evaluate ---------------------------------------------------------------


def test_cancel_and_uncancel_write_one_entry_each_and_repeats_none(world: Any) -> None:
    entry = call(world)
    services.interaction_cancel(actor=world.admin, entry=entry)
    found = audited("interaction_cancel", object_key=str(entry.entry_no))
    assert (found.object_type, found.username) == ("interaction", "ada")
    assert found.changes == changed(canceled=(False, True))
    before = audit_count()
    services.interaction_cancel(actor=world.admin, entry=entry)  # canceled already
    assert audit_count() == before

    services.interaction_uncancel(actor=world.mila, entry=entry)
    found = audited("interaction_uncancel", object_key=str(entry.entry_no))
    assert (found.username, found.changes) == ("mila", changed(canceled=(True, False)))
    before = audit_count()
    services.interaction_uncancel(actor=world.mila, entry=entry)  # not canceled
    assert audit_count() == before


def test_refused_cancel_uncancel_evaluate_write_nothing(world: Any) -> None:
    entry = services.interaction_create(
        actor=world.mila, contact="P1", template="NEWS", date=DATE, deliver=False
    )
    services.campaign_entry_cancel(actor=world.mila, entry=entry.campaign_entry)
    draft = services.interaction_create(actor=world.mila, contact="P3", postpone=True)
    before = audit_count()
    with pytest.raises(PermissionDeniedError):
        services.interaction_cancel(actor=world.reader, entry=entry)
    with pytest.raises(ConflictError):
        services.interaction_cancel(actor=world.mila, entry=draft)
    with pytest.raises(ConflictError):  # its campaign entry is canceled
        services.interaction_uncancel(actor=world.mila, entry=entry)
    with pytest.raises(DomainError):
        services.interaction_evaluate(actor=world.mila, entry=entry, evaluation="great")
    with pytest.raises(ConflictError):
        services.interaction_evaluate(actor=world.mila, entry=draft, evaluation="positive")
    assert audit_count() == before


def test_evaluate_writes_the_change(world: Any) -> None:
    entry = call(world)
    services.interaction_evaluate(actor=world.mila, entry=entry, evaluation="positive")
    found = audited("interaction_evaluate", object_key=str(entry.entry_no))
    assert found.changes == changed(evaluation=("", "positive"))
    before = audit_count()
    services.interaction_evaluate(actor=world.mila, entry=entry, evaluation="positive")
    assert audit_count() == before  # the same value: nothing changed


# --- Comment lines -----------------------------------------------------------------------------


def test_comment_lines_add_update_delete(world: Any) -> None:
    entry = call(world)
    line = services.interaction_add_comment(
        actor=world.mila, entry=entry, comment="Asked for prices", date=DATE
    )
    key = f"{entry.entry_no}:1"
    found = audited("interaction_add_comment", object_key=key)
    assert (found.object_type, found.username) == ("interaction_comment", "mila")
    assert found.changes == created(date="2026-03-16", comment="Asked for prices")

    services.interaction_update_comment(actor=world.mila, comment_line=line, comment="Prices")
    found = audited("interaction_update_comment", object_key=key)
    assert found.changes == changed(comment=("Asked for prices", "Prices"))

    services.interaction_delete_comment(actor=world.admin, comment_line=line)
    found = audited("interaction_delete_comment", object_key=key)
    assert found.username == "ada"
    assert found.changes == changed(date=("2026-03-16", None), comment=("Prices", None))


def test_refused_comment_changes_write_nothing(world: Any) -> None:
    entry = call(world)
    line = services.interaction_add_comment(actor=world.mila, entry=entry, comment="Hello")
    before = audit_count()
    with pytest.raises(DomainError):
        services.interaction_add_comment(actor=world.mila, entry=entry, comment="  ")
    with pytest.raises(PermissionDeniedError):
        services.interaction_add_comment(actor=world.reader, entry=entry, comment="No")
    with pytest.raises(DomainError):
        services.interaction_update_comment(actor=world.mila, comment_line=line, comment="")
    with pytest.raises(PermissionDeniedError):
        services.interaction_delete_comment(actor=world.sven, comment_line=line)
    services.interaction_update_comment(actor=world.mila, comment_line=line, comment="Hello")
    assert audit_count() == before  # the same text: nothing changed


# --- Delete canceled ---------------------------------------------------------------------------


def test_delete_canceled_writes_one_entry_with_count_and_filters(world: Any) -> None:
    entries = [call(world) for _ in range(3)]
    for entry in entries[:2]:
        services.interaction_cancel(actor=world.mila, entry=entry)
    filters = {"template_code": "CALL", "date_from": "2026-03-01"}
    before = audit_count()
    assert services.interactions_delete_canceled(actor=world.mila, filters=filters, dry_run=True)
    assert audit_count() == before  # a dry run changes nothing
    assert services.interactions_delete_canceled(actor=world.mila, filters=filters) == 2
    found = audited("interactions_delete_canceled")
    assert (found.object_type, found.object_key, found.username) == ("interaction", "", "mila")
    assert found.changes == {}
    assert found.details == {"count": 2, "filters": filters, "dry_run": False}
    assert audit_count() == before + 1  # one entry, not one per interaction
    assert services.interactions_delete_canceled(actor=world.mila, filters=filters) == 0
    assert audit_count() == before + 1  # nothing left to delete: nothing changed
    with pytest.raises(DomainError):
        services.interactions_delete_canceled(actor=world.mila, filters={"colour": "red"})
    with pytest.raises(PermissionDeniedError):
        services.interactions_delete_canceled(actor=world.reader)
    assert audit_count() == before + 1


def test_delete_canceled_from_the_command_line_names_the_os_user(world: Any) -> None:
    entry = call(world)
    services.interaction_cancel(actor=world.mila, entry=entry)
    with acting_as(source=Source.CLI, name="cli:ops"):
        assert services.interactions_delete_canceled(actor=None) == 1
    found = audited("interactions_delete_canceled")
    assert (found.username, found.source, found.user_id) == ("cli:ops", Source.CLI, None)
    assert found.details == {"count": 1, "filters": {}, "dry_run": False}


# --- Campaign entries --------------------------------------------------------------------------


def _news(world: Any) -> InteractionLogEntry:
    return services.interaction_create(
        actor=world.mila, contact="P1", template="NEWS", date=DATE, deliver=False
    )


def test_campaign_entry_cancel_and_uncancel(world: Any) -> None:
    campaign_entry = _news(world).campaign_entry
    key = str(campaign_entry.entry_no)
    services.campaign_entry_cancel(actor=world.mila, entry=campaign_entry)
    found = audited("campaign_entry_cancel", object_key=key)
    assert (found.object_type, found.username) == ("campaign_entry", "mila")
    assert found.changes == changed(canceled=(False, True))
    assert found.details == {"no_of_interactions": 1}
    before = audit_count()
    services.campaign_entry_cancel(actor=world.mila, entry=campaign_entry)  # canceled already
    assert audit_count() == before
    services.campaign_entry_uncancel(actor=world.admin, entry=campaign_entry)
    found = audited("campaign_entry_uncancel", object_key=key)
    assert (found.username, found.changes) == ("ada", changed(canceled=(True, False)))
    assert found.details == {"no_of_interactions": 1}


def test_campaign_entries_delete_canceled_writes_one_entry(world: Any) -> None:
    first, second, kept = (_news(world).campaign_entry for _ in range(3))
    for entry in (first, second):
        services.campaign_entry_cancel(actor=world.mila, entry=entry)
    before = audit_count()
    with pytest.raises(PermissionDeniedError):
        services.campaign_entry_cancel(actor=world.reader, entry=kept)
    assert services.campaign_entries_delete_canceled(actor=world.mila, dry_run=True) == 2
    assert audit_count() == before
    filters = {"campaign_no": "CP1"}
    assert services.campaign_entries_delete_canceled(actor=world.mila, filters=filters) == 2
    found = audited("campaign_entries_delete_canceled")
    assert (found.object_type, found.object_key, found.username) == ("campaign_entry", "", "mila")
    assert found.details == {
        "count": 2,
        "no_of_interactions": 2,
        "filters": filters,
        "dry_run": False,
    }
    assert audit_count() == before + 1
    assert services.campaign_entries_delete_canceled(actor=world.mila) == 0
    assert audit_count() == before + 1
    assert CampaignEntry.objects.filter(pk=kept.pk).exists()


# --- Groups, templates, template languages and their attachments -------------------------------


@pytest.fixture
def as_admin(world: Any) -> Any:
    """The set-up operations take no actor: the web request's user is the one recorded."""
    with acting_as(world.admin, source=Source.WEB):
        yield world


def test_interaction_group_create_update_delete(as_admin: Any) -> None:
    group = services.interaction_group_create(code="visit", description="Visits")
    found = audited("interaction_group_create", object_key="VISIT")
    assert (found.object_type, found.username, found.source) == (
        "interaction_group",
        "ada",
        Source.WEB,
    )
    assert found.changes == created(code="VISIT", description="Visits")
    services.interaction_group_update(group=group, description="Customer visits")
    found = audited("interaction_group_update", object_key="VISIT")
    assert found.changes == changed(description=("Visits", "Customer visits"))
    before = audit_count()
    services.interaction_group_update(group=group, description="Customer visits")
    assert audit_count() == before  # nothing changed
    services.interaction_group_delete(group=group)
    found = audited("interaction_group_delete", object_key="VISIT")
    assert found.changes == changed(code=("VISIT", None), description=("Customer visits", None))


def test_refused_group_operations_write_nothing(as_admin: Any) -> None:
    before = audit_count()
    with pytest.raises(DomainError):
        services.interaction_group_create(code="PHONE")  # exists
    with pytest.raises(ConflictError):
        services.interaction_group_delete(group=as_admin.phone)  # CALL belongs to it
    with pytest.raises(DomainError):
        services.interaction_group_update(group=as_admin.phone, description="x" * 101)
    assert audit_count() == before


def test_interaction_template_create_update_delete(as_admin: Any) -> None:
    template = services.interaction_template_create(
        code="VISIT", group="PHONE", description="Visit", unit_cost="25", language_default="NL"
    )
    found = audited("interaction_template_create", object_key="VISIT")
    assert (found.object_type, found.username) == ("interaction_template", "ada")
    assert found.changes == created(
        code="VISIT",
        group="PHONE",
        description="Visit",
        unit_cost="25.00",
        unit_duration="0",
        information_flow="",
        initiated_by="",
        correspondence_type_default="email",
        ignore_contact_corres_type=False,
        language_default="NL",
        wizard_action="",
        campaign_target=False,
        campaign_response=False,
    )
    assert found.details == {"language_added": "NL"}
    services.interaction_template_update(
        template=template, description="Site visit", campaign="CP1"
    )
    found = audited("interaction_template_update", object_key="VISIT")
    assert found.changes == changed(description=("Visit", "Site visit"), campaign=(None, "CP1"))
    assert found.details == {}
    services.interaction_template_delete(template=template)
    found = audited("interaction_template_delete", object_key="VISIT")
    assert found.changes["description"] == {"before": "Site visit", "after": None}
    assert found.changes["campaign"] == {"before": "CP1", "after": None}
    assert found.details == {"languages": ["NL"]}


def test_refused_template_operations_write_nothing(as_admin: Any) -> None:
    call(as_admin)  # CALL is used by an interaction
    before = audit_count()
    with pytest.raises(DomainError):
        services.interaction_template_create(code="CALL", group="PHONE")
    with pytest.raises(DomainError):
        services.interaction_template_update(template=as_admin.call, campaign_target=True)
    with pytest.raises(ConflictError):
        services.interaction_template_delete(template=as_admin.call)
    assert audit_count() == before


def test_template_language_create_update_delete(as_admin: Any) -> None:
    template = services.interaction_template_create(
        code="VISIT", group="PHONE", language_default="NL"
    )
    row = services.interaction_template_language_create(
        template=template, language="DE", description="Besuch"
    )
    found = audited("interaction_template_language_create", object_key="VISIT:DE")
    assert (found.object_type, found.username) == ("interaction_template_language", "ada")
    assert found.changes == created(language="DE", description="Besuch")
    services.interaction_template_language_update(template_language=row, description="Termin")
    found = audited("interaction_template_language_update", object_key="VISIT:DE")
    assert found.changes == changed(description=("Besuch", "Termin"))
    assert found.details == {}

    default_row = template.languages.get(language__code="NL")
    services.interaction_template_language_update(template_language=default_row, language="EN")
    found = audited("interaction_template_language_update", object_key="VISIT:EN")
    assert found.changes == changed(language=("NL", "EN"))
    assert found.details == {"language_default": "EN"}  # the default followed the row

    services.interaction_template_language_delete(template_language=default_row)
    found = audited("interaction_template_language_delete", object_key="VISIT:EN")
    assert found.changes == changed(language=("EN", None), description=("", None))
    assert found.details == {"language_default_cleared": True}


def test_refused_template_language_operations_write_nothing(as_admin: Any) -> None:
    news = as_admin.news
    row = news.languages.get(language__code="NL")
    services.interaction_template_update(template=news, wizard_action="merge")
    before = audit_count()
    with pytest.raises(DomainError):
        services.interaction_template_language_create(template=news, language="NL")
    with pytest.raises(DomainError):
        services.interaction_template_language_update(template_language=row, language="EN")
    with pytest.raises(ConflictError):  # Merge needs the default language's attachment
        services.interaction_template_language_delete(
            template_language=news.languages.get(language__code="EN")
        )
    assert audit_count() == before


def test_template_language_attachment_create_remove_editable(as_admin: Any) -> None:
    from rapport.attachments.services import attachment_create

    template = services.interaction_template_create(
        code="VISIT", group="PHONE", language_default="NL"
    )
    row = template.languages.get()
    attachment = services.template_language_attachment_create(
        template_language=row, kind="email", subject="Hallo", body_html="<p>Hoi</p>"
    )
    found = audited("template_language_attachment_create", object_key="VISIT:NL")
    assert (found.object_type, found.username) == ("interaction_template_language", "ada")
    assert found.changes == changed(attachment=(None, str(attachment.no)))
    assert found.details == {"kind": "email"}

    assert services.template_language_attachment_remove(template_language=row) is True
    found = audited("template_language_attachment_remove", object_key="VISIT:NL")
    assert found.changes == changed(attachment=(str(attachment.no), None))
    assert found.details == {"attachment_deleted": True}
    before = audit_count()
    with pytest.raises(DomainError):  # it has none now
        services.template_language_attachment_remove(template_language=row)
    assert audit_count() == before

    frozen = attachment_create(kind="email", subject="Fixed", body_html="<p>x</p>", read_only=True)
    services.interaction_template_language_update(template_language=row, attachment=frozen)
    copy, copied = services.template_language_attachment_editable(template_language=row)
    assert copied
    found = audited("template_language_attachment_editable", object_key="VISIT:NL")
    assert found.changes == changed(attachment=(str(frozen.no), str(copy.no)))
    assert found.details == {"copied": True}
    before = audit_count()
    services.template_language_attachment_editable(template_language=row)  # its own: a read
    assert audit_count() == before
