from celery import shared_task

from . import services
from .scanners import run_scanners


@shared_task(name="notifications.deliver")
def deliver_notifications(*, notification_ids: list[int]) -> dict[str, int]:
    return services.deliver(notification_ids=notification_ids)


@shared_task(name="notifications.dispatch_due")
def dispatch_due() -> int:
    return services.dispatch_due()


@shared_task(name="notifications.run_scanners")
def scan() -> dict:
    return run_scanners()
