"""POST /api/v1/training/records/import/: the CSV import of completed training, for scripts.

`dry_run=true` (the default) checks the file and returns the row report; `dry_run=false` checks it
and, when it has no problem, writes every record in one transaction. A file with problems is a 400
whose body lists every problem with its row and column; nothing is written.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organization
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.training import services
from apps.training.imports import ImportReport, max_bytes
from apps.training.permissions import managed_organization_ids


class RecordImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file (UTF-8): email, course_code, completed_on (YYYY-MM-DD), "
                                           "optional expires_on and certificate_number. Header names are matched "
                                           "case-insensitively; other columns are ignored.")
    organization = serializers.SlugField(max_length=200, required=False,
                                         help_text="The organization's slug; may be left out when you look after "
                                                   "the training of only one organization.")
    dry_run = serializers.BooleanField(default=True, help_text="true (default): check only. false: check, then "
                                                               "import when there is no problem.")


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="The file's row (the header is row 1); null: the "
                                                              "whole file.")
    column = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    email = serializers.CharField()
    responder = serializers.IntegerField(allow_null=True)
    responder_name = serializers.CharField()
    course_code = serializers.CharField()
    course_title = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    certificate_number = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "skip"])


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    organization = serializers.CharField()
    file_sha256 = serializers.CharField()
    row_count = serializers.IntegerField()
    to_create = serializers.IntegerField()
    skipped = serializers.IntegerField()
    created = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the records created.")
    problems = ImportProblemSerializer(many=True)
    notes = ImportProblemSerializer(many=True)
    rows = ImportRowSerializer(many=True)


class ImportErrorSerializer(ErrorSerializer):
    problems = ImportProblemSerializer(many=True, required=False)
    notes = ImportProblemSerializer(many=True, required=False)


def _report_data(report: ImportReport, *, dry_run: bool) -> dict:
    return {
        "dry_run": dry_run, "organization": report.organization.slug, "file_sha256": report.file_sha256,
        "row_count": len(report.rows), "to_create": len(report.to_create), "skipped": len(report.skipped),
        "created": [record.pk for record in report.created],
        "problems": [p.as_dict() for p in report.problems], "notes": [n.as_dict() for n in report.notes],
        "rows": [r.as_dict() for r in report.rows],
    }


class RecordImportView(APIView):
    """Import completed training from a CSV file (trainers and coordinators, for their organization)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["training"], request={"multipart/form-data": RecordImportRequestSerializer},
        responses={200: OpenApiResponse(ImportReportSerializer, description="Checked (dry run): nothing written."),
                   201: OpenApiResponse(ImportReportSerializer, description="Imported."),
                   400: OpenApiResponse(ImportErrorSerializer, description="Problems in the request or the file; "
                                                                           "nothing written."),
                   403: OpenApiResponse(ErrorSerializer)})
    def post(self, request):
        organizations = Organization.objects.filter(pk__in=managed_organization_ids(request.user), is_active=True)
        if not organizations.exists():
            raise PermissionDenied(_("Only trainers and coordinators can import training records."))
        serializer = RecordImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("organization"):
            organization = organizations.filter(slug=data["organization"]).first()
            if organization is None:
                # Another organization's slug is "not found", never "not allowed".
                raise ApplicationError(_("No organization whose training you look after has this slug."),
                                       field="organization")
        else:
            managed = list(organizations[:2])
            if len(managed) != 1:
                raise ApplicationError(_("You look after several organizations: name one."), field="organization")
            organization = managed[0]
        upload = data["file"]
        if upload.size > max_bytes():
            raise ApplicationError(_("The file is larger than %(mb)s MB; split it into smaller files.")
                                   % {"mb": max(1, max_bytes() // (1024 * 1024))}, field="file")
        upload.seek(0)
        report = services.records_import(by=request.user, organization=organization,
                                         content=upload.read(max_bytes() + 1), file_name=upload.name or "",
                                         dry_run=data["dry_run"])
        if not report.ok:
            # The usual error body, plus every problem with its row and column.
            return Response({"detail": report.summary(), "errors": {"file": [report.summary()]},
                             "problems": [p.as_dict() for p in report.problems],
                             "notes": [n.as_dict() for n in report.notes]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_report_data(report, dry_run=data["dry_run"]),
                        status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED)
