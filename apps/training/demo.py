"""Demo data for `seed_demo`: the catalog (DOMAIN.md), requirements per role, and records for the
demo responders — Riley (responder) is cleared, Avery (responder2) is not; the other responders of
each nonprofit (PEOPLE) are cleared as team leads or responders, a few with a record that expires
within 30 days and one with a record that has lapsed. The team leads of the first nonprofit earned
their CIT in a class held months ago (attendance and assessments taken); an MHFA class is coming up
on a Saturday morning. Every date is relative to today. Idempotent.

Records, field hours, classes, enrollments, attendance and assessments go through the training
services. The class months ago is created in the future (the service refuses a past start), filled,
then moved back to its real dates before attendance and assessment are taken, which the services
allow only once a class has started; the records it creates carry the day the class ended."""

import io
from datetime import date, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from apps.core.localtime import local_moment

from . import services
from .models import (
    Course,
    Enrollment,
    FieldHours,
    RequirementRole,
    RoleRequirement,
    TrainingRecord,
    TrainingSession,
    add_months,
)

D = Decimal

# code, title, category, provider, hours, delivery, renewal months, end of month, recert window days, approval no.
CATALOG = [
    ("cpr-first-aid", "Heartsaver CPR, AED and First Aid", "safety", "American Heart Association", D("7"),
     "classroom", 24, True, 0, ""),
    ("mhfa", "Mental Health First Aid (Adult)", "mental_health", "National Council for Mental Wellbeing", D("8"),
     "classroom", 36, False, 90, ""),
    ("cit-foundations", "Crisis Intervention Team (CIT) foundations", "crisis", "Regional CIT Training Center",
     D("40"), "classroom", None, False, 0, ""),
    ("de-escalation", "De-escalation and verbal intervention", "crisis", "City Health and Human Services", D("16"),
     "scenario", 12, False, 0, ""),
    ("trauma-informed-care", "Trauma-informed care", "mental_health", "City Health and Human Services", D("8"),
     "online", 24, False, 0, ""),
    ("naloxone-harm-reduction", "Naloxone administration and harm reduction", "harm_reduction",
     "Massachusetts Department of Public Health", D("4"), "classroom", 24, False, 0, "DEMO-OEMS-CE-0001"),
    ("privacy-confidentiality", "Privacy and confidentiality", "operations", "City Health and Human Services",
     D("3"), "online", 12, False, 0, ""),
    ("cultural-humility", "Cultural humility and language access", "community", "City Office of Language Access",
     D("6"), "classroom", None, False, 0, ""),
    ("radio-dispatch", "Radio and dispatch protocol", "operations", "City Emergency Communications", D("4"),
     "scenario", 12, False, 0, ""),
    ("supervised-field-practice", "Supervised field practice with a preceptor", "field", "Facilitator organization",
     D("76"), "field", None, False, 0, ""),
]

RESPONDER_COURSES = ["cpr-first-aid", "mhfa", "de-escalation", "trauma-informed-care", "naloxone-harm-reduction",
                     "privacy-confidentiality", "cultural-humility", "radio-dispatch"]
REQUIREMENTS = {
    RequirementRole.TRAINEE: (["cpr-first-aid", "privacy-confidentiality", "cultural-humility"], D("0")),
    RequirementRole.RESPONDER: (RESPONDER_COURSES, D("76")),
    RequirementRole.TEAM_LEAD: ([*RESPONDER_COURSES, "cit-foundations"], D("120")),
}
# The program-wide requirements have been in force since January two years back (before any shift
# the demo has), or since the date an earlier run gave them: a run next year adds no second version.
REQUIREMENTS_YEARS_BACK = 2


def _requirements_from(today: date) -> date:
    first = (RoleRequirement.objects.filter(organization__isnull=True, note=REQUIREMENTS_NOTE)
             .order_by("effective_from").values_list("effective_from", flat=True).first())
    return first or date(today.year - REQUIREMENTS_YEARS_BACK, 1, 1)


REQUIREMENTS_NOTE = "Program-wide baseline (demo)"


def certificate_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


LEAD_COURSES = [*RESPONDER_COURSES, "cit-foundations"]

