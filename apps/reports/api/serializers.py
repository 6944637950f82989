from rest_framework import serializers

from apps.reports.kinds import report_kind_choices
from apps.reports.models import ReportRequest


class ReportRequestCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40, help_text="A report kind, e.g. training_transcript.")
    parameters = serializers.DictField(required=False, default=dict,
                                       help_text="The kind's parameters, e.g. {\"responder\": 12}.")

    def validate_kind(self, value: str) -> str:
        if value not in dict(report_kind_choices()):
            raise serializers.ValidationError("There is no report of that kind.")
        return value


class ReportRequestSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRequest
        fields = ["id", "kind", "title", "parameters", "status", "progress", "error", "page_count", "sha256", "size",
                  "created_at", "started_at", "finished_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        if obj.status != ReportRequest.Status.SUCCEEDED:
            return ""
        request = self.context.get("request")
        from django.urls import reverse

        url = reverse("report-request-download", args=[obj.pk])
        return request.build_absolute_uri(url) if request else url
