"""Build a report now, on the same code path as the Celery task, and write the PDF to a file.

    manage.py build_report training_compliance --param organization=3 --param role=responder \
        --as coordinator@demo.crisisprog.org --out compliance.pdf
"""

import shutil

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.reports import services
from apps.reports.kinds import report_kind_choices
from apps.reports.models import ReportRequest


class Command(BaseCommand):
    help = "Build a PDF report synchronously (same code path as the worker) and write it to --out."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k for k, _label in report_kind_choices()])
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                            help="A report parameter; repeat for each one.")
        parser.add_argument("--as", dest="as_email", required=True, help="Email of the person it is built for.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")

    def handle(self, *args, kind, param, as_email, out, **options):
        user = User.objects.filter(email__iexact=as_email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {as_email}.")
        parameters = {}
        for item in param:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"--param takes KEY=VALUE, not {item!r}.")
            parameters[key.strip()] = value
        try:
            report = services.report_request(by=user, kind=kind, parameters=parameters, enqueue=False)
        except services.ParameterError as error:
            raise CommandError("; ".join(f"{f}: {' '.join(m)}" for f, m in error.errors.items())) from None
        except ApplicationError as error:
            raise CommandError(error.message) from None
        report = services.report_run(report_id=report.pk)
        if report.status != ReportRequest.Status.SUCCEEDED:
            raise CommandError(f"Report #{report.pk} failed: {report.error}")
        with report.file.open("rb") as source, open(out, "wb") as target:
            shutil.copyfileobj(source, target)
        pages = "1 page" if report.page_count == 1 else f"{report.page_count} pages"
        self.stdout.write(f"Report #{report.pk}: {pages}, sha256 {report.sha256} → {out}")
