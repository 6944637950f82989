"""Feedback from every channel, its moderation (one item or a page of them), coding against the
codebook, and the codebook itself."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.audit import AuditEntry, audit, audit_many
from apps.core.errors import ApplicationError, require
from apps.notifications.services import notify

from ..models import CommunitySession, FeedbackCoding, FeedbackItem, Theme
from ..permissions import (
    can_enter_feedback,
    can_manage_codebook,
    can_moderate_feedback,
    is_engagement_staff,
)
from ..privacy import describes_crisis
from ..semantics.detect import detect_language
from ..semantics.services import fingerprint
from ._common import absolute, clean_translations, feedback_contact

MODERATION_FIELDS = ["status", "reject_reason", "moderator_note", "moderated_by", "moderated_at", "updated_at"]
BULK_MODERATION_LIMIT = 100


def _moderators_for(organization_id: int | None) -> QuerySet[User]:
    """Moderators of the department; every moderator when it has none (an alert must reach someone)."""
    users = User.objects.filter(is_active=True)
    # One filter() call: the role and the department must be on the same membership row.
    anyone = users.filter(memberships__role=Role.MODERATOR, memberships__is_active=True,
                          memberships__organization__is_active=True).distinct().order_by("pk")
    if organization_id is None:
        return anyone
    own = users.filter(memberships__role=Role.MODERATOR, memberships__is_active=True,
                       memberships__organization_id=organization_id).distinct().order_by("pk")
    return own if own.exists() else anyone


def feedback_consent_problem(*, contact_name: str | None, contact_email: str | None, contact_phone: str | None,
                             contact_consent: bool | None) -> str:
    """Why the feedback cannot keep this contact ("" when it can): not without the resident's consent.
    The page's form asks here too, so both give this message on the contact_consent field; the
    database's constraint is the last line of defence."""
    if any((value or "").strip() for value in (contact_name, contact_email, contact_phone)) and not contact_consent:
        return _("Tick this box to let us keep your contact, or leave it empty.")
    return ""


@transaction.atomic
def feedback_submit(
    *,
    text: str,
    language,
    channel: str = FeedbackItem.Channel.ONLINE,
    session: CommunitySession | None = None,
    neighborhood=None,
    contact_consent: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    entered_by: User | None = None,
    is_translation_feedback: bool = False,
) -> FeedbackItem:
    """One intake for every channel. Staff entry records who typed it; the public form is anonymous.

    The safety screen runs on every item: crisis language flags it (it can never be published) and
    alerts the moderators at once, whatever the channel.
    """
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write your feedback."), field="text")
    if len(text) > 5000:
        raise ApplicationError(_("Keep it under 5,000 characters."), field="text")
    if channel != FeedbackItem.Channel.ONLINE:
        require(entered_by is not None and can_enter_feedback(entered_by),
                _("Only engagement staff can enter paper cards and table notes."))
    if session is not None and session.status == CommunitySession.Status.DRAFT:
        raise ApplicationError(_("Feedback can only be tied to a published session."), field="session")
    contact = [contact_name.strip(), contact_email.strip(), contact_phone.strip()]
    problem = feedback_consent_problem(contact_name=contact[0], contact_email=contact[1], contact_phone=contact[2],
                                       contact_consent=contact_consent)
    if problem:
        raise ApplicationError(problem, field="contact_consent")
    item = FeedbackItem.objects.create(
        organization_id=session.organization_id if session else None, session=session, channel=channel, text=text,
        language=language, neighborhood=neighborhood, contact_consent=bool(contact_consent and any(contact)),
        contact_name=contact[0] if contact_consent else "", contact_email=contact[1] if contact_consent else "",
        contact_phone=contact[2] if contact_consent else "", entered_by=entered_by,
        safety_flag=describes_crisis(text), fingerprint=fingerprint(text),
        is_translation_feedback=bool(is_translation_feedback))
    if item.safety_flag:
        # Now, not in the embedding task: the thank-you page answers a crisis in the message's language.
        item.detected_language = detect_language(text, form_language=language.code)
        item.save(update_fields=["detected_language"])
    audit(actor=entered_by, action="engagement.feedback.received", target=item,
          organization=session.organization if session else None,
          after={"channel": channel, "safety_flag": item.safety_flag, "session": session.pk if session else None,
                 "translation": item.is_translation_feedback})
    if item.safety_flag:
        link = reverse("engagement:feedback-detail", args=[item.pk])
        for moderator in _moderators_for(item.organization_id):
            notify(kind="engagement.safety_alert", to=moderator,
                   dedupe_key=f"engagement.safety:{item.pk}:{moderator.pk}",
                   context={"item": item, "url": absolute(link)}, target=item, link=link)
    return item


