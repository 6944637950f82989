"""A scene for the dispatch tests: at a fixed instant, teams of two nonprofits in Dorchester and Roxbury in
every state, a shift that has ended and one that has not started, each with people whose personal details
(emails, last names, phones) the dispatch answers must never carry."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.roles import Role
from apps.operations.models import TeamState, TeamStatus, TeamStatusChange
from apps.scheduling.models import Assignment, PositionRole
from apps.scheduling.roster.models import RosterProfile
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.engagement import language, neighborhood
from tests.factories.scheduling import TeamFactory, make_shift, place

BOSTON = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 14, 21, 0, tzinfo=BOSTON)  # an evening just after the spring-forward change


@dataclass
class Scene:
    shifts: dict = field(default_factory=dict)
    people: list = field(default_factory=list)


def _person(org, first: str, last: str, n: int, languages=()):
    user = user_with_role(Role.RESPONDER, org, email=f"{first.lower()}.{last.lower()}@people.example",
                          full_name=f"{first} {last}", phone=f"617-555-01{n:02d}")
    if languages:
        profile = RosterProfile.objects.create(user=user, organization=org)
        profile.languages.set([language(code) for code in languages])
    return user


def _staff(shift, lead, member):
    place(shift=shift, responder=lead, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
          checked_in_at=shift.starts_at)
    if member is not None:
        place(shift=shift, responder=member, status=Assignment.Status.CHECKED_IN, checked_in_at=shift.starts_at)


def _status(shift, state, minutes_ago: int, zone=None):
    at = NOW - timedelta(minutes=minutes_ago)
    TeamStatus.objects.create(shift=shift, state=state, zone=zone, since=at)
    return TeamStatusChange.objects.create(shift=shift, state=state, previous_state=TeamState.AVAILABLE, zone=zone,
                                           at=at)


def build_scene() -> Scene:
    """Call inside time_machine.travel(NOW)."""
    s = Scene()
    dorchester, roxbury = neighborhood("Dorchester"), neighborhood("Roxbury")
    org_a = OrganizationFactory(name="Harborlight Peer Outreach")
    org_b = OrganizationFactory(name="Riverbend Wellness Collective")
    names = iter([("Rosa", "Quintero-Vale", ("en", "es")), ("Jean", "Lormier-Baptiste", ("ht",)),
                  ("Amir", "Haddad-Okafor", ("ar", "en")), ("Lin", "Tranh-Moreau", ("vi",)),
                  ("Kofi", "Mensah-Ilunga", ("en",)), ("Noor", "Faraday-Quist", ("ar",)),
                  ("Ines", "Carvalho-Dunne", ("pt-BR",)), ("Tom", "Bellweather", ("en",)),
                  ("Ada", "Zelenko-Hart", ("ru",)), ("Ben", "Okonkwo-Reyes", ("en",)),
                  ("Cleo", "Marchetti-Obi", ("fr",)), ("Dev", "Raghunathan-Price", ("so",))])
    n = 0

    def people(org):
        nonlocal n
        out = []
        for _ in range(2):
            first, last, langs = next(names)
            n += 1
            out.append(_person(org, first, last, n, langs))
        s.people += out
        return out

    started = NOW - timedelta(hours=2)
    plan = [  # key, org, zones, start, state (None: no report), minutes since
        ("available_old", org_a, [dorchester], started, TeamState.AVAILABLE, 50),
        ("available_new", org_b, [dorchester, roxbury], started, TeamState.AVAILABLE, 5),
        ("returning", org_a, [dorchester], started, TeamState.RETURNING, 60),
        ("on_call", org_b, [dorchester], started, TeamState.ON_CALL, 10),
        ("roxbury", org_b, [roxbury], started, TeamState.ON_BREAK, 20),
        ("ended", org_a, [dorchester], NOW - timedelta(hours=9), TeamState.AVAILABLE, 70),
    ]
    for key, org, zones, starts_at, state, minutes in plan:
        team = TeamFactory(organization=org, name=f"Team {key.replace('_', ' ').title()}")
        shift = make_shift(team=team, starts_at=starts_at, zones=zones)
        lead, member = people(org)
        _staff(shift, lead, member)
        _status(shift, state, minutes, zone=zones[0])
        s.shifts[key] = shift
    later = TeamFactory(organization=org_a, name="Team Later")
    s.shifts["later"] = make_shift(team=later, starts_at=NOW + timedelta(hours=1), zones=[dorchester])
    return s