# Demo user key: (organization, cleared as team lead, days since most records were completed,
# (course, "expires" | "expired", days from today) or None). Riley and Avery are set up below.
# Everyone on a shift months ago had their records and field hours long before it.
PEOPLE = {
    "responder3": ("Neighborhood Peer Response Collective", True, 240, None),
    "responder4": ("Neighborhood Peer Response Collective", True, 255, None),
    "responder5": ("Neighborhood Peer Response Collective", True, 270, None),
    "responder6": ("Neighborhood Peer Response Collective", True, 285, None),
    "responder7": ("Neighborhood Peer Response Collective", False, 210, None),
    "responder8": ("Neighborhood Peer Response Collective", False, 225, None),
    "responder9": ("Neighborhood Peer Response Collective", False, 300, None),
    "responder10": ("Roxbury Community Wellness Partners", True, 230, None),
    # MHFA renews every 3 years: Tomás's runs out in three weeks, after the shifts he is on.
    "responder11": ("Roxbury Community Wellness Partners", False, 215, ("mhfa", "expires", 22)),
    "responder12": ("Roxbury Community Wellness Partners", False, 260, None),
    # De-escalation renews every year: Hoang's lapsed twelve days ago; the full course is needed again.
    "responder13": ("Dorchester Street Outreach Alliance", False, 250, ("de-escalation", "expired", -12)),
    "responder14": ("Dorchester Street Outreach Alliance", False, 235, ("trauma-informed-care", "expires", 26)),
    "responder15": ("Dorchester Street Outreach Alliance", False, 245, None),
}
VERIFIERS = {"Neighborhood Peer Response Collective": "coordinator",
             "Roxbury Community Wellness Partners": "coordinator2",
             "Dorchester Street Outreach Alliance": "coordinator3"}
PRECEPTORS = {"Neighborhood Peer Response Collective": "trainer",
              "Roxbury Community Wellness Partners": "coordinator2",
              "Dorchester Street Outreach Alliance": "coordinator3"}
CIT_CLASS_WEEKS_AGO = 40


def _completed_for(course: Course, *, expires_in_days: int, today: date) -> date:
    """A completion date whose record expires about `expires_in_days` from today (exactly, but for
    month-end clamping)."""
    return add_months(today + timedelta(days=expires_in_days), -(course.renewal_months or 0))


def _record(*, responder, organization, verifier, course: Course, completed_on: date, verify: bool = True):
    if TrainingRecord.objects.filter(responder=responder, course=course).exists():
        return
    upload = SimpleUploadedFile("certificate.pdf", certificate_pdf(), content_type="application/pdf")
    record = services.record_submit(by=responder, responder=responder, organization=organization, course=course,
                                    completed_on=completed_on, evidence=upload)
    if verify:
        services.record_verify(record=record, by=verifier)


def _hours(*, responder, organization, preceptor, days: int, hours: Decimal, today: date, ago: int = 30):
    if FieldHours.objects.filter(responder=responder).exists():
        return
    for n in range(days):
        entry = services.field_hours_log(by=responder, organization=organization,
                                         worked_on=today - timedelta(days=ago + 2 * n), hours=hours,
                                         preceptor=preceptor, activity="Ride-along with a team lead")
        services.field_hours_sign_off(by=preceptor, entry=entry, approve=True)


def _cit_class(*, users, organization, course: Course, today: date) -> None:
    """The CIT class the first nonprofit's team leads took months ago: Monday to Friday, 09:00 to
    17:00, four present and passed, one absent (no record)."""
    if TrainingSession.objects.filter(organization=organization, course=course).exists():
        return
    leads = [users[k] for k in ("responder3", "responder4", "responder5", "responder6") if k in users]
    if not leads:
        return
    coordinator, trainer = users["coordinator"], users["trainer"]
    monday = today - timedelta(days=today.weekday() + 7 * CIT_CLASS_WEEKS_AGO)
    starts, ends = local_moment(monday, time(9, 0)), local_moment(monday + timedelta(days=4), time(17, 0))
    # Created in the future (the service's rule), filled, then moved back to its real week.
    placeholder = timezone.now() + timedelta(days=1)
    session = services.session_create(by=trainer, organization=organization, course=course, trainer=trainer,
                                      starts_at=placeholder, ends_at=placeholder + (ends - starts),
                                      location="Roxbury Community College, room 3-211", capacity=12,
                                      notes="Five days, 40 hours. Bring lunch; coffee is provided.")
    absent = users.get("responder7")
    enrollments = [services.enrollment_create(by=coordinator, session=session, responder=person)
                   for person in [*leads, *([absent] if absent else [])]]
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=ends)
    Enrollment.objects.filter(session=session).update(queued_at=starts - timedelta(days=21))
    session.refresh_from_db()
    for enrollment in enrollments:
        enrollment.session = session
        present = enrollment.responder_id != getattr(absent, "pk", None)
        services.enrollment_mark_attendance(by=trainer, enrollment=enrollment,
                                            attendance="present" if present else "absent")
        if present:
            enrollment = services.enrollment_assess(by=trainer, enrollment=enrollment, passed=True)
            TrainingRecord.objects.filter(pk=enrollment.record_id).update(verified_at=ends)


