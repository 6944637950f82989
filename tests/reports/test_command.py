import pytest
from django.core.management import CommandError, call_command

from apps.accounts.roles import Role
from apps.reports.models import ReportRequest
from tests.factories import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_build_report_writes_the_pdf(tmp_path, capsys):
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    coordinator = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example")
    out = tmp_path / "timesheet.pdf"
    call_command("build_report", "timesheet", "--param", f"organization={harbor.pk}", "--param", "start=2026-11-01",
                 "--param", "end=2026-11-15", "--as", "CORA@harbor.example", "--out", str(out))
    report = ReportRequest.objects.get()
    assert out.read_bytes().startswith(b"%PDF-")
    assert (report.status, report.requested_by, report.page_count) == ("succeeded", coordinator, 1)
    assert f"Report #{report.pk}: 1 page, sha256 {report.sha256}" in capsys.readouterr().out


def test_build_report_refuses_bad_parameters_and_rights(tmp_path):
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example")
    with pytest.raises(CommandError, match="You may not run this kind of report."):
        call_command("build_report", "timesheet", "--param", f"organization={harbor.pk}", "--as",
                     "ray@harbor.example", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="--param takes KEY=VALUE"):
        call_command("build_report", "training_transcript", "--param", "oops", "--as", "ray@harbor.example",
                     "--out", str(tmp_path / "x.pdf"))
    assert not ReportRequest.objects.exists()
