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

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor_label", "action", "target_type", "target_id", "target_label",
                  "organization", "before", "after", "prev_hash", "hash"]

    def get_target_type(self, obj) -> str:
        return f"{obj.target_type.app_label}.{obj.target_type.model}" if obj.target_type_id else ""
