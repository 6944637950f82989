from celery import shared_task

from .services import TRANSIENT_MAIL_ERRORS, email_deliver


@shared_task(
    name="notifications.send_email",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
)
def send_email(*, email_id: int) -> str:
    return email_deliver(email_id=email_id)
