"""Every write of engagement data: sessions, registrations and the waitlist, check-in, feedback,
moderation, coding and decisions."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.audit import AuditEntry, audit, audit_many
from apps.core.errors import ApplicationError
from apps.core.transitions import transition
from apps.notifications.services import Contact, notification_cancel, notify

from .models import CommunitySession, Decision, FeedbackCoding, FeedbackItem, Registration, StaffTask, Theme
from .permissions import (
    can_create_session,
    can_enter_feedback,
    can_manage_codebook,
    can_manage_decisions,
    can_manage_session,
    can_moderate_feedback,
    is_engagement_staff,
)
from .privacy import describes_crisis

REGISTRATION_SALT = "crisisprog.engagement.registration"
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes
CODE_LENGTH = 6
SESSION_FIELDS = [
    "kind", "title_en", "title_es", "description_en", "description_es", "neighborhood", "format", "venue_name",
    "venue_address", "online_link", "step_free_access", "quiet_room", "transit_notes", "parking_notes",
    "accessibility_notes", "starts_at", "ends_at", "capacity", "reserved_seats", "captioning", "childcare", "food",
    "facilitating_organization", "materials_url",
]


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ApplicationError(message, code="forbidden")


# --- sessions ------------------------------------------------------------------------------------

def _validate_session(session: CommunitySession) -> None:
    if session.ends_at <= session.starts_at:
        raise ApplicationError(_("The session must end after it starts."), field="ends_at")
    if session.reserved_seats > session.capacity:
        raise ApplicationError(_("Reserved seats cannot exceed the capacity."), field="reserved_seats")
    if session.format != CommunitySession.Format.IN_PERSON and not session.online_link:
        raise ApplicationError(_("An online or hybrid session needs its link."), field="online_link")
    if session.format != CommunitySession.Format.ONLINE and not session.venue_name:
        raise ApplicationError(_("An in-person session needs its venue."), field="venue_name")


@transaction.atomic
def session_create(*, by, organization, interpretation_languages=(), agenda=(), **fields) -> CommunitySession:
    _require(can_create_session(by) and (by.has_role(Role.PROGRAM_ADMIN) or by.has_role(Role.MODERATOR,
                                                                                         organization.pk)),
             _("Only a moderator of this department can create its sessions."))
    session = CommunitySession(organization=organization, created_by=by,
                               **{k: v for k, v in fields.items() if k in SESSION_FIELDS})
    _validate_session(session)
    session.save()
    session.interpretation_languages.set(interpretation_languages)
    for order, (title_en, title_es, minutes) in enumerate(agenda):
        session.agenda_items.create(order=order, title_en=title_en, title_es=title_es, minutes=minutes)
    audit(actor=by, action="engagement.session.created", target=session, organization=organization,
          after={"title": session.title_en, "starts_at": session.starts_at, "capacity": session.capacity})
    return session


@transaction.atomic
def session_update(*, by, session: CommunitySession, interpretation_languages=None, agenda=None,
                   **fields) -> CommunitySession:
    _require(can_manage_session(by, session), _("Only a moderator of this department can change the session."))
    session = CommunitySession.objects.select_for_update().get(pk=session.pk)
    if session.status in (CommunitySession.Status.COMPLETED, CommunitySession.Status.CANCELLED):
        raise ApplicationError(_("A completed or cancelled session cannot be changed."))
    before = {k: getattr(session, k if k not in ("neighborhood", "facilitating_organization") else f"{k}_id")
              for k in fields if k in SESSION_FIELDS}
    for key, value in fields.items():
        if key in SESSION_FIELDS:
            setattr(session, key, value)
    registered = session.registrations.filter(status=Registration.Status.REGISTERED).count()
    if session.open_seats < registered:
        raise ApplicationError(
            _("%(n)d people are registered: the open seats cannot go below that.") % {"n": registered},
            field="capacity")
    _validate_session(session)
    session.save()
    if interpretation_languages is not None:
        session.interpretation_languages.set(interpretation_languages)
    if agenda is not None:
        session.agenda_items.all().delete()
        for order, (title_en, title_es, minutes) in enumerate(agenda):
            session.agenda_items.create(order=order, title_en=title_en, title_es=title_es, minutes=minutes)
    after = {k: getattr(session, k if k not in ("neighborhood", "facilitating_organization") else f"{k}_id")
             for k in before}
    audit(actor=by, action="engagement.session.updated", target=session, organization=session.organization,
          before=before, after=after)
    # More open seats may let people off the waitlist.
    _promote_waitlist(session)
    return session


def session_publish(*, by, session: CommunitySession) -> CommunitySession:
    _require(can_manage_session(by, session), _("Only a moderator of this department can publish the session."))

    def publish(row: CommunitySession) -> list[str]:
        if row.starts_at <= timezone.now():
            raise ApplicationError(_("A session that has started cannot be published."), field="starts_at")
        row.published_at = timezone.now()
        return ["published_at"]

    return transition(session, from_states={CommunitySession.Status.DRAFT},
                      done_states={CommunitySession.Status.PUBLISHED}, to_state=CommunitySession.Status.PUBLISHED,
                      refused=_("Only a draft can be published."), apply=publish, actor=by,
                      action="engagement.session.published", organization=session.organization)


def session_cancel(*, by, session: CommunitySession, reason: str) -> CommunitySession:
    _require(can_manage_session(by, session), _("Only a moderator of this department can cancel the session."))
    if not reason.strip():
        raise ApplicationError(_("Say why the session is cancelled: registrants are told."), field="reason")

    def cancel(row: CommunitySession) -> list[str]:
        row.cancelled_at, row.cancellation_reason = timezone.now(), reason.strip()
        return ["cancelled_at", "cancellation_reason"]

    def tell_registrants(row: CommunitySession) -> None:
        active = row.registrations.filter(status__in=[Registration.Status.REGISTERED,
                                                      Registration.Status.WAITLISTED]).select_related("language")
        for registration in active:
            _notify_registrant(registration, kind="engagement.session_cancelled", intent="session-cancelled",
                               extra={"reason": row.cancellation_reason})
        notification_cancel(dedupe_key_prefix=f"engagement.reminder:{row.pk}:")

    return transition(session, from_states={CommunitySession.Status.DRAFT, CommunitySession.Status.PUBLISHED},
                      done_states={CommunitySession.Status.CANCELLED}, to_state=CommunitySession.Status.CANCELLED,
                      refused=_("A completed session cannot be cancelled."), apply=cancel, actor=by,
                      action="engagement.session.cancelled", organization=session.organization,
                      after=lambda row: {"reason": row.cancellation_reason}, then=tell_registrants)


@transaction.atomic
def walk_in_record(*, by, session: CommunitySession, count: int) -> CommunitySession:
    """Set the number of people who came without registering (counted at the door)."""
    _require(can_manage_session(by, session), _("Only a moderator of this department can record walk-ins."))
    if count < 0:
        raise ApplicationError(_("Walk-ins cannot be negative."), field="count")
    session = CommunitySession.objects.select_for_update().get(pk=session.pk)
    before = session.walk_in_count
    session.walk_in_count = count
    session.save(update_fields=["walk_in_count", "updated_at"])
    audit(actor=by, action="engagement.session.walk_ins", target=session, organization=session.organization,
          before={"walk_ins": before}, after={"walk_ins": count})
    return session


def session_close(*, by, session: CommunitySession, summary_notes: str, materials_url: str = "") -> CommunitySession:
    """Close a held session: attendance is those checked in plus the walk-ins."""
    _require(can_manage_session(by, session), _("Only a moderator of this department can close the session."))

    def close(row: CommunitySession) -> list[str]:
        if row.starts_at > timezone.now():
            raise ApplicationError(_("A session can be closed once it has started."))
        checked_in = row.registrations.filter(checked_in_at__isnull=False).count()
        row.attendance_count = checked_in + row.walk_in_count
        row.summary_notes = summary_notes.strip()
        if materials_url:
            row.materials_url = materials_url
        row.closed_at = timezone.now()
        return ["attendance_count", "summary_notes", "materials_url", "closed_at"]

    return transition(session, from_states={CommunitySession.Status.PUBLISHED},
                      to_state=CommunitySession.Status.COMPLETED,
                      refused=_("Only a published session can be closed."), apply=close, actor=by,
                      action="engagement.session.closed", organization=session.organization,
                      after=lambda row: {"attendance": row.attendance_count,
                                         "checked_in": row.attendance_count - row.walk_in_count,
                                         "walk_ins": row.walk_in_count},
                      then=lambda row: notification_cancel(dedupe_key_prefix=f"engagement.reminder:{row.pk}:"))


# --- registrations -------------------------------------------------------------------------------

def registration_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk, "c": registration.code}, salt=REGISTRATION_SALT)


def registration_from_token(*, token: str) -> Registration:
    """Raises signing.BadSignature for a forged link and Registration.DoesNotExist for a stale one."""
    data = signing.loads(token, salt=REGISTRATION_SALT)
    return (Registration.objects.select_related("session", "session__neighborhood", "language")
            .get(pk=data["r"], code=data["c"]))


def registration_links(registration: Registration) -> dict[str, str]:
    token = registration_token(registration)
    return {
        "manage_url": _absolute(reverse("engagement:registration-detail", args=[token])),
        "cancel_url": _absolute(reverse("engagement:registration-cancel", args=[token])),
        "ics_url": _absolute(reverse("engagement:session-ics", args=[registration.session_id])),
        "session_url": _absolute(reverse("engagement:session-detail", args=[registration.session_id])),
    }


def _contact(registration: Registration) -> Contact | None:
    if not registration.contact_consent or not (registration.email or registration.phone):
        return None
    return Contact(email=registration.email, phone=registration.phone, name=registration.name,
                   language=registration.message_language)


def _notify_registrant(registration: Registration, *, kind: str, intent: str, extra: dict | None = None,
                       suffix: str = "") -> int:
    contact = _contact(registration)
    if contact is None:
        return 0
    links = registration_links(registration)
    context = {"session": registration.session, "registration": registration, **links, **(extra or {})}
    key = f"engagement.{intent}:{registration.session_id}:{registration.pk}" + (f":{suffix}" if suffix else "")
    return len(notify(kind=kind, to=contact, dedupe_key=key, context=context, target=registration,
                      link=links["manage_url"]))


def _new_code(session: CommunitySession) -> str:
    # One indexed look-up per try (the unique constraint's index), not every code of the session:
    # 25^6 codes make a second try rare. The caller holds the session lock, so no one takes the
    # code between the look-up and the insert.
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not session.registrations.filter(code=code).exists():
            return code


def registration_create(
    *,
    session_id: int,
    name: str,
    language,
    email: str = "",
    phone: str = "",
    contact_consent: bool = False,
    access_needs: str = "",
    interpretation_language=None,
) -> Registration:
    """Register a resident, or put them on the waitlist when the open seats are taken.

    The session row is locked (SELECT … FOR UPDATE) for the count and the insert: two residents
    asking for the last seat at once are served one after the other, so seats are never over-filled.
    """
    email, phone = email.strip(), phone.strip()
    if (email or phone) and not contact_consent:
        raise ApplicationError(_("Tick the box to let us keep your email or phone for reminders, or leave them "
                                 "empty."), field="contact_consent")
    if not name.strip():
        raise ApplicationError(_("Give a name or a nickname."), field="name")
    with transaction.atomic():
        try:
            session = CommunitySession.objects.select_for_update().get(pk=session_id)
        except CommunitySession.DoesNotExist:
            raise ApplicationError(_("This session does not exist."), field="session") from None
        if session.status != CommunitySession.Status.PUBLISHED or session.starts_at <= timezone.now():
            raise ApplicationError(_("Registration for this session is closed."), field="session")
        registered = session.registrations.filter(status=Registration.Status.REGISTERED).count()
        status = (Registration.Status.REGISTERED if registered < session.open_seats
                  else Registration.Status.WAITLISTED)
        registration = Registration.objects.create(
            session=session, name=name.strip(), email=email if contact_consent else "",
            phone=phone if contact_consent else "", contact_consent=bool(contact_consent and (email or phone)),
            language=language, access_needs=access_needs.strip(), interpretation_language=interpretation_language,
            status=status, code=_new_code(session))
        if registration.access_needs:
            StaffTask.objects.create(session=session, registration=registration, kind=StaffTask.Kind.ACCESS,
                                     details=registration.access_needs)
        if interpretation_language is not None:
            StaffTask.objects.create(session=session, registration=registration, kind=StaffTask.Kind.INTERPRETATION,
                                     details=_("Interpretation into %(language)s") % {
                                         "language": interpretation_language.name})
        _notify_registrant(registration, kind="engagement.registration", intent="registration")
        audit(actor=None, action="engagement.registration.created", target=registration,
              organization=session.organization, after={"status": status, "session": session.pk})
    return registration


def _promote_waitlist(session: CommunitySession) -> list[Registration]:
    """Give freed seats to the waitlist, first come first served. The caller holds the session lock."""
    registered = session.registrations.filter(status=Registration.Status.REGISTERED).count()
    free = session.open_seats - registered
    if free <= 0 or session.status != CommunitySession.Status.PUBLISHED:
        return []
    promoted = list(session.registrations.filter(status=Registration.Status.WAITLISTED)
                    .select_related("language").order_by("created_at", "id")[:free])
    now = timezone.now()

    def stamp(row: Registration) -> list[str]:
        row.promoted_at = now
        return ["promoted_at"]

    return [transition(registration, from_states={Registration.Status.WAITLISTED},
                       to_state=Registration.Status.REGISTERED, apply=stamp, actor=None,
                       action="engagement.registration.promoted", organization=session.organization,
                       after={"status": Registration.Status.REGISTERED}, select_related=("language",),
                       then=lambda row: _notify_registrant(row, kind="engagement.waitlist_promoted",
                                                           intent="promoted"))
            for registration in promoted]


@transaction.atomic
def registration_cancel(*, registration: Registration, by=None) -> Registration:
    """The resident (through the signed link) or staff cancels; the first on the waitlist moves up."""
    session = CommunitySession.objects.select_for_update().get(pk=registration.session_id)
    if by is not None:
        _require(can_manage_session(by, session), _("Only a moderator of this department can cancel it."))

    def stamp(row: Registration) -> list[str]:
        if session.status != CommunitySession.Status.PUBLISHED:
            raise ApplicationError(_("This session is no longer open for changes."))
        row.cancelled_at = timezone.now()
        return ["cancelled_at"]

    def tell(row: Registration) -> None:
        notification_cancel(dedupe_key_prefix=f"engagement.reminder:{session.pk}:{row.pk}:")
        _notify_registrant(row, kind="engagement.registration_cancelled", intent="cancelled")

    registration = transition(Registration, registration.pk,
                              from_states={Registration.Status.REGISTERED, Registration.Status.WAITLISTED},
                              done_states={Registration.Status.CANCELLED}, to_state=Registration.Status.CANCELLED,
                              apply=stamp, actor=by, action="engagement.registration.cancelled",
                              organization=session.organization, after={"status": Registration.Status.CANCELLED},
                              select_related=("language", "session"), then=tell)
    _promote_waitlist(session)
    return registration


@transaction.atomic
def registration_check_in(*, by, session: CommunitySession, code: str) -> Registration:
    _require(can_manage_session(by, session), _("Only a moderator of this department can check people in."))
    code = code.strip().upper()
    registration = (Registration.objects.select_for_update()
                    .filter(session=session, code=code).first())
    if registration is None:
        raise ApplicationError(_("No registration has the code %(code)s.") % {"code": code}, field="code")
    if registration.status == Registration.Status.CANCELLED:
        raise ApplicationError(_("This registration was cancelled."), field="code")
    if registration.checked_in_at:
        return registration
    registration.checked_in_at, registration.checked_in_by = timezone.now(), by
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    audit(actor=by, action="engagement.registration.checked_in", target=registration,
          organization=session.organization)
    return registration


@transaction.atomic
def staff_task_complete(*, by, task: StaffTask) -> StaffTask:
    _require(can_manage_session(by, task.session), _("Only a moderator of this department can close the task."))

    def done(row: StaffTask) -> list[str]:
        row.done_by, row.done_at = by, timezone.now()
        return ["done_by", "done_at"]

    # Under the task's lock: two moderators closing it at once record one "done", by whoever was first.
    return transition(task, from_states={StaffTask.Status.OPEN}, done_states={StaffTask.Status.DONE},
                      to_state=StaffTask.Status.DONE, apply=done, actor=by, action="engagement.task.done",
                      organization=task.session.organization)


# --- reminders -----------------------------------------------------------------------------------

def session_reminders_scan(*, now: datetime) -> int:
    """Two days before, and the morning of the session (from 7:00 city time). Each once per person."""
    local_now = timezone.localtime(now, timezone.get_default_timezone())
    morning = timezone.make_aware(datetime.combine(local_now.date(), time(7, 0)), timezone.get_default_timezone())
    end_of_day = morning + timedelta(hours=17)
    base = (Registration.objects.filter(status=Registration.Status.REGISTERED, contact_consent=True,
                                        session__status=CommunitySession.Status.PUBLISHED)
            .select_related("session", "session__neighborhood", "language"))
    sent = 0
    windows = [("2d", base.filter(session__starts_at__gt=now + timedelta(hours=24),
                                  session__starts_at__lte=now + timedelta(hours=48)))]
    if now >= morning:
        windows.append(("day", base.filter(session__starts_at__gt=now, session__starts_at__lt=end_of_day)))
    for label, registrations in windows:
        for registration in registrations:
            with transaction.atomic():
                sent += _notify_registrant(registration, kind="engagement.reminder", intent="reminder",
                                           suffix=label, extra={"when": label})
    return sent


# --- feedback ------------------------------------------------------------------------------------

def _moderators_for(organization_id: int | None):
    """Moderators of the department; every moderator when it has none (an alert must reach someone)."""
    users = get_user_model().objects.filter(is_active=True)
    # One filter() call: the role and the department must be on the same membership row.
    anyone = users.filter(memberships__role=Role.MODERATOR, memberships__is_active=True,
                          memberships__organization__is_active=True).distinct().order_by("pk")
    if organization_id is None:
        return anyone
    own = users.filter(memberships__role=Role.MODERATOR, memberships__is_active=True,
                       memberships__organization_id=organization_id).distinct().order_by("pk")
    return own if own.exists() else anyone


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
    entered_by=None,
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
        _require(entered_by is not None and can_enter_feedback(entered_by),
                 _("Only engagement staff can enter paper cards and table notes."))
    if session is not None and session.status == CommunitySession.Status.DRAFT:
        raise ApplicationError(_("Feedback can only be tied to a published session."), field="session")
    contact = [contact_name.strip(), contact_email.strip(), contact_phone.strip()]
    if any(contact) and not contact_consent:
        raise ApplicationError(_("Tick the box to let us keep your contact, or leave it empty."),
                               field="contact_consent")
    item = FeedbackItem.objects.create(
        organization_id=session.organization_id if session else None, session=session, channel=channel, text=text,
        language=language, neighborhood=neighborhood, contact_consent=bool(contact_consent and any(contact)),
        contact_name=contact[0] if contact_consent else "", contact_email=contact[1] if contact_consent else "",
        contact_phone=contact[2] if contact_consent else "", entered_by=entered_by,
        safety_flag=describes_crisis(text))
    audit(actor=entered_by, action="engagement.feedback.received", target=item,
          organization=session.organization if session else None,
          after={"channel": channel, "safety_flag": item.safety_flag, "session": session.pk if session else None})
    if item.safety_flag:
        link = reverse("engagement:feedback-detail", args=[item.pk])
        for moderator in _moderators_for(item.organization_id):
            notify(kind="engagement.safety_alert", to=moderator,
                   dedupe_key=f"engagement.safety:{item.pk}:{moderator.pk}",
                   context={"item": item, "url": _absolute(link)}, target=item, link=link)
    return item


MODERATION_FIELDS = ["status", "reject_reason", "moderator_note", "moderated_by", "moderated_at", "updated_at"]
BULK_MODERATION_LIMIT = 100


def _publish_refusal(item: FeedbackItem) -> str:
    """Why the item can never be published ("" when it can)."""
    return _("A message describing a crisis is never published.") if item.safety_flag else ""


def _check_reject_reason(reason: str) -> None:
    if reason not in FeedbackItem.RejectReason.values:
        raise ApplicationError(_("Choose the reason for rejecting it."), field="reason")


def _moderation_apply(*, by, item: FeedbackItem, approve: bool, reason: str, note: str, now) -> tuple[dict, dict]:
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
    if item.contact_consent and (item.contact_email or item.contact_phone):
        contact = Contact(email=item.contact_email, phone=item.contact_phone, name=item.contact_name,
                          language=item.contact_language)
        notify(kind="engagement.moderation_result", to=contact,
               dedupe_key=f"engagement.moderation:{item.pk}:{item.status}:{item.reject_reason}",
               context={"item": item, "approved": approved, "reason": item.get_reject_reason_display()},
               target=item)


@transaction.atomic
def feedback_moderate(*, by, item: FeedbackItem, approve: bool, reason: str = "", note: str = "") -> FeedbackItem:
    _require(can_moderate_feedback(by, item), _("Only a moderator can publish or reject feedback."))
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
def feedback_moderate_bulk(*, by, item_ids, approve: bool, reason: str = "", note: str = "") -> BulkModeration:
    """Approve or reject up to 100 items at once, each by the rules of `feedback_moderate`.

    Only items the moderator's feedback queue holds are touched; other ids are reported as not
    found. A crisis message in an approval batch is skipped and reported, and the rest go ahead: a
    moderator clearing a page of ordinary feedback expects it published, and the crisis message was
    never going to be, so refusing the batch would only make them hunt for it and try again. It
    stays pending and flagged for the staff follow-up. Rejecting may include crisis messages, as on
    the single path. Queries do not grow with the batch (one lock, one UPDATE, one audit INSERT),
    except the notice to each author who left a contact.
    """
    from .selectors import feedback_list  # selectors are the one scoped read of the queue

    _require(is_engagement_staff(by), _("Only a moderator can publish or reject feedback."))
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
def feedback_code(*, by, item: FeedbackItem, themes) -> FeedbackItem:
    """Set the item's themes (several allowed)."""
    _require(can_moderate_feedback(by, item), _("Only a moderator can code feedback."))
    wanted = {t.pk for t in themes}
    current = set(item.codings.values_list("theme_id", flat=True))
    item.codings.filter(theme_id__in=current - wanted).delete()
    FeedbackCoding.objects.bulk_create([FeedbackCoding(item=item, theme_id=pk, coded_by=by)
                                        for pk in sorted(wanted - current)])
    audit(actor=by, action="engagement.feedback.coded", target=item, organization=item.organization,
          before={"themes": sorted(current)}, after={"themes": sorted(wanted)})
    return item


