"""Put on PYTHONPATH by tests/support/clock.py when CRISISPROG_TEST_NOW is set: a Python subprocess started
by a test (Celery worker, gunicorn, manage.py) runs on the test session's simulated clock."""

import os
import sys

if os.environ.get("CRISISPROG_TEST_CLOCK"):
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
    from tests.support.clock import follow_session_clock

    follow_session_clock()
    sys.path.pop(0)
