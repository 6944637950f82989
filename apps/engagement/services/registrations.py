"""Registrations: the signed links a resident keeps, registering or joining the waitlist, cancelling
(the waitlist moves up), checking in at the door, and the staff tasks a registration opens."""

import secrets

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import Contact, notification_cancel, notify

from ..models import CommunitySession, Registration, StaffTask
from ..permissions import can_manage_session
from ._common import absolute

REGISTRATION_SALT = "crisisprog.engagement.registration"
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes
CODE_LENGTH = 6


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
        "manage_url": absolute(reverse("engagement:registration-detail", args=[token])),
        "cancel_url": absolute(reverse("engagement:registration-cancel", args=[token])),
        "ics_url": absolute(reverse("engagement:session-ics", args=[registration.session_id])),
        "session_url": absolute(reverse("engagement:session-detail", args=[registration.session_id])),
    }


def _contact(registration: Registration) -> Contact | None:
    if not registration.contact_consent or not (registration.email or registration.phone):
        return None
    return Contact(email=registration.email, phone=registration.phone, name=registration.name,
                   language=registration.message_language)


def notify_registrant(registration: Registration, *, kind: str, intent: str, extra: dict | None = None,
                      suffix: str = "") -> int:
    """Tell a registrant who left a contact and consented, with the links to their registration (the
    session's changes and the reminders use it too)."""
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


def registration_consent_problem(*, email: str | None, phone: str | None, contact_consent: bool | None) -> str:
    """Why the registration cannot keep this email or phone ("" when it can): not without the resident's
    consent. The page's form and the API's serializer ask here too, so all three give this message on
    the contact_consent field; the database's constraint is the last line of defence."""
    if ((email or "").strip() or (phone or "").strip()) and not contact_consent:
        return _("Tick this box to let us keep your email or phone, or leave them empty.")
    return ""


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
    problem = registration_consent_problem(email=email, phone=phone, contact_consent=contact_consent)
    if problem:
        raise ApplicationError(problem, field="contact_consent")
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
        notify_registrant(registration, kind="engagement.registration", intent="registration")
        audit(actor=None, action="engagement.registration.created", target=registration,
              organization=session.organization, after={"status": status, "session": session.pk})
    return registration


def promote_waitlist(session: CommunitySession) -> list[Registration]:
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
                       then=lambda row: notify_registrant(row, kind="engagement.waitlist_promoted",
                                                          intent="promoted"))
            for registration in promoted]


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None) -> Registration:
    """The resident (through the signed link) or staff cancels; the first on the waitlist moves up."""
    session = CommunitySession.objects.select_for_update().get(pk=registration.session_id)
    if by is not None:
        require(can_manage_session(by, session), _("Only a moderator of this department can cancel it."))

    def stamp(row: Registration) -> list[str]:
        if session.status != CommunitySession.Status.PUBLISHED:
            raise ApplicationError(_("This session is no longer open for changes."))
        row.cancelled_at = timezone.now()
        return ["cancelled_at"]

    def tell(row: Registration) -> None:
        notification_cancel(dedupe_key_prefix=f"engagement.reminder:{session.pk}:{row.pk}:")
        notify_registrant(row, kind="engagement.registration_cancelled", intent="cancelled")

    registration = transition(Registration, registration.pk,
                              from_states={Registration.Status.REGISTERED, Registration.Status.WAITLISTED},
                              done_states={Registration.Status.CANCELLED}, to_state=Registration.Status.CANCELLED,
                              apply=stamp, actor=by, action="engagement.registration.cancelled",
                              organization=session.organization, after={"status": Registration.Status.CANCELLED},
                              select_related=("language", "session"), then=tell)
    promote_waitlist(session)
    return registration


@transaction.atomic
def registration_check_in(*, by: User, session: CommunitySession, code: str) -> Registration:
    require(can_manage_session(by, session), _("Only a moderator of this department can check people in."))
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
def staff_task_complete(*, by: User, task: StaffTask) -> StaffTask:
    require(can_manage_session(by, task.session), _("Only a moderator of this department can close the task."))

    def done(row: StaffTask) -> list[str]:
        row.done_by, row.done_at = by, timezone.now()
        return ["done_by", "done_at"]

    # Under the task's lock: two moderators closing it at once record one "done", by whoever was first.
    return transition(task, from_states={StaffTask.Status.OPEN}, done_states={StaffTask.Status.DONE},
                      to_state=StaffTask.Status.DONE, apply=done, actor=by, action="engagement.task.done",
                      organization=task.session.organization)
