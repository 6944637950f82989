"""`make run` as a newcomer meets it: in a terminal, on a fresh folder, nothing alarming before the "ready"
banner (which gives the right address and the demo logins), and Ctrl-C stops everything with exit 0.

The run is real: `make run` in a pseudo-terminal (so Ctrl-C is the terminal's own interrupt, as a person
presses it), with its var/ folder in a temporary directory (CRISISPROG_VAR_DIR) and a free port
(RUN_PORT), on the embedded defaults (SQLite, file broker) whatever services this suite itself uses.
"""

import logging
import os
import pty
import re
import select
import shutil
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from apps.core.logs import ClientErrorsWithoutTraceback

ROOT = Path(__file__).resolve().parents[2]
ALARMING = re.compile(r"warning|error|traceback|exception|no such file|unavailable", re.IGNORECASE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the program, with the pseudo-terminal as its terminal
            os.chdir(ROOT)
            # As in a new terminal: a suite started as a background job inherits SIGINT ignored.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execvpe(argv[0], argv, env)
        self.output = b""

    def read_until(self, text: str, timeout: float) -> bool:
        deadline = time.time() + timeout
        while text.encode() not in self.output and time.time() < deadline:
            if not self.pump(0.5):
                break
        return text.encode() in self.output

    def pump(self, seconds: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the program ended and closed the terminal
                return False
            if not chunk:
                return False
            self.output += chunk
        return True

    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace").replace("\r\n", "\n")

    def wait(self, timeout: float) -> int | None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.pump(0.2)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        return None

    def kill(self) -> None:
        try:
            os.killpg(self.pid, 9)
        except ProcessLookupError:
            pass


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_is_quiet_until_ready_and_ctrl_c_exits_0(tmp_path):
    port = _free_port()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(tmp_path)), "LANG": "C.UTF-8",
           "CRISISPROG_VAR_DIR": str(tmp_path / "var"), "RUN_PORT": str(port)}
    terminal = Terminal(["make", "--no-print-directory", "run"], env)
    try:
        assert terminal.read_until("Press Ctrl-C to stop", timeout=240), terminal.text()[-3000:]
        # From run_all's first line: before it, make may install the requirements (a checkout newer than the
        # venv), and pip's notes about this machine's package index are not the program's to silence.
        before_ready = terminal.text().split("crisisprog is ready")[0]
        before_ready = before_ready[before_ready.index("crisisprog: preparing the database"):]
        assert [line for line in before_ready.splitlines() if ALARMING.search(line)] == []
        banner = terminal.text().split("crisisprog is ready")[1]
        # The address and every link the system sends follow RUN_PORT.
        assert f"http://127.0.0.1:{port}/accounts/login/" in banner
        assert "Password for every demo user: crisisprog-demo-2026" in banner
        # City staff sign in with the authenticator secret printed beside their login.
        assert re.search(r"moderator@demo\.crisisprog\.org .* authenticator secret [A-Z2-7]{32}", banner)

        # The browser's favicon request is pointed at the icon, not answered with a 404 page.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/favicon.ico")
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=10)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == "/static/favicon.svg"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=10) as icon:  # noqa: S310
            assert icon.headers["Content-Type"].startswith("image/svg+xml")

        terminal.pump(1)
        os.write(terminal.fd, b"\x03")  # Ctrl-C, as the terminal sends it: SIGINT to its foreground group
        code = terminal.wait(timeout=60)
        assert code == 0, terminal.text()[-2000:]
        tail = terminal.text().split("Press Ctrl-C to stop")[1]
        assert "crisisprog: stopped." in tail
        assert "Interrupt" not in tail and "Error" not in tail
    finally:
        terminal.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionError("denied")
    except PermissionError:
        import sys

        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x", None,
                                   sys.exc_info())
    record.status_code = status_code
    return record


def test_a_client_error_is_logged_as_one_line_and_a_server_error_keeps_its_traceback():
    quiet = ClientErrorsWithoutTraceback()
    forbidden, crashed = _record(403), _record(500)
    assert quiet.filter(forbidden) and quiet.filter(crashed)
    assert forbidden.exc_info is None
    assert crashed.exc_info is not None
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    assert formatter.format(forbidden) == "WARNING django.request Forbidden: /x"
    assert "Traceback" in formatter.format(crashed)


def test_the_console_handler_applies_the_filter_and_django_does_not_log_twice(settings):
    assert "client_errors" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["loggers"]["django"] == {"handlers": [], "propagate": True}
    assert logging.getLogger("django").handlers == []
