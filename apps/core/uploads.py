"""Upload checks, one place for every module: the file's content decides its type, never its name
or the browser's claim. A file is read and checked before anything is written, so a rejected upload
leaves nothing behind. Callers store `CheckedUpload.content` under `storage_name` (random) in
private storage and serve it only through a permission check.
"""

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .errors import ApplicationError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PNG: "png", JPEG: "jpg"}
LABELS = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", PNG: "PNG", JPEG: "JPEG"}
DOCUMENTS = frozenset({PDF, DOCX, XLSX, PNG, JPEG})
CERTIFICATES = frozenset({PDF, PNG, JPEG})
# An office file is a zip archive: refuse one that claims to unpack to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


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
        # A random name: the stored path says nothing about the person or the original file.
        return f"{uuid.uuid4().hex}.{self.extension}"


def _pdf_problem(content: bytes) -> str | None:
    """None when the PDF parses and has a page; otherwise the error code."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return "encrypted"
        return None if len(reader.pages) > 0 else "invalid_pdf"
    except Exception:  # pypdf raises many kinds of error on a damaged or forged file
        return "invalid_pdf"


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
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return expected


def _office_type(content: bytes) -> str | None:
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        return None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def check_upload(upload, *, allowed: frozenset[str], max_bytes: int, field: str = "file") -> CheckedUpload:
    """Read and check an uploaded file. Raises ApplicationError (with `field` and a code) otherwise."""
    megabytes = max(1, max_bytes // (1024 * 1024))
    too_large = ApplicationError(_("The file is larger than %(mb)s MB.") % {"mb": megabytes}, field=field,
                                 code="too_large")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_large
    if not content:
        raise ApplicationError(_("The file is empty."), field=field, code="empty")
    if content.startswith(b"%PDF-") and PDF in allowed:
        problem = _pdf_problem(content)
        if problem == "encrypted":
            raise ApplicationError(_("The PDF is password-protected; upload an unprotected copy."), field=field,
                                   code="encrypted")
        if problem:
            raise ApplicationError(_("The PDF could not be read; it may be damaged. Upload another copy."),
                                   field=field, code="invalid_pdf")
        content_type = PDF
    else:
        content_type = _image_type(content) or _office_type(content)
    if content_type is None or content_type not in allowed:
        kinds = get_text_list([LABELS[t] for t in sorted(allowed, key=list(LABELS).index)], _("and"))
        raise ApplicationError(
            _("Only %(kinds)s files are accepted, and the file must be readable.") % {"kinds": kinds},
            field=field, code="invalid_type")
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]
    return CheckedUpload(content=content, content_type=content_type, extension=EXTENSIONS[content_type],
                         sha256=hashlib.sha256(content).hexdigest(), original_name=name)
