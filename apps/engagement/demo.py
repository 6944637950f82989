"""Demo data: published sessions in Dorchester, Roxbury and the South End (a weekday evening, a
Saturday morning, a weekday evening, city time), registrations, a codebook, feedback in English and
Spanish, and one published decision (`seed`). Then the past (`seed_history`, registered below): three
sessions held in recent months, one of them last month, with registrations, check-ins, walk-ins,
coded feedback from paper cards and table notes, and two published "you said, we did" decisions.
Every date is relative to today. Idempotent: it finds what exists (sessions and decisions by title).

Held sessions go through the services: created and published with a future start (the services
refuse a start in the past), registered, then moved back to their real evening before check-in,
walk-ins and closing, which the services allow once a session has started. The moments the services
stamped (published, registered, checked in, closed, feedback received and moderated, decision
published) are then set to when they would have happened.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.core.localtime import local_moment
from apps.core.models import Language, Neighborhood
from apps.core.registry import register_demo_seeder

from . import services
from .models import CommunitySession, Decision, FeedbackItem, Registration, Theme

DESCRIPTION_ES = "Díganle a la ciudad cómo se deben atender las llamadas de crisis de salud mental."
SESSIONS = [
    ("Dorchester", CommunitySession.Kind.LISTENING, "Listening session: who should answer a mental-health call?",
     "Sesión para escuchar: ¿quién debe responder a una llamada de salud mental?",
     "Kroc Center, 650 Dudley St", 6, 40),
    ("Roxbury", CommunitySession.Kind.DESIGN, "Community-design workshop: the responder team",
     "Taller de diseño comunitario: el equipo de respuesta", "Bolling Building, 2300 Washington St", 9, 25),
    ("South End", CommunitySession.Kind.REPORT_BACK, "Report-back: what we heard this spring",
     "Informe: lo que escuchamos esta primavera", "Blackstone Community Center, 50 W Brookline St", 13, 60),
]

# Item i is left pending when i % 4 == 3: two English comments about nights are among them (the
# moderator's browser journey searches the queue for "night").
FEEDBACK = [
    ("en", "We want a better police response, not no police response."),
    ("en", "Send someone who knows my neighbors and speaks Cabo Verdean Creole."),
    ("en", "Responders should be from the neighborhood and paid fairly."),
    ("en", "Please make sure the team can come at night, not just business hours."),
    ("es", "Queremos personas que hablen español y entiendan a nuestra comunidad."),
    ("es", "La policía no debería ser la primera en llegar cuando alguien está en crisis."),
    ("es", "Necesitamos más información sobre cómo llamar al equipo."),
    ("en", "Train responders in de-escalation and harm reduction."),
    ("es", "Que el equipo pueda venir de noche, no solo en horario de oficina."),
    ("ht", "Nou bezwen ekip la vin lannwit tou, pa sèlman lè biwo louvri."),
    ("pt-BR", "A equipe precisa atender à noite também, não só em horário comercial."),
    ("en", "My brother waited two hours for help last winter. Response times matter."),
    ("es", "Mi hermano esperó dos horas a que llegara ayuda. El tiempo de respuesta importa."),
    ("es", "Necesitamos personas que hablen mandarín y cantonés en Chinatown."),
    ("en", "We need responders who speak Mandarin and Cantonese in Chinatown."),
    ("pt-BR", "Precisamos de pessoas que falem português e crioulo cabo-verdiano."),
    ("en", "After the team left nobody followed up with us. Please call families back."),
    ("es", "Después de la visita nadie nos llamó. Hagan seguimiento a las familias."),
    ("en", "Teenagers in crisis need someone young and trained in youth work."),
    ("es", "Los jóvenes necesitan personas capacitadas para trabajar con jóvenes."),
    ("en", "Many calls are about people sleeping outside. Connect them to shelter, not jail."),
    ("pt-BR", "Muitas pessoas em situação de rua precisam de abrigo, não de polícia."),
    ("en", "Keep what people tell responders private. No records shared with immigration."),
    ("es", "Lo que contamos al equipo debe ser privado y no compartirse con inmigración."),
    ("en", "Give rides to a clinic instead of the emergency room when it is safe."),
    ("pt-BR", "Se for seguro, levem a pessoa a uma clínica e não ao pronto-socorro."),
    ("en", "People using drugs need naloxone and a responder who will not judge them."),
    ("es", "Las personas que usan drogas necesitan naloxona y alguien que no las juzgue."),
    ("en", "How will residents know whether to call 911 or 988? Explain it in every language."),
    ("pt-BR", "Como saber se devo ligar para o 911 ou para o 988? Expliquem em todas as línguas."),
    ("en", "Pay the responders a living wage so they stay."),
    ("es", "Paguen un salario digno a quienes responden para que no se vayan."),
    ("en", "Older neighbors living alone should get a check-in call after a crisis."),
    ("es", "Las personas mayores que viven solas deberían recibir una llamada después de una crisis."),
    ("en", "The listening session was too early for people who work. Hold one on Saturday."),
    ("en", "Responders should have a quiet room to bring people to, open all night."),
    ("es", "Las sesiones son muy temprano para quienes trabajan. Hagan una el sábado."),
    ("pt-BR", "Deveria haver um espaço calmo aberto a noite toda para levar as pessoas."),
    ("en", "Publish how many calls the teams took and how many they could not take."),
    ("es", "Publiquen cuántas llamadas atendieron los equipos y cuántas no pudieron atender."),
]

# kind -> (weekdays it is held on, start, length): weekday evenings, Saturday mornings.
WHEN = {
    CommunitySession.Kind.LISTENING: ((1, 2, 3), time(18, 0), timedelta(hours=2)),
    CommunitySession.Kind.DESIGN: ((5,), time(10, 0), timedelta(hours=2, minutes=30)),
    CommunitySession.Kind.REPORT_BACK: ((0, 1, 2, 3), time(18, 30), timedelta(hours=1, minutes=30)),
}

THEMES = [("Who responds", "Quién responde"), ("Language access", "Acceso lingüístico"),
          ("Hours and coverage", "Horario y cobertura")]


def _upcoming(kind: str, day: date) -> tuple[datetime, timedelta]:
    """The first day on or after `day` that suits the kind, at its hour."""
    weekdays, at, length = WHEN[kind]
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return local_moment(day, at), length


def seed(*, users, organizations, stdout) -> None:
    moderator = users["moderator"]
    city = organizations["City Health and Human Services"]
    facilitator = organizations.get("Roxbury Community Wellness Partners")
    languages = {code: Language.objects.get(code=code) for code in ("en", "es", "ht", "kea", "ase", "pt-BR")}
    sessions = []
    for neighborhood, kind, title, title_es, venue, days, capacity in SESSIONS:
        session = CommunitySession.objects.filter(title=title).first()
        if session is None:
            starts, length = _upcoming(kind, timezone.localdate() + timedelta(days=days))
            session = services.session_create(
                by=moderator, organization=city, kind=kind, title=title,
                translations={"es": {"title": title_es, "description": DESCRIPTION_ES,
                                     "transit_notes": "Cerca de las rutas de autobús 15, 23 y 28."}},
                description="Tell the city how mental-health crisis calls should be answered.",
                neighborhood=Neighborhood.objects.get(name=neighborhood), format=CommunitySession.Format.HYBRID,
                venue_name=venue.split(",")[0], venue_address=venue.split(",")[1].strip() + ", Boston",
                online_link="https://meet.example.org/crisisprog", step_free_access=True, quiet_room=True,
                transit_notes="Near bus routes 15, 23 and 28.",
                starts_at=starts, ends_at=starts + length,
                capacity=capacity, reserved_seats=5, captioning=True, childcare=True, food=True,
                facilitating_organization=facilitator,
                interpretation_languages=[languages["es"], languages["ht"], languages["kea"], languages["ase"]],
                agenda=[("Welcome and introductions", {"es": {"title": "Bienvenida y presentaciones"}}, 15),
                        ("Small-group conversations", {"es": {"title": "Conversaciones en grupos pequeños"}}, 60),
                        ("What we heard", {"es": {"title": "Lo que escuchamos"}}, 30)])
            session = services.session_publish(by=moderator, session=session)
            for n, (name, code) in enumerate([("Marisol", "es"), ("D. P.", "en"), ("Jean", "ht")]):
                services.registration_create(session_id=session.pk, name=f"{name} {n + 1}",
                                             language=languages[code])
        sessions.append(session)
    themes = []
    for name, name_es in THEMES:
        theme = Theme.objects.filter(parent=None, name=name).first() or services.theme_create(
            by=moderator, name=name, translations={"es": {"name": name_es}})
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
            by=moderator, title="Responders who speak residents' languages",
            translations={"es": {"title": "Personas que respondan en el idioma de los residentes",
                                 "action": "La solicitud de propuestas ahora evalúa el acceso lingüístico."}},
            action="The RFP now scores language access; Spanish and Haitian Creole speakers are required.",
            outcome=Decision.Outcome.ADOPTED, progress=Decision.Progress.IN_PROGRESS,
            decided_on=timezone.localdate(), themes=[themes[1]], feedback_items=[])
        services.decision_publish(by=moderator, decision=decision)
    stdout.write("  engagement: 3 published sessions, feedback in four languages, 1 decision")


# --- the past ----------------------------------------------------------------------------------------
# neighborhood, kind, title (en, es), venue, when (months back, day of month) or weeks back,
# registrations, checked in, walk-ins, summary
HELD = [
    ("Mattapan", CommunitySession.Kind.LISTENING, "Listening session: crisis calls in Mattapan",
     "Sesión para escuchar: llamadas de crisis en Mattapan", "Mattapan Branch Library, 1350 Blue Hill Ave",
     ("weeks", 11), 18, 13, 6,
     "Residents asked for a team that knows the neighborhood and can come in the evening."),
    ("Dorchester", CommunitySession.Kind.DESIGN, "Community-design workshop: when to send a community team",
     "Taller de diseño comunitario: cuándo enviar un equipo comunitario", "Kroc Center, 650 Dudley St",
     ("weeks", 7), 14, 11, 3,
     "Fourteen residents drafted the call types a community team should take first."),
    ("Roxbury", CommunitySession.Kind.LISTENING, "Listening session: what happened after you called",
     "Sesión para escuchar: qué pasó después de su llamada", "Bolling Building, 2300 Washington St",
     ("last_month", 14), 22, 16, 7,
     "Families described long waits and asked to be told who is coming and when."),
]

HELD_FEEDBACK = [
    ("en", "paper_card", "The person who came knew my son by name. That changed everything."),
    ("es", "paper_card", "Necesitamos que el equipo venga también los fines de semana."),
    ("en", "table_notes", "Table 2: people want a number to call that is not 911, and a text option."),
    ("ht", "paper_card", "Nou bezwen moun ki pale kreyòl sou ekip la."),
    ("en", "paper_card", "We want a better police response, not no police response."),
    ("es", "table_notes", "Mesa 1: piden saber cuánto tiempo va a tardar el equipo en llegar."),
    ("en", "paper_card", "Please follow up the next day. A call back would mean a lot."),
    ("en", "table_notes", "Table 3: train responders with people who have lived experience."),
]

DECISIONS = [
    ("Tell callers who is coming and when", "Decir a quien llama quién va y cuándo",
     "Dispatch now tells callers when a community team is on its way and about how long it will take.",
     "La central ahora informa a quien llama cuándo va un equipo comunitario y cuánto tardará.",
     Decision.Outcome.ADOPTED, Decision.Progress.DONE, 2, 0),
    ("Teams on weekends and evenings", "Equipos los fines de semana y por la noche",
     "An evening team now works every day until 2 a.m.; weekend day coverage starts with the next contract.",
     "Un equipo nocturno trabaja todos los días hasta las 2 a. m.; la cobertura de fin de semana empieza con el "
     "próximo contrato.", Decision.Outcome.ADAPTED, Decision.Progress.IN_PROGRESS, 1, 2),
]


def _held_day(when: tuple[str, int], weekdays: tuple[int, ...], today: date) -> date:
    unit, n = when
    if unit == "last_month":
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        day = first.replace(day=n)
    else:
        day = today - timedelta(days=7 * n)
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def _hold(*, moderator, city, facilitator, languages, themes, spec, today: date) -> CommunitySession | None:
    (neighborhood, kind, title, title_es, venue, when, registrations, checked_in, walk_ins, summary) = spec
    if CommunitySession.objects.filter(title=title).exists():
        return None
    weekdays, at, length = WHEN[kind]
    starts = local_moment(_held_day(when, weekdays, today), at)
    ends = starts + length
    # Created and registered with a future start (the services' rule), then moved to its evening.
    placeholder = timezone.now() + timedelta(days=2)
    session = services.session_create(
        by=moderator, organization=city, kind=kind, title=title,
        translations={"es": {"title": title_es, "description": DESCRIPTION_ES,
                             "transit_notes": "Cerca de las rutas de autobús del vecindario."}},
        description="Tell the city how mental-health crisis calls should be answered.",
        neighborhood=Neighborhood.objects.get(name=neighborhood), format=CommunitySession.Format.IN_PERSON,
        venue_name=venue.split(",")[0], venue_address=venue.split(",")[1].strip() + ", Boston",
        step_free_access=True, transit_notes="Near the bus routes of the neighborhood.",
        starts_at=placeholder, ends_at=placeholder + length, capacity=30, reserved_seats=5, captioning=True,
        childcare=True, food=True, facilitating_organization=facilitator,
        interpretation_languages=[languages["es"], languages["ht"]],
        agenda=[("Welcome", {"es": {"title": "Bienvenida"}}, 15),
                ("Small-group conversations", {"es": {"title": "Conversaciones en grupos pequeños"}}, 75),
                ("What we heard", {"es": {"title": "Lo que escuchamos"}}, 30)])
    session = services.session_publish(by=moderator, session=session)
    names = ["Marisol", "D. P.", "Jean", "Ana", "Tony", "Fatou", "Luis", "Mei", "Kevin", "Rosa", "Wendell", "Yolanda"]
    codes = ["es", "en", "ht", "es", "en", "kea", "es", "en", "en", "es", "en", "en"]
    made = [services.registration_create(session_id=session.pk, name=f"{names[n % len(names)]} {n + 1}",
                                         language=languages[codes[n % len(codes)]])
            for n in range(registrations)]
    CommunitySession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=ends,
                                                          published_at=starts - timedelta(days=24))
    Registration.objects.filter(session=session).update(created_at=starts - timedelta(days=10))
    session.refresh_from_db()
    for registration in made[:checked_in]:
        services.registration_check_in(by=moderator, session=session, code=registration.code)
    Registration.objects.filter(session=session, checked_in_at__isnull=False).update(
        checked_in_at=starts - timedelta(minutes=10))
    services.walk_in_record(by=moderator, session=session, count=walk_ins)
    session = services.session_close(by=moderator, session=session, summary_notes=summary)
    CommunitySession.objects.filter(pk=session.pk).update(closed_at=ends + timedelta(days=1, hours=-4))
    heard = timezone.localtime(ends)
    for index, (code, channel, text) in enumerate(HELD_FEEDBACK):
        item = services.feedback_submit(text=text, language=languages[code], session=session,
                                        neighborhood=session.neighborhood, channel=channel, entered_by=moderator)
        moderated = heard + timedelta(days=2)
        if index != len(HELD_FEEDBACK) - 1:  # the last one still waits for moderation
            services.feedback_moderate(by=moderator, item=item, approve=True)
            services.feedback_code(by=moderator, item=item, themes=[themes[index % len(themes)]])
        FeedbackItem.objects.filter(pk=item.pk).update(created_at=heard + timedelta(days=1), updated_at=moderated,
                                                       moderated_at=moderated if index != len(HELD_FEEDBACK) - 1
                                                       else None)
    return session


def seed_history(*, users, organizations, stdout) -> None:
    moderator = users.get("moderator")
    city = organizations.get("City Health and Human Services")
    if moderator is None or city is None:
        return
    facilitator = organizations.get("Roxbury Community Wellness Partners")
    languages = {code: Language.objects.get(code=code) for code in ("en", "es", "ht", "kea")}
    themes = [Theme.objects.filter(parent=None, name=name).first() or services.theme_create(
        by=moderator, name=name, translations={"es": {"name": name_es}}) for name, name_es in THEMES]
    today = timezone.localdate()
    held = [_hold(moderator=moderator, city=city, facilitator=facilitator, languages=languages, themes=themes,
                  spec=spec, today=today) for spec in HELD]
    sessions = {s.title: s for s in CommunitySession.objects.filter(title__in=[h[2] for h in HELD])}
    for title, title_es, action, action_es, outcome, progress, theme, session_index in DECISIONS:
        if Decision.objects.filter(title=title).exists():
            continue
        session = sessions[HELD[session_index][2]]
        decided_on = timezone.localtime(session.ends_at).date() + timedelta(days=12)
        items = list(FeedbackItem.objects.filter(session=session, status=FeedbackItem.Status.APPROVED)[:3])
        decision = services.decision_save(by=moderator, title=title,
                                          translations={"es": {"title": title_es, "action": action_es}},
                                          action=action, outcome=outcome, progress=progress,
                                          decided_on=min(decided_on, today), themes=[themes[theme]],
                                          feedback_items=items)
        services.decision_publish(by=moderator, decision=decision)
        Decision.objects.filter(pk=decision.pk).update(
            published_at=min(local_moment(decided_on + timedelta(days=1), time(10, 0)), timezone.now()))
    made = sum(1 for s in held if s is not None)
    stdout.write(f"  engagement: {len(HELD)} sessions held in recent months ({made} new), with attendance, "
                 f"feedback and {len(DECISIONS)} published decisions")


register_demo_seeder("engagement-history", seed_history, order=410)


def seed_vectors(*, users, organizations, stdout) -> None:
    """The demo's feedback embedded at once (the beat task would within 30 s), so similar feedback and
    detected languages show from the first page."""
    from .semantics.services import embed_pending

    done = embed_pending()["embedded"]
    stdout.write(f"  engagement: {done} feedback items embedded and their languages detected")


register_demo_seeder("engagement-vectors", seed_vectors, order=420)
