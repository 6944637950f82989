import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from apps.accounts.management.commands.seed_demo import DOMAIN
from apps.accounts.models import User


@pytest.fixture
def demo(db, settings, tmp_path):
    """The registered demo seeders' data; users by their demo key ("coordinator", ...)."""
    call_command("seed_demo", "--quiet")
    return {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@" + DOMAIN)}


def pdf_text(report) -> tuple[int, str]:
    with report.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    # Whitespace normalised: a table cell may wrap a name over two lines.
    return len(reader.pages), " ".join(" ".join(page.extract_text() for page in reader.pages).split())
