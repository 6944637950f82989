import time

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from .health import HEARTBEAT_CACHE_KEY


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat runs this every minute; /healthz reports how long ago a worker last did."""
    cache.set(HEARTBEAT_CACHE_KEY, time.time(), timeout=60 * 60)


@shared_task(name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
