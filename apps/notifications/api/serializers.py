from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.schema import KeyField
from apps.notifications.kinds import Channel, Kind, all_kinds
from apps.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body_text", "link", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer):
    # min_length documents in the schema what allow_empty refuses (with its own message).
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_empty=False, min_length=1,
                                help_text="Omit to mark every notification read.")


def _kind_keys() -> list[str]:
    # Every kind, not only the optional ones: turning off a required notice gets its own message.
    return [kind.key for kind in all_kinds()]


class PreferenceSerializer(serializers.Serializer):
    kind = KeyField(keys=_kind_keys, message=_("Unknown kind of notification."),
                    help_text="A kind of message (see GET for those you may turn off).")
    label = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()

    @staticmethod
    def rows(kind: Kind, off: set[tuple[str, str]]) -> list[dict]:
        return [{"kind": kind.key, "label": str(kind.label), "channel": c, "enabled": (kind.key, c) not in off}
                for c in kind.channels]
