"""Procurement's upload rule: documents up to 20 MB, checked by content in apps.core.uploads."""

from apps.core.uploads import DOCUMENTS, CheckedUpload
from apps.core.uploads import check_upload as check_content

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def check_upload(upload, *, field: str = "file") -> CheckedUpload:
    return check_content(upload, allowed=DOCUMENTS, max_bytes=MAX_UPLOAD_BYTES, field=field)
