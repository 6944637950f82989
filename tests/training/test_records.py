"""Certificates: upload validation, private storage, verification and its permissions."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.notifications.models import Notification
from apps.training import services
from apps.training.demo import certificate_pdf
from apps.training.models import TrainingRecord
from tests.factories.training import CourseFactory

pytestmark = pytest.mark.django_db


def _pdf(name="card.pdf"):
    return SimpleUploadedFile(name, certificate_pdf(), content_type="application/pdf")


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("card.png", buffer.getvalue(), content_type="image/png")


def _submit(responder, org, course, evidence):
    return services.record_submit(by=responder, responder=responder, organization=org, course=course,
                                  completed_on=date(2025, 6, 1), evidence=evidence)


def test_real_pdf_is_stored_privately_under_a_random_name(org, responder, settings):
    record = _submit(responder, org, CourseFactory(), _pdf("Ray Sponder CPR.pdf"))

    assert record.evidence_content_type == "application/pdf"
    assert record.evidence.name == f"training/evidence/{record.evidence_token}.pdf"
    assert "Ray" not in record.evidence.name
    assert record.evidence.path.startswith(settings.MEDIA_ROOT)
    assert AuditEvent.objects.filter(action="training.record.submitted", target_id=str(record.pk)).count() == 1


def test_png_is_accepted_with_its_real_type(org, responder):
    record = _submit(responder, org, CourseFactory(), _png())
    assert (record.evidence_content_type, record.evidence_extension) == ("image/png", ".png")


def test_fake_pdf_is_rejected(org, responder):
    fake = SimpleUploadedFile("card.pdf", b"%PDF-1.7\nthis is not really a PDF at all\n",
                              content_type="application/pdf")
    with pytest.raises(ApplicationError) as error:
        _submit(responder, org, CourseFactory(), fake)
    assert (error.value.field, error.value.code) == ("evidence", "invalid_pdf")
    assert TrainingRecord.objects.count() == 0


def test_renamed_executable_is_rejected(org, responder):
    fake = SimpleUploadedFile("card.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    with pytest.raises(ApplicationError) as error:
        _submit(responder, org, CourseFactory(), fake)
    assert error.value.code == "invalid_type"


def test_oversized_file_is_rejected(org, responder, settings):
    settings.TRAINING_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("card.pdf", certificate_pdf() + b"\n%" + b"x" * (1024 * 1024),
                             content_type="application/pdf")
    with pytest.raises(ApplicationError) as error:
        _submit(responder, org, CourseFactory(), big)
    assert (error.value.code, error.value.message) == ("too_large", "The file is larger than 1 MB.")


def test_someone_else_cannot_submit_for_a_responder(org, responder, peer):
    with pytest.raises(ApplicationError):
        services.record_submit(by=peer, responder=responder, organization=org, course=CourseFactory(),
                               completed_on=date(2025, 6, 1), evidence=_pdf())


def test_verify_notifies_and_audits_and_is_idempotent(org, responder, coordinator, django_capture_on_commit_callbacks):
    record = _submit(responder, org, CourseFactory(title="CPR"), _pdf())
    with django_capture_on_commit_callbacks(execute=True):
        services.record_verify(record=record, by=coordinator)
        services.record_verify(record=record, by=coordinator)
    record.refresh_from_db()
    assert (record.status, record.verified_by) == (TrainingRecord.Status.VERIFIED, coordinator)
    assert AuditEvent.objects.filter(action="training.record.verified").count() == 1
    assert sorted(Notification.objects.filter(kind="training.record_verified").values_list("channel", flat=True)) == [
        "email", "in_app"]


def test_responder_cannot_verify_own_record_and_outsider_cannot_verify(org, responder, outsider):
    record = _submit(responder, org, CourseFactory(), _pdf())
    for who in (responder, outsider):
        with pytest.raises(ApplicationError):
            services.record_verify(record=record, by=who)


def test_reject_needs_a_reason(org, responder, trainer):
    record = _submit(responder, org, CourseFactory(), _pdf())
    with pytest.raises(ApplicationError) as error:
        services.record_reject(record=record, by=trainer, reason="  ")
    assert error.value.field == "reason"
    services.record_reject(record=record, by=trainer, reason="The card is for someone else.")
    record.refresh_from_db()
    assert (record.status, record.rejection_reason) == ("rejected", "The card is for someone else.")


# --- pages -----------------------------------------------------------------------------------------

def test_upload_page_creates_a_pending_record(client, org, responder):
    course = CourseFactory(title="CPR")
    client.force_login(responder)
    response = client.post(reverse("training:record-create"), {
        "organization": org.pk, "course": course.pk, "completed_on": "2025-06-01", "evidence": _pdf()})
    record = TrainingRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:record-detail", args=[record.pk])
    assert record.status == "pending"


def test_upload_page_shows_the_error_on_the_field(client, org, responder):
    course = CourseFactory()
    client.force_login(responder)
    fake = SimpleUploadedFile("card.pdf", b"%PDF-1.4 nope", content_type="application/pdf")
    response = client.post(reverse("training:record-create"), {
        "organization": org.pk, "course": course.pk, "completed_on": "2025-06-01", "evidence": fake})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "evidence": ["The PDF could not be read; it may be damaged. Upload another copy."]}


@pytest.mark.parametrize(("who", "status"), [("responder", 200), ("coordinator", 200), ("trainer", 200),
                                             ("peer", 404), ("outsider", 404)])
def test_evidence_is_served_only_to_those_who_may_see_the_record(client, org, responder, request, who, status):
    record = _submit(responder, org, CourseFactory(code="cpr"), _pdf())
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("training:record-evidence", args=[record.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="cpr-{record.pk}.pdf"'
        assert b"".join(response.streaming_content) == certificate_pdf()


def test_evidence_requires_sign_in(client, org, responder):
    record = _submit(responder, org, CourseFactory(), _pdf())
    response = client.get(reverse("training:record-evidence", args=[record.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(("who", "status"), [("coordinator", 302), ("responder", 403), ("outsider", 404),
                                             ("peer", 404)])
def test_verify_page_permissions(client, org, responder, request, who, status):
    record = _submit(responder, org, CourseFactory(), _pdf())
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("training:record-verify", args=[record.pk]))
    assert response.status_code == status
    record.refresh_from_db()
    assert record.status == ("verified" if status == 302 else "pending")


def test_verification_queue_lists_pending_and_has_constant_queries(client, org, coordinator, responder, peer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = CourseFactory()
    client.force_login(coordinator)
    url = reverse("training:verification-queue")
    _submit(responder, org, course, _pdf())
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1
    _submit(peer, org, course, _pdf())
    _submit(peer, org, CourseFactory(), _pdf())
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3
    assert len(one.captured_queries) == len(three.captured_queries)


def test_verification_queue_forbidden_to_responders_and_empty_for_outsiders(client, org, responder, outsider):
    _submit(responder, org, CourseFactory(), _pdf())
    client.force_login(responder)
    assert client.get(reverse("training:verification-queue")).status_code == 403
    client.force_login(outsider)
    response = client.get(reverse("training:verification-queue"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
