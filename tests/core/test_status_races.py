"""Status changes outside scheduling racing each other, on PostgreSQL (core.transitions).

Each racer is handed its own copy of the object, read before the race as a view reads it; they
queue behind a third connection's row lock in a known order (tests.support.races). The second must
see what the first committed, not its stale copy: refused, or finding the work done, with one audit
event and one notice.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.models import Invitation
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.engagement import services as engagement
from apps.engagement.models import CommunitySession
from apps.notifications.models import Notification
from apps.training import services as training
from apps.training.models import TrainingRecord
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.engagement import RegistrationFactory, SessionFactory, moderator_of
from tests.factories.training import CourseFactory, TrainingRecordFactory
from tests.support.races import queue_behind_a_lock, two_copies

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _events(action: str, target) -> int:
    return AuditEvent.objects.filter(action=action, target_id=str(target.pk)).count()


@pytest.fixture
def pending_record():
    """A record waiting for verification, with a coordinator and a trainer who may each decide it."""
    org = OrganizationFactory()
    responder = user_with_role(Role.RESPONDER, org)
    record = TrainingRecordFactory(responder=responder, organization=org, course=CourseFactory(),
                                   status=TrainingRecord.Status.PENDING, verified_at=None)
    return record, user_with_role(Role.COORDINATOR, org), user_with_role(Role.TRAINER, org)


def test_a_record_rejected_after_a_concurrent_verification_is_refused(pending_record):
    record, coordinator, trainer = pending_record
    verifying, rejecting = two_copies(record)

    verify, reject = queue_behind_a_lock(
        TrainingRecord, record.pk,
        lambda: training.record_verify(record=verifying, by=coordinator),
        lambda: training.record_reject(record=rejecting, by=trainer, reason="Blurred scan"))

    assert verify.error is None
    assert (type(reject.error), reject.error.message) == (
        ApplicationError, "Only a record waiting for verification can be rejected.")
    record.refresh_from_db()
    assert (record.status, record.verified_by, record.rejection_reason) == ("verified", coordinator, "")
    assert (_events("training.record.verified", record), _events("training.record.rejected", record)) == (1, 0)
    assert not Notification.objects.filter(kind="training.record_rejected").exists()


def test_two_simultaneous_verifications_audit_and_notify_once(pending_record):
    record, coordinator, trainer = pending_record
    first_copy, second_copy = two_copies(record)

    first, second = queue_behind_a_lock(
        TrainingRecord, record.pk,
        lambda: training.record_verify(record=first_copy, by=coordinator),
        lambda: training.record_verify(record=second_copy, by=trainer))

    assert (first.error, second.error) == (None, None)
    record.refresh_from_db()
    assert (record.status, record.verified_by) == ("verified", coordinator)
    assert _events("training.record.verified", record) == 1
    assert Notification.objects.filter(kind="training.record_verified", channel="in_app").count() == 1


def test_a_session_cancelled_after_a_concurrent_close_is_refused_and_nobody_is_told():
    session = SessionFactory(starts_at=timezone.now() - timedelta(hours=1),
                             ends_at=timezone.now() + timedelta(hours=1))
    RegistrationFactory(session=session, email="resident@example.org", contact_consent=True)
    moderator = moderator_of(session.organization)
    closing, cancelling = two_copies(session)

    close, cancel = queue_behind_a_lock(
        CommunitySession, session.pk,
        lambda: engagement.session_close(by=moderator, session=closing, summary_notes="Forty came."),
        lambda: engagement.session_cancel(by=moderator, session=cancelling, reason="Storm"))

    assert close.error is None
    assert (type(cancel.error), cancel.error.message) == (ApplicationError, "A completed session cannot be cancelled.")
    session.refresh_from_db()
    assert (session.status, session.cancellation_reason) == ("completed", "")
    assert (_events("engagement.session.closed", session), _events("engagement.session.cancelled", session)) == (1, 0)
    assert not Notification.objects.filter(kind="engagement.session_cancelled").exists()


def test_the_expiry_scanner_leaves_an_invitation_revoked_a_moment_before():
    org = OrganizationFactory()
    coordinator = user_with_role(Role.COORDINATOR, org)
    invitation = accounts.invitation_create(by=coordinator, email="new@example.org", organization=org,
                                            role=Role.RESPONDER)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    revoking = Invitation.objects.get(pk=invitation.pk)

    revoke, expire = queue_behind_a_lock(
        Invitation, invitation.pk,
        lambda: accounts.invitation_revoke(by=coordinator, invitation=revoking),
        accounts.invitation_expire_due)

    assert (revoke.error, expire.error, expire.result) == (None, None, 0)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert (_events("accounts.invitation.revoked", invitation), _events("accounts.invitation.expired", invitation)) == (
        1, 0)
