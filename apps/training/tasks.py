"""Training's background work. Thin: ids in, one service call."""

from celery import shared_task

from . import services


@shared_task(name="training.notify_imported_records")
def notify_imported_records(*, record_ids: list[int]) -> int:
    """Safe to run twice: each notice has a dedupe key."""
    return services.record_verified_notify(record_ids=record_ids)
