"""`CRISISPROG_TEST_NOW`: run the whole test session as if it had started at another instant.

Set `CRISISPROG_TEST_NOW` to an ISO 8601 instant with its offset (``2027-11-06T23:40:00-04:00``) and the
pytest session starts there with a ticking clock (time-machine). Python subprocesses the tests start (a
Celery worker, gunicorn, manage.py) follow the same clock: the session exports the instant it moved to
and the real instant it did so (`CRISISPROG_TEST_CLOCK`), and puts `clock_site/` on PYTHONPATH so that
their `sitecustomize` moves them to the same simulated instant before any other code runs. The live
server runs in a thread of the pytest process, so it shares that process's clock.

Tests that travel to a fixed date themselves (time_machine.travel) still do so: travels nest.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

ENV_NOW = "CRISISPROG_TEST_NOW"
ENV_CLOCK = "CRISISPROG_TEST_CLOCK"  # "<simulated epoch seconds>@<real epoch seconds>", for subprocesses
SITE_DIR = Path(__file__).resolve().parent / "clock_site"


def parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise SystemExit(f"{ENV_NOW}={value!r} is not an ISO 8601 instant: {error}") from None
    if instant.tzinfo is None:
        raise SystemExit(f"{ENV_NOW}={value!r} needs a UTC offset, e.g. 2027-11-06T23:40:00-04:00")
    return instant


def start_session_clock() -> datetime | None:
    """Move this process (and, through the environment, its subprocesses) to CRISISPROG_TEST_NOW."""
    value = os.environ.get(ENV_NOW)
    if not value:
        return None
    import time_machine

    instant = parse_instant(value)
    real = time.time()
    time_machine.travel(instant, tick=True).start()
    os.environ[ENV_CLOCK] = f"{instant.timestamp()!r}@{real!r}"
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(SITE_DIR) + (os.pathsep + path if path else "")
    return instant


def follow_session_clock() -> None:
    """In a subprocess: travel to where the session's clock is now (its instant plus the real time since)."""
    value = os.environ.get(ENV_CLOCK)
    if not value:
        return
    simulated, real = (float(part) for part in value.split("@"))
    import time_machine

    time_machine.travel(simulated + (time.time() - real), tick=True).start()
