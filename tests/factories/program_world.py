"""A small month of program data (February 2026, America/New_York) with known figures, for the
program-wide fill and engagement summaries and the monthly report built from them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.roles import Role
from apps.engagement.models import CommunitySession, Decision, FeedbackItem, Registration
from apps.scheduling.models import Assignment, PositionRole, Shift
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, RegistrationFactory, SessionFactory, language, neighborhood
from tests.factories.scheduling import TeamFactory, make_shift, place, team_type

BOSTON = ZoneInfo("America/New_York")
MONTH = date(2026, 2, 1)
ORGANIZATIONS = ("Harbor Outreach Fellowship", "Riverside Care Cooperative")
RESPONDERS = ("Quinn Abernathy", "Rowan Castellanos", "Sasha Delacroix", "Tobias Einarsson")


def local(y, m, d, hour=10, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=BOSTON)


def schedule_month(extra_shifts: int = 0) -> dict:
    """Community responders in Dorchester (organization 1): 8 places on 4 published shifts, 6 filled,
    7 assignments scheduled (56 h), 5 completed (39.5 h), 1 no-show. Co-response without a zone
    (organization 2): 3 places on 1 shift, 2 filled and completed (12 h). Not counted: a draft and a
    cancelled shift, and shifts starting just before and just after the month, local time.
    `extra_shifts` adds that many more community-responder shifts in Dorchester, each with 2 places,
    1 filled and completed (8 h), to show the query count does not grow."""
    harbor = OrganizationFactory(name=ORGANIZATIONS[0], slug="harbor-outreach-fellowship")
    riverside = OrganizationFactory(name=ORGANIZATIONS[1], slug="riverside-care-cooperative")
    people = [user_with_role(Role.RESPONDER, harbor, full_name=name,
                             email=f"{name.split()[0].lower()}@responders.example") for name in RESPONDERS]
    a, b, c, d = people
    dorchester = neighborhood("Dorchester")
    responders_team = TeamFactory(organization=harbor, name="Harbor Dorchester Unit",
                                  team_type=team_type("community-responder"))
    co_response = TeamFactory(organization=riverside, name="Riverside Co-Response",
                              team_type=team_type("co-response"))

    def shift(team, starts_at, **kw):
        return make_shift(team=team, starts_at=starts_at, zones=kw.pop("zones", [dorchester]), **kw)

    def done(s, who, role=PositionRole.RESPONDER, *, hours=8.0):
        return place(shift=s, responder=who, role=role, status=Assignment.Status.COMPLETED,
                     checked_in_at=s.starts_at, checked_out_at=s.starts_at + timedelta(hours=hours))

    s1 = shift(responders_team, local(2026, 2, 2))
    done(s1, a, PositionRole.LEAD, hours=7.5)
    done(s1, b)
    s2 = shift(responders_team, local(2026, 2, 3))
    done(s2, a, PositionRole.LEAD)
    done(s2, b)
    s3 = shift(responders_team, local(2026, 2, 4))
    done(s3, a, PositionRole.LEAD)
    place(shift=s3, responder=b, status=Assignment.Status.NO_SHOW)
    # Starts late on the last local day of the month: 03:00 UTC on 1 March, still February here.
    s4 = shift(responders_team, local(2026, 2, 28, 22))
    place(shift=s4, responder=c, role=PositionRole.LEAD)
    place(shift=s4, responder=d, status=Assignment.Status.CANCELLED)
    s5 = make_shift(team=co_response, starts_at=local(2026, 2, 10), hours=6,
                    positions=((PositionRole.POLICE_OFFICER, 1), (PositionRole.CLINICIAN, 2)))
    done(s5, c, PositionRole.POLICE_OFFICER, hours=6)
    done(s5, d, PositionRole.CLINICIAN, hours=6)
    shift(responders_team, local(2026, 2, 11), status=Shift.Status.DRAFT)
    cancelled = shift(responders_team, local(2026, 2, 12))
    cancelled.status = Shift.Status.CANCELLED
    cancelled.save(update_fields=["status"])
    shift(responders_team, local(2026, 1, 31, 23, 30))  # 04:30 UTC on 1 February: January here
    shift(responders_team, local(2026, 3, 1, 0, 30))
    for n in range(extra_shifts):
        done(shift(responders_team, local(2026, 2, 14 + n)), a, PositionRole.LEAD)
    return {"organizations": [harbor, riverside], "responders": people}


def engagement_month(extra: int = 0) -> dict:
    """3 sessions held (2 listening with 7 and 5 attending, 1 design without a count), 1 cancelled;
    6 registered (2 checked in) and 1 waitlisted at the sessions held; 9 comments received (English 6,
    Spanish 3; Dorchester 5, Roxbury 3, no neighborhood 1); 1 decision published. Not counted: a draft
    session, sessions and a comment and decisions outside the month, registrations of the cancelled
    session, an unpublished decision. `extra` adds that many sessions held and comments."""
    department = CityDepartmentFactory(name="Office of Community Engagement", slug="community-engagement")
    dorchester, roxbury = neighborhood("Dorchester"), neighborhood("Roxbury")
    english, spanish = language("en"), language("es")

    def session(starts_at, **kw):
        return SessionFactory(organization=department, starts_at=starts_at, **kw)

    first = session(local(2026, 2, 10, 18), status=CommunitySession.Status.COMPLETED, attendance_count=7)
    session(local(2026, 2, 12, 18), status=CommunitySession.Status.COMPLETED, attendance_count=5)
    design = session(local(2026, 2, 20, 18), kind=CommunitySession.Kind.DESIGN)
    gone = session(local(2026, 2, 15, 18), status=CommunitySession.Status.CANCELLED)
    session(local(2026, 2, 16, 18), status=CommunitySession.Status.DRAFT)
    session(local(2026, 3, 20, 18))
    for n in range(4):
        RegistrationFactory(session=first, name=f"Resident Marisol {n}",
                            checked_in_at=local(2026, 2, 10, 18) if n < 2 else None)
    RegistrationFactory.create_batch(2, session=design)
    RegistrationFactory(session=design, status=Registration.Status.WAITLISTED)
    RegistrationFactory.create_batch(3, session=gone, status=Registration.Status.CANCELLED)

    def comment(at, lang, hood):
        item = FeedbackFactory(language=lang, neighborhood=hood, status=FeedbackItem.Status.APPROVED)
        FeedbackItem.objects.filter(pk=item.pk).update(created_at=at)
        return item

    for n in range(5):
        comment(local(2026, 2, 1 + n, 12), english, dorchester)
    comment(local(2026, 2, 28, 23, 30), english, None)  # 04:30 UTC on 1 March: still February here
    for n in range(3):
        comment(local(2026, 2, 11 + n), spanish, roxbury)
    comment(local(2026, 1, 31, 23), english, dorchester)
    for n in range(extra):
        session(local(2026, 2, 21 + n, 18), status=CommunitySession.Status.COMPLETED, attendance_count=1)
        comment(local(2026, 2, 21 + n), spanish, dorchester)

    def decision(on, published=True):
        return Decision.objects.create(title="More evening coverage",
                                       translations={"es": {"title": "Más cobertura nocturna",
                                                            "action": "Se añadió un turno."}},
                                       action="Added an evening shift.",
                                       outcome=Decision.Outcome.ADOPTED, decided_on=on, is_published=published)

    decision(date(2026, 2, 20))
    decision(date(2026, 2, 21), published=False)
    decision(date(2026, 3, 2))
    return {"department": department}