def _publish_refusal(item: FeedbackItem) -> str:
    """Why the item can never be published ("" when it can)."""
    return _("A message describing a crisis is never published.") if item.safety_flag else ""


def _check_reject_reason(reason: str) -> None:
    if reason not in FeedbackItem.RejectReason.values:
        raise ApplicationError(_("Choose the reason for rejecting it."), field="reason")


def _moderation_apply(*, by: User, item: FeedbackItem, approve: bool, reason: str, note: str,
                      now) -> tuple[dict, dict]:
    """The rules of one moderation, applied in memory to a locked item: (before, after) for the audit.
    The single and the bulk path both decide through here; each saves in its own way."""
    before = {"status": item.status, "reject_reason": item.reject_reason}
    if approve:
        refusal = _publish_refusal(item)
        if refusal:
            raise ApplicationError(refusal, field="status")
        item.status, item.reject_reason = FeedbackItem.Status.APPROVED, ""
    else:
        _check_reject_reason(reason)
        item.status, item.reject_reason = FeedbackItem.Status.REJECTED, reason
    item.moderator_note = note.strip()
    item.moderated_by, item.moderated_at, item.updated_at = by, now, now
    return before, {"status": item.status, "reject_reason": item.reject_reason}


def _tell_author(item: FeedbackItem, *, approved: bool) -> None:
    """A resident who left a contact and consented hears the outcome, in their language."""
    contact = feedback_contact(item)
    if contact is not None:
        notify(kind="engagement.moderation_result", to=contact,
               dedupe_key=f"engagement.moderation:{item.pk}:{item.status}:{item.reject_reason}",
               context={"item": item, "approved": approved, "reason": item.get_reject_reason_display()},
               target=item)


@transaction.atomic
def feedback_moderate(*, by: User, item: FeedbackItem, approve: bool, reason: str = "",
                      note: str = "") -> FeedbackItem:
    require(can_moderate_feedback(by, item), _("Only a moderator can publish or reject feedback."))
    item = FeedbackItem.objects.select_for_update().select_related("language").get(pk=item.pk)
    before, after = _moderation_apply(by=by, item=item, approve=approve, reason=reason, note=note,
                                      now=timezone.now())
    item.save(update_fields=MODERATION_FIELDS)
    audit(actor=by, action="engagement.feedback.moderated", target=item, organization=item.organization,
          before=before, after=after)
    _tell_author(item, approved=approve)
    return item


@dataclass
class BulkModeration:
    """What a bulk moderation did, id by id, in the order the ids were given."""

    approve: bool
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # crisis messages: never published, left for staff
    not_found: list[int] = field(default_factory=list)  # unknown, or outside the moderator's departments
    outcome: dict[int, str] = field(default_factory=dict)

    def results(self) -> list[dict]:
        return [{"id": pk, "result": result} for pk, result in self.outcome.items()]


def _bulk_ids(item_ids) -> list[int]:
    ids: list[int] = []
    for value in item_ids:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(_("“%(value)s” is not a feedback number.") % {"value": str(value)[:20]},
                                   field="ids") from None
        if pk < 1 or pk > 2**31 - 1:
            raise ApplicationError(_("“%(value)s” is not a feedback number.") % {"value": pk}, field="ids")
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise ApplicationError(_("Select at least one feedback item."), field="ids")
    if len(ids) > BULK_MODERATION_LIMIT:
        raise ApplicationError(
            _("Select at most %(limit)d items at a time (%(count)d selected).")
            % {"limit": BULK_MODERATION_LIMIT, "count": len(ids)}, field="ids")
    return ids


