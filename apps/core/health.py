"""What /healthz checks: the database, the broker and the cache, each with a short timeout."""

import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

HEARTBEAT_CACHE_KEY = "core:worker-heartbeat"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_connect_timeout": 2,
                           "socket_timeout": 2},
        connect_timeout=2,
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
        # Opening a channel makes a round trip to the broker, not only a socket connect.
        conn.default_channel  # noqa: B018


def check_cache() -> None:
    nonce = secrets.token_hex(8)
    cache.set("core:healthz", nonce, timeout=30)
    if cache.get("core:healthz") != nonce:
        raise RuntimeError("the cache did not return what was written")


CHECKS = {"database": check_database, "broker": check_broker, "cache": check_cache}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # each failure is reported by name, never raised
            results[name] = f"down: {type(exc).__name__}"
        else:
            results[name] = "ok"
    return results


def worker_heartbeat_age() -> int | None:
    try:
        beat = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return None
    return None if beat is None else int(time.time() - beat)