@transaction.atomic
def theme_create(*, by, name_en: str, name_es: str = "", description: str = "", parent: Theme | None = None) -> Theme:
    _require(can_manage_codebook(by), _("Only a moderator can change the codebook."))
    if parent is not None and parent.parent_id is not None:
        raise ApplicationError(_("The codebook has two levels: pick a top-level theme as parent."), field="parent")
    if Theme.objects.filter(parent=parent, name_en__iexact=name_en.strip()).exists():
        raise ApplicationError(_("This theme exists already."), field="name_en")
    theme = Theme.objects.create(parent=parent, name_en=name_en.strip(), name_es=name_es.strip(),
                                 description=description.strip())
    audit(actor=by, action="engagement.theme.created", target=theme, after={"name": theme.name_en})
    return theme


# --- decisions -----------------------------------------------------------------------------------

DECISION_FIELDS = ["title_en", "title_es", "action_en", "action_es", "outcome", "reason", "progress", "decided_on"]


@transaction.atomic
def decision_save(*, by, decision: Decision | None = None, themes=(), feedback_items=(), **fields) -> Decision:
    _require(can_manage_decisions(by), _("Only a moderator can record decisions."))
    if fields.get("outcome") == Decision.Outcome.NOT_ADOPTED and not fields.get("reason", "").strip():
        raise ApplicationError(_("Say why it was not adopted: residents are told."), field="reason")
    creating = decision is None
    decision = decision or Decision(created_by=by)
    for key, value in fields.items():
        if key in DECISION_FIELDS:
            setattr(decision, key, value)
    decision.save()
    decision.themes.set(themes)
    decision.feedback_items.set(feedback_items)
    audit(actor=by, action="engagement.decision." + ("created" if creating else "updated"), target=decision,
          after={"outcome": decision.outcome, "progress": decision.progress, "themes": sorted(t.pk for t in themes)})
    if decision.is_published:
        _tell_residents(decision)
    return decision


def _tell_residents(decision: Decision) -> int:
    """Residents who left contact and consented hear when a decision touches what they said."""
    sent = 0
    items = (FeedbackItem.objects.filter(contact_consent=True)
             .filter(pk__in=decision.feedback_items.values("pk")).select_related("language"))
    for item in items:
        if not (item.contact_email or item.contact_phone):
            continue
        contact = Contact(email=item.contact_email, phone=item.contact_phone, name=item.contact_name,
                          language=item.contact_language)
        sent += len(notify(kind="engagement.decision_published", to=contact,
                           dedupe_key=f"engagement.decision:{decision.pk}:{item.pk}:{decision.progress}",
                           context={"decision": decision,
                                    "url": _absolute(reverse("engagement:decision-public-list"))},
                           target=decision))
    return sent


@transaction.atomic
def decision_publish(*, by, decision: Decision) -> Decision:
    _require(can_manage_decisions(by), _("Only a moderator can publish decisions."))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not decision.is_published:
        decision.is_published, decision.published_at = True, timezone.now()
        decision.save(update_fields=["is_published", "published_at", "updated_at"])
        audit(actor=by, action="engagement.decision.published", target=decision)
    _tell_residents(decision)
    return decision
