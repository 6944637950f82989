"""Demo data for `seed_demo`: the catalog (DOMAIN.md), requirements per role, and records for the
demo responders — Riley (responder) is cleared, Avery (responder2) is not. Idempotent."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from . import services
from .models import Course, FieldHours, RequirementRole, TrainingRecord, TrainingSession

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
REQUIREMENTS_FROM = date(2026, 1, 1)


def certificate_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _record(*, responder, organization, verifier, course: Course, completed_on: date, verify: bool = True):
    if TrainingRecord.objects.filter(responder=responder, course=course).exists():
        return
    upload = SimpleUploadedFile("certificate.pdf", certificate_pdf(), content_type="application/pdf")
    record = services.record_submit(by=responder, responder=responder, organization=organization, course=course,
                                    completed_on=completed_on, evidence=upload)
    if verify:
        services.record_verify(record=record, by=verifier)


def _hours(*, responder, organization, preceptor, days: int, hours: Decimal, today: date):
    if FieldHours.objects.filter(responder=responder).exists():
        return
    for n in range(days):
        entry = services.field_hours_log(by=responder, organization=organization,
                                         worked_on=today - timedelta(days=30 + n), hours=hours, preceptor=preceptor,
                                         activity="Ride-along with a team lead")
        services.field_hours_sign_off(by=preceptor, entry=entry, approve=True)


def seed(*, users, organizations, stdout) -> None:
    courses = {}
    for code, title, category, provider, hours, delivery, months, eom, window, approval in CATALOG:
        courses[code] = services.course_save(
            by=None, code=code, title=title, category=category, provider=provider, hours=hours, delivery=delivery,
            renewal_months=months, expires_end_of_month=eom, recertification_window_days=window,
            approval_number=approval, is_active=True)
    for role, (codes, field_hours) in REQUIREMENTS.items():
        services.requirement_set(by=None, role=role, organization=None, effective_from=REQUIREMENTS_FROM,
                                 courses=[courses[c] for c in codes], min_field_hours=field_hours,
                                 note="Program-wide baseline (demo)", allow_past=True)

    today = timezone.localdate()
    org1 = organizations["Neighborhood Peer Response Collective"]
    org2 = organizations["Roxbury Community Wellness Partners"]
    riley, avery = users["responder"], users["responder2"]
    for code in RESPONDER_COURSES:
        _record(responder=riley, organization=org1, verifier=users["coordinator"], course=courses[code],
                completed_on=today - timedelta(days=120))
    _hours(responder=riley, organization=org1, preceptor=users["trainer"], days=8, hours=D("9.5"), today=today)

    # Avery: CPR lapsed, MHFA missing, de-escalation waiting for verification, 20 of 76 field hours.
    for code in RESPONDER_COURSES:
        if code == "mhfa":
            continue
        completed = today - timedelta(days=800 if code == "cpr-first-aid" else 60)
        _record(responder=avery, organization=org2, verifier=users["coordinator2"], course=courses[code],
                completed_on=completed, verify=code != "de-escalation")
    _hours(responder=avery, organization=org2, preceptor=users["coordinator2"], days=2, hours=D("10"), today=today)

    if not TrainingSession.objects.filter(organization=org1, course=courses["mhfa"]).exists():
        start = timezone.make_aware(datetime.combine(today + timedelta(days=10), time(9, 0)))
        services.session_create(by=users["trainer"], organization=org1, course=courses["mhfa"],
                                trainer=users["trainer"], starts_at=start, ends_at=start + timedelta(hours=8),
                                location="Dudley Branch Library, community room", capacity=12)
    stdout.write("  training: catalog, requirements, records (responder cleared, responder2 not), one session")
