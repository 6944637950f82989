"""Redis stopped: pages keep working, what they enqueue is kept in the database and delivered when
the broker returns; /healthz names the broker. A private redis-server is started and stopped here,
so the shared one other tests use is never touched."""

import shutil
import socket
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from kombu import pools

from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.notifications.services import dispatch_due
from crisisprog.celery import app
from tests.factories import OrganizationFactory, user_with_role

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                             "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(10)


def _point_celery_at(url: str | None) -> None:
    # broker_url itself yields to the CELERY_BROKER_URL environment variable; the read/write URLs do not.
    app.conf.broker_read_url = app.conf.broker_write_url = url
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    pools.reset()  # kombu keeps connection pools per URL, process-wide
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(settings):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    original_options = dict(app.conf.broker_transport_options or {})
    settings.CELERY_BROKER_URL = url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    app.conf.task_always_eager = False
    redis = _start_redis(port)
    _point_celery_at(url)
    state = {"proc": redis, "port": port}
    yield state
    if state["proc"].poll() is None:
        _stop(state["proc"])
    app.conf.task_always_eager = True
    _point_celery_at(None)
    app.conf.broker_transport_options = original_options


def test_pages_keep_working_while_redis_is_down_and_nothing_is_lost(client, private_broker):
    coordinator = user_with_role(Role.COORDINATOR, OrganizationFactory(name="Harbor Peer Collective"))
    client.force_login(coordinator)
    _stop(private_broker["proc"])  # the broker goes away
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", private_broker["port"]), timeout=0.5).close()

    started = time.monotonic()
    response = client.post("/invitations/", {"email": "new.responder@example.org", "full_name": "Nia",
                                             "organization": coordinator.memberships.get().organization_id,
                                             "role": "responder"})
    assert response.status_code == 302, response.content[:500]
    assert time.monotonic() - started < 10  # failing fast, not hanging on the broker
    message = Notification.objects.get(kind="accounts.invitation")
    assert message.status == "queued"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["down"] == ["broker"]
    assert dispatch_due() == 0  # still down: nothing handed out, nothing marked

    private_broker["proc"] = _start_redis(private_broker["port"])  # the broker is back
    _point_celery_at(f"redis://127.0.0.1:{private_broker['port']}/0")
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, queues=["notifications"],
                      shutdown_timeout=10):
        assert dispatch_due() == 1
        deadline = time.monotonic() + 20
        while Notification.objects.get(pk=message.pk).status != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
    assert Notification.objects.get(pk=message.pk).status == "sent"
    assert [m.to for m in mail.outbox] == [["new.responder@example.org"]]
