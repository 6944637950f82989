from rest_framework import serializers

from apps.core.models import AuditEvent, Language, Neighborhood


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class NeighborhoodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Neighborhood
        fields = ["id", "name", "slug"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["id", "code", "name", "native_name", "is_signed"]


class AuditEventSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    seq = serializers.IntegerField(read_only=True, allow_null=True,
                                   help_text="Position in the chain; null until the sealer chains the event (seconds).")
    prev_hash = serializers.CharField(read_only=True, help_text="Empty until sealed.")
    hash = serializers.CharField(read_only=True, help_text="Empty until sealed.")

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor_label", "action", "target_type", "target_id", "target_label",
                  "organization", "before", "after", "seq", "prev_hash", "hash"]

    def get_target_type(self, obj) -> str:
        return f"{obj.target_type.app_label}.{obj.target_type.model}" if obj.target_type_id else ""
