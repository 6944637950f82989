"""Each kind renders from demo data (the registered demo seeders) or factories to a valid PDF."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.engagement.models import FeedbackItem
from apps.procurement import services as procurement
from apps.procurement.models import Proposal, Solicitation
from apps.reports import services
from apps.reports.models import ReportRequest
from apps.scheduling.models import Assignment
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, language, neighborhood
from tests.factories.procurement import published_solicitation, submitted_proposal
from tests.factories.scheduling import TeamFactory, make_shift, place

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
PEER_ORG = "Neighborhood Peer Response Collective"


def build(user, kind, parameters, capture) -> ReportRequest:
    with capture(execute=True):
        report = services.report_request(by=user, kind=kind, parameters=parameters)
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED, report.error
    return report


def test_training_transcript_and_compliance(demo, django_capture_on_commit_callbacks):
    riley = demo["responder"]
    transcript = build(riley, "training_transcript", {"responder": riley.pk}, django_capture_on_commit_callbacks)
    pages, text = pdf_text(transcript)
    assert (pages, transcript.page_count) == (2, 2)
    assert "Responder training transcript" in text and "Riley Santos" in text
    assert "Cleared for duty" in text
    assert "8 verified records" in text
    assert "Heartsaver CPR, AED and First Aid" in text
    assert "Page 2 of 2" in text

    organization = Organization.objects.get(name=PEER_ORG)
    compliance = build(demo["coordinator"], "training_compliance", {"organization": organization.pk,
                                                                     "role": "responder"},
                       django_capture_on_commit_callbacks)
    pages, text = pdf_text(compliance)
    assert pages == 3
    assert "Training compliance by organization" in text
    assert "Compliance matrix" in text and "Expiring soon" in text
    assert "Riley Santos" in text
    assert "100%" in text  # Riley is the one responder, and cleared
    assert "People with a valid record, by required course" in text


def test_engagement_summary_in_english_and_spanish(demo, django_capture_on_commit_callbacks):
    # Two approved comments from a neighborhood the demo has none from: a count under 5 that must not be printed.
    from apps.core.models import Neighborhood

    quiet = Neighborhood.objects.exclude(pk__in=FeedbackItem.objects.exclude(neighborhood=None).values(
        "neighborhood")).order_by("name").first()
    hood = neighborhood(quiet.name)
    for _ in range(2):
        FeedbackFactory(status=FeedbackItem.Status.APPROVED, neighborhood=hood)
    year = timezone.localdate().year
    period = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    english = build(demo["moderator"], "engagement_summary", {**period, "language": "en"},
                    django_capture_on_commit_callbacks)
    pages, text = pdf_text(english)
    assert pages == 4
    assert "What we heard" in text and "Comments by theme" in text and "What the city did" in text
    assert "Themes over time" in text and "Answered by a decision" in text
    assert hood.name in text
    from apps.reports.kinds.engagement import gather_engagement

    figures = gather_engagement(user=demo["moderator"], progress=lambda _p: None,
                                data={"start": date(year, 1, 1), "end": date(year, 12, 31), "language": "en"})
    assert str(figures["feedback_total"]) in text  # the demo's comments of the year + these 2
    assert "Page 1 of 4" in text

    spanish = build(demo["moderator"], "engagement_summary", {**period, "language": "es"},
                    django_capture_on_commit_callbacks)
    pages, text = pdf_text(spanish)
    assert pages == 4
    for phrase in ("Lo que escuchamos", "Comentarios por tema", "Comentarios por barrio", "Sesiones realizadas",
                   "Lo que hizo la ciudad", "Temas a lo largo del tiempo", "Página 1 de 4", "Generado"):
        assert phrase in text, phrase
    assert "What we heard" not in text and "Comments by theme" not in text
    # A session the report covers (one held or to come this calendar year), under its own Spanish title.
    covered = gather_engagement(user=demo["moderator"], progress=lambda _p: None,
                                data={"start": date(year, 1, 1), "end": date(year, 12, 31), "language": "es"})
    session = next(s for s, _label in covered["sessions"] if s.translations.get("es", {}).get("title", s.title)
                   != s.title)
    assert session.translations["es"]["title"] in text and session.title not in text
    assert f"{hood.name} <5" in text


def test_procurement_file_demo(demo, django_capture_on_commit_callbacks):
    solicitation = Solicitation.objects.get(reference="RFP-2026-014")
    report = build(demo["procurement"], "procurement_file", {"solicitation": solicitation.pk},
                   django_capture_on_commit_callbacks)
    pages, text = pdf_text(report)
    assert pages == report.page_count == 3
    assert "Procurement file" in text and "RFP-2026-014" in text
    assert "The proposals are sealed until the opening." in text
    assert "Experience with peer and community crisis response" in text


@pytest.fixture
def evaluated(db, time_machine):
    """A points-rated solicitation, two proposals scored, consensus recorded, prices still sealed."""
    city = CityDepartmentFactory(name="City Health", slug="city-health")
    officer = user_with_role(Role.PROCUREMENT_OFFICER, city, email="officer@city.example", full_name="Olive Officer")
    evaluator = user_with_role(Role.RFP_EVALUATOR, city, email="eve@city.example", full_name="Eve Evaluator")
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    riverside = OrganizationFactory(name="Riverside Wellness Collective", slug="riverside")
    cora = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example")
    rita = user_with_role(Role.COORDINATOR, riverside, email="rita@riverside.example")
    solicitation = published_solicitation(officer, reference="RFP-T-900", rating_method="points")
    first = submitted_proposal(solicitation, cora, harbor, total=Decimal("90000.00"))
    second = submitted_proposal(solicitation, rita, riverside, total=Decimal("80000.00"))
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    procurement.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    procurement.solicitation_open(solicitation=solicitation, by=officer)
    for proposal in (first, second):
        for criterion in solicitation.criteria.filter(kind="minimum"):
            procurement.responsiveness_record(proposal=proposal, criterion=criterion, by=officer, passed=True,
                                              reason="On file.")
    procurement.solicitation_evaluation_start(solicitation=solicitation, by=officer)
    procurement.attestation_sign(solicitation=solicitation, by=evaluator, signed_name="Eve Evaluator", conflicts={})
    fresh = {p.pk: p for p in Proposal.objects.filter(pk__in=[first.pk, second.pk])}
    first, second = fresh[first.pk], fresh[second.pk]
    for proposal, points in ((first, 30), (second, 20)):
        for criterion in solicitation.criteria.filter(kind="comparative"):
            procurement.score_save(proposal=proposal, criterion=criterion, by=evaluator, points=points,
                                   rationale="Solid.")
        procurement.scoresheet_submit(proposal=proposal, by=evaluator)
    procurement.solicitation_consensus_start(solicitation=solicitation, by=officer)
    for proposal, points in ((first, 32), (second, 20)):
        for criterion in solicitation.criteria.filter(kind="comparative"):
            procurement.consensus_score_record(proposal=proposal, criterion=criterion, by=officer, points=points,
                                               rationale="Agreed.")
    solicitation.refresh_from_db()
    return {"solicitation": solicitation, "officer": officer, "evaluator": evaluator, "first": first,
            "second": second, "cora": cora, "rita": rita}


def test_rfp_evaluation_summary(evaluated, django_capture_on_commit_callbacks):
    s = evaluated["solicitation"]
    report = build(evaluated["officer"], "rfp_evaluation", {"solicitation": s.pk}, django_capture_on_commit_callbacks)
    pages, text = pdf_text(report)
    assert pages == 2
    assert "RFP evaluation summary" in text and "Ranking" in text and "Spread per evaluator" in text
    assert "Price envelopes are still sealed" in text
    assert "$90000" not in text and "$80000" not in text  # two-envelope rule: no price before the price opening
    assert f"{evaluated['first'].code} — Harbor Peer Outreach" in text  # the officer knows the proposers
    assert "64" in text  # first proposal: 32 + 32 consensus points
    # Four scores: 2 and 2 points from consensus on the first proposal, 0 and 0 on the second.
    assert "Eve Evaluator 4 1.00 0" in text


def test_rfp_evaluation_needs_consensus_and_is_officer_only(evaluated):
    draft = published_solicitation(evaluated["officer"], reference="RFP-T-901")
    with pytest.raises(services.ParameterError) as error:
        services.report_request(by=evaluated["officer"], kind="rfp_evaluation", parameters={"solicitation": draft.pk})
    assert error.value.errors == {"solicitation": [
        "The evaluation summary is available once consensus has started."]}
    with pytest.raises(services.ApplicationError) as refused:
        services.report_request(by=evaluated["evaluator"], kind="rfp_evaluation",
                                parameters={"solicitation": evaluated["solicitation"].pk})
    assert refused.value.code == "forbidden"


def test_proposal_packet_for_its_organization_and_the_officer(evaluated, django_capture_on_commit_callbacks):
    first = evaluated["first"]
    receipt = first.submissions.get().receipt_hash
    own = build(evaluated["cora"], "proposal_packet", {"proposal": first.pk}, django_capture_on_commit_callbacks)
    pages, text = pdf_text(own)
    assert pages == 1
    assert receipt in text.replace(" ", "")
    assert "Technical proposal" in text and "We have ten years of peer response." in text
    assert "$90000.00" in text and "Responder stipends $27000.00" in text  # its own price envelope
    officer = build(evaluated["officer"], "proposal_packet", {"proposal": first.pk},
                    django_capture_on_commit_callbacks)
    _pages, text = pdf_text(officer)
    assert "The price envelope is sealed until the price opening." in text
    assert "$90000.00" not in text
    # Another nonprofit's coordinator cannot pick it.
    with pytest.raises(services.ParameterError):
        services.report_request(by=evaluated["rita"], kind="proposal_packet", parameters={"proposal": first.pk})


def test_schedule_coverage_and_timesheet(demo, django_capture_on_commit_callbacks):
    organization = Organization.objects.get(name=PEER_ORG)
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    coverage = build(demo["coordinator"], "schedule_coverage",
                     {"organization": organization.pk, "start": monday.isoformat(),
                      "end": (monday + timedelta(days=27)).isoformat()}, django_capture_on_commit_callbacks)
    pages, text = pdf_text(coverage)
    assert pages == 2
    assert "Schedule coverage and hours" in text and "By week" in text and "By zone" in text
    assert "Dorchester day team" in text and "Roxbury and South End evening team" in text
    from apps.reports.kinds.scheduling import gather_coverage

    figures = gather_coverage(user=demo["coordinator"], progress=lambda _p: None, data={
        "organization": organization, "start": monday, "end": monday + timedelta(days=27)})
    assert figures["required"] > figures["filled"] > 0  # next week staffed, with gaps, and weeks to fill after
    assert f"{figures['filled']} / {figures['required']}" in text
    assert f"{figures['fill_rate']}%" in text
    assert "Daily fill rate (%)" in text

    # A completed 8-hour shift last week for the timesheet, at a time the demo's history left Riley free
    # (the demo has Riley working shifts relative to today: a fixed hour collided on some days).
    team = TeamFactory(organization=organization)
    busy = list(Assignment.objects.filter(responder=demo["responder"], status__in=Assignment.ACTIVE)
                .values_list("starts_at", "ends_at"))
    start = next(moment for day in range(7, 13) for hour in (10, 2, 18)
                 for moment in [timezone.make_aware(datetime.combine(today - timedelta(days=day), time(hour, 0)))]
                 if not any(s < moment + timedelta(hours=8) and e > moment for s, e in busy))
    shift = make_shift(team=team, starts_at=start)
    place(shift=shift, responder=demo["responder"], status=Assignment.Status.COMPLETED,
          checked_in_at=start, checked_out_at=start + timedelta(hours=8))
    timesheet = build(demo["coordinator"], "timesheet",
                      {"organization": organization.pk, "start": (today - timedelta(days=13)).isoformat(),
                       "end": today.isoformat()}, django_capture_on_commit_callbacks)
    pages, text = pdf_text(timesheet)
    assert pages == 1
    from apps.scheduling.selectors import timesheet as timesheet_rows

    riley = next(r for r in timesheet_rows(organization=organization, start=today - timedelta(days=13), end=today)
                 if r.responder == demo["responder"])
    assert riley.hours >= 8
    assert "Hours per responder" in text and "riley" in text.lower() and f"{riley.hours:.2f}" in text


def test_program_monthly_for_admin_and_evaluator(demo, django_capture_on_commit_callbacks):
    month = services.previous_month(timezone.now())
    admin = build(demo["admin"], "program_monthly", {"month": month}, django_capture_on_commit_callbacks)
    pages, text = pdf_text(admin)
    assert pages == 4
    assert "Program monthly report" in text and "Key figures" in text and "By organization" in text
    assert "Schedule fill rate" in text and "admin's edition" not in text
    from apps.reports.kinds.program import gather_monthly

    rows = gather_monthly(user=demo["admin"], data={"month": month}, progress=lambda _p: None)["orgs"]
    peer = next(r for r in rows if r["organization"].name == PEER_ORG)
    assert peer["_responders"] > 1
    assert f"{PEER_ORG} {peer['responders']} {peer['cleared']}" in text
    evaluator = build(demo["program-evaluator"], "program_monthly", {"month": month},
                      django_capture_on_commit_callbacks)
    _pages, text = pdf_text(evaluator)
    assert "<5" in text  # the smaller organizations' counts are suppressed for the evaluator
    assert "De-identified edition: no person or organization is named" in text
    assert "Schedule fill rate" in text and "Sessions held" in text and "By team type" in text
    assert "Neighborhood Peer Response Collective" not in text and "By organization" not in text


def test_procurement_file_names_adjectival_ratings_in_words(demo, django_capture_on_commit_callbacks):
    # The demo's awarded RFP (last year's: its reference follows the year the demo is seeded in).
    awarded = Solicitation.objects.get(status=Solicitation.Status.AWARDED)
    report = build(demo["procurement"], "procurement_file", {"solicitation": awarded.pk},
                   django_capture_on_commit_callbacks)
    _pages, text = pdf_text(report)
    assert "Highly advantageous" in text
    assert "highly_advantageous" not in text and "not_advantageous" not in text


@pytest.mark.cjk_font
@pytest.mark.parametrize("report_language", ["zh-hans", "ar"])
def test_engagement_summary_in_chinese_and_arabic_extracts_to_its_text(report_language, demo,
                                                                        django_capture_on_commit_callbacks):
    """Issue 23: "what we heard" in Chinese and in Arabic. Every heading and label is the catalog's text in
    that language, and pdftotext gives it back: no glyph is missing (a missing glyph extracts as nothing or
    as a box). Arabic runs right to left."""
    from django.utils import translation

    from apps.reports.kinds.engagement import LABELS
    from apps.reports.labels import labels

    FeedbackFactory(status=FeedbackItem.Status.APPROVED, text="晚上需要更多的危机小组。", language=language("zh-Hans"))
    year = timezone.localdate().year
    report = build(demo["moderator"], "engagement_summary",
                   {"start": f"{year}-01-01", "end": f"{year}-12-31", "language": report_language},
                   django_capture_on_commit_callbacks)
    _pages, text = pdf_text(report)
    plain = " ".join("".join(ch for ch in text if ch not in "\u202a\u202b\u202c\u202d\u202e\u200e\u200f").split())
    expected = labels(report_language, LABELS)
    english = labels("en", LABELS)
    with translation.override(report_language):
        page = translation.gettext("Page")
    for key in ("title", "summary", "sessions_held", "by_theme", "by_neighborhood", "by_language", "voices",
                "decisions", "trends"):
        assert expected[key] != english[key], key  # the catalog translates it
        if report_language == "ar":
            # pdftotext may break an Arabic line differently: every word is there.
            for word in expected[key].split():
                assert word in plain, (key, word)
        else:
            assert expected[key] in plain.replace(" ", "") or expected[key] in plain, key
    assert page in plain
    assert "晚上需要更多的危机小组。" in plain.replace(" ", ""), [w for w in plain.split() if "小" in w or "晚" in w]
    with report.file.open("rb") as fh:
        head = fh.read()
    assert b"%PDF" in head[:8]
    html = services.report_html(report=report)
    assert f'<html lang="{report_language}" dir="{"rtl" if report_language == "ar" else "ltr"}">' in html
    # Charts draw their text unshaped: an Arabic report gives its figures in tables only.
    assert ("<svg" in html) == (report_language != "ar")
    assert expected["by_neighborhood"] in html and expected["by_language"] in html


@pytest.mark.cjk_font
def test_engagement_summary_draws_chinese_and_arabic_quotes_with_real_glyphs(demo, django_capture_on_commit_callbacks):
    """Residents write in Chinese and Arabic: their quotes come out of the PDF as the same text (a missing
    glyph extracts as nothing, or as a box)."""
    chinese = "晚上需要更多的危机小组，请在周末也派人来。"
    arabic = "نحتاج فرق دعم في الليل وفي نهاية الأسبوع"
    FeedbackFactory(status=FeedbackItem.Status.APPROVED, text=chinese, language=language("zh-Hans"))
    FeedbackFactory(status=FeedbackItem.Status.APPROVED, text=arabic, language=language("ar"))
    year = timezone.localdate().year
    report = build(demo["moderator"], "engagement_summary",
                   {"start": f"{year}-01-01", "end": f"{year}-12-31", "language": "en"},
                   django_capture_on_commit_callbacks)
    _pages, text = pdf_text(report)
    # pdftotext marks the direction of each run with Unicode controls; the words are what matter.
    plain = "".join(ch for ch in text if ch not in "\u202a\u202b\u202c\u202d\u202e\u200e\u200f")
    assert chinese in plain
    for word in arabic.split():
        assert word in plain, word
    # Extraction reads the text even where the drawing is wrong: the faces matter too. A slanted quote once
    # fell back to a synthetic oblique of the Chinese font, which has no Arabic glyphs and drew boxes.
    import io

    from pypdf import PdfReader

    with report.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    faces = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"].get_object().get("/Font", {}).get_object().values()}
    assert any("WenQuanYi-Micro-Hei" in face for face in faces)
    assert not [face for face in faces if "WenQuanYi" in face and "Oblique" in face], faces
