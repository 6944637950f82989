from celery import shared_task


@shared_task(name="reports.run_report")
def run_report(*, report_id: int) -> None:
    """Build one report. Safe to run twice: only the first run claims it."""
    from .services import report_run

    report_run(report_id=report_id)
