from celery import shared_task


@shared_task(name="scheduling.solve_roster", acks_late=True)
def solve_roster(*, run_id: int) -> None:
    """Solve one roster run. Safe to run twice: only the first run claims it."""
    from .roster.services import roster_solve

    roster_solve(run_id=run_id)


@shared_task(name="scheduling.apply_roster", acks_late=True)
def apply_roster(*, run_id: int) -> None:
    """Apply an accepted proposal too large to apply within the request. Safe to run twice."""
    from .roster.services import roster_apply

    roster_apply(run_id=run_id)
