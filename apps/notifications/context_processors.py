from .kinds import Channel
from .models import Notification


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(
        recipient_user=user, channel=Channel.IN_APP, read_at__isnull=True,
        status=Notification.Status.SENT).count()}
