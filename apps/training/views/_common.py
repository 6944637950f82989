"""What the training pages share."""

from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import TrainingRecord

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 25


def record_or_404(user, pk: int) -> TrainingRecord:
    return get_object_or_404(selectors.record_list(user=user), pk=pk)
