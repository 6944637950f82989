from celery import shared_task

from .services import invitation_expire_due


@shared_task(name="accounts.expire_invitations")
def expire_invitations() -> int:
    return invitation_expire_due()
