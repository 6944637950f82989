import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from apps.core.errors import ApplicationError
from apps.core.uploads import CERTIFICATES, DOCUMENTS, DOCX, JPEG, PDF, PNG, check_upload

MB = 1024 * 1024


def _pdf(encrypt: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, fmt)
    return out.getvalue()


def _docx(extra_unpacked: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        if extra_unpacked:
            archive.writestr("word/bomb.bin", b"\0" * extra_unpacked)
    return out.getvalue()


def _check(content: bytes, name="upload.bin", allowed=DOCUMENTS, max_bytes=5 * MB):
    return check_upload(SimpleUploadedFile(name, content), allowed=allowed, max_bytes=max_bytes, field="evidence")


@pytest.mark.parametrize(("content", "expected"), [
    (_pdf(), (PDF, "pdf")), (_image("PNG"), (PNG, "png")), (_image("JPEG"), (JPEG, "jpg")), (_docx(), (DOCX, "docx")),
])
def test_content_decides_the_type(content, expected):
    checked = _check(content, name="whatever.txt")
    assert (checked.content_type, checked.extension) == expected
    assert checked.original_name == "whatever.txt"
    assert len(checked.sha256) == 64
    assert checked.storage_name.endswith("." + expected[1])
    assert "whatever" not in checked.storage_name


def test_a_file_that_lies_about_its_type_is_refused():
    with pytest.raises(ApplicationError) as error:
        _check(b"MZ\x90\x00 an executable", name="certificate.pdf", allowed=CERTIFICATES)
    assert (error.value.field, error.value.code) == ("evidence", "invalid_type")
    assert error.value.message == "Only PDF, PNG and JPEG files are accepted, and the file must be readable."


def test_a_malformed_pdf_is_refused():
    with pytest.raises(ApplicationError) as error:
        _check(b"%PDF-1.7\nnot really", allowed=CERTIFICATES)
    assert error.value.code == "invalid_pdf"


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ApplicationError) as error:
        _check(_pdf(encrypt=True))
    assert error.value.code == "encrypted"


def test_a_type_the_caller_does_not_allow_is_refused():
    with pytest.raises(ApplicationError) as error:
        _check(_docx(), allowed=CERTIFICATES)
    assert error.value.code == "invalid_type"


def test_too_big_and_empty_files_are_refused():
    with pytest.raises(ApplicationError) as error:
        _check(_pdf() + b"\0" * MB, max_bytes=MB)
    assert (error.value.code, error.value.message) == ("too_large", "The file is larger than 1 MB.")
    with pytest.raises(ApplicationError) as error:
        _check(b"")
    assert error.value.code == "empty"


def test_a_zip_bomb_is_refused_without_unpacking_it():
    bomb = _docx(extra_unpacked=201 * MB)
    assert len(bomb) < MB  # deflate squeezes 201 MB of zeros into a few hundred kB
    with pytest.raises(ApplicationError) as error:
        _check(bomb)
    assert error.value.code == "invalid_type"
