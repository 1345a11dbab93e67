"""What a stored file may be: the upload limit, the type sniffed from its bytes (`filetype`),
no executables, a Word letter that is a real .docx, and a file name that agrees with the type.
"""

from __future__ import annotations

import io
import mimetypes
import zipfile
from typing import Any

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from rapport.attachments.choices import AttachmentKind
from rapport.core.errors import ErrorCollector, ValidationFailed

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_TYPE = "text/html"
OCTET_STREAM = "application/octet-stream"

EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-mach-binary",
        "application/x-sharedlib",
        "application/vnd.microsoft.portable-executable",
    }
)
# Mach-O (32/64-bit, both byte orders) and universal binaries.
_MACHO_MAGIC = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
# Names that run when opened, whatever the bytes say.
EXECUTABLE_EXTENSIONS = frozenset(
    {
        "apk", "app", "bat", "bin", "cmd", "com", "cpl", "dll", "dylib", "elf", "exe", "gadget",
        "hta", "jar", "js", "jse", "lnk", "msc", "msi", "msp", "pif", "ps1", "psm1", "reg",
        "scr", "sh", "so", "vb", "vbe", "vbs", "ws", "wsc", "wsf", "wsh",
    }
)  # fmt: skip
# Extensions that name the same type as the one `filetype` reports.
_SAME_TYPE = {
    "jpg": {"jpg", "jpeg", "jpe", "jfif"},
    "tif": {"tif", "tiff"},
    "mp4": {"mp4", "m4v"},
    "mid": {"mid", "midi"},
    "gz": {"gz", "tgz"},
    "mpg": {"mpg", "mpeg"},
    "heic": {"heic", "heif"},
    "ps": {"ps", "eps"},
    "zip": {
        "zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "odg", "epub", "kmz", "xps",
        "vsdx", "key", "numbers", "pages",
    },
}  # fmt: skip


def max_content_bytes() -> int:
    """The largest file an attachment stores (RAPPORT_MAX_ATTACHMENT_MB, default 25)."""
    return int(settings.RAPPORT_MAX_ATTACHMENT_BYTES)


def too_big_message(size: int) -> str:
    return _(
        "The file is %(size)s; an attachment can be at most %(max)s (RAPPORT_MAX_ATTACHMENT_MB)."
    ) % {"size": filesizeformat(size), "max": filesizeformat(max_content_bytes())}


def check_upload_size(upload: Any, field: str = "file") -> None:
    """Refuse an uploaded file over the limit before it is read (ValidationFailed on `field`)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_content_bytes():
        raise ValidationFailed({field: [too_big_message(size)]})


def read_upload(upload: Any, field: str = "file") -> bytes:
    """The bytes of an uploaded file, refused over the limit without reading it."""
    check_upload_size(upload, field)
    return bytes(upload.read())


def extension(file_name: str) -> str:
    name = file_name.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def _is_executable(content: bytes, sniffed: Any) -> bool:
    if sniffed is not None and sniffed.mime in EXECUTABLE_TYPES:
        return True
    head = content[:4]
    if content[:2] == b"MZ" or head == b"\x7fELF" or content[:2] == b"#!":
        return True
    # 0xCAFEBABE is also a Java class file; both run, so both are refused.
    return head in _MACHO_MAGIC


def is_docx(content: bytes) -> bool:
    """A real Word document: a zip archive holding `word/document.xml`."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _check_name(file_name: str, sniffed: Any, errors: ErrorCollector) -> None:
    """A known type needs a file name whose extension names it."""
    if sniffed is None:
        return
    expected = _SAME_TYPE.get(sniffed.extension, {sniffed.extension})
    ext = extension(file_name)
    if ext not in expected:
        errors.add(
            "file_name",
            _(
                "The file is of type %(type)s (.%(expected)s), but its name '%(name)s' does not "
                "end in .%(expected)s."
            )
            % {"type": sniffed.mime, "expected": sniffed.extension, "name": file_name},
        )


def check_file(kind: str, file_name: str, content: bytes, errors: ErrorCollector) -> str:
    """Check the file of a `word` or `file` attachment and return its content type. Adds to
    `errors` (on `content` or `file_name`) what is refused: over the limit, an executable, a
    Word letter that is no .docx, a name that disagrees with the sniffed type."""
    if len(content) > max_content_bytes():
        errors.add("content", too_big_message(len(content)))
        return ""
    sniffed = filetype.guess(content) if content else None
    if _is_executable(content, sniffed) or extension(file_name) in EXECUTABLE_EXTENSIONS:
        errors.add("content", _("Programs and scripts cannot be stored as attachments."))
        return ""
    if kind == AttachmentKind.WORD:
        if not is_docx(content):
            errors.add(
                "content",
                _(
                    "A Word letter must be a Word document (.docx); this file is not one "
                    "(save it as .docx in Word first)."
                ),
            )
            return ""
        if extension(file_name) != "docx":
            errors.add("file_name", _("A Word letter's file name must end in .docx."))
        return DOCX_TYPE
    _check_name(file_name, sniffed, errors)
    if sniffed is not None:
        return str(sniffed.mime)
    guessed, _encoding = mimetypes.guess_type(file_name, strict=False)
    return guessed or OCTET_STREAM
