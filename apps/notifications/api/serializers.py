from rest_framework import serializers

from apps.notifications.kinds import Channel, Kind
from apps.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body_text", "link", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_empty=False,
                                help_text="Omit to mark every notification read.")


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()

    @staticmethod
    def rows(kind: Kind, off: set[tuple[str, str]]) -> list[dict]:
        return [{"kind": kind.key, "label": str(kind.label), "channel": c, "enabled": (kind.key, c) not in off}
                for c in kind.channels]
