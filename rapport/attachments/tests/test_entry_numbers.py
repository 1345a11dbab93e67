"""The shared entry-number helper (`rapport.core.entry_numbers`) on a real numbered table, the
attachments' (moved here from the core tests: core sits below attachments and may not import
it)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from rapport.attachments.models import Attachment
from rapport.core import entry_numbers
from rapport.core.entry_numbers import highest_number, insert_numbered


@pytest.mark.django_db
def test_insert_numbered_takes_the_highest_plus_one_and_tries_the_next_after_a_clash(
    monkeypatch,
):
    def attachment():
        return Attachment(kind="OTHER", file_name="a.txt", content=b"x")

    first = insert_numbered(attachment(), lock_key=1, field="no")
    second = insert_numbered(attachment(), lock_key=1, field="no")
    assert (first.no, second.no) == (1, 2)
    assert highest_number(Attachment, "no") == 2

    # Another writer took number 3 between the read and the insert: the next one is tried.
    reads = iter([2, 3])
    monkeypatch.setattr(entry_numbers, "highest_number", lambda model, field: next(reads))
    Attachment.objects.filter(no=2).update(no=3)
    third = insert_numbered(attachment(), lock_key=None, field="no")
    assert third.no == 4

    monkeypatch.setattr(entry_numbers, "highest_number", lambda model, field: 0)
    with pytest.raises(IntegrityError):
        insert_numbered(attachment(), lock_key=None, field="no")
    assert sorted(Attachment.objects.values_list("no", flat=True)) == [1, 3, 4]
