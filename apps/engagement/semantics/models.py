"""Each feedback item's sentence vector. Imported at the bottom of apps/engagement/models.py."""

from django.db import models


class FeedbackEmbedding(models.Model):
    """The encoder's vector of one item's text: 512 little-endian float32, length 1. Deleted with the item."""

    item = models.OneToOneField("engagement.FeedbackItem", primary_key=True, on_delete=models.CASCADE,
                                related_name="embedding")
    vector = models.BinaryField()
    model = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = "feedback embedding"

    def __str__(self) -> str:
        return f"embedding of feedback #{self.item_id}"
