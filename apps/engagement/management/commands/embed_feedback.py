"""Backfill: the vector and detected language of every feedback item that has none of the current
model (all of them with --rebuild). Safe to stop and run again: each batch commits on its own."""

from django.core.management.base import BaseCommand

from apps.engagement.semantics.encoder import MODEL
from apps.engagement.semantics.models import FeedbackEmbedding
from apps.engagement.semantics.services import BATCH, embed_pending


class Command(BaseCommand):
    help = "Embed feedback items that have no vector yet (all of them with --rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="mark every stored vector stale first")
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args, rebuild: bool, batch_size: int, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        if rebuild:
            FeedbackEmbedding.objects.update(model=f"stale:{MODEL}"[:40])
        result = embed_pending(batch_size=batch_size)
        self.stdout.write(f"Embedded {result['embedded']} feedback items ({MODEL}).")
