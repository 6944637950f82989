from celery import shared_task


@shared_task(name="scheduling.solve_roster", acks_late=True)
def solve_roster(*, run_id: int) -> None:
    """Solve one roster run. Safe to run twice: only the first run claims it."""
    from .roster.services import roster_solve

    roster_solve(run_id=run_id)