def _person(*, key, users, organizations, courses, today: date) -> None:
    org_name, lead, ago, special = PEOPLE[key]
    person, organization = users[key], organizations.get(org_name)
    verifier, preceptor = users.get(VERIFIERS[org_name]), users.get(PRECEPTORS[org_name])
    if organization is None or verifier is None or preceptor is None:
        return
    for index, code in enumerate(LEAD_COURSES if lead else RESPONDER_COURSES):
        course = courses[code]
        completed = today - timedelta(days=ago + 5 * index)
        if special and special[0] == code:
            completed = _completed_for(course, expires_in_days=special[2], today=today)
        elif code == "cit-foundations" and TrainingRecord.objects.filter(responder=person, course=course).exists():
            continue  # earned in the CIT class
        _record(responder=person, organization=organization, verifier=verifier, course=course,
                completed_on=completed)
    _hours(responder=person, organization=organization, preceptor=preceptor, days=13 if lead else 8,
           hours=D("10") if lead else D("9.5"), today=today, ago=ago + 60)


def seed(*, users, organizations, stdout) -> None:
    courses = {}
    for code, title, category, provider, hours, delivery, months, eom, window, approval in CATALOG:
        courses[code] = services.course_save(
            by=None, code=code, title=title, category=category, provider=provider, hours=hours, delivery=delivery,
            renewal_months=months, expires_end_of_month=eom, recertification_window_days=window,
            approval_number=approval, is_active=True)
    today = timezone.localdate()
    effective_from = _requirements_from(today)
    for role, (codes, field_hours) in REQUIREMENTS.items():
        services.requirement_set(by=None, role=role, organization=None, effective_from=effective_from,
                                 courses=[courses[c] for c in codes], min_field_hours=field_hours,
                                 note=REQUIREMENTS_NOTE, allow_past=True)

    org1 = organizations["Neighborhood Peer Response Collective"]
    org2 = organizations["Roxbury Community Wellness Partners"]
    riley, avery = users["responder"], users["responder2"]
    for code in RESPONDER_COURSES:
        _record(responder=riley, organization=org1, verifier=users["coordinator"], course=courses[code],
                completed_on=today - timedelta(days=200))
    _hours(responder=riley, organization=org1, preceptor=users["trainer"], days=8, hours=D("9.5"), today=today,
           ago=230)

    # Avery: CPR lapsed, MHFA missing, de-escalation waiting for verification, 20 of 76 field hours.
    for code in RESPONDER_COURSES:
        if code == "mhfa":
            continue
        completed = today - timedelta(days=800 if code == "cpr-first-aid" else 60)
        _record(responder=avery, organization=org2, verifier=users["coordinator2"], course=courses[code],
                completed_on=completed, verify=code != "de-escalation")
    _hours(responder=avery, organization=org2, preceptor=users["coordinator2"], days=2, hours=D("10"), today=today)

    _cit_class(users=users, organization=org1, course=courses["cit-foundations"], today=today)
    for key in PEOPLE:
        if key in users:
            _person(key=key, users=users, organizations=organizations, courses=courses, today=today)

    if not TrainingSession.objects.filter(organization=org1, course=courses["mhfa"]).exists():
        # A Saturday class, 09:00 to 17:00, about ten days out.
        day = today + timedelta(days=10)
        day += timedelta(days=(5 - day.weekday()) % 7)
        start = local_moment(day, time(9, 0))
        services.session_create(by=users["trainer"], organization=org1, course=courses["mhfa"],
                                trainer=users["trainer"], starts_at=start, ends_at=start + timedelta(hours=8),
                                location="Dudley Branch Library, community room", capacity=12)
    stdout.write("  training: catalog, requirements, records for every responder (some expiring or lapsed), "
                 "a CIT class held, an MHFA class coming up")
