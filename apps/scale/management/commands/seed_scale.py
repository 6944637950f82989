"""Volume data for benchmarks: `manage.py seed_scale --factor N` (apps/scale/plan.py says what and how
much, seeder.py makes it, services.py runs it). Idempotent; `--reset` deletes only what it made."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core.errors import ApplicationError

from ...services import production_refusal, scale_delete, scale_seed


class Command(BaseCommand):
    help = "Seed volume data for benchmarks (N=1: one city-year). Idempotent; --reset deletes only its own data."

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=1.0, help="Volume multiplier; fractions allowed.")
        parser.add_argument("--reset", action="store_true", help="Delete the scale data first, then seed.")
        parser.add_argument("--delete", action="store_true", help="Only delete the scale data.")
        parser.add_argument("--force", action="store_true",
                            help="Run even where the configuration looks like production (it deletes and writes).")

    def handle(self, *args, factor, reset, delete, force=False, **options):
        db = connection.settings_dict
        # Under override_settings the holder's SETTINGS_MODULE is None: the environment names it then.
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        refusal = production_refusal(settings_module=module, debug=settings.DEBUG, engine=db["ENGINE"],
                                     database=db["NAME"])
        if refusal and not force:
            raise CommandError(f"seed_scale refuses to run: {refusal}. It writes and deletes bulk data; "
                               "pass --force only against a database you mean to fill with test data.")
        if factor <= 0:
            raise CommandError("--factor must be positive.")
        try:
            if delete:
                scale_delete(stdout=self.stdout)
            else:
                scale_seed(factor=factor, reset=reset, stdout=self.stdout)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
