"""A segment's interaction languages (reference 1.10) and the lines' own attachments (2.3.4,
2.3.5): copied from the template, the subject question, own attachments that header changes
and Go back keep, and which attachment a line uses."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_create
from rapport.core.errors import ConflictError, NotFoundError, ValidationFailed
from rapport.interactions.models import InteractionTemplateLanguage
from rapport.segments import services
from rapport.segments.models import Segment, SegmentHistory, SegmentLanguage, SegmentLine


def rows(segment: Segment) -> list[tuple[str, str, str, int | None]]:
    return [
        (row.language.code, row.description, row.subject, row.attachment_id)
        for row in SegmentLanguage.objects.filter(segment=segment).order_by("language__code")
    ]


def lines(segment: Segment) -> dict[str, tuple[str, str, int | None]]:
    return {
        line.contact.no: (
            line.language.code if line.language else "",
            line.subject,
            line.attachment_id,
        )
        for line in segment.lines.select_related("contact", "language")
    }


@pytest.fixture
def news(world: Any) -> dict[str, int]:
    """The attachments of NEWS's language rows: {"EN": id, "NL": id}."""
    return {
        row.language.code: row.attachment_id
        for row in InteractionTemplateLanguage.objects.filter(template=world.news)
    }


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    """S1 on NEWS with lines CO1, P1, P3 (English: the default) and P2 (Dutch)."""
    segment = make_segment("S1", template=world.news)
    add(segment, "CO1", "P1", "P2", "P3")
    return segment


def add(segment: Segment, *nos: str) -> int:
    from rapport.contacts.models import Contact
    from rapport.segments.services.line_values import insert_lines

    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    return insert_lines(segment, Contact.objects.filter(no__in=nos), action_no=action.action_no)


def mail(subject: str = "Own") -> Attachment:
    return attachment_create(kind="email", subject=subject, body_html="<p>Own</p>")


def test_setting_the_template_copies_its_language_rows_sharing_the_attachments(
    world: Any, make_segment: Any, news: dict[str, int]
) -> None:
    before = Attachment.objects.count()
    InteractionTemplateLanguage.objects.filter(template=world.news, language__code="NL").update(
        description="Nieuwsbrief"
    )
    segment = make_segment("S1", template=world.news)
    # Subject = the row's description, else the template's; the attachment shared (no copy).
    assert rows(segment) == [
        ("EN", "", "Newsletter", news["EN"]),
        ("NL", "Nieuwsbrief", "Nieuwsbrief", news["NL"]),
    ]
    assert Attachment.objects.count() == before
    segment.refresh_from_db()
    assert (segment.language.code, segment.subject) == ("EN", "Newsletter")  # type: ignore[union-attr]
    add(segment, "CO1", "P1", "P2", "P3")
    assert lines(segment) == {
        "CO1": ("EN", "Newsletter", None),
        "P1": ("EN", "Newsletter", None),
        "P2": ("NL", "Nieuwsbrief", None),
        "P3": ("EN", "Newsletter", None),
    }
    # Another template: the rows again from it; NEWS's attachments stay (NEWS uses them).
    services.segment_update(
        actor=world.mila, segment=segment, template=world.call, apply_to_lines=True
    )
    assert [row[0] for row in rows(segment)] == [
        row.language.code for row in world.call.languages.all()
    ]
    assert Attachment.objects.filter(pk__in=news.values()).count() == 2


def test_a_subject_given_with_the_template_is_the_default_rows(
    world: Any, make_segment: Any
) -> None:
    segment = make_segment("S1", template=world.news, subject="Spring news")
    assert [(code, subject) for code, _d, subject, _a in rows(segment)] == [
        ("EN", "Spring news"),
        ("NL", "Newsletter"),
    ]
    services.segment_update(
        actor=world.mila, segment=segment, subject="Summer news", apply_to_lines=True
    )
    assert rows(segment)[0][2] == "Summer news"


