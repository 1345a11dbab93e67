"""Where files are stored: embedded or on disk per the storage policy, content-addressed (one
file for identical content), shared by copies, unlinked after commit only when no row points
at them, never lost by a rollback."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction

from rapport.attachments import services
from rapport.attachments.models import Attachment
from rapport.attachments.storage import file_path
from rapport.attachments.tests.conftest import PNG, stored_files

pytestmark = pytest.mark.django_db


def make_file(content: bytes = PNG, name: str = "logo.png") -> Attachment:
    return services.attachment_create(kind="file", file_name=name, content=content)


def test_embedded_keeps_the_bytes_in_the_row(policy) -> None:
    policy("embedded")
    attachment = make_file()
    attachment.refresh_from_db()
    assert (attachment.storage_type, attachment.storage_pointer) == ("embedded", "")
    assert bytes(attachment.content) == PNG
    assert (attachment.file_size, attachment.content_type) == (len(PNG), "image/png")
    assert services.attachment_content(attachment) == PNG


def test_disk_file_is_content_addressed_under_the_location(disk) -> None:
    attachment = make_file()
    attachment.refresh_from_db()
    pointer = hashlib.sha256(PNG).hexdigest()
    assert (attachment.storage_type, attachment.storage_pointer) == ("disk_file", pointer)
    assert attachment.storage_location == str(disk)
    assert bytes(attachment.content) == b""
    assert stored_files(disk) == [disk / pointer[:2] / pointer]
    assert (disk / pointer[:2] / pointer).read_bytes() == PNG
    assert services.attachment_content(attachment) == PNG


def test_disk_file_without_a_location_goes_to_the_data_folder(policy, tmp_path, settings) -> None:
    settings.DATA_DIR = tmp_path
    policy("disk_file", "")
    attachment = make_file()
    pointer = attachment.storage_pointer
    assert (tmp_path / "attachments" / pointer[:2] / pointer).read_bytes() == PNG
    assert file_path("", pointer) == tmp_path / "attachments" / pointer[:2] / pointer


def test_identical_content_shares_one_file(disk) -> None:
    first = make_file(name="a.png")
    second = make_file(name="b.png")
    assert first.storage_pointer == second.storage_pointer
    assert len(stored_files(disk)) == 1


def test_a_copy_shares_the_stored_file(disk) -> None:
    original = make_file()
    copy = services.attachment_copy(original)
    assert copy.no == original.no + 1
    assert copy.read_only is True
    assert (copy.storage_type, copy.storage_pointer, copy.storage_location) == (
        "disk_file",
        original.storage_pointer,
        original.storage_location,
    )
    assert (copy.file_name, copy.content_type, copy.file_size) == (
        "logo.png",
        "image/png",
        len(PNG),
    )
    assert len(stored_files(disk)) == 1
    assert services.attachment_content(copy) == PNG
    assert services.attachment_copy(original, read_only=False).read_only is False


def test_an_embedded_copy_has_the_same_bytes(policy) -> None:
    policy("embedded")
    original = services.attachment_create(
        kind="email", subject="Hi", body_html="<p>Hello</p>", body_text="Hi!", body_text_manual=True
    )
    copy = services.attachment_copy(original)
    assert (copy.subject, copy.body_html, copy.body_text, copy.body_text_manual) == (
        "Hi",
        "<p>Hello</p>",
        "Hi!",
        True,
    )
    file_copy = services.attachment_copy(make_file())
    assert bytes(Attachment.objects.get(pk=file_copy.pk).content) == PNG


def test_release_unlinks_only_the_last(disk, django_capture_on_commit_callbacks) -> None:
    original = make_file()
    copy = services.attachment_copy(original)
    path = stored_files(disk)[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attachment_release(copy) is True
    assert not Attachment.objects.filter(pk=copy.pk).exists()
    assert path.exists()  # the original still points at it
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attachment_release(original) is True
    assert not path.exists()
    assert services.attachment_release(original) is False  # gone already


def test_delete_unlinks_after_commit_and_rollback_keeps_the_file(
    disk, django_capture_on_commit_callbacks
) -> None:
    attachment = make_file()
    path = stored_files(disk)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.attachment_delete(attachment=attachment)
        raise RuntimeError("rolled back")
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=attachment)
    assert not Attachment.objects.exists()
    assert not path.exists()


def test_a_rolled_back_create_leaves_no_row_and_deletes_no_file(disk) -> None:
    kept = make_file()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_file(name="again.png")
        raise RuntimeError("rolled back")
    assert list(Attachment.objects.values_list("no", flat=True)) == [kept.no]
    assert [p.name for p in stored_files(disk)] == [kept.storage_pointer]
    assert services.attachment_content(kept) == PNG


def test_replacing_the_file_unlinks_the_old_one_when_unused(
    disk, docx, django_capture_on_commit_callbacks
) -> None:
    letter = services.attachment_create(kind="word", file_name="letter.docx", content=docx)
    shared = services.attachment_copy(letter, read_only=False)
    old = stored_files(disk)[0]
    new = docx + b""  # same bytes: a no-op replace keeps the file
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_update(attachment=letter, content=new)
    assert old.exists()
    from rapport.attachments.testing import docx_bytes

    other = docx_bytes("Another letter")
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_update(attachment=letter, content=other)
    assert old.exists()  # the copy still points at it
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_update(attachment=shared, content=other)
    assert not old.exists()
    assert len(stored_files(disk)) == 1
    assert services.attachment_content(shared) == other


def test_a_file_written_twice_is_written_atomically(disk) -> None:
    """No temporary file is left next to the stored one."""
    make_file()
    make_file(content=PNG + b"\x00", name="other.png")
    names = [path.name for path in disk.rglob("*") if path.is_file()]
    assert len(names) == 2
    assert not [name for name in names if name.startswith(".tmp")]
