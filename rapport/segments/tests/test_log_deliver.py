"""Logging a segment with Deliver (reference 2.5): NAV's default, the e-mail-needs-an-attachment
refusal naming the language, one read-only copy per source attachment, and one delivery
request for the logged segment inside the log's transaction."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.attachments.models import Attachment
from rapport.core.errors import ValidationFailed
from rapport.interactions.models import InteractionLogEntry, InteractionTemplateLanguage
from rapport.interactions.services import delivery_hooks
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment
from rapport.segments.tests.test_languages import add
from rapport.segments.tests.test_log import snapshot


@pytest.fixture
def requests(monkeypatch: Any) -> list[dict[str, Any]]:
    """A fake delivery requester, registered for the test: what it was asked, and whether the
    entries were already written when it was."""
    asked: list[dict[str, Any]] = []

    def requester(**kwargs: Any) -> str:
        number = kwargs["logged_segment_entry_no"]
        kwargs["entries_written"] = InteractionLogEntry.objects.filter(
            logged_segment_entry_no=number
        ).count()
        asked.append(kwargs)
        return "delivery"

    monkeypatch.setattr(delivery_hooks, "_requester", [])
    delivery_hooks.register_delivery_requester(requester)
    return asked


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    """S1 on NEWS (e-mail) with lines CO1, P1, P3 (English) and P2 (Dutch, no e-mail address:
    logged without a correspondence type)."""
    segment = make_segment("S1", template=world.news)
    add(segment, "CO1", "P1", "P2", "P3")
    return segment


def test_deliver_is_on_by_default_when_a_line_has_a_correspondence_type(
    world: Any, s1: Segment, make_segment: Any, requests: list[dict[str, Any]]
) -> None:
    assert services.default_deliver(s1) is True
    dry = services.segment_log(actor=world.mila, segment=s1, dry_run=True)
    assert (dry.deliver, dry.deliveries) == (True, {"email": 3})  # P2 has no address
    call = make_segment("S2", template=world.call)
    add(call, "P3")  # CALL: no default type, P3 has none
    assert services.default_deliver(call) is False
    assert services.segment_log(actor=world.mila, segment=call, dry_run=True).deliver is False
    with pytest.raises(ValidationFailed) as refused:
        services.segment_log(actor=world.mila, segment=call, deliver=True)
    assert refused.value.code == "nothing_to_deliver"
    assert requests == []


def test_log_with_deliver_requests_delivery_once_and_copies_once_per_source(
    world: Any, s1: Segment, requests: list[dict[str, Any]]
) -> None:
    english = InteractionTemplateLanguage.objects.get(template=world.news, language__code="EN")
    own = services.segment_line_attachment_create(
        actor=world.mila,
        line=s1.lines.get(contact__no="P1"),
        kind="email",
        subject="Just for Anna",
        body_html="<p>Anna</p>",
    )
    before = set(Attachment.objects.values_list("pk", flat=True))
    result = services.segment_log(actor=world.mila, segment=s1)
    logged = LoggedSegment.objects.get()
    assert result.deliver is True and result.deliveries == {"email": 3}
    assert requests == [
        {
            "actor": world.mila,
            "entry_nos": None,
            "logged_segment_entry_no": logged.entry_no,
            "entries_written": 4,
        }
    ]
    entries = {
        entry.contact.no: entry.attachment
        for entry in InteractionLogEntry.objects.select_related("contact", "attachment")
    }
    copies = Attachment.objects.exclude(pk__in=before)
    # Three sources (EN row, NL row, P1's own): three read-only copies, shared by the entries.
    assert copies.count() == 3
    assert all(copy.read_only for copy in copies)
    assert entries["CO1"] == entries["P3"]
    assert entries["CO1"].subject == english.attachment.subject  # type: ignore[union-attr]
    assert entries["P1"].subject == "Just for Anna"  # type: ignore[union-attr]
    assert entries["P2"].subject == "Hallo"  # type: ignore[union-attr]
    assert len({entries[no].pk for no in entries}) == 3  # type: ignore[union-attr]
    # The own attachment went with the segment (its copy stays with the entry).
    assert not Attachment.objects.filter(pk=own.pk).exists()
    assert Attachment.objects.filter(pk=english.attachment_id).exists()


def test_an_email_line_without_an_attachment_refuses_the_log_naming_its_language(
    world: Any, s1: Segment, requests: list[dict[str, Any]]
) -> None:
    from rapport.contacts.models import Contact

    Contact.objects.filter(no="P2").update(email="bram@acme.example")  # now an e-mail line
    services.segment_language_attachment_remove(actor=world.mila, segment=s1, language="NL")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.segment_log(actor=world.mila, segment=s1, deliver=True)
    assert refused.value.code == "attachment_missing"
    assert refused.value.fields() == {"deliver": ["Segment language NL has no attachment."]}
    assert refused.value.message == (
        "Segment S1 cannot be logged with Deliver: Segment language NL has no attachment. Give "
        "it an attachment, or log without Deliver."
    )
    assert snapshot() == before
    assert requests == []
    with pytest.raises(ValidationFailed, match="Segment language NL has no attachment"):
        services.segment_log(actor=world.mila, segment=s1)  # the default is Deliver
    # Without Deliver it is logged; nothing is requested.
    services.segment_log(actor=world.mila, segment=s1, deliver=False)
    assert InteractionLogEntry.objects.count() == 4
    assert requests == []


def test_the_refusal_in_dutch(world: Any, s1: Segment, requests: list[dict[str, Any]]) -> None:
    from django.utils import translation

    from rapport.contacts.models import Contact

    Contact.objects.filter(no="P2").update(email="bram@acme.example")
    services.segment_language_attachment_remove(actor=world.mila, segment=s1, language="NL")
    with translation.override("nl"), pytest.raises(ValidationFailed) as refused:
        services.segment_log(actor=world.mila, segment=s1, deliver=True)
    assert refused.value.fields() == {"deliver": ["Segmenttaal NL heeft geen bijlage."]}


def test_a_failing_requester_rolls_the_log_back(world: Any, s1: Segment, monkeypatch: Any) -> None:
    from rapport.core.errors import DomainError

    monkeypatch.setattr(delivery_hooks, "_requester", [])  # none registered
    before = snapshot()
    with pytest.raises(DomainError, match="Delivery is not available"):
        services.segment_log(actor=world.mila, segment=s1, deliver=True)
    assert snapshot() == before


def test_the_background_log_passes_deliver(
    world: Any, s1: Segment, requests: list[dict[str, Any]]
) -> None:
    from rapport.segments.tasks import segment_log_task

    result = segment_log_task.call(segment_no="S1", user_id=world.mila.pk, deliver=True)
    assert (result["deliver"], result["deliveries"]) == (True, {"email": 3})
    assert [asked["logged_segment_entry_no"] for asked in requests] == [
        result["logged_segment_entry_no"]
    ]
