"""The interaction log's operations: create (log or postpone), resume, delete postponed, cancel
and un-cancel, evaluate, comments, delete canceled entries, and what deleting a contact does
(reference 1.7, 1.13, 1.14, 2.1, 2.2, 2.7)."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django.utils import timezone

from rapport.attachments.models import Attachment
from rapport.campaigns.models import CampaignEntry
from rapport.contacts.models import Contact
from rapport.contacts.services import contact_delete, contact_update
from rapport.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from rapport.core.notices import collect_notices
from rapport.core.services import user_update_preferences
from rapport.interactions import selectors, services
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment
from rapport.interactions.services import (
    campaign_entry_cancel,
    campaign_entry_uncancel,
    now_rounded_up,
)

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)


@pytest.fixture
def w(world):
    """The world, with the administrator and marketing users working on WORK_DATE."""
    for user in (world.admin, world.mila, world.sven):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.company)
    kwargs.setdefault("template", w.call)
    return services.interaction_create(**kwargs)


# --- Create: what is copied from the template --------------------------------------------------


def test_template_defaults_are_copied(w) -> None:
    entry = log(w, contact=w.p2, template="news")
    assert entry.entry_no == 1
    assert entry.postponed is False and entry.canceled is False
    assert entry.template == w.news
    assert entry.group == w.letter_group
    assert entry.description == "Newsletter"
    assert entry.subject == "Newsletter"
    assert entry.cost == decimal.Decimal("0.10")
    assert entry.duration == decimal.Decimal("2")
    assert (entry.information_flow, entry.initiated_by) == ("outbound", "us")
    # The contact's language (NL) has a row on the template: it wins over the default (EN).
    assert entry.language.code == "NL"
    assert entry.campaign == w.campaign
    assert (entry.campaign_target, entry.campaign_response) == (True, False)
    # The company and the contact's salesperson (the admin has no salesperson of their own).
    assert entry.contact == w.p2
    assert entry.contact_company == w.company
    assert entry.salesperson == w.pb
    assert entry.user == w.admin
    assert entry.date == WORK_DATE
    assert entry.attempt_failed is False


def test_overrides_are_what_gets_logged(w) -> None:
    entry = log(
        w,
        contact=w.p1,
        template=w.news,
        description="  Our spring news ",
        salesperson="mv",
        language="nl",
        correspondence_type="email",
        date=datetime.date(2026, 1, 5),
        time=datetime.time(9, 30),
        information_flow="inbound",
        initiated_by="them",
        evaluation="positive",
        successful=False,
        cost="4.25",
        duration=7,
        campaign="",
        campaign_target=False,
    )
    assert entry.description == entry.subject == "Our spring news"
    assert entry.salesperson == w.mv
    assert entry.language.code == "NL"
    assert entry.correspondence_type == "email"
    assert (entry.date, entry.time) == (datetime.date(2026, 1, 5), datetime.time(9, 30))
    assert (entry.information_flow, entry.initiated_by) == ("inbound", "them")
    assert entry.evaluation == "positive"
    assert entry.attempt_failed is True
    assert (entry.cost, entry.duration) == (decimal.Decimal("4.25"), decimal.Decimal("7"))
    assert entry.campaign is None and entry.campaign_entry is None
    # The group always follows the template.
    assert entry.group == w.letter_group


def test_correspondence_type_follows_the_contact_unless_the_template_ignores_it(w) -> None:
    # CALL has no default: the company's preference (blank) stays blank.
    assert log(w, contact=w.company).correspondence_type == ""
    # NEWS ignores the contact's preference: its Email.
    assert log(w, contact=w.p1, template=w.news).correspondence_type == "email"


def test_salesperson_defaults_to_the_users_own(w) -> None:
    entry = log(w, actor=w.mila, contact=w.company)
    assert entry.salesperson == w.mv


def test_time_defaults_to_now_rounded_up_to_the_minute(w) -> None:
    before = timezone.localtime().replace(tzinfo=None)
    entry = log(w)
    after = timezone.localtime().replace(tzinfo=None)
    assert entry.time.second == 0 and entry.time.microsecond == 0
    logged = datetime.datetime.combine(before.date(), entry.time)
    if logged < before - datetime.timedelta(hours=1):  # rounded past midnight
        logged += datetime.timedelta(days=1)
    assert before <= logged < after + datetime.timedelta(minutes=1)


def test_now_rounded_up(monkeypatch) -> None:
    moments = {
        datetime.datetime(2026, 3, 16, 9, 30, 0): datetime.time(9, 30),
        datetime.datetime(2026, 3, 16, 9, 30, 0, 1): datetime.time(9, 31),
        datetime.datetime(2026, 3, 16, 23, 59, 30): datetime.time(0, 0),
    }
    for moment, expected in moments.items():
        monkeypatch.setattr(timezone, "localtime", lambda moment=moment: moment)
        assert now_rounded_up() == expected


def test_entry_numbers_are_the_highest_plus_one(w) -> None:
    numbers = [log(w).entry_no for _ in range(3)]
    assert numbers == [1, 2, 3]
    InteractionLogEntry.objects.filter(entry_no=2).update(canceled=True)
    services.interactions_delete_canceled(actor=w.admin, filters={})
    assert log(w).entry_no == 4


def test_comments_are_stored_with_the_entry(w) -> None:
    entry = log(w, comments=["Called back", {"comment": "Wants a quote", "date": "2026-03-01"}])
    lines = list(entry.comments.order_by("line_no").values_list("line_no", "date", "comment"))
    assert lines == [
        (1, WORK_DATE, "Called back"),
        (2, datetime.date(2026, 3, 1), "Wants a quote"),
    ]


# --- Create: the checks of reference 2.1.5 -----------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"contact": None}, "contact", "Choose the contact to interact with."),
        ({"contact": ""}, "contact", "Choose the contact to interact with."),
        ({"template": None}, "template", "Choose an interaction template."),
        ({"contact": "NOPE"}, "contact", "There is no contact NOPE."),
        ({"template": "NOPE"}, "template", "There is no interaction template NOPE."),
        ({"salesperson": "NOPE"}, "salesperson", "There is no salesperson NOPE."),
        ({"language": "XX"}, "language", "There is no language XX."),
        ({"campaign": "NOPE"}, "campaign", "There is no campaign NOPE."),
        ({"date": "2026-02-30"}, "date", "Date must be a date (YYYY-MM-DD)."),
        ({"time": "25:00"}, "time", "Time of Interaction must be a time (HH:MM:SS)."),
        ({"cost": "-1"}, "cost", "Cost may not be negative."),
        ({"cost": "1.234"}, "cost", "Cost can have at most 2 decimals."),
        ({"duration": "1.5"}, "duration", "Duration (Min.) must be a whole number of minutes."),
        ({"evaluation": "great"}, "evaluation", "Evaluation must be one of"),
        ({"information_flow": "up"}, "information_flow", "Information Flow must be one of"),
        ({"description": "x" * 101}, "description", "at most 100 characters"),
        ({"description": "a\tb"}, "description", "control characters"),
        ({"successful": "yes"}, "successful", "Was Successful must be true or false."),
        ({"campaign_target": True}, "campaign_target", "only be set when the interaction has"),
    ],
)
def test_each_refusal_names_its_field(w, kwargs, field, message) -> None:
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        log(w, **kwargs)
    assert field in info.value.errors, info.value.errors
    assert any(message in text for text in info.value.errors[field]), info.value.errors
    assert log_snapshot() == before


def test_salesperson_is_required(w) -> None:
    contact_update(contact=w.company, salesperson=None)
    with pytest.raises(ValidationFailed) as info:
        log(w, contact=w.company)
    assert info.value.errors == {"salesperson": ["Choose the salesperson who had the interaction."]}


def test_description_is_required_when_the_template_has_none(w, make_template) -> None:
    bare = make_template("BARE", description="", correspondence_type_default="")
    with pytest.raises(ValidationFailed) as info:
        log(w, template=bare)
    assert "description" in info.value.errors
    assert log(w, template=bare, description="Typed").description == "Typed"


def test_all_missing_fields_are_named_at_once(w) -> None:
    contact_update(contact=w.company, salesperson=None)
    with pytest.raises(ValidationFailed) as info:
        log(w, template=None, salesperson=None)
    assert set(info.value.errors) == {"template", "salesperson", "description"}


def test_privacy_blocked_contacts_get_no_interactions(w) -> None:
    contact_update(contact=w.p3, privacy_blocked=True)
    with pytest.raises(ValidationFailed) as info:
        log(w, contact=w.p3)
    assert "privacy blocked" in info.value.errors["contact"][0]


def test_email_correspondence_is_downgraded_without_an_address(w) -> None:
    # P2 prefers e-mail but has no address: the e-mail is downgraded, and a notice says so.
    with collect_notices() as notices:
        entry = log(w, contact=w.p2, correspondence_type="email")
    assert entry.correspondence_type == ""
    assert notices == [
        "Contact P2 has no e-mail address, so the correspondence type Email was cleared."
    ]
    # With an address (and an attachment to send) it stays.
    assert log(w, contact=w.p1, template=w.news).correspondence_type == "email"


def test_fax_correspondence_is_downgraded_without_a_fax_no(w) -> None:
    assert log(w, contact=w.p3, correspondence_type="fax").correspondence_type == ""
    contact_update(contact=w.p3, fax_no="+31 10 1234567")
    assert log(w, contact=w.p3, correspondence_type="fax").correspondence_type == "fax"


def test_email_needs_an_attachment(w) -> None:
    """NAV: "You must select an interaction template with an attachment." (after the
    downgrade: P1 has an address, CALL has no attachment)."""
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        log(w, contact=w.p1)  # CALL takes P1's preference, Email
    message = info.value.errors["correspondence_type"][0]
    assert "Correspondence type Email needs an attachment" in message
    assert "CALL" in message
    assert log_snapshot() == before
    assert log(w, contact=w.p1, correspondence_type="").correspondence_type == ""


def test_wizard_action_open_needs_an_attachment(w, make_template) -> None:
    opener = make_template("OPENER", wizard_action="open", correspondence_type_default="hard_copy")
    with pytest.raises(ValidationFailed) as info:
        log(w, template=opener)
    assert "wizard action Open" in info.value.errors["template"][0]


def test_logging_stores_a_read_only_copy_of_the_attachment(w, attachments) -> None:
    entry = log(w, contact=w.p1, template=w.news)
    copy = entry.attachment
    assert copy is not None and copy.pk != attachments["email"].pk
    assert copy.read_only is True
    assert (copy.kind, copy.subject, copy.body_html) == ("email", "Hello", "<p>Hi</p>")
    attachments["email"].refresh_from_db()
    assert attachments["email"].read_only is False  # the template's own stays editable


# --- Campaign entries --------------------------------------------------------------------------


def test_each_interaction_with_a_campaign_gets_its_own_campaign_entry(w) -> None:
    first = log(w, contact=w.p1, template=w.news)
    second = log(w, contact=w.p1, template=w.news, description="Second")
    assert first.campaign_entry != second.campaign_entry
    entry = first.campaign_entry
    assert entry.campaign == w.campaign
    assert (entry.entry_no, entry.description, entry.date) == (1, "Newsletter", WORK_DATE)
    assert (entry.user, entry.salesperson, entry.canceled) == (w.admin, w.pb, False)
    assert second.campaign_entry.entry_no == 2
    assert log(w).campaign_entry is None


def test_canceling_a_campaign_entry_cancels_its_interactions(w) -> None:
    entry = log(w, contact=w.p1, template=w.news)
    campaign_entry_cancel(actor=w.mila, entry=entry.campaign_entry)
    entry.refresh_from_db()
    assert entry.canceled is True
    # An interaction cannot be un-canceled while its campaign entry is canceled.
    before = log_snapshot()
    with pytest.raises(ConflictError) as info:
        services.interaction_uncancel(actor=w.admin, entry=entry)
    assert info.value.code == "campaign_entry_canceled"
    assert "campaign entry 1 is canceled" in info.value.message
    assert log_snapshot() == before
    campaign_entry_uncancel(actor=w.mila, entry=entry.campaign_entry)
    entry.refresh_from_db()
    assert entry.canceled is False


def test_only_marketing_cancels_campaign_entries(w) -> None:
    entry = log(w, contact=w.p1, template=w.news)
    with pytest.raises(PermissionDeniedError):
        campaign_entry_cancel(actor=w.sven, entry=entry.campaign_entry)
    assert CampaignEntry.objects.get().canceled is False


# --- Postpone and resume -----------------------------------------------------------------------


def test_postpone_needs_only_the_contact_and_keeps_what_was_typed(w) -> None:
    draft = services.interaction_create(
        actor=w.admin,
        contact=w.p2,
        description="Half done",
        correspondence_type="email",
        successful=False,
        postpone=True,
    )
    assert draft.postponed is True
    assert draft.template is None and draft.group is None
    assert draft.description == draft.subject == "Half done"
    assert draft.correspondence_type == "email"  # no downgrade for a draft
    assert draft.attempt_failed is True
    assert draft.attachment is None and draft.campaign_entry is None
    with pytest.raises(ValidationFailed) as info:
        services.interaction_create(actor=w.admin, contact=None, postpone=True)
    assert info.value.errors == {"contact": ["Choose the contact to interact with."]}


def test_a_postponed_draft_with_a_template_has_the_defaults(w) -> None:
    draft = log(w, contact=w.p1, template=w.news, postpone=True)
    assert (draft.group, draft.campaign, draft.language.code) == (w.letter_group, w.campaign, "EN")
    assert draft.campaign_entry is None and draft.attachment is None
    assert CampaignEntry.objects.count() == 0


def test_postponed_entries_are_in_no_list_and_no_statistic(w) -> None:
    logged = log(w, contact=w.p1, template=w.news)
    draft = log(w, contact=w.p1, template=w.news, postpone=True)
    assert list(selectors.interaction_log()) == [logged]
    assert list(selectors.postponed_interactions()) == [draft]
    assert list(selectors.contact_timeline(w.company)) == [logged]
    assert selectors.contact_statistics(w.p1).no_of_interactions == 1
    assert selectors.contact_statistics(w.company).no_of_interactions == 1
    assert selectors.template_statistics(w.news).no_of_interactions == 1
    assert selectors.campaign_statistics(w.campaign).no_of_interactions == 1


def test_resume_finishes_the_same_entry(w) -> None:
    log(w)  # entry 1
    draft = services.interaction_create(
        actor=w.admin,
        contact=w.p1,
        description="Call about the fair",
        date=datetime.date(2026, 1, 2),
        time=datetime.time(8, 15),
        successful=False,
        postpone=True,
    )
    services.interaction_add_comment(actor=w.admin, entry=draft, comment="Typed earlier")
    assert draft.entry_no == 2
    user_update_preferences(user=w.admin, work_date=datetime.date(2026, 3, 20))
    w.admin.refresh_from_db()
    entry = services.interaction_resume(
        actor=w.admin, entry=draft, template="CALL", correspondence_type=""
    )
    assert entry.pk == draft.pk and entry.entry_no == 2
    assert entry.postponed is False
    assert entry.date == datetime.date(2026, 3, 20)  # reset to the work date
    assert entry.time == datetime.time(8, 15)  # kept
    assert entry.attempt_failed is True  # kept
    assert entry.description == "Call about the fair"  # typed: not replaced by the template's
    assert (entry.group, entry.cost) == (w.phone, decimal.Decimal("1.50"))
    assert entry.comments.count() == 1
    assert InteractionLogEntry.objects.count() == 2
    assert list(selectors.interaction_log().values_list("entry_no", flat=True)) == [2, 1]


def test_resume_runs_the_checks_and_changes_nothing_when_refused(w) -> None:
    draft = log(w, contact=w.p1, template=None, postpone=True)
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.interaction_resume(actor=w.admin, entry=draft)
    assert "template" in info.value.errors
    assert log_snapshot() == before


def test_resume_can_postpone_again(w) -> None:
    draft = log(w, contact=w.p1, template=None, postpone=True)
    again = services.interaction_resume(
        actor=w.admin, entry=draft, postpone=True, description="Still typing"
    )
    assert again.postponed is True and again.description == "Still typing"
    assert again.entry_no == draft.entry_no


def test_resume_with_a_campaign_makes_the_campaign_entry(w) -> None:
    draft = log(w, contact=w.p1, template=w.news, postpone=True)
    entry = services.interaction_resume(actor=w.admin, entry=draft)
    assert entry.campaign_entry is not None and entry.campaign_entry.campaign == w.campaign
    assert entry.attachment is not None and entry.attachment.read_only


def test_resume_is_refused_for_a_logged_entry(w) -> None:
    entry = log(w)
    before = log_snapshot()
    with pytest.raises(ConflictError) as info:
        services.interaction_resume(actor=w.admin, entry=entry, description="Other")
    assert info.value.code == "not_postponed"
    assert log_snapshot() == before


def test_resume_refuses_unknown_fields(w) -> None:
    draft = log(w, postpone=True)
    with pytest.raises(ValidationFailed) as info:
        services.interaction_resume(actor=w.admin, entry=draft, colour="red")
    assert "colour" in info.value.errors


def test_delete_postponed(w) -> None:
    draft = log(w, postpone=True, comments=["note"])
    services.interaction_delete_postponed(actor=w.admin, entry=draft)
    assert not InteractionLogEntry.objects.exists()
    assert not InteractionLogEntryComment.objects.exists()


def test_a_logged_entry_cannot_be_deleted_as_postponed(w) -> None:
    entry = log(w)
    before = log_snapshot()
    with pytest.raises(ConflictError) as info:
        services.interaction_delete_postponed(actor=w.admin, entry=entry)
    assert info.value.code == "not_postponed"
    assert log_snapshot() == before


# --- Cancel, evaluate, comments ----------------------------------------------------------------


def test_cancel_and_uncancel(w) -> None:
    entry = log(w)
    assert services.interaction_cancel(actor=w.admin, entry=entry).canceled is True
    assert services.interaction_cancel(actor=w.admin, entry=entry).canceled is True  # stays
    assert selectors.contact_statistics(w.company).no_of_interactions == 0
    assert list(selectors.interaction_log({"canceled": True})) == [entry]
    assert services.interaction_uncancel(actor=w.admin, entry=entry).canceled is False
    assert selectors.contact_statistics(w.company).no_of_interactions == 1


def test_a_postponed_entry_is_neither_canceled_nor_evaluated(w) -> None:
    draft = log(w, postpone=True)
    before = log_snapshot()
    for operation in (services.interaction_cancel, services.interaction_uncancel):
        with pytest.raises(ConflictError):
            operation(actor=w.admin, entry=draft)
    with pytest.raises(ConflictError):
        services.interaction_evaluate(actor=w.admin, entry=draft, evaluation="positive")
    assert log_snapshot() == before


def test_evaluate(w) -> None:
    entry = log(w)
    assert (
        services.interaction_evaluate(
            actor=w.admin, entry=entry, evaluation="very_negative"
        ).evaluation
        == "very_negative"
    )
    assert services.interaction_evaluate(actor=w.admin, entry=entry, evaluation="").evaluation == ""
    with pytest.raises(ValidationFailed) as info:
        services.interaction_evaluate(actor=w.admin, entry=entry, evaluation="bad")
    assert "evaluation" in info.value.errors


def test_comments(w) -> None:
    entry = log(w)
    first = services.interaction_add_comment(actor=w.admin, entry=entry, comment=" First ")
    second = services.interaction_add_comment(
        actor=w.admin, entry=entry, comment="Second", date="2026-03-01"
    )
    assert (first.line_no, first.date, first.comment) == (1, WORK_DATE, "First")
    assert (second.line_no, second.date) == (2, datetime.date(2026, 3, 1))
    services.interaction_update_comment(actor=w.admin, comment_line=first, comment="Changed")
    assert first.comment == "Changed"
    services.interaction_delete_comment(actor=w.admin, comment_line=second)
    assert list(entry.comments.values_list("comment", flat=True)) == ["Changed"]
    for bad in ("", "x" * 251, "a\x00b"):
        with pytest.raises(ValidationFailed):
            services.interaction_add_comment(actor=w.admin, entry=entry, comment=bad)
    with pytest.raises(ValidationFailed):
        services.interaction_update_comment(actor=w.admin, comment_line=first, comment=" ")
    assert entry.comments.count() == 1


# --- Delete canceled entries -------------------------------------------------------------------


def test_delete_canceled_deletes_only_canceled_entries(w) -> None:
    kept = log(w)
    canceled = [log(w, contact=w.p1, template=w.news) for _ in range(2)]
    other = log(w, contact=w.p3)
    draft = log(w, postpone=True)
    for entry in [*canceled, other]:
        services.interaction_cancel(actor=w.admin, entry=entry)
    services.interaction_add_comment(actor=w.admin, entry=canceled[0], comment="gone")
    copies = [entry.attachment_id for entry in canceled]

    filters = {"contact_no": "p1"}
    assert services.interactions_delete_canceled(actor=w.admin, filters=filters, dry_run=True) == 2
    assert InteractionLogEntry.objects.count() == 5
    assert services.interactions_delete_canceled(actor=w.admin, filters=filters) == 2
    remaining = set(InteractionLogEntry.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, other.pk, draft.pk}
    assert not InteractionLogEntryComment.objects.exists()
    # The read-only attachment copies and their own campaign entries went with them; the
    # template's attachments stayed.
    assert not Attachment.objects.filter(pk__in=copies).exists()
    assert not CampaignEntry.objects.exists()
    assert Attachment.objects.filter(read_only=False).count() == 4
    # Without filters: every canceled entry, and still never a postponed or logged one.
    assert services.interactions_delete_canceled(actor=w.admin, filters={}) == 1
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {kept.pk, draft.pk}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"date_from": "2026-03-16", "date_to": datetime.date(2026, 3, 16)}, 2),
        ({"date_to": "2026-03-15"}, 1),
        ({"template_code": "news"}, 1),
        ({"group_code": "PHONE"}, 2),
        ({"salesperson_code": "pb"}, 3),
        ({"campaign_no": "CP1"}, 1),
        ({"entry_no": 1}, 1),
        ({"entry_no": "2"}, 1),
        ({"entry_no": "4"}, 0),
        ({"contact_no": "NOPE"}, 0),
    ],
)
def test_delete_canceled_filters(w, filters, expected) -> None:
    entries = [
        log(w, date=datetime.date(2026, 3, 1)),
        log(w, contact=w.p1, template=w.news),
        log(w, contact=w.p3),
        log(w),  # not canceled
    ]
    for entry in entries[:3]:
        services.interaction_cancel(actor=w.admin, entry=entry)
    assert (
        services.interactions_delete_canceled(actor=w.admin, filters=filters, dry_run=True)
        == expected
    )


@pytest.mark.parametrize(
    "filters",
    [{"canceled": False}, {"colour": "red"}, {"date_from": "2026-02-30"}, {"entry_no": "x"}],
)
def test_delete_canceled_refuses_unknown_filters_and_bad_values(w, filters) -> None:
    entry = log(w)
    services.interaction_cancel(actor=w.admin, entry=entry)
    with pytest.raises(ValidationFailed) as info:
        services.interactions_delete_canceled(actor=w.admin, filters=filters)
    assert set(info.value.errors) == set(filters)
    assert InteractionLogEntry.objects.count() == 1


# --- Who may do what ---------------------------------------------------------------------------


def test_a_salesperson_records_interactions_for_themselves_only(w) -> None:
    entry = log(w, actor=w.sven, contact=w.company)
    assert entry.salesperson == w.sj  # their own, not the contact's
    before = log_snapshot()
    with pytest.raises(PermissionDeniedError) as info:
        log(w, actor=w.sven, salesperson="MV")
    assert "own salesperson SJ" in info.value.message
    other = log(w, actor=w.mila, salesperson="PB")
    for operation, kwargs in [
        (services.interaction_cancel, {}),
        (services.interaction_evaluate, {"evaluation": "positive"}),
        (services.interaction_add_comment, {"comment": "mine now"}),
    ]:
        with pytest.raises(PermissionDeniedError):
            operation(actor=w.sven, entry=other, **kwargs)
    other.refresh_from_db()
    assert (other.canceled, other.evaluation, other.comments.count()) == (False, "", 0)
    assert log_snapshot()["entries"][0] == before["entries"][0]
    # Their own entry they may change.
    assert services.interaction_cancel(actor=w.sven, entry=entry).canceled


def test_a_salesperson_deletes_only_their_own_canceled_entries(w) -> None:
    mine = log(w, actor=w.sven)
    theirs = log(w, actor=w.mila)
    for entry in (mine, theirs):
        services.interaction_cancel(actor=w.admin, entry=entry)
    assert services.interactions_delete_canceled(actor=w.sven, filters={}) == 1
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_salesperson_without_a_linked_salesperson_records_nothing(w, make_user) -> None:
    loose = make_user(username="loose", role="salesperson")
    with pytest.raises(PermissionDeniedError) as info:
        log(w, actor=loose)
    assert "not linked to a salesperson" in info.value.message


def test_a_salesperson_resumes_their_own_drafts(w) -> None:
    draft = log(w, actor=w.sven, postpone=True)
    entry = services.interaction_resume(actor=w.sven, entry=draft)
    assert entry.postponed is False
    other = log(w, actor=w.mila, postpone=True)
    with pytest.raises(PermissionDeniedError):
        services.interaction_resume(actor=w.sven, entry=other)
    with pytest.raises(PermissionDeniedError):
        services.interaction_delete_postponed(actor=w.sven, entry=other)


def test_read_only_users_change_nothing(w) -> None:
    entry = log(w)
    before = log_snapshot()
    with pytest.raises(PermissionDeniedError):
        log(w, actor=w.reader)
    for operation, kwargs in [
        (services.interaction_cancel, {}),
        (services.interaction_evaluate, {"evaluation": "positive"}),
        (services.interaction_add_comment, {"comment": "x"}),
    ]:
        with pytest.raises(PermissionDeniedError):
            operation(actor=w.reader, entry=entry, **kwargs)
    with pytest.raises(PermissionDeniedError):
        services.interactions_delete_canceled(actor=w.reader, filters={})
    assert log_snapshot() == before


# --- Deleting contacts (reference 1.14) --------------------------------------------------------


def test_a_deleted_persons_entries_move_to_its_company(w) -> None:
    entry = log(w, contact=w.p2)
    alone = log(w, contact=w.p3)
    contact_delete(contact=w.p2)
    entry.refresh_from_db()
    assert (entry.contact, entry.contact_company) == (w.company, w.company)
    contact_delete(contact=w.p3)
    alone.refresh_from_db()
    assert (alone.contact, alone.contact_company) == (None, None)
    assert selectors.contact_statistics(w.company).no_of_interactions == 1


def test_a_deleted_companys_entries_keep_no_contact(w) -> None:
    entries = [log(w, contact=w.company), log(w, contact=w.p2), log(w, contact=w.p3)]
    contact_delete(contact=w.company)
    assert not Contact.objects.filter(no__in=["CO1", "P1", "P2"]).exists()
    for entry in entries:
        entry.refresh_from_db()
    assert [(e.contact_id, e.contact_company_id) for e in entries[:2]] == [(None, None)] * 2
    assert entries[2].contact == w.p3
    assert selectors.interaction_log().count() == 3


def test_a_contact_deleted_without_the_service_leaves_its_entries_without_contact(w) -> None:
    entry = log(w, contact=w.p2)
    Contact.objects.filter(pk=w.p2.pk).delete()
    entry.refresh_from_db()
    assert (entry.contact, entry.contact_company) == (None, w.company)


def test_prepare_gives_the_values_and_writes_nothing(w) -> None:
    before = log_snapshot()
    prepared = services.interaction_prepare(actor=w.admin, contact="P2", template="NEWS")
    entry = prepared.entry
    assert entry.pk is None and entry.entry_no is None
    assert (entry.description, entry.language.code, entry.correspondence_type) == (
        "Newsletter",
        "NL",
        "",  # downgraded: P2 has no e-mail address
    )
    assert prepared.attachment is not None and prepared.attachment.subject == "Hallo"
    assert log_snapshot() == before
    with pytest.raises(ValidationFailed) as info:
        services.interaction_prepare(actor=w.admin, contact="P2", colour="red")
    assert "colour" in info.value.errors
    with pytest.raises(PermissionDeniedError):
        services.interaction_prepare(actor=w.sven, contact="P2", template="CALL", salesperson="MV")


def test_resume_with_another_contact_takes_the_templates_values_for_it(w) -> None:
    draft = log(w, contact=w.p1, template=w.news, postpone=True)
    assert draft.language.code == "EN"
    entry = services.interaction_resume(actor=w.admin, entry=draft, contact="P2")
    assert (entry.contact, entry.language.code, entry.correspondence_type) == (w.p2, "NL", "")
