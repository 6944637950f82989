from celery import shared_task

from .retention import retention_purge as run_retention_purge
from .semantics.services import embed_pending


@shared_task(name="engagement.retention_purge")
def retention_purge() -> dict[str, int]:
    """Beat runs this nightly; running it twice changes nothing the second time."""
    return run_retention_purge()


@shared_task(name="engagement.embed_feedback")
def embed_feedback() -> dict[str, int]:
    """Beat runs this every 30 seconds: the vector and detected language of every item received since.
    Batched, one transaction per batch; running it twice embeds nothing the second time."""
    return embed_pending()
