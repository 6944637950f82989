from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event {broken.event_id}: {broken.reason}. "
                f"{checked} event(s) before it verified."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} event(s) verified."))
