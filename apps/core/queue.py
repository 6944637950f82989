"""Handing work to Celery without letting a broker outage break a request.

The database is the outbox: every piece of work that matters is a row first (a Notification, a
ReportRequest) and a periodic sweeper hands out rows that are due and not yet taken. Publishing to
the broker right after commit is only the fast path; if the broker is down it is logged and the
sweeper delivers the work when the broker is back. Nothing is lost and the request still succeeds.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# Fail fast: a request must not hang for long on a broker that is away.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError)


def enqueue(task, **kwargs) -> bool:
    """Publish `task` with keyword arguments. Returns False (and logs) when the broker is unreachable."""
    try:
        task.apply_async(kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except BROKER_ERRORS as exc:
        logger.warning("broker unavailable, %s left for its sweeper: %s", task.name, exc)
        return False
    return True


def enqueue_on_commit(task, **kwargs) -> None:
    """Publish after the surrounding transaction commits (never for work that was rolled back)."""
    transaction.on_commit(lambda: enqueue(task, **kwargs))
