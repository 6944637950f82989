"""PostgreSQL restarted under load: gunicorn (production settings, persistent connections) keeps
serving a public page and the public feedback form from several client threads while a PRIVATE
PostgreSQL cluster is stopped (`pg_ctl stop -m fast`, which kills every connection) and started
again. During the gap each request fails fast and cleanly (503 with Retry-After, a short page, no
traceback); afterwards the same worker processes serve 2xx again within seconds; no feedback that
was answered 2xx is lost and no failed request left a half-written row.

The shared cluster other tests use is never touched: this one is initdb'ed into a temporary folder
and listens on a free port of its own.
"""

import glob
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from django.db import OperationalError
from django.test import Client

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "crisisprog_restart"
FAST = 5.0  # no request may take longer than this, even while the database is away
BEFORE, GAP, AFTER = 4.0, 4.0, 6.0
RECOVERY_LIMIT = 5.0
THANKS = b"We received your feedback."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PrivatePostgres:
    """A throw-away cluster. initdb refuses to run as root, so as root it runs as the postgres user."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="crisisprog-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres", group="postgres")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c max_connections=50")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        # Fast: every session is terminated at once, as in a restart or failover.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, db: str = DB_NAME) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def connect(self, db: str = DB_NAME) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=db, autocommit=True)

    def cleanup(self) -> None:
        if self.running():
            try:
                self.stop()
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres():
    bin_dir = _pg_bin()
    if bin_dir is None:
        message = "needs the PostgreSQL server binaries (initdb, pg_ctl)"
        if REQUIRE_SERVICES:
            pytest.fail(f"CRISISPROG_REQUIRE_SERVICES=1 but this test {message}", pytrace=False)
        pytest.skip(message)
    pg = PrivatePostgres(bin_dir)
    try:
        pg.init()
        pg.start()
        with pg.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        yield pg
    finally:
        pg.cleanup()


def _server_env(pg: PrivatePostgres, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "DJANGO_SETTINGS_MODULE"}
    cache = os.environ.get("CACHE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    env.update(
        DJANGO_SETTINGS_MODULE="tests.core.pg_restart_settings",
        SECRET_KEY=secrets.token_urlsafe(50),  # throw-away
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=pg.url(),
        DB_CONN_MAX_AGE="600",  # persistent connections: the ones the restart kills
        DB_CONNECT_TIMEOUT="3",
        CACHE_URL=cache if cache.startswith("redis") else "locmemcache://pg-restart",
        CELERY_BROKER_URL=broker if broker.startswith("redis") else "memory://",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        ENGAGEMENT_FEEDBACK_PER_HOUR="1000000",  # every client thread is 127.0.0.1
        LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class Result:
    kind: str
    started: float
    ended: float
    status: int | str
    body: bytes = b""
    retry_after: str | None = None
    marker: str = ""

    @property
    def ok(self) -> bool:
        served = isinstance(self.status, int) and 200 <= self.status < 300
        return served and (self.kind != "post" or THANKS in self.body)


def _http(port: int, method: str, path: str, *, body: str | None = None, headers: dict | None = None,
          kind: str = "get", marker: str = "") -> tuple[Result, http.client.HTTPResponse | None]:
    # Behind the TLS proxy production runs behind: gunicorn trusts X-Forwarded-Proto from 127.0.0.1.
    all_headers = {"X-Forwarded-Proto": "https", "Accept": "text/html", **(headers or {})}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=FAST * 3)
    started = time.monotonic()
    response = None
    try:
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        result = Result(kind, started, time.monotonic(), response.status, data, response.getheader("Retry-After"),
                        marker)
    except OSError as exc:
        result = Result(kind, started, time.monotonic(), f"transport: {type(exc).__name__}", marker=marker)
    finally:
        conn.close()
    return result, response


def _csrf(port: int) -> tuple[str, str]:
    result, response = _http(port, "GET", "/feedback/")
    assert result.status == 200, result.body[:500]
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', result.body).group(1).decode()
    return cookie, token


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return {int(p) for p in children.read_text().split()}
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


class Load:
    """A few client threads in a loop until stopped: GETs of /sessions/ and POSTs of feedback."""

    def __init__(self, port: int, language_id: int, getters: int = 3, posters: int = 2):
        self.port, self.language_id = port, language_id
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._get_loop, daemon=True) for _ in range(getters)]
        self.threads += [threading.Thread(target=self._post_loop, args=(_csrf(port),), daemon=True)
                         for _ in range(posters)]

    def _record(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)

    def _get_loop(self) -> None:
        while not self.stopping.is_set():
            self._record(_http(self.port, "GET", "/sessions/")[0])
            time.sleep(0.05)

    def _post_loop(self, csrf: tuple[str, str]) -> None:
        cookie, token = csrf
        while not self.stopping.is_set():
            marker = uuid.uuid4().hex
            body = urlencode({"csrfmiddlewaretoken": token, "text": f"Send trained neighbors. ref {marker}",
                              "language": self.language_id, "website": ""})
            self._record(_http(self.port, "POST", "/feedback/", body=body, kind="post", marker=marker, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
                "Origin": f"https://127.0.0.1:{self.port}"})[0])
            time.sleep(0.1)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> list[Result]:
        self.stopping.set()
        for thread in self.threads:
            thread.join(FAST * 4)
        return list(self.results)


def _tally(results: list[Result]) -> dict:
    tally: dict = {}
    for r in results:
        key = f"{r.kind} {r.status}" + (" (form error)" if r.kind == "post" and r.status == 200 and not r.ok else "")
        tally[key] = tally.get(key, 0) + 1
    return dict(sorted(tally.items()))


@pytest.mark.postgres
def test_postgres_restart_under_load_fails_cleanly_and_recovers_in_the_same_processes(private_postgres):
    pg = private_postgres
    port = _free_port()
    env = _server_env(pg, port)
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    with pg.connect() as conn:
        language_id = conn.execute("SELECT id FROM core_language WHERE code = 'en'").fetchone()[0]

    log_path = pg.dir / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "crisisprog.wsgi:application", "--config", "gunicorn.conf.py",
             # A worker recycled after N requests would change its PID for a reason other than the outage.
             "--max-requests", "0"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log_path.read_text()[-3000:]
            result, _ = _http(port, "GET", "/sessions/")
            if result.status == 200:
                break
            assert time.monotonic() < deadline, f"gunicorn did not serve /sessions/: {result.status}"
            time.sleep(0.3)
        # Every worker has booted and opened its persistent connection before the outage.
        for _ in range(20):
            _http(port, "GET", "/sessions/")
        workers_before = _worker_pids(server.pid)
        assert len(workers_before) == 2

        load = Load(port, language_id)
        load.start()
        time.sleep(BEFORE)
        stop_began = time.monotonic()
        pg.stop()
        stopped = time.monotonic()
        time.sleep(GAP / 2)
        health_during, _ = _http(port, "GET", "/healthz", headers={"Accept": "application/json"})
        time.sleep(GAP / 2)
        start_began = time.monotonic()
        pg.start()
        started = time.monotonic()
        time.sleep(AFTER)
        results = load.stop()
        health_after, _ = _http(port, "GET", "/healthz", headers={"Accept": "application/json"})
        workers_after = _worker_pids(server.pid)
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(40)
    server_log = log_path.read_text(errors="replace")

    before = [r for r in results if r.ended <= stop_began]
    during = [r for r in results if r.started >= stopped and r.ended <= start_began]
    after = [r for r in results if r.started >= started]
    transition = [r for r in results if r not in before and r not in during and r not in after]
    recovery = {kind: min((r.ended - started for r in after if r.kind == kind and r.ok), default=None)
                for kind in ("get", "post")}
    report = {"before": _tally(before), "during": _tally(during), "transition": _tally(transition),
              "after": _tally(after), "recovery_seconds": recovery, "pg_stop_seconds": round(stopped - stop_began, 2),
              "pg_start_seconds": round(started - start_began, 2),
              "slowest_request_seconds": round(max(r.ended - r.started for r in results), 2)}
    print("\nPostgreSQL restart under load:", report)

    # Before the outage: everything served.
    assert before and all(r.ok for r in before), report
    assert {r.kind for r in before} == {"get", "post"}
    # During the gap: a fast, clean 503 for every request, never a hang, a 500 or a traceback.
    assert {r.kind for r in during} == {"get", "post"}, report
    for r in during:
        assert r.status == 503, (r.kind, r.status, r.body[:300])
        assert r.retry_after == "10"
        assert len(r.body) < 2000 and b"Traceback" not in r.body and b"Briefly unavailable" in r.body
    # Transitions too: 2xx or 503, nothing else (the server's log says where anything else came from).
    assert all(r.ok or r.status == 503 for r in results), (report, [(r.kind, r.status, r.body[:300]) for r in results
                                                                    if not (r.ok or r.status == 503)],
                                                           server_log[-5000:])
    assert max(r.ended - r.started for r in results) < FAST, report
    assert health_during.status == 503 and b'"database"' in health_during.body, health_during.body
    assert b'"database": "down' in health_during.body
    assert health_after.status in (200, 503) and b'"database": "ok"' in health_after.body, health_after.body
    # After the restart: the same processes, back to 2xx within seconds, and nothing but 2xx after that.
    assert server_log.count("Booting worker") == 2, server_log[-3000:]
    assert workers_after == workers_before
    assert recovery["get"] is not None and recovery["get"] < RECOVERY_LIMIT, report
    assert recovery["post"] is not None and recovery["post"] < RECOVERY_LIMIT, report
    settled = [r for r in after if r.started >= started + RECOVERY_LIMIT]
    assert settled and all(r.ok for r in settled), report
    assert "Traceback" not in server_log, server_log[-5000:]

    # No feedback answered 2xx was lost; a failed request left no row, or (had the connection died
    # between COMMIT and its acknowledgement) a whole one: its audit event is there with it.
    with pg.connect() as conn:
        rows = dict(conn.execute("SELECT id, text FROM engagement_feedbackitem").fetchall())
        audited = {int(t) for (t,) in conn.execute(
            "SELECT target_id FROM core_auditevent WHERE action = 'engagement.feedback.received'").fetchall()}
    stored = {text.rsplit(" ", 1)[-1] for text in rows.values()}
    accepted = {r.marker for r in results if r.kind == "post" and r.ok}
    failed = {r.marker for r in results if r.kind == "post" and not r.ok}
    assert accepted <= stored
    assert stored - accepted <= failed
    assert audited == set(rows)
    print("feedback: accepted", len(accepted), "failed", len(failed), "stored", len(stored),
          "stored without a 2xx", len(stored - accepted))


def _database_gone(*args, **kwargs):
    raise OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")


@pytest.mark.django_db
def test_database_error_in_a_view_is_a_short_503_page(monkeypatch, caplog):
    monkeypatch.setattr("apps.engagement.selectors.public_session_list", _database_gone)
    response = Client().get("/sessions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    assert b"Briefly unavailable" in response.content and b"Traceback" not in response.content
    assert [r.getMessage() for r in caplog.records if r.name == "crisisprog.database"] == [
        "database unavailable: GET /sessions/: OperationalError"]


@pytest.mark.django_db
def test_database_error_in_the_api_is_a_json_503(monkeypatch):
    monkeypatch.setattr("apps.engagement.selectors.public_session_list", _database_gone)
    response = Client().get("/api/v1/engagement/sessions/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json() == {"detail": "The service is briefly unavailable. Try again in a moment.", "errors": {}}


@pytest.mark.django_db
def test_database_error_outside_a_view_is_a_503_too(monkeypatch):
    """Raised in a middleware (loading a signed-in user's session, say): handler500 answers 503."""
    monkeypatch.setattr("apps.accounts.middleware.StaffSessionIdleTimeoutMiddleware.__call__",
                        lambda self, request: _database_gone())
    response = Client(raise_request_exception=False).get("/sessions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"Briefly unavailable" in response.content


@pytest.mark.django_db
def test_other_errors_stay_500(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("apps.engagement.selectors.public_session_list", broken)
    response = Client(raise_request_exception=False).get("/sessions/")
    assert response.status_code == 500
    assert "Retry-After" not in response
