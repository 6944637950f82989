from celery import shared_task

from .retention import retention_purge as run_retention_purge


@shared_task(name="engagement.retention_purge")
def retention_purge() -> dict[str, int]:
    """Beat runs this nightly; running it twice changes nothing the second time."""
    return run_retention_purge()