@transaction.atomic
def feedback_moderate_bulk(*, by: User, item_ids, approve: bool, reason: str = "",
                           note: str = "") -> BulkModeration:
    """Approve or reject up to 100 items at once, each by the rules of `feedback_moderate`.

    Only items the moderator's feedback queue holds are touched; other ids are reported as not
    found. A crisis message in an approval batch is skipped and reported, and the rest go ahead: a
    moderator clearing a page of ordinary feedback expects it published, and the crisis message was
    never going to be, so refusing the batch would only make them hunt for it and try again. It
    stays pending and flagged for the staff follow-up. Rejecting may include crisis messages, as on
    the single path. Queries do not grow with the batch (one lock, one UPDATE, one audit INSERT),
    except the notice to each author who left a contact.
    """
    from ..selectors import feedback_list  # selectors are the one scoped read of the queue

    require(is_engagement_staff(by), _("Only a moderator can publish or reject feedback."))
    ids = _bulk_ids(item_ids)
    if not approve:
        _check_reject_reason(reason)
    if len(note.strip()) > 1000:
        raise ApplicationError(_("Keep the remark under 1,000 characters."), field="note")
    visible = feedback_list(user=by).filter(pk__in=ids).order_by().values("pk")
    # Locked in id order so two moderators' overlapping batches wait for each other, never deadlock.
    items = {item.pk: item for item in FeedbackItem.objects.select_for_update(of=("self",))
             .select_related("language", "organization").filter(pk__in=visible).order_by("pk")}
    result = BulkModeration(approve=approve)
    changed, entries, now = [], [], timezone.now()
    for pk in ids:
        item = items.get(pk)
        if item is None or not can_moderate_feedback(by, item):
            result.not_found.append(pk)
            result.outcome[pk] = "not_found"
            continue
        if approve and _publish_refusal(item):
            result.skipped.append(pk)
            result.outcome[pk] = "skipped_crisis"
            continue
        before, after = _moderation_apply(by=by, item=item, approve=approve, reason=reason, note=note, now=now)
        changed.append(item)
        entries.append(AuditEntry(target=item, before=before, after=after, organization=item.organization))
        result.done.append(pk)
        result.outcome[pk] = "approved" if approve else "rejected"
    if changed:
        FeedbackItem.objects.bulk_update(changed, MODERATION_FIELDS)
        audit_many(actor=by, action="engagement.feedback.moderated", entries=entries)
        for item in changed:
            _tell_author(item, approved=approve)
    return result


@transaction.atomic
def feedback_code(*, by: User, item: FeedbackItem, themes) -> FeedbackItem:
    """Set the item's themes (several allowed)."""
    require(can_moderate_feedback(by, item), _("Only a moderator can code feedback."))
    wanted = {t.pk for t in themes}
    current = set(item.codings.values_list("theme_id", flat=True))
    item.codings.filter(theme_id__in=current - wanted).delete()
    FeedbackCoding.objects.bulk_create([FeedbackCoding(item=item, theme_id=pk, coded_by=by)
                                        for pk in sorted(wanted - current)])
    audit(actor=by, action="engagement.feedback.coded", target=item, organization=item.organization,
          before={"themes": sorted(current)}, after={"themes": sorted(wanted)})
    return item


@transaction.atomic
def feedback_moderate_and_code(*, by: User, item: FeedbackItem, approve: bool, reason: str = "", note: str = "",
                               themes=()) -> FeedbackItem:
    """The moderator's one step on an item: the decision and the themes, both or neither (one
    transaction), each by the rules of `feedback_moderate` and `feedback_code`. What did not change is
    not done again, so saving an unchanged decision with new themes adds no moderation event."""
    require(can_moderate_feedback(by, item), _("Only a moderator can publish or reject feedback."))
    status = FeedbackItem.Status.APPROVED if approve else FeedbackItem.Status.REJECTED
    wanted_reason = "" if approve else reason
    if (item.status, item.reject_reason, item.moderator_note) != (status, wanted_reason, note.strip()):
        item = feedback_moderate(by=by, item=item, approve=approve, reason=reason, note=note)
    if {t.pk for t in themes} != set(item.codings.values_list("theme_id", flat=True)):
        feedback_code(by=by, item=item, themes=themes)
    return item


@transaction.atomic
def theme_create(*, by: User, name: str, translations=None, description: str = "",
                 parent: Theme | None = None) -> Theme:
    require(can_manage_codebook(by), _("Only a moderator can change the codebook."))
    if parent is not None and parent.parent_id is not None:
        raise ApplicationError(_("The codebook has two levels: pick a top-level theme as parent."), field="parent")
    if Theme.objects.filter(parent=parent, name__iexact=name.strip()).exists():
        raise ApplicationError(_("This theme exists already."), field="name")
    theme = Theme.objects.create(parent=parent, name=name.strip(), description=description.strip(),
                                 translations=clean_translations(Theme, translations))
    audit(actor=by, action="engagement.theme.created", target=theme, after={"name": theme.name})
    return theme