def test_a_new_subject_asks_once_about_the_lines_with_the_old_one(world: Any, s1: Segment) -> None:
    with pytest.raises(ConflictError) as asked:
        services.segment_language_update(
            actor=world.mila, segment=s1, language="NL", subject="Nieuwsbrief"
        )
    assert asked.value.code == "lines_affected"
    assert asked.value.details == {"affected_lines": 1}
    assert asked.value.message == (
        "Update the subject on 1 line in language NL that still has the old subject?"
    )
    assert rows(s1)[1][2] == "Newsletter"  # nothing changed
    services.segment_language_update(
        actor=world.mila, segment=s1, language="NL", subject="Nieuwsbrief", apply_to_lines=False
    )
    assert rows(s1)[1][2] == "Nieuwsbrief"
    assert lines(s1)["P2"] == ("NL", "Newsletter", None)
    # The old subject no longer matches: nothing to ask.
    services.segment_language_update(actor=world.mila, segment=s1, language="NL", subject="Nieuws")
    services.segment_language_update(
        actor=world.mila, segment=s1, language="NL", subject="Newsletter"
    )
    services.segment_language_update(
        actor=world.mila, segment=s1, language="NL", subject="Nieuws", apply_to_lines=True
    )
    assert lines(s1)["P2"] == ("NL", "Nieuws", None)
    assert lines(s1)["P1"] == ("EN", "Newsletter", None)  # other language untouched


def test_the_default_rows_subject_asks_about_its_lines_and_is_the_headers(
    world: Any, s1: Segment
) -> None:
    services.segment_line_update(
        actor=world.mila, line=s1.lines.get(contact__no="P1"), subject="Dear Anna"
    )
    with pytest.raises(ConflictError) as asked:
        services.segment_language_update(
            actor=world.mila, segment=s1, language="EN", subject="Spring news"
        )
    assert asked.value.details == {"affected_lines": 2}  # CO1 and P3; P1 is personalised
    services.segment_language_update(
        actor=world.mila, segment=s1, language="EN", subject="Spring news", apply_to_lines=True
    )
    assert {no: subject for no, (_l, subject, _a) in lines(s1).items()} == {
        "CO1": "Spring news",
        "P1": "Dear Anna",
        "P2": "Newsletter",
        "P3": "Spring news",
    }
    s1.refresh_from_db()
    assert s1.subject == "Spring news"


def test_adding_and_removing_rows_repoint_the_inheriting_lines(
    world: Any, s1: Segment, languages: dict[str, Any], news: dict[str, int]
) -> None:
    from rapport.contacts.models import Contact

    Contact.objects.filter(no="P3").update(language=languages["DE"])
    german = mail("Hallo DE")
    services.segment_language_create(
        actor=world.mila, segment=s1, language="DE", subject="Neuigkeiten", attachment=german
    )
    assert lines(s1)["P3"] == ("DE", "Neuigkeiten", None)  # a later row: its contacts only
    assert lines(s1)["P1"] == ("EN", "Newsletter", None)
    with pytest.raises(ValidationFailed, match="already has interaction language DE"):
        services.segment_language_create(actor=world.mila, segment=s1, language="DE")
    services.segment_language_delete(actor=world.mila, segment=s1, language="NL")
    services.segment_language_delete(actor=world.mila, segment=s1, language="DE")
    # NL's line: no NL row any more → the default language (EN) with its subject.
    assert lines(s1)["P2"] == ("EN", "Newsletter", None)
    assert lines(s1)["P3"] == ("EN", "Newsletter", None)
    assert not Attachment.objects.filter(pk=german.pk).exists()  # released: nothing uses it
    assert Attachment.objects.filter(pk=news["NL"]).exists()  # the template still uses it
    with pytest.raises(NotFoundError):
        services.segment_language_delete(actor=world.mila, segment=s1, language="NL")


