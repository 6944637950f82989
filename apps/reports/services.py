"""Every write to report requests: request, run (claimed once), re-run, sweep, subscribe, monthly."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.queue import enqueue, enqueue_on_commit
from apps.notifications.services import notify

from .kinds import ReportKind, get_report_kind
from .labels import labels
from .models import ReportRequest, ReportSubscription
from .permissions import can_run_kind
from .renderer import render_pdf, render_preview

logger = logging.getLogger(__name__)

PROGRAM_MONTHLY = "program_monthly"
# A request still queued after this long was lost by the broker: it is failed, not left waiting.
QUEUED_TIMEOUT = timedelta(hours=6)
REQUEUE_AFTER = timedelta(minutes=2)
SWEEP_GRACE = timedelta(seconds=60)


class ParameterError(ApplicationError):
    """The parameters do not pass the kind's form. `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        first = next(iter(errors.values()), [""])[0]
        super().__init__(first or _("The report parameters are not valid."), field=next(iter(errors), None))
        self.errors = errors


def _kind(key: str) -> ReportKind:
    try:
        return get_report_kind(key)
    except LookupError:
        raise ApplicationError(_("There is no report of that kind."), field="kind", code="unknown_kind") from None


def _form(kind: ReportKind, *, user, parameters: dict):
    form = kind.form_class(data=parameters or {}, user=user)
    if not form.is_valid():
        raise ParameterError({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    return form


def report_request(*, by: User, kind: str, parameters: dict, period: str = "", enqueue: bool = True) -> ReportRequest:
    """Validate the parameters for this person and queue the report (built after commit)."""
    spec = _kind(kind)
    if not can_run_kind(by, spec):
        raise ApplicationError(_("You may not run this kind of report."), field="kind", code="forbidden")
    form = _form(spec, user=by, parameters=parameters)
    described = form.describe()
    with transaction.atomic():
        report = ReportRequest.objects.create(
            kind=spec.key, title=(f"{spec.label} — {described}" if described else str(spec.label))[:300],
            parameters=form.to_parameters(), requested_by=by, period=period)
        audit(actor=by, action="reports.report.requested", target=report,
              after={"kind": spec.key, "parameters": report.parameters, "period": period})
        if enqueue:
            from .tasks import run_report

            # If the broker is down the request stays queued; abandoned_reports_scan hands it out again.
            enqueue_on_commit(run_report, report_id=report.pk)
    return report


def report_rerun(*, report: ReportRequest, by: User) -> ReportRequest:
    """The same kind and parameters, checked again for this person, as a new request."""
    if report.requested_by_id != by.pk:
        raise ApplicationError(_("You can only re-run your own reports."), code="forbidden")
    return report_request(by=by, kind=report.kind, parameters=report.parameters)


def _progress(report_id: int, percent: int) -> None:
    ReportRequest.objects.filter(pk=report_id, status=ReportRequest.Status.RUNNING).update(
        progress=max(0, min(int(percent), 99)), updated_at=timezone.now())


def report_html(*, report: ReportRequest) -> str:
    """The document's HTML: the kind's form validates the stored parameters again for the requester
    (who may have lost access since), then the kind gathers its data with the requester's scope."""
    spec = _kind(report.kind)
    user = report.requested_by
    require(can_run_kind(user, spec), _("You no longer have the rights to run this report."))
    form = _form(spec, user=user, parameters=report.parameters)
    language = (form.cleaned_data.get(spec.language_parameter) if spec.language_parameter else "") \
        or user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = spec.gather(user=user, data=form.cleaned_data,
                              progress=lambda percent: _progress(report.pk, percent))
        extra_labels = context.pop("extra_labels", None)
        context.update(report=report, kind=spec, lang=language, L=labels(language, extra_labels),
                       generated_at=timezone.localtime(), requester=user)
        return render_to_string(spec.template, context)


def _fail(report_id: int, message: str) -> bool:
    return bool(ReportRequest.objects.filter(pk=report_id, status=ReportRequest.Status.RUNNING).update(
        status=ReportRequest.Status.FAILED, error=message[:2000], finished_at=timezone.now(),
        updated_at=timezone.now()))


def report_run(*, report_id: int) -> ReportRequest | None:
    """Build one report. The conditional UPDATE claims it: a redelivered task, or two workers given
    the same message, find it no longer queued and do nothing. Returns None when not claimed."""
    now = timezone.now()
    claimed = ReportRequest.objects.filter(pk=report_id, status=ReportRequest.Status.QUEUED).update(
        status=ReportRequest.Status.RUNNING, started_at=now, progress=5, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return None
    report = ReportRequest.objects.select_related("requested_by").get(pk=report_id)
    try:
        html = report_html(report=report)
        _progress(report.pk, 70)
        pdf = render_pdf(html)
    except ApplicationError as exc:
        _fail(report.pk, exc.message)
        report.refresh_from_db()
        return report
    except Exception as exc:  # the report fails with the error shown; the worker carries on
        logger.exception("report %s failed", report.pk)
        _fail(report.pk, f"{type(exc).__name__}: {exc}")
        report.refresh_from_db()
        return report
    report.file.save(f"report-{report.pk}.pdf", ContentFile(pdf.content), save=False)
    _progress(report.pk, 95)
    picture = render_preview(pdf.content)
    if picture:
        report.preview.save(f"report-{report.pk}-page1.png", ContentFile(picture), save=False)
    with transaction.atomic():
        finished = ReportRequest.objects.filter(pk=report.pk, status=ReportRequest.Status.RUNNING).update(
            status=ReportRequest.Status.SUCCEEDED, progress=100, file=report.file.name, sha256=pdf.sha256,
            preview=report.preview.name or "",
            page_count=pdf.page_count, size=len(pdf.content), error="", finished_at=timezone.now(),
            updated_at=timezone.now())
        if not finished:
            # The sweeper gave up on it meanwhile: keep its verdict, drop the files.
            for name in filter(None, (report.file.name, report.preview.name)):
                transaction.on_commit(lambda name=name: report.file.storage.delete(name))
        else:
            notify(kind="reports.ready", to=report.requested_by, dedupe_key=f"reports.ready:{report.pk}",
                   context={"title": report.title, "page_count": pdf.page_count},
                   target=report, link=reverse("reports:report-detail", args=[report.pk]))
    report.refresh_from_db()
    return report


def abandoned_reports_scan(*, now) -> int:
    """Fail requests a worker abandoned: running past the hard time limit, or never picked up."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + SWEEP_GRACE
    stuck = ReportRequest.objects.filter(status=ReportRequest.Status.RUNNING, started_at__lt=now - limit).update(
        status=ReportRequest.Status.FAILED, finished_at=now, updated_at=now,
        error=_("The report did not finish within %(seconds)s seconds and was stopped. Try again, or ask for a "
                "shorter period.") % {"seconds": settings.CELERY_TASK_TIME_LIMIT})
    lost = ReportRequest.objects.filter(status=ReportRequest.Status.QUEUED, created_at__lt=now - QUEUED_TIMEOUT).update(
        status=ReportRequest.Status.FAILED, finished_at=now, updated_at=now,
        error=_("The report was never started. Re-run it."))
    # The request row is the outbox: one still queued after a while (its publish was lost, say to a
    # broker outage) is handed out again; the run's claim makes a second delivery harmless.
    from .tasks import run_report

    waiting = ReportRequest.objects.filter(status=ReportRequest.Status.QUEUED,
                                           created_at__lt=now - REQUEUE_AFTER).values_list("pk", flat=True)
    requeued = sum(enqueue(run_report, report_id=pk) for pk in waiting)
    return stuck + lost + requeued


def subscription_set(*, user, kind: str, active: bool) -> ReportSubscription | None:
    spec = _kind(kind)
    if active and not can_run_kind(user, spec):
        raise ApplicationError(_("You may not receive this kind of report."), field="kind", code="forbidden")
    with transaction.atomic():
        subscription, _created = ReportSubscription.objects.update_or_create(
            user=user, kind=spec.key, defaults={"is_active": active})
        audit(actor=user, action="reports.subscription." + ("started" if active else "stopped"), target=subscription)
    return subscription


def previous_month(now) -> str:
    first = timezone.localtime(now).date().replace(day=1)
    last_month = first - timedelta(days=1)
    return f"{last_month:%Y-%m}"


def monthly_reports_scan(*, now) -> int:
    """On the 1st (city time), last month's program report for each subscriber, once per month."""
    if timezone.localtime(now).day != 1:
        return 0
    period = previous_month(now)
    created = 0
    for subscription in (ReportSubscription.objects.filter(kind=PROGRAM_MONTHLY, is_active=True,
                                                           user__is_active=True)
                         .select_related("user").order_by("pk")):
        user = subscription.user
        if not can_run_kind(user, PROGRAM_MONTHLY):
            continue
        if ReportRequest.objects.filter(requested_by=user, kind=PROGRAM_MONTHLY, period=period).exists():
            continue
        try:
            with transaction.atomic():
                report_request(by=user, kind=PROGRAM_MONTHLY, parameters={"month": period}, period=period)
        except IntegrityError:  # a concurrent scan made it first
            continue
        except ApplicationError as exc:
            logger.warning("monthly report for user %s not made: %s", user.pk, exc.message)
            continue
        created += 1
    return created
