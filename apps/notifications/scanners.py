"""Periodic scanners find what is due (reminders, expiries) and call `notify` with a dedupe key.

Each app registers its scanners from AppConfig.ready(). Beat runs them all every few minutes; a
scanner that runs twice, or twice at once, sends nothing twice because the dedupe key is unique.
Scanners look at a window ("starts within 24 hours and not yet reminded"), never at long ETAs.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger(__name__)

_scanners: dict[str, Callable[..., int]] = {}


def register_scanner(key: str, scanner: Callable[..., int]) -> None:
    """`scanner(*, now)` returns how many messages it created."""
    _scanners[key] = scanner


def registered_scanners() -> dict[str, Callable[..., int]]:
    return dict(_scanners)


def run_scanners(*, now: datetime | None = None, only: list[str] | None = None) -> dict[str, int | str]:
    now = now or timezone.now()
    results: dict[str, int | str] = {}
    for key, scanner in sorted(_scanners.items()):
        if only and key not in only:
            continue
        try:
            results[key] = scanner(now=now)
        except Exception as exc:  # one broken scanner must not stop the others
            logger.exception("scanner %s failed", key)
            results[key] = f"error: {type(exc).__name__}"
    return results