def test_a_row_needs_the_header_template(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    with pytest.raises(ValidationFailed, match="Choose an interaction template"):
        services.segment_language_create(actor=world.mila, segment=segment, language="EN")
    assert not SegmentLanguage.objects.exists()


def test_a_lines_own_attachment_survives_header_changes(
    world: Any, s1: Segment, news: dict[str, int]
) -> None:
    p1 = s1.lines.get(contact__no="P1")
    own = services.segment_line_attachment_create(
        actor=world.mila, line=p1, kind="email", subject="Just for Anna", body_html="<p>Hi</p>"
    )
    services.segment_update(actor=world.mila, segment=s1, description="Autumn", apply_to_lines=True)
    services.segment_update(actor=world.mila, segment=s1, template=world.call, apply_to_lines=True)
    services.segment_update(actor=world.mila, segment=s1, template=world.news, apply_to_lines=True)
    p1.refresh_from_db()
    assert p1.attachment_id == own.pk
    assert services.line_attachment_resolved(p1).source == "own"
    # Replacing the own attachment releases the old one; removing it inherits again.
    other = services.segment_line_attachment_create(
        actor=world.mila, line=p1, kind="file", file_name="note.txt", content=b"note"
    )
    assert not Attachment.objects.filter(pk=own.pk).exists()
    services.segment_line_attachment_remove(actor=world.mila, line=p1)
    p1.refresh_from_db()
    assert p1.attachment_id is None
    assert not Attachment.objects.filter(pk=other.pk).exists()
    assert services.line_attachment_resolved(p1).attachment.pk == news["EN"]  # type: ignore[union-attr]


def test_go_back_restores_a_removed_line_with_its_own_attachment(world: Any, s1: Segment) -> None:
    p1 = s1.lines.get(contact__no="P1")
    own = services.segment_line_attachment_create(
        actor=world.mila, line=p1, kind="email", subject="Own", body_html="<p>Own</p>"
    )
    services.segment_line_delete(actor=world.mila, line=p1)
    assert SegmentHistory.objects.get(contact__no="P1", action_taken="deletion").attachment_id == (
        own.pk
    )
    assert Attachment.objects.filter(pk=own.pk).exists()  # the history keeps it
    services.segment_go_back(actor=world.mila, segment=s1)
    assert s1.lines.get(contact__no="P1").attachment_id == own.pk


def test_go_back_of_an_added_line_releases_its_own_attachment(world: Any, s1: Segment) -> None:
    line = services.segment_line_add(actor=world.mila, segment=s1, contact="CO1")
    own = services.segment_line_attachment_create(
        actor=world.mila, line=line, kind="email", subject="Own", body_html="<p>Own</p>"
    )
    services.segment_go_back(actor=world.mila, segment=s1)
    assert not SegmentLine.objects.filter(pk=line.pk).exists()
    assert not Attachment.objects.filter(pk=own.pk).exists()


def test_the_attachment_a_line_uses(
    world: Any, s1: Segment, languages: dict[str, Any], news: dict[str, int]
) -> None:
    def used(no: str) -> tuple[int | None, str | None]:
        line = s1.lines.select_related("segment").get(contact__no=no)
        found = services.line_attachment_resolved(line)
        return (found.attachment.pk if found.attachment else None, found.source)

    s1.lines.filter(contact__no="P3").update(language=languages["DE"])
    own = mail()
    services.segment_line_attachment_set(
        actor=world.mila, line=s1.lines.get(contact__no="CO1"), attachment=own.no
    )
    assert used("CO1") == (own.pk, "own")
    assert used("P2") == (news["NL"], "language")
    assert used("P1") == (news["EN"], "language")
    assert used("P3") == (news["EN"], "default")  # no DE row: the default language's
    services.segment_language_attachment_remove(actor=world.mila, segment=s1, language="NL")
    assert used("P2") == (None, None)  # its language's row has none: no fallback
    services.segment_language_attachment_remove(actor=world.mila, segment=s1, language="EN")
    assert used("P3") == (None, None)
    assert used("CO1") == (own.pk, "own")
    # The log resolves the same way, for all lines at once.
    from rapport.segments.services.language_rows import resolved_attachment_ids

    assert {
        line.contact.no: found
        for line in s1.lines.select_related("contact")
        if (found := resolved_attachment_ids(s1, s1.lines.filter(pk=line.pk)).get(line.pk))
    } == {"CO1": own.pk}


def test_deleting_the_segment_releases_what_only_it_used(
    world: Any, s1: Segment, news: dict[str, int]
) -> None:
    own = services.segment_line_attachment_create(
        actor=world.mila,
        line=s1.lines.get(contact__no="P1"),
        kind="email",
        subject="Own",
        body_html="<p>Own</p>",
    )
    row = services.segment_language_attachment_create(
        actor=world.mila, segment=s1, language="NL", kind="email", subject="Hoi", body_html="x"
    )
    services.segment_delete(actor=world.mila, segment=s1)
    assert not Attachment.objects.filter(pk__in=[own.pk, row.pk]).exists()
    assert Attachment.objects.filter(pk__in=news.values()).count() == 2
