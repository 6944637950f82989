import time

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from .audit import seal_chain
from .health import HEARTBEAT_CACHE_KEY


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat runs this every minute; /healthz reports how long ago a worker last did."""
    cache.set(HEARTBEAT_CACHE_KEY, time.time(), timeout=60 * 60)


@shared_task(name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="core.seal_audit_chain", ignore_result=True)
def seal_audit_chain() -> int:
    """Beat runs this every AUDIT_SEAL_INTERVAL_SECONDS: chain the audit events committed since the
    last run. When another sealer is at work it returns at once (the next run picks up what is left);
    running twice seals nothing twice."""
    return seal_chain(wait=False)
