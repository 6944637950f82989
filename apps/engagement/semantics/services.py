"""Embedding feedback (a Celery task, batched and safe to repeat), repeats, and the nearest items."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from . import index
from .detect import detect_language
from .encoder import MODEL, embed, from_bytes, to_bytes

BATCH = 64
# Cosine of two items' vectors from which the other is shown as similar: on the evaluation set
# (tests/engagement/themes_eval) 80 % of pairs at 0.45 or more share a theme and 87 % of cross-language
# paraphrases reach it. A near-repeat: the same written language and 0.85 or more (96 % of edited copies
# reach it, no two different items of one language reached 0.8; across languages unrelated short items
# do, "Gracias!" and "Thanks!" score 0.94, hence the same-language rule).
SIMILAR = 0.45
NEAR_REPEAT = 0.85
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def fingerprint(text: str) -> str:
    """The same words, whatever the case, accents of width, spacing and punctuation: exact repeats
    ("the same text submitted many times") share it."""
    normal = _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest() if normal else ""


def _pending(organization_id: int | None):
    from ..models import FeedbackItem

    items = FeedbackItem.objects.filter(Q(embedding__isnull=True) | ~Q(embedding__model=MODEL))
    if organization_id is not None:
        items = items.filter(organization_id=organization_id)
    return items.order_by("id").values_list("id", "text", "language__code")


def embed_pending(*, batch_size: int = BATCH, limit: int | None = None,
                  organization_id: int | None = None) -> dict[str, int]:
    """Embed (and detect the language of) every item that has no vector of the current model, a batch
    per transaction: a worker that dies keeps the batches it finished, the next run does the rest,
    and a second run finds nothing to do. `organization_id`: only that department's items."""
    from ..models import FeedbackItem
    from .models import FeedbackEmbedding

    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        batch = list(_pending(organization_id)[:size])
        if not batch:
            break
        vectors = embed([text for _, text, _ in batch])
        languages = {pk: detect_language(text, form_language=code) for pk, text, code in batch}
        with transaction.atomic():
            FeedbackEmbedding.objects.bulk_create(
                [FeedbackEmbedding(item_id=pk, vector=to_bytes(vector), model=MODEL)
                 for (pk, _, _), vector in zip(batch, vectors, strict=True)],
                update_conflicts=True, unique_fields=["item"], update_fields=["vector", "model", "updated_at"])
            items = list(FeedbackItem.objects.filter(pk__in=languages).only("pk", "detected_language"))
            for item in items:
                item.detected_language = languages[item.pk]
            FeedbackItem.objects.bulk_update(items, ["detected_language"])
        index.bump()
        done += len(batch)
    return {"embedded": done}


@dataclass(frozen=True)
class Similar:
    item: object  # FeedbackItem, with language and themes loaded
    score: float
    repeat: bool  # the same words (fingerprint) or near enough (NEAR_REPEAT)


def similar_items(*, queryset, item, count: int = 8) -> list[Similar] | None:
    """The items of `queryset` (what the user may see) nearest to `item` in any language, nearest first.
    None while `item` has no vector yet (the task has not reached it)."""
    from .models import FeedbackEmbedding

    stored = FeedbackEmbedding.objects.filter(item_id=item.pk, model=MODEL).values_list("vector", flat=True).first()
    if stored is None:
        return None
    found = [(pk, score) for pk, score in index.nearest(from_bytes(stored), count=count * 4, exclude=item.pk)
             if score >= SIMILAR]
    items = queryset.filter(pk__in=[pk for pk, _ in found]).select_related("language").prefetch_related(
        "themes__parent").in_bulk()
    return [Similar(item=items[pk], score=score, repeat=_repeats(item, items[pk], score))
            for pk, score in found if pk in items][:count]


def _repeats(item, other, score: float) -> bool:
    """The same words, or nearly the same in the same written language."""
    if item.fingerprint and other.fingerprint == item.fingerprint:
        return True
    return score >= NEAR_REPEAT and bool(item.detected_language) and other.detected_language == item.detected_language


def repeat_counts(*, queryset, items) -> dict[int, int]:
    """For each of `items`, how many other items of `queryset` (what the user may see) carry the same
    words; only those with any. One query for a page of items."""
    prints = {item.pk: item.fingerprint for item in items if item.fingerprint}
    counts = dict(queryset.order_by().filter(fingerprint__in=set(prints.values())).values_list("fingerprint")
                  .annotate(n=Count("id")).values_list("fingerprint", "n"))
    return {pk: counts.get(fp, 1) - 1 for pk, fp in prints.items() if counts.get(fp, 1) > 1}
