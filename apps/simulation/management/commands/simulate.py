"""`manage.py simulate`: the program through simulated time on PostgreSQL and Redis.

Starts from seed_demo (and the simulation's own people) at --start, advances a frozen clock, runs
every beat task at its scheduled times and drives people through the services and pages; checks the
program's invariants at each checkpoint (weekly, each DST night, each month end, the end) and asks
every route for every role at the DST nights, month ends and the end, a rotating slice of them weekly
(checkpoint.Sweeper). Prints a summary; exits 1 on any failure.

The default start, 2027-01-04T08:00-05:00, with --months 13 covers both DST changes of 2027 and 13
month ends. The CI-sized run: --weeks 10 --start 2027-02-22T08:00-05:00 (the March change, the ends
of February, March and April).

It empties the database first (--reset, required when it holds data): point it at a database of
its own (make simulate uses crisisprog_sim).
"""

from datetime import datetime, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

DEFAULT_START = "2027-01-04T08:00:00-05:00"


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


class Command(BaseCommand):
    help = "Run the program through simulated months and check it at every checkpoint."

    def add_arguments(self, parser):
        length = parser.add_mutually_exclusive_group()
        length.add_argument("--months", type=int, help="How many months to simulate (default 13).")
        length.add_argument("--weeks", type=int, help="How many weeks to simulate.")
        length.add_argument("--days", type=int, help="How many days to simulate.")
        parser.add_argument("--start", default=DEFAULT_START, help=f"ISO 8601 instant with offset ({DEFAULT_START}).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reset", action="store_true",
                            help="Empty the database first (flush and reload the reference data).")
        parser.add_argument("--no-sweep", action="store_true", help="Skip the route sweep at checkpoints.")
        parser.add_argument("--verbose", action="store_true",
                            help="Time each checkpoint; at the end, wall time per step kind and the slowest routes.")

    def handle(self, *args, **options):
        try:
            import time_machine  # noqa: F401
        except ImportError:
            raise CommandError("simulate needs time-machine: pip install -r requirements-dev.txt") from None
        from apps.accounts.models import User

        from ...engine import Simulation

        start = datetime.fromisoformat(options["start"])
        if start.tzinfo is None:
            raise CommandError("--start needs a UTC offset, e.g. 2027-01-04T08:00-05:00")
        if options["weeks"]:
            end = start + timedelta(weeks=options["weeks"])
        elif options["days"]:
            end = start + timedelta(days=options["days"])
        else:
            end = add_months(start, options["months"] or 13)
        name = str(connection.settings_dict["NAME"])
        if connection.vendor != "postgresql":
            raise CommandError("simulate runs on PostgreSQL: use DJANGO_SETTINGS_MODULE=crisisprog.settings.simulation "
                               "(make simulate) or set DATABASE_URL.")
        if options["reset"]:
            if "sim" not in name and "test" not in name:
                raise CommandError(f"--reset empties the database; {name!r} does not look like a simulation's own "
                                   "(its name should contain 'sim' or 'test').")
            self._reset()
        elif User.objects.exists():
            raise CommandError("The database holds data: run with --reset on a database of the simulation's own.")
        self.stdout.write(f"Simulating {start.isoformat()} -> {end.isoformat()} (seed {options['seed']}) "
                          f"on {connection.vendor}")
        summary = Simulation(start=start, end=end, seed=options["seed"], stdout=self.stdout,
                             verbose=options["verbose"], sweep=not options["no_sweep"]).run()
        self.stdout.write(summary.render())
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} failure(s): see the list above.")
        self.stdout.write(self.style.SUCCESS("Simulation clean."))

    def _reset(self) -> None:
        from apps.core.reference_data import load_reference_data

        call_command("flush", "--noinput", verbosity=0)
        load_reference_data()
        # seed data of migrations other than the reference data: the team types
        from importlib import import_module

        from django.apps import apps as django_apps

        module = import_module("apps.scheduling.migrations.0002_team_types")
        module.load(django_apps, None)
