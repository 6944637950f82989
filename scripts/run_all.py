"""`make run`: the whole system on embedded defaults, then one "ready" banner.

In order: the folders under var/ (the file broker's among them, so nothing enqueued while seeding finds it
missing), the database (migrate), the demo data with an authenticator for each demo city-staff user
(`seed_demo --with-totp`), then the web server, a Celery worker and Celery beat side by side. When the
web server answers, one banner gives the address, the demo logins (with the staff's authenticator
secrets) and how to stop. The worker's and beat's periodic chatter goes to var/log/ (RUN_VERBOSE=1 shows it
here too); the web server's request log stays in the terminal.

Ctrl-C stops all three and exits 0. The terminal's Ctrl-C is made to reach this script alone (its own
process group becomes the terminal's foreground group), so `make` is not interrupted and reports no error,
and the three servers are stopped in order rather than each dying of the signal.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")
VERBOSE = os.environ.get("RUN_VERBOSE", "") not in ("", "0")
VAR = Path(os.environ.get("CRISISPROG_VAR_DIR") or ROOT / "var")
LOG = VAR / "log"

COMMANDS = {
    "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}"],
    "worker": [str(VENV_BIN / "celery"), "-A", "crisisprog", "worker", "-Q", "default,notifications,reports",
               "--loglevel", "INFO", "--concurrency", "2", "--without-mingle", "--without-gossip"],
    "beat": [str(VENV_BIN / "celery"), "-A", "crisisprog", "beat", "--loglevel", "INFO", "--pidfile="],
}


def say(text: str) -> None:
    print(f"crisisprog: {text}", flush=True)


def prepare() -> None:
    """Folders, database and demo data; each step's output goes to var/log/setup.log, shown only on failure."""
    for folder in ("broker/queue", "broker/processed", "broker/control", "mail", "cache", "media", "log"):
        (VAR / folder).mkdir(parents=True, exist_ok=True)
    setup_log = LOG / "setup.log"
    setup_log.write_text("", encoding="utf-8")
    steps = [("preparing the database", ["migrate", "--noinput", "-v", "1"]),
             ("loading the demo data", ["seed_demo", "--quiet", "--with-totp"])]
    for label, command in steps:
        say(f"{label}…")
        with setup_log.open("a", encoding="utf-8") as out:
            result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT,  # noqa: S603
                                    stdout=out, stderr=subprocess.STDOUT)
        if result.returncode:
            lines = setup_log.read_text(encoding="utf-8").splitlines()
            sys.stderr.write("\n".join(lines[-40:]) + "\n")
            raise SystemExit(f"crisisprog: {label} failed (exit {result.returncode}); all of it is in {setup_log}")


def take_the_terminal() -> int | None:
    """Make this process group the terminal's foreground group, so Ctrl-C interrupts only this script.
    Returns the group to give the terminal back to, or None without a terminal."""
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return None
        previous = os.tcgetpgrp(fd)
        if os.getpgrp() != os.getpid():
            os.setpgid(0, 0)
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may not set the foreground
        os.tcsetpgrp(fd, os.getpgrp())
        return previous
    except OSError:
        return None


def give_back_the_terminal(previous: int | None) -> None:
    if previous is not None:
        try:
            os.tcsetpgrp(sys.stdin.fileno(), previous)
        except OSError:
            pass


def start(name: str, command: list[str]) -> subprocess.Popen:
    # Each server in a group of its own: the terminal's Ctrl-C reaches only this script, which stops them.
    if name == "web" or VERBOSE:
        return subprocess.Popen(command, cwd=ROOT, process_group=0)  # noqa: S603
    with (LOG / f"{name}.log").open("a", encoding="utf-8") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                                process_group=0)


def wait_until_serving(processes: dict[str, subprocess.Popen]) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the web server did not answer on http://{HOST}:{PORT}/ within 90 s")


def banner() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisprog.settings.local")
    import django

    django.setup()
    from django.conf import settings

    from apps.accounts.management.commands.seed_demo import login_lines

    rule = "=" * 78
    logs = "the worker's and beat's logs are in var/log/ (RUN_VERBOSE=1 shows them here)"
    return "\n".join([
        rule,
        f"crisisprog is ready: {settings.SITE_URL}/",
        f"Sign in at {settings.SITE_URL}/accounts/login/ as any of these (city staff also give a code",
        "from an authenticator app holding the secret shown, or `oathtool --totp -b SECRET`):",
        *login_lines(),
        f"Mail the system sends is in var/mail/, text messages in var/sms/; {logs}.",
        "Press Ctrl-C to stop the web server, the worker and beat.",
        rule,
    ])


def stop(processes: dict[str, subprocess.Popen]) -> None:
    # The whole group of each: the web server's autoreloader runs the server in a child process.
    for process in processes.values():
        signal_group(process, signal.SIGTERM)
    deadline = time.time() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
            process.wait()


def signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except ProcessLookupError:
        pass


def _stop_on_signal(number, frame):
    raise KeyboardInterrupt


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisprog.settings.local")
    # The servers run in groups of their own, so a `kill` or a closed terminal must stop them through here.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    # Ctrl-C stops everything even when started from a shell's background job, which ignores SIGINT (and
    # Python then would not turn it into KeyboardInterrupt).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # The banner says what this is; Django's own "development server" warning would read as a fault.
    os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
    terminal = take_the_terminal()
    processes: dict[str, subprocess.Popen] = {}
    exit_code = 0
    try:
        prepare()
        say("starting the web server, a Celery worker and Celery beat…")
        processes = {name: start(name, command) for name, command in COMMANDS.items()}
        wait_until_serving(processes)
        print(banner(), flush=True)
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("stopping…")
    except RuntimeError as problem:
        say(f"{problem}; stopping the others (see var/log/).")
        exit_code = 1
    finally:
        stop(processes)
        give_back_the_terminal(terminal)
    if exit_code == 0:
        say("stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
