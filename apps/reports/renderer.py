"""The one renderer: HTML from a kind's template, then a PDF with WeasyPrint.

WeasyPrint fetches what the HTML links to (stylesheets, images). Reports carry data from every
module, and a value that ends up in a URL must never make the worker read a local file or call
the network, so the fetcher serves the project's own static files and refuses everything else.
"""

import hashlib
import io
import logging
import mimetypes
import os
import shutil
import subprocess  # noqa: S404  pdftoppm, a fixed argument list, no shell
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)
# The first page as a picture for the ready page: longest side in pixels, and how long poppler may take.
PREVIEW_SIZE = 900
PREVIEW_TIMEOUT = 30
# WeasyPrint narrates every layout step at INFO; a worker's log should show the reports, not that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The base URL of every report document: a name that resolves nowhere, so a relative URL in the
# HTML becomes one the fetcher recognises and any other URL is plainly foreign.
REPORT_ORIGIN = "https://report.crisisprog.invalid"


class URLRefused(ValueError):
    """A report tried to load something other than the project's static files."""


def static_file_path(name: str) -> str | None:
    """The file behind a static name: the collected copy if there is one, else the finders'."""
    name = name.lstrip("/")
    if not name or "\x00" in name:
        return None
    try:
        if settings.STATIC_ROOT:
            candidate = safe_join(str(settings.STATIC_ROOT), name)
            if os.path.isfile(candidate):
                return candidate
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    return found if isinstance(found, str) and os.path.isfile(found) else None


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `REPORT_ORIGIN + STATIC_URL + name` from the project's static files; refuses the rest
    (file://, http(s) anywhere else, ftp, data: too — reports draw their charts inline)."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=())
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        prefix = REPORT_ORIGIN + settings.STATIC_URL
        parts = urlsplit(url)
        if url.startswith(prefix) and not parts.query and ".." not in unquote(parts.path).split("/"):
            name = unquote(parts.path)[len(urlsplit(prefix).path):]
            path = static_file_path(name)
            if path is not None:
                with open(path, "rb") as fh:
                    body = fh.read()
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                self.served.append(name)
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        self.refused.append(url)
        logger.warning("report renderer refused to fetch %s", url[:200])
        raise URLRefused(f"Refused to fetch {url[:200]}: reports load only the project's own static files.")


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    sha256: str
    page_count: int


def render_pdf(html: str, *, fetcher: StaticOnlyURLFetcher | None = None) -> RenderedPDF:
    fetcher = fetcher or StaticOnlyURLFetcher()
    content = HTML(string=html, base_url=REPORT_ORIGIN + "/", url_fetcher=fetcher).write_pdf()
    pages = len(PdfReader(io.BytesIO(content)).pages)
    return RenderedPDF(content=content, sha256=hashlib.sha256(content).hexdigest(), page_count=pages)


def render_preview(pdf: bytes) -> bytes | None:
    """Page 1 of `pdf` as a PNG, or None when the machine cannot draw one (WeasyPrint draws no bitmaps).

    Poppler's pdftoppm (Debian's poppler-utils) when it is on the PATH, else pypdfium2 when it is
    installed; neither is required: the report is still made, and its page says there is no preview."""
    tool = shutil.which("pdftoppm")
    if tool:
        try:
            done = subprocess.run(  # noqa: S603  fixed arguments; the PDF goes in on stdin
                [tool, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", str(PREVIEW_SIZE), "-"],
                input=pdf, capture_output=True, timeout=PREVIEW_TIMEOUT, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("report preview: pdftoppm failed: %s", exc)
            return None
        return done.stdout if done.stdout.startswith(b"\x89PNG") else None
    try:
        import pypdfium2  # noqa: PLC0415  optional
    except ImportError:
        return None
    try:
        page = pypdfium2.PdfDocument(pdf)[0]
        image = page.render(scale=PREVIEW_SIZE / max(page.get_size())).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    except Exception as exc:  # a preview is a convenience: never the reason a report fails
        logger.warning("report preview: pypdfium2 failed: %s", exc)
        return None
