from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import seal_chain, unsealed_events, verify_chain


class Command(BaseCommand):
    help = ("Verify the audit log's sealed hash chain and report the first broken link, and any event left "
            "unsealed past the grace time (a stalled sealer, or a row inserted behind audit()).")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seal", action="store_true",
            help="Seal the committed events first, as beat's sealer would (where beat is not running). "
                 "Without it the command leaves the chain as it finds it, so a stalled sealer shows.")
        parser.add_argument(
            "--grace", type=int, default=None, metavar="SECONDS",
            help="How old an unsealed event may be before it is reported (default AUDIT_UNSEALED_GRACE_SECONDS).")

    def handle(self, *args, seal: bool, grace: int | None, **options) -> None:
        if seal:
            self.stdout.write(f"Sealed {seal_chain()} event(s).")
        checked, broken = verify_chain(seal=False)
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event {broken.event_id}: {broken.reason}. "
                f"{checked} event(s) before it verified."
            )
        grace = settings.AUDIT_UNSEALED_GRACE_SECONDS if grace is None else grace
        stale = unsealed_events(older_than=timedelta(seconds=grace))
        if stale.count:
            raise CommandError(
                f"Audit chain intact: {checked} sealed event(s) verified, but {stale.count} event(s) unsealed "
                f"for more than {grace} s (the oldest: event {stale.oldest_id}, made "
                f"{stale.oldest_created_at.isoformat()}): the sealer has stalled (is beat running?) or rows "
                "were inserted behind audit()."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} event(s) verified."))
