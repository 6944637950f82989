"""Community sessions: create, change, publish, cancel, count the walk-ins and close."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import notification_cancel

from ..models import AgendaItem, CommunitySession, Registration
from ..permissions import can_create_session, can_manage_session, handles_organization
from ._common import clean_translations
from .registrations import notify_registrant, promote_waitlist

SESSION_FIELDS = [
    "kind", "title", "description", "translations", "neighborhood", "format", "venue_name",
    "venue_address", "online_link", "step_free_access", "quiet_room", "transit_notes",
    "parking_notes", "accessibility_notes", "starts_at", "ends_at", "capacity", "reserved_seats", "captioning",
    "childcare", "food", "facilitating_organization", "materials_url",
]


def _add_agenda(session: CommunitySession, agenda) -> None:
    """Agenda items as (English title, translations as {language: {"title": text}}, minutes)."""
    for order, (title, translations, minutes) in enumerate(agenda):
        session.agenda_items.create(order=order, title=title, minutes=minutes,
                                    translations=clean_translations(AgendaItem, translations))


def _validate_session(session: CommunitySession) -> None:
    session.translations = clean_translations(CommunitySession, session.translations)
    for name in ("starts_at", "ends_at"):
        # A typing slip (year 0230) is refused: the calendar, the reminders and the API's dates need a real year.
        if not 2000 <= timezone.localtime(getattr(session, name)).year <= 2100:
            raise ApplicationError(_("Give a date between the years 2000 and 2100."), field=name)
    if session.ends_at <= session.starts_at:
        raise ApplicationError(_("The session must end after it starts."), field="ends_at")
    if session.reserved_seats > session.capacity:
        raise ApplicationError(_("Reserved seats cannot exceed the capacity."), field="reserved_seats")
    if session.format != CommunitySession.Format.IN_PERSON and not session.online_link:
        raise ApplicationError(_("An online or hybrid session needs its link."), field="online_link")
    if session.format != CommunitySession.Format.ONLINE and not session.venue_name:
        raise ApplicationError(_("An in-person session needs its venue."), field="venue_name")


@transaction.atomic
def session_create(*, by: User, organization, interpretation_languages=(), agenda=(), **fields) -> CommunitySession:
    require(can_create_session(by) and handles_organization(by, organization.pk),
            _("Only a moderator of this department can create its sessions."))
    session = CommunitySession(organization=organization, created_by=by,
                               **{k: v for k, v in fields.items() if k in SESSION_FIELDS})
    _validate_session(session)
    session.save()
    session.interpretation_languages.set(interpretation_languages)
    _add_agenda(session, agenda)
    audit(actor=by, action="engagement.session.created", target=session, organization=organization,
          after={"title": session.title, "starts_at": session.starts_at, "capacity": session.capacity})
    return session


@transaction.atomic
def session_update(*, by: User, session: CommunitySession, interpretation_languages=None, agenda=None,
                   **fields) -> CommunitySession:
    require(can_manage_session(by, session), _("Only a moderator of this department can change the session."))
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
        _add_agenda(session, agenda)
    after = {k: getattr(session, k if k not in ("neighborhood", "facilitating_organization") else f"{k}_id")
             for k in before}
    audit(actor=by, action="engagement.session.updated", target=session, organization=session.organization,
          before=before, after=after)
    # More open seats may let people off the waitlist.
    promote_waitlist(session)
    return session


def session_publish(*, by: User, session: CommunitySession) -> CommunitySession:
    require(can_manage_session(by, session), _("Only a moderator of this department can publish the session."))

    def publish(row: CommunitySession) -> list[str]:
        if row.starts_at <= timezone.now():
            raise ApplicationError(_("A session that has started cannot be published."), field="starts_at")
        row.published_at = timezone.now()
        return ["published_at"]

    return transition(session, from_states={CommunitySession.Status.DRAFT},
                      done_states={CommunitySession.Status.PUBLISHED}, to_state=CommunitySession.Status.PUBLISHED,
                      refused=_("Only a draft can be published."), apply=publish, actor=by,
                      action="engagement.session.published", organization=session.organization)


def session_cancel(*, by: User, session: CommunitySession, reason: str) -> CommunitySession:
    require(can_manage_session(by, session), _("Only a moderator of this department can cancel the session."))
    if not reason.strip():
        raise ApplicationError(_("Say why the session is cancelled: registrants are told."), field="reason")

    def cancel(row: CommunitySession) -> list[str]:
        row.cancelled_at, row.cancellation_reason = timezone.now(), reason.strip()
        return ["cancelled_at", "cancellation_reason"]

    def tell_registrants(row: CommunitySession) -> None:
        active = row.registrations.filter(status__in=[Registration.Status.REGISTERED,
                                                      Registration.Status.WAITLISTED]).select_related("language")
        for registration in active:
            notify_registrant(registration, kind="engagement.session_cancelled", intent="session-cancelled",
                              extra={"reason": row.cancellation_reason})
        notification_cancel(dedupe_key_prefix=f"engagement.reminder:{row.pk}:")

    return transition(session, from_states={CommunitySession.Status.DRAFT, CommunitySession.Status.PUBLISHED},
                      done_states={CommunitySession.Status.CANCELLED}, to_state=CommunitySession.Status.CANCELLED,
                      refused=_("A completed session cannot be cancelled."), apply=cancel, actor=by,
                      action="engagement.session.cancelled", organization=session.organization,
                      after=lambda row: {"reason": row.cancellation_reason}, then=tell_registrants)


@transaction.atomic
def walk_in_record(*, by: User, session: CommunitySession, count: int) -> CommunitySession:
    """Set the number of people who came without registering (counted at the door)."""
    require(can_manage_session(by, session), _("Only a moderator of this department can record walk-ins."))
    if count < 0:
        raise ApplicationError(_("Walk-ins cannot be negative."), field="count")
    session = CommunitySession.objects.select_for_update().get(pk=session.pk)
    before = session.walk_in_count
    session.walk_in_count = count
    session.save(update_fields=["walk_in_count", "updated_at"])
    audit(actor=by, action="engagement.session.walk_ins", target=session, organization=session.organization,
          before={"walk_ins": before}, after={"walk_ins": count})
    return session


def session_close(*, by: User, session: CommunitySession, summary_notes: str,
                  materials_url: str = "") -> CommunitySession:
    """Close a held session: attendance is those checked in plus the walk-ins."""
    require(can_manage_session(by, session), _("Only a moderator of this department can close the session."))

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
