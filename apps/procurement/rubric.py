"""What each adjectival rating means: the rubric shown beside every rating control, for evaluators and
for the consensus. One wording, so the committee rates against the same definitions."""

from django.utils.translation import gettext_lazy as _

from .models import Rating

RATING_MEANINGS = {
    Rating.HIGHLY_ADVANTAGEOUS: _("Fully meets the criterion and exceeds it: clear, specific strengths and no "
                                  "weakness that matters."),
    Rating.ADVANTAGEOUS: _("Fully meets the criterion: strengths outweigh any minor weaknesses."),
    Rating.NOT_ADVANTAGEOUS: _("Meets the criterion only in part, or its weaknesses outweigh its strengths."),
    Rating.UNACCEPTABLE: _("Does not address the criterion, or fails it."),
}


def rating_rubric() -> list[dict]:
    """The ratings from best to worst, each with its meaning."""
    return [{"value": rating.value, "label": rating.label, "meaning": RATING_MEANINGS[rating]} for rating in Rating]
