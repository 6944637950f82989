from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.schema import KeyField
from apps.reports.kinds import report_kind_choices
from apps.reports.models import ReportRequest


class ReportRequestCreateSerializer(serializers.Serializer):
    kind = KeyField(keys=lambda: dict(report_kind_choices()), max_length=40,
                    message=_("There is no report of that kind."),
                    help_text="A report kind, e.g. training_transcript.")
    parameters = serializers.DictField(required=False, default=dict,
                                       help_text="The kind's parameters, e.g. {\"responder\": 12}.")


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


class SubscriptionInputSerializer(serializers.Serializer):
    active = serializers.BooleanField(help_text="true: receive it every month; false: stop")


class SubscriptionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    active = serializers.BooleanField()
