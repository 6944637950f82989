"""Upload checks: the file's content decides its type, never its name.

A file is read and checked before anything is written, so a rejected upload leaves nothing behind.
"""

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PNG: "png", JPEG: "jpg"}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def storage_name(self) -> str:
        # A random name: the stored path says nothing about the proposer or the original file.
        return f"{uuid.uuid4().hex}.{self.extension}"


def _is_pdf(content: bytes) -> bool:
    if not content.startswith(b"%PDF-"):
        return False
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        return len(reader.pages) > 0
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return False


def _image_type(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        expected, fmt = PNG, "PNG"
    elif content.startswith(b"\xff\xd8\xff"):
        expected, fmt = JPEG, "JPEG"
    else:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != fmt:
                return None
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return expected


def _office_type(content: bytes) -> str | None:
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def check_upload(upload, *, field: str = "file") -> CheckedUpload:
    """Read and check an uploaded file. Raises ApplicationError for anything not allowed."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ApplicationError(_("The file is larger than 20 MB."), field=field)
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ApplicationError(_("The file is larger than 20 MB."), field=field)
    if not content:
        raise ApplicationError(_("The file is empty."), field=field)
    content_type = PDF if _is_pdf(content) else (_image_type(content) or _office_type(content))
    if content_type is None:
        raise ApplicationError(
            _("Only PDF, Word (DOCX), Excel (XLSX), PNG and JPEG files are accepted, and the file must be readable."),
            field=field)
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]
    return CheckedUpload(content=content, content_type=content_type, extension=EXTENSIONS[content_type],
                         sha256=hashlib.sha256(content).hexdigest(), original_name=name)
