"""Residents and the moderator: community sessions planned, registered for, held and closed,
feedback written and moderated, decisions published, residents' details erased."""

from datetime import time, timedelta

from django.urls import reverse

from ..clock import local, local_day
from .world import CITY_DEPARTMENT, World

FEEDBACK = [
    ("en", "We want a better police response, not no police response."),
    ("en", "Send someone who knows the block and speaks Haitian Creole."),
    ("es", "Necesitamos respuesta de noche, no solo en horario de oficina."),
    ("en", "The responders who came to my building were calm and kind."),
    ("es", "Queremos personas del barrio en los equipos."),
    ("en", "Please publish how many calls the teams take each month."),
]
CRISIS_TEXT = ["Some nights I want to end my life and nobody answers.", "A veces no quiero vivir, ayuda."]


def plan_community_session(world: World) -> None:
    from apps.core.models import Language, Neighborhood
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession

    moderator = world.users["moderator"]
    day = local_day(world.now) + timedelta(days=9)
    starts = local(day, time(18))
    n = world.next_number()
    kind = world.rng.choice([CommunitySession.Kind.LISTENING, CommunitySession.Kind.DESIGN,
                             CommunitySession.Kind.REPORT_BACK])
    neighborhood = world.rng.choice(list(Neighborhood.objects.filter(name__in=["Dorchester", "Roxbury", "South End",
                                                                             "Mattapan"])))
    session = world.do("engagement.session_create", engagement.session_create, by=moderator,
                       organization=world.organizations[CITY_DEPARTMENT], kind=kind,
                       title=f"Community session {n}: crisis response in {neighborhood.name}",
                       translations={"es": {
                           "title": f"Sesión comunitaria {n}: respuesta a crisis en {neighborhood.name}",
                           "description": "Díganos cómo responder a las llamadas de crisis."}},
                       description="Tell the city how crisis calls should be answered.",
                       neighborhood=neighborhood, format=CommunitySession.Format.IN_PERSON,
                       venue_name="Branch library", venue_address="1 Main St, Boston", step_free_access=True,
                       starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=6, reserved_seats=1,
                       interpretation_languages=[Language.objects.get(code="es")])
    if session is not None:
        world.do("engagement.session_publish", engagement.session_publish, by=moderator, session=session)


def residents_register(world: World) -> None:
    """Residents register for upcoming sessions (mostly through the public form); some cancel."""
    from apps.core.models import Language
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession, Registration

    sessions = list(CommunitySession.objects.filter(status=CommunitySession.Status.PUBLISHED,
                                                    starts_at__gt=world.now + timedelta(hours=2)).order_by("starts_at"))
    english = Language.objects.get(code="en")
    for session in sessions[:3]:
        for _ in range(world.rng.randint(0, 2)):
            n = world.next_number()
            data = {"name": f"Resident {n}", "language": english.pk}
            if world.chance(0.5):
                email, phone = f"resident-{n}@mail.example", f"617-555-{n % 10000:04d}"
                data.update(email=email, phone=phone, contact_consent="on")
                world.residents.append((email, phone))
            if world.chance(0.2):
                data["access_needs"] = "Step-free seating near the door"
            world.http("engagement.register", None, "POST", reverse("engagement:session-register", args=[session.pk]),
                       data)
        if world.chance(0.15):
            # Chosen by the seeded generator, not the database's random order: one seed, one year.
            registered = list(session.registrations.filter(status=Registration.Status.REGISTERED).order_by("pk"))
            registration = world.rng.choice(registered) if registered else None
            if registration is not None:
                world.do("engagement.registration_cancel", engagement.registration_cancel, registration=registration)


def session_held(world: World, session_id: int) -> None:
    """Ten minutes in: check-ins by code (through the staff page) and walk-ins."""
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession, Registration

    session = CommunitySession.objects.get(pk=session_id)
    if session.status != CommunitySession.Status.PUBLISHED:
        return
    moderator = world.users["moderator"]
    for registration in session.registrations.filter(status=Registration.Status.REGISTERED):
        if world.chance(0.75):
            world.http("engagement.check_in", moderator, "POST",
                       reverse("engagement:staff-check-in", args=[session.pk]), {"code": registration.code})
    world.do("engagement.walk_in_record", engagement.walk_in_record, by=moderator, session=session,
             count=world.rng.randint(0, 4))


