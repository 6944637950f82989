"""A real Celery worker on Redis is killed (SIGKILL) in the middle of a batch; after a restart every
reminder is delivered exactly once, counted by a real SMTP server."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.notifications.models import Notification
from apps.notifications.services import dispatch_due
from crisisprog.celery import app
from tests.support.smtp_sink import SMTPSink

pytestmark = [pytest.mark.postgres, pytest.mark.celery_live, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
COUNT = 60
TRAPPED = 25
LEASE_SECONDS = 3


def _worker_env(smtp_port: int) -> dict:
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DJANGO_SETTINGS_MODULE="crisisprog.settings.local", DATABASE_URL=database_url,
               CELERY_BROKER_URL=settings.CELERY_BROKER_URL, CACHE_URL="locmemcache://worker",
               EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}", NOTIFICATION_LEASE_SECONDS=str(LEASE_SECONDS),
               SECRET_KEY=settings.SECRET_KEY, DEBUG="0")
    return env


def _start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crisisprog", "worker", "--pool", "solo", "-Q", "notifications",
         "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "WARNING",
         "-n", f"crash-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture
def broker():
    app.conf.task_always_eager = False
    app.control.purge()
    yield
    app.control.purge()
    app.conf.task_always_eager = True


def test_worker_killed_mid_batch_every_reminder_sent_exactly_once(broker):
    rows = [Notification(kind="accounts.security", channel="email", dedupe_key=f"crash:{i}",
                         recipient_email=f"r{i}@example.org", subject=f"Reminder {i}", body_text="See you there")
            for i in range(COUNT)]
    Notification.objects.bulk_create(rows)
    workers = []
    with SMTPSink(trap=f"r{TRAPPED}@example.org") as sink:
        env = _worker_env(sink.port)
        try:
            assert dispatch_due() == COUNT  # one batch task of 60 on the broker
            first = _start_worker(env)
            workers.append(first)
            assert sink.trapped.wait(60), "the worker never reached the trapped message"
            # The worker has delivered 25 messages and is now mid-conversation about the 26th.
            assert len(sink.messages) == TRAPPED
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
            sink.release()
            statuses = dict(Notification.objects.values_list("dedupe_key", "status"))
            assert statuses[f"crash:{TRAPPED}"] == "sending"
            assert statuses[f"crash:{TRAPPED + 1}"] == "sending"  # claimed with the batch, lease running

            workers.append(_start_worker(env))
            deadline = time.monotonic() + 90
            while Notification.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
                dispatch_due()  # what beat does every minute
                time.sleep(1)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
                    worker.wait(15)
        assert list(Notification.objects.exclude(status="sent").values_list("dedupe_key", "status")) == []
        counts = sink.message_id_counts()
    expected = {f"<notification-{pk}@crisisprog.local>" for pk in Notification.objects.values_list("pk", flat=True)}
    assert set(counts) == expected
    assert max(counts.values()) == 1
    assert Notification.objects.get(dedupe_key=f"crash:{TRAPPED}").attempts == 2
