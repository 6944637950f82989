from django.db.models import QuerySet

from .kinds import Channel
from .models import Notification


def inbox(*, user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(
        recipient_user=user, channel=Channel.IN_APP, status=Notification.Status.SENT
    ).order_by("-created_at", "-id")
