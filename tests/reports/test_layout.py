"""Every report kind, rendered from the demo data, fits its pages: no table, chart or text box runs past the
page's content area (measured in WeasyPrint's layout tree), and every chart's value axis starts at zero and
names its unit. Set REPORTS_PDF_DIR to keep the PDFs (then `pdftoppm -png -r 50` them to look)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from apps.accounts.models import Organization
from apps.procurement.models import Proposal, Solicitation
from apps.reports import services
from apps.reports.kinds import all_report_kinds

from .layout import chart_problems, overflows, render

pytestmark = pytest.mark.django_db
PEER_ORG = "Neighborhood Peer Response Collective"


def demo_requests(demo) -> list[tuple[str, str, dict]]:
    """(name, requester key, kind and parameters) for every kind, over periods the demo fills."""
    today = timezone.localdate()
    peer = Organization.objects.get(name=PEER_ORG).pk
    evaluated = Solicitation.objects.filter(consensus_started_at__isnull=False).order_by("pk").first()
    proposal = Proposal.objects.filter(solicitation=evaluated).order_by("pk").first()
    quarter = {"start": (today - timedelta(days=45)).isoformat(), "end": (today + timedelta(days=45)).isoformat()}
    month = services.previous_month(timezone.now())
    return [
        ("training_transcript", "coordinator", {"responder": demo["responder"].pk}),
        ("training_compliance", "coordinator", {"organization": peer, "role": "responder"}),
        ("engagement_summary", "moderator", {**quarter, "language": "en"}),
        ("engagement_summary", "moderator", {**quarter, "language": "es"}),
        ("procurement_file", "procurement", {"solicitation": evaluated.pk}),
        ("rfp_evaluation", "procurement", {"solicitation": evaluated.pk}),
        ("proposal_packet", "procurement", {"proposal": proposal.pk}),
        ("schedule_coverage", "coordinator", {"organization": peer, **quarter}),
        ("timesheet", "coordinator", {"organization": peer, "start": (today - timedelta(days=13)).isoformat(),
                                      "end": today.isoformat()}),
        ("program_monthly", "admin", {"month": month}),
        ("program_monthly", "program-evaluator", {"month": month}),
        # ENCOUNTERS (operations): the demo's encounter log of the last month.
        ("encounters_monthly", "program-evaluator", {"month": month}),
    ]


def test_every_report_kind_fits_its_pages_and_charts_start_at_zero(demo):
    requests = demo_requests(demo)
    assert {kind for kind, _who, _p in requests} == {k.key for k in all_report_kinds()}
    keep = Path(os.environ["REPORTS_PDF_DIR"]) if os.environ.get("REPORTS_PDF_DIR") else None
    problems = {}
    for index, (kind, who, parameters) in enumerate(requests, start=1):
        report = services.report_request(by=demo[who], kind=kind, parameters=parameters, enqueue=False)
        html = services.report_html(report=report)
        document = render(html)
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            document.write_pdf(keep / f"{index:02d}-{kind}-{who}.pdf")
        found = overflows(document) + chart_problems(html)
        if found:
            problems[f"{kind} ({who})"] = found[:6]
    assert problems == {}


def test_the_overflow_check_finds_a_table_wider_than_the_page():
    """The old coverage 'By team' table: one column per week of half a year, past the right edge."""
    cells = "".join(f'<th class="num">{week:02d}-01</th>' for week in range(1, 27))
    rates = "".join('<td class="num">92.9%</td>' for _week in range(26))
    html = ('<html><head><link rel="stylesheet" href="/static/css/reports_print.css"></head><body><table>'
            f"<thead><tr><th>Team</th>{cells}</tr></thead><tbody><tr><td>Dorchester day team</td>{rates}</tr>"
            "</tbody></table></body></html>")
    found = overflows(render(html))
    assert found and found[0].startswith("page 1: BlockBox<table>")
