"""Demo data: published sessions in Dorchester, Roxbury and the South End, registrations, a codebook,
feedback in English and Spanish, and one published decision. Idempotent: it finds what exists."""

from datetime import timedelta

from django.utils import timezone

from apps.core.models import Language, Neighborhood

from . import services
from .models import CommunitySession, Decision, FeedbackItem, Theme

SESSIONS = [
    ("Dorchester", CommunitySession.Kind.LISTENING, "Listening session: who should answer a mental-health call?",
     "Sesión para escuchar: ¿quién debe responder a una llamada de salud mental?",
     "Kroc Center, 650 Dudley St", 6, 40),
    ("Roxbury", CommunitySession.Kind.DESIGN, "Community-design workshop: the responder team",
     "Taller de diseño comunitario: el equipo de respuesta", "Bolling Building, 2300 Washington St", 9, 25),
    ("South End", CommunitySession.Kind.REPORT_BACK, "Report-back: what we heard this spring",
     "Informe: lo que escuchamos esta primavera", "Blackstone Community Center, 50 W Brookline St", 13, 60),
]

FEEDBACK = [
    ("en", "We want a better police response, not no police response."),
    ("en", "Send someone who knows my neighbors and speaks Cabo Verdean Creole."),
    ("en", "Responders should be from the neighborhood and paid fairly."),
    ("en", "Please make sure the team can come at night, not just business hours."),
    ("es", "Queremos personas que hablen español y entiendan a nuestra comunidad."),
    ("es", "La policía no debería ser la primera en llegar cuando alguien está en crisis."),
    ("es", "Necesitamos más información sobre cómo llamar al equipo."),
    ("en", "Train responders in de-escalation and harm reduction."),
]

THEMES = [("Who responds", "Quién responde"), ("Language access", "Acceso lingüístico"),
          ("Hours and coverage", "Horario y cobertura")]


def seed(*, users, organizations, stdout) -> None:
    moderator = users["moderator"]
    city = organizations["City Health and Human Services"]
    facilitator = organizations.get("Roxbury Community Wellness Partners")
    languages = {code: Language.objects.get(code=code) for code in ("en", "es", "ht", "kea", "ase")}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    sessions = []
    for neighborhood, kind, title_en, title_es, venue, days, capacity in SESSIONS:
        session = CommunitySession.objects.filter(title_en=title_en).first()
        if session is None:
            starts = now + timedelta(days=days, hours=2)
            session = services.session_create(
                by=moderator, organization=city, kind=kind, title_en=title_en, title_es=title_es,
                description_en="Tell the city how mental-health crisis calls should be answered.",
                description_es="Díganle a la ciudad cómo se deben atender las llamadas de crisis de salud mental.",
                neighborhood=Neighborhood.objects.get(name=neighborhood), format=CommunitySession.Format.HYBRID,
                venue_name=venue.split(",")[0], venue_address=venue.split(",")[1].strip() + ", Boston",
                online_link="https://meet.example.org/crisisprog", step_free_access=True, quiet_room=True,
                transit_notes="Near bus routes 15, 23 and 28.", starts_at=starts, ends_at=starts + timedelta(hours=2),
                capacity=capacity, reserved_seats=5, captioning=True, childcare=True, food=True,
                facilitating_organization=facilitator,
                interpretation_languages=[languages["es"], languages["ht"], languages["kea"], languages["ase"]],
                agenda=[("Welcome and introductions", "Bienvenida y presentaciones", 15),
                        ("Small-group conversations", "Conversaciones en grupos pequeños", 60),
                        ("What we heard", "Lo que escuchamos", 30)])
            session = services.session_publish(by=moderator, session=session)
            for n, (name, code) in enumerate([("Marisol", "es"), ("D. P.", "en"), ("Jean", "ht")]):
                services.registration_create(session_id=session.pk, name=f"{name} {n + 1}",
                                             language=languages[code])
        sessions.append(session)
    themes = []
    for name_en, name_es in THEMES:
        theme = Theme.objects.filter(parent=None, name_en=name_en).first() or services.theme_create(
            by=moderator, name_en=name_en, name_es=name_es)
        themes.append(theme)
    if not FeedbackItem.objects.exists():
        for index in range(40):
            code, text = FEEDBACK[index % len(FEEDBACK)]
            item = services.feedback_submit(
                text=text, language=languages[code], session=sessions[index % len(sessions)],
                neighborhood=sessions[index % len(sessions)].neighborhood,
                channel=FeedbackItem.Channel.ONLINE if index % 3 else FeedbackItem.Channel.PAPER_CARD,
                entered_by=None if index % 3 else moderator)
            if index % 4 != 3:
                services.feedback_moderate(by=moderator, item=item, approve=True)
                services.feedback_code(by=moderator, item=item, themes=[themes[index % len(themes)]])
    if not Decision.objects.exists():
        decision = services.decision_save(
            by=moderator, title_en="Responders who speak residents' languages",
            title_es="Personas que respondan en el idioma de los residentes",
            action_en="The RFP now scores language access; Spanish and Haitian Creole speakers are required.",
            action_es="La solicitud de propuestas ahora evalúa el acceso lingüístico.",
            outcome=Decision.Outcome.ADOPTED, progress=Decision.Progress.IN_PROGRESS,
            decided_on=timezone.localdate(), themes=[themes[1]], feedback_items=[])
        services.decision_publish(by=moderator, decision=decision)
    stdout.write("  engagement: 3 published sessions, feedback in English and Spanish, 1 decision")