def session_closed(world: World, session_id: int) -> None:
    """After the session: it is closed with notes, and paper cards are typed in by staff."""
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession

    session = CommunitySession.objects.get(pk=session_id)
    if session.status != CommunitySession.Status.PUBLISHED:
        return
    moderator = world.users["moderator"]
    world.do("engagement.session_close", engagement.session_close, by=moderator, session=session,
             summary_notes="Residents discussed night coverage and language access.")
    for _ in range(world.rng.randint(1, 3)):
        language_code, text = world.rng.choice(FEEDBACK)
        world.do("engagement.feedback_submit (paper card)", engagement.feedback_submit, text=text,
                 language=_language(language_code), channel="paper_card", session=session,
                 neighborhood=session.neighborhood, entered_by=moderator)


def _language(code: str):
    from apps.core.models import Language

    return Language.objects.get(code=code)


def public_feedback(world: World) -> None:
    """Residents write through the public form: some leave contact details, a few describe a crisis."""
    for _ in range(world.rng.randint(0, 2)):
        n = world.next_number()
        language_code, text = world.rng.choice(FEEDBACK)
        if world.chance(0.08):
            text = world.rng.choice(CRISIS_TEXT)
        data = {"text": text, "language": _language(language_code).pk}
        if world.chance(0.25):
            email = f"writer-{n}@mail.example"
            data.update(contact_consent="on", contact_name=f"Writer {n}", contact_email=email)
            world.residents.append((email, ""))
        world.http("engagement.feedback", None, "POST", reverse("engagement:feedback-create"), data)


def moderate(world: World) -> None:
    """The moderator works the queue: publishes most, rejects some with a reason, crisis messages are
    followed up and rejected for safety; published items are coded with themes."""
    from apps.engagement import services as engagement
    from apps.engagement.models import FeedbackItem, Theme

    moderator = world.users["moderator"]
    themes = list(Theme.objects.filter(parent=None).order_by("pk"))
    for item in FeedbackItem.objects.filter(status=FeedbackItem.Status.PENDING).order_by("pk")[:12]:
        if item.safety_flag:
            world.do("engagement.feedback_moderate (crisis)", engagement.feedback_moderate, by=moderator, item=item,
                     approve=False, reason="safety", note="Called back; referred to 988.")
        elif world.chance(0.1):
            world.http("engagement.feedback_moderate", moderator, "POST",
                       reverse("engagement:feedback-detail", args=[item.pk]),
                       {"decision": "reject", "reason": "off_topic"})
        else:
            item = world.do("engagement.feedback_moderate", engagement.feedback_moderate, by=moderator, item=item,
                            approve=True)
            if item is not None and themes:
                world.do("engagement.feedback_code", engagement.feedback_code, by=moderator, item=item,
                         themes=world.rng.sample(themes, k=min(2, len(themes))))


def publish_decision(world: World) -> None:
    from apps.engagement import services as engagement
    from apps.engagement.models import Decision, FeedbackItem, Theme

    moderator = world.users["moderator"]
    items = list(FeedbackItem.objects.filter(status=FeedbackItem.Status.APPROVED).order_by("-pk")[:3])
    themes = list(Theme.objects.filter(parent=None).order_by("pk")[:1])
    n = world.next_number()
    decision = world.do("engagement.decision_save", engagement.decision_save, by=moderator,
                        title=f"Residents asked for night coverage ({n})",
                        translations={"es": {"title": f"Pidieron cobertura nocturna ({n})",
                                             "action": "Se añadió un equipo de noche."}},
                        action="An evening team was added.", outcome=Decision.Outcome.ADOPTED,
                        decided_on=local_day(world.now), themes=themes, feedback_items=items)
    if decision is not None:
        world.do("engagement.decision_publish", engagement.decision_publish, by=moderator, decision=decision)


def residents_erase(world: World) -> None:
    """A resident asks for their details to be deleted (the forget-me flow's service), another deletes
    one registration from its page."""
    from apps.engagement import erasure
    from apps.engagement import services as engagement
    from apps.engagement.models import Registration

    if world.residents and world.chance(0.5):
        email, phone = world.residents.pop(world.rng.randrange(len(world.residents)))
        world.do("engagement.resident_erase", erasure.resident_erase, email=email, phone=phone)
    registration = (Registration.objects.exclude(email="").filter(session__starts_at__gt=world.now)
                    .order_by("pk").first())
    if registration is not None and world.chance(0.5):
        token = engagement.registration_token(registration)
        world.http("engagement.registration_erase", None, "POST",
                   reverse("engagement:registration-erase", args=[token]))

