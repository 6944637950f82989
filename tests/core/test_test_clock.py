"""CRISISPROG_TEST_NOW: the session clock reaches the Python subprocesses the tests start."""

import os
import subprocess
import sys
import time
from datetime import datetime

import pytest
import time_machine

from tests.support.clock import ENV_CLOCK, SITE_DIR, parse_instant

PROBE = "import time; print(time.time())"


def _time_in_subprocess(env: dict) -> float:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, check=True)
    return float(out.stdout)


def test_a_subprocess_runs_on_the_sessions_clock():
    """Whatever the session's clock (real, or CRISISPROG_TEST_NOW's), a child Python sees the same time."""
    assert abs(_time_in_subprocess(dict(os.environ)) - time.time()) < 30


def test_a_subprocess_follows_a_clock_it_is_handed():
    simulated = datetime.fromisoformat("2028-02-29T12:00:00-05:00").timestamp()
    env = {k: v for k, v in os.environ.items() if k != ENV_CLOCK}
    hatch = time_machine.escape_hatch
    real = hatch.time.time() if hatch.is_travelling() else time.time()  # the real clock, even when travelling
    env[ENV_CLOCK] = f"{simulated!r}@{real!r}"
    env["PYTHONPATH"] = str(SITE_DIR)
    assert abs(_time_in_subprocess(env) - simulated) < 30


@pytest.mark.parametrize("value", ["2027-11-06 23:40", "yesterday"])
def test_an_instant_without_offset_or_not_iso_is_refused(value):
    with pytest.raises(SystemExit, match="CRISISPROG_TEST_NOW"):
        parse_instant(value)
