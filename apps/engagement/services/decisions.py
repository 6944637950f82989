"""Decisions ("you said, we did"): what the city did with what residents said, and telling them."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.notifications.services import notify

from ..models import Decision, FeedbackItem
from ..permissions import can_manage_decisions
from ._common import absolute, clean_translations, feedback_contact

DECISION_FIELDS = ["title", "action", "translations", "outcome", "reason", "progress", "decided_on"]


@transaction.atomic
def decision_save(*, by: User, decision: Decision | None = None, themes=(), feedback_items=(), **fields) -> Decision:
    require(can_manage_decisions(by), _("Only a moderator can record decisions."))
    if fields.get("outcome") == Decision.Outcome.NOT_ADOPTED and not fields.get("reason", "").strip():
        raise ApplicationError(_("Say why it was not adopted: residents are told."), field="reason")
    creating = decision is None
    decision = decision or Decision(created_by=by)
    for key, value in fields.items():
        if key in DECISION_FIELDS:
            setattr(decision, key, value)
    decision.translations = clean_translations(Decision, decision.translations)
    decision.save()
    decision.themes.set(themes)
    decision.feedback_items.set(feedback_items)
    audit(actor=by, action="engagement.decision." + ("created" if creating else "updated"), target=decision,
          after={"outcome": decision.outcome, "progress": decision.progress, "themes": sorted(t.pk for t in themes),
                 "languages": decision.offered_languages})
    if decision.is_published:
        _tell_residents(decision)
    return decision


def _tell_residents(decision: Decision) -> int:
    """Residents who left contact and consented hear when a decision touches what they said."""
    sent = 0
    items = (FeedbackItem.objects.filter(contact_consent=True)
             .filter(pk__in=decision.feedback_items.values("pk")).select_related("language"))
    for item in items:
        contact = feedback_contact(item)
        if contact is None:
            continue
        sent += len(notify(kind="engagement.decision_published", to=contact,
                           dedupe_key=f"engagement.decision:{decision.pk}:{item.pk}:{decision.progress}",
                           context={"decision": decision,
                                    "url": absolute(reverse("engagement:decision-public-list"))},
                           target=decision))
    return sent


@transaction.atomic
def decision_publish(*, by: User, decision: Decision) -> Decision:
    require(can_manage_decisions(by), _("Only a moderator can publish decisions."))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not decision.is_published:
        decision.is_published, decision.published_at = True, timezone.now()
        decision.save(update_fields=["is_published", "published_at", "updated_at"])
        audit(actor=by, action="engagement.decision.published", target=decision)
    _tell_residents(decision)
    return decision
