"""A real Celery worker on the real broker runs what the app enqueues after commit."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from apps.core.health import HEARTBEAT_CACHE_KEY
from apps.core.tasks import heartbeat
from apps.notifications.models import Notification
from apps.notifications.services import Contact, notify
from crisisprog.celery import app

pytestmark = [pytest.mark.celery_live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_worker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                          queues=["default", "notifications", "reports"], shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_live_worker_runs_the_beat_heartbeat(live_worker):
    cache.delete(HEARTBEAT_CACHE_KEY)
    heartbeat.delay()
    assert _wait_for(lambda: cache.get(HEARTBEAT_CACHE_KEY) is not None)


def test_live_worker_delivers_email_enqueued_after_commit(live_worker):
    with transaction.atomic():
        [email] = notify(kind="accounts.security", to=Contact(email="live@example.org"), dedupe_key="live:1",
                         rendered=("Live", "Body", ""))
    assert _wait_for(lambda: Notification.objects.get(pk=email.pk).status == Notification.Status.SENT)
    assert [m.subject for m in mail.outbox] == ["Live"]
