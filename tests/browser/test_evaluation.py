"""Journey 3: an evaluator signs the conflict-of-interest attestation and scores the proposals; the officer
runs consensus, opens the price proposals and awards; the nonprofit sees the award notice."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from apps.accounts.roles import Role
from apps.procurement import services
from apps.procurement.models import ConflictAttestation, Proposal, ScoreSheet, Solicitation
from tests.browser.helpers import Journey, follow_nav, sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD, CityDepartmentFactory, OrganizationFactory, enable_totp, user_with_role
from tests.factories.procurement import published_solicitation, submitted_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATINGS = {"Criterion 1": "Highly advantageous", "Criterion 2": "Advantageous"}


@pytest.fixture
def committee():
    """A solicitation whose deadline passed with two proposals in; opened, responsiveness recorded, the
    evaluation started. The proposals were made eleven days ago, on that day's clock."""
    city = CityDepartmentFactory(name="City Health and Human Services", slug="city-health")
    officer = user_with_role(Role.PROCUREMENT_OFFICER, city, mfa=False, email="olive@city.example",
                             full_name="Olive Officer")
    evaluator = user_with_role(Role.RFP_EVALUATOR, city, mfa=False, email="eve@city.example",
                               full_name="Eve Evaluator")
    secrets = {officer.pk: enable_totp(officer), evaluator.pk: enable_totp(evaluator)}
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    riverside = OrganizationFactory(name="Riverside Wellness Collective", slug="riverside")
    cora = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")
    rita = user_with_role(Role.COORDINATOR, riverside, email="rita@riverside.example", full_name="Rita River")
    with time_machine.travel(timezone.now() - timedelta(days=11)):
        solicitation = published_solicitation(officer, reference="RFP-2026-020")
        harbor_proposal = submitted_proposal(solicitation, cora, harbor, total=Decimal("90000.00"))
        riverside_proposal = submitted_proposal(solicitation, rita, riverside, total=Decimal("95000.00"))
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    services.solicitation_open(solicitation=solicitation, by=officer)
    for proposal in (harbor_proposal, riverside_proposal):
        services.responsiveness_record(proposal=proposal, criterion=solicitation.criteria.get(kind="minimum"),
                                       by=officer, passed=True, reason="Certificate on file.")
    services.solicitation_evaluation_start(solicitation=solicitation, by=officer)
    return {"solicitation": solicitation, "officer": officer, "evaluator": evaluator, "secrets": secrets,
            "harbor": harbor_proposal, "riverside": riverside_proposal, "cora": cora}


def _criterion(page, heading: str):
    return page.locator("fieldset.proc-criterion").filter(has=page.locator("legend", has_text=heading))


def _rate(page, heading: str, rating: str, rationale: str) -> None:
    """Fill one criterion of the scoring form: the rating (a radio named by the rubric) and the rationale."""
    block = _criterion(page, heading)
    block.get_by_role("radio", name=re.compile(f"^{rating}")).check()
    block.get_by_label(re.compile("^Rationale")).fill(rationale)


def _agree(page, proposal, column: int, rating: str, rationale: str) -> None:
    """Fill one cell of the consensus grid: the proposal's row, the criterion's column."""
    cell = page.locator(f"#p{proposal.pk} td").nth(column)
    cell.get_by_label(re.compile("^Rating")).select_option(label=rating)
    cell.get_by_label(re.compile("^Rationale")).fill(rationale)


def test_evaluation_consensus_price_opening_and_award(new_page, committee):
    solicitation, evaluator, officer = committee["solicitation"], committee["evaluator"], committee["officer"]
    page = new_page()
    journey = Journey("3-evaluation", page)

    # The evaluator.
    sign_in(page, email=evaluator.email, password=DEFAULT_PASSWORD, totp_secret=committee["secrets"][evaluator.pk])
    journey.check("evaluator dashboard")
    follow_nav(page, "My evaluations")
    page.get_by_role("link", name=re.compile("^RFP-2026-020")).click()
    assert page.get_by_role("heading", name="Conflict-of-interest attestation").is_visible()
    journey.check("attestation")
    page.get_by_label("I affirm the statement above.").check()
    page.get_by_label("Type your full name to sign").fill("Eve Evaluator")
    page.get_by_role("button", name="Sign the attestation").click()
    assert page.get_by_text("Attestation signed.").is_visible()
    attestation = ConflictAttestation.objects.get(assignment__evaluator=evaluator)
    assert attestation.signed_name == "Eve Evaluator"
    assert sorted(attestation.declarations.values_list("has_conflict", flat=True)) == [False, False]
    journey.check("proposals to score")

    for proposal in (committee["harbor"], committee["riverside"]):
        page.get_by_role("link", name=proposal.code).click()
        # Blind review: the evaluator never sees who proposed.
        assert proposal.organization.name not in page.get_by_role("main").inner_text()
        assert page.get_by_text("0 of 2 scored").is_visible()
        # One form: the rubric beside each rating, the weight of each criterion.
        assert _criterion(page, "Criterion 1").get_by_text("Fully meets the criterion and exceeds it").is_visible()
        assert _criterion(page, "Criterion 2").get_by_text("Weight: equal, one of 2 criteria").is_visible()
        _rate(page, "Criterion 1", RATINGS["Criterion 1"], "Criterion 1: the plan is specific and staffed.")
        if proposal == committee["harbor"]:
            # Submitting with a criterion missing stays on the page, that criterion marked.
            page.get_by_role("button", name="Save and submit (final)").click()
            assert page.get_by_text("Not submitted: complete the criteria marked below.").is_visible()
            missing = _criterion(page, "Criterion 2")
            assert missing.get_by_text("Choose a rating.").is_visible()
            assert missing.get_by_label(re.compile("^Rationale")).get_attribute("aria-invalid") == "true"
            assert page.get_by_text("1 of 2 scored").is_visible()  # the complete criterion was kept
            journey.check("incomplete submit marked")
        else:
            page.get_by_role("button", name="Save", exact=True).click()
            assert page.get_by_text("Saved. Submit when every criterion is scored.").is_visible()
            assert page.get_by_text("1 of 2 scored").is_visible()
        _rate(page, "Criterion 2", RATINGS["Criterion 2"], "Criterion 2: the plan is specific and staffed.")
        if proposal == committee["harbor"]:
            journey.check("scoring a proposal")
        page.get_by_role("button", name="Save and submit (final)").click()
        assert page.get_by_text(f"Your scores for {proposal.code} are submitted.").is_visible()
    assert ScoreSheet.objects.filter(assignment__evaluator=evaluator, submitted_at__isnull=False).count() == 2
    sign_out(page)

    # The procurement officer.
    sign_in(page, email=officer.email, password=DEFAULT_PASSWORD, totp_secret=committee["secrets"][officer.pk])
    follow_nav(page, "Solicitations")
    journey.check("officer solicitations")
    page.get_by_role("link", name=solicitation.title).click()
    # The lifecycle, with the current step marked for assistive technology, and the committee's progress.
    assert page.locator('[aria-current="step"]').inner_text().startswith("In evaluation")
    progress = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Scores entered"))
    assert "Eve Evaluator" in progress.inner_text()
    journey.check("manage page in evaluation")
    # Irreversible steps are confirmed first: the link to the confirmation page opens the same question in a
    # modal (without JavaScript it leads to the page).
    opener = page.get_by_role("button", name="Start consensus…")
    assert opener.get_attribute("href") == f"/procurement/manage/{solicitation.pk}/confirm/consensus-start/"
    opener.click()
    dialog = page.get_by_role("dialog", name="Start consensus")
    assert dialog.get_by_text("Only submitted score sheets count in the consensus table.").is_visible()
    journey.check("confirm consensus")
    dialog.get_by_role("button", name="Start consensus and lock the scores").click()
    # The modal's form posts, then the page reloads: wait for the message.
    page.get_by_text("Consensus started: individual scores are locked.").wait_for()
    journey.check("consensus started")
    page.get_by_role("link", name="Consensus page").click()
    # The grid: proposals × criteria, each evaluator's rating, the spread in words as well as shading.
    grid = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Criterion 1"))
    assert grid.get_by_role("rowheader").count() == 2
    assert "All agree" in grid.inner_text()
    journey.check("consensus grid")
    harbor_row, riverside_row = committee["harbor"], committee["riverside"]
    for column, rating in enumerate(RATINGS.values()):
        _agree(page, harbor_row, column, rating, f"The committee agrees: {rating.lower()}.")
    # Typed in the other proposal's row before saving the first: kept, not lost.
    _agree(page, riverside_row, 0, RATINGS["Criterion 1"], "Typed before the other row was saved.")
    page.get_by_role("button", name=f"Save {harbor_row.code}").click()
    assert page.get_by_text(f"Consensus for {harbor_row.code} saved (2 of 2 criteria).").is_visible()
    assert page.locator(f"#p{riverside_row.pk} td").nth(0).get_by_label(re.compile("^Rationale")).input_value() \
        == "Typed before the other row was saved."
    journey.check("consensus one row saved, the other kept")
    _agree(page, riverside_row, 1, RATINGS["Criterion 2"], "The committee agrees.")
    page.get_by_role("button", name=f"Save {riverside_row.code}").click()
    assert page.get_by_text(f"Consensus for {riverside_row.code} saved (2 of 2 criteria).").is_visible()
    journey.check("consensus recorded")
    page.get_by_role("main").get_by_role("link", name=solicitation.reference).click()
    page.get_by_role("button", name="Open the price proposals…").click()
    page.get_by_role("dialog", name="Open the price proposals").get_by_role(
        "button", name="Open the price proposals").click()
    page.get_by_text("The price proposals are open.").wait_for()
    journey.check("prices open")
    harbor = committee["harbor"]
    page.get_by_role("button", name="Recommend the award…").click()
    dialog = page.get_by_role("dialog", name="Recommend the award")
    dialog.get_by_label(re.compile("^Proposal")).select_option(label=f"{harbor.code} — Harbor Peer Outreach")
    dialog.get_by_label(re.compile("^Reasons for the recommendation")).fill(
        "Equal technical ratings; Harbor's price is the lowest.")
    journey.check("confirm the recommendation")
    dialog.get_by_role("button", name="Recommend the award").click()
    page.get_by_text("The award is recommended.").wait_for()
    page.get_by_role("button", name="Award…").click()
    journey.check("confirm the award")
    page.get_by_role("dialog", name="Award the contract").get_by_role(
        "button", name="Award and send the notices").click()
    page.get_by_text("Awarded. The notices were sent and the public award notice is up.").wait_for()
    # After the award: no next step to take, no committee to change, the record linked.
    assert page.get_by_role("heading", name="Outcome").is_visible()
    assert page.get_by_role("button", name="Appoint").count() == 0
    assert page.get_by_role("link", name="Public notice of award").is_visible()
    journey.check("awarded")
    solicitation.refresh_from_db()
    assert (solicitation.status, solicitation.awarded_proposal_id) == (Solicitation.Status.AWARDED, harbor.pk)
    sign_out(page)

    # The winning nonprofit.
    sign_in(page, email=committee["cora"].email, password=DEFAULT_PASSWORD)
    follow_nav(page, re.compile("^Notifications"))
    notice = page.locator(".inbox-item").filter(has_text="RFP-2026-020").first
    assert re.search("award", notice.inner_text(), re.I)
    journey.check("award notice in the inbox")
    notice.get_by_role("button", name=re.compile("^Open")).click()
    award = page.get_by_role("region", name="Notice of award")
    assert "Awarded to Harbor Peer Outreach" in award.inner_text()
    assert Proposal.objects.get(pk=harbor.pk).status == Proposal.Status.SUBMITTED
    journey.check("public award notice")


PHONE = {"width": 390, "height": 844}


def test_scoring_and_the_consensus_grid_on_a_phone(new_page, committee):
    """At 390 px: the evaluator scores on the one form; the officer agrees a row of the grid, whose rows
    become stacked cards with each criterion named."""
    solicitation, evaluator, officer = committee["solicitation"], committee["evaluator"], committee["officer"]
    harbor, riverside = committee["harbor"], committee["riverside"]
    services.attestation_sign(solicitation=solicitation, by=evaluator, signed_name="Eve Evaluator", conflicts={})
    page = new_page(**PHONE)
    journey = Journey("3-evaluation-phone", page)
    sign_in(page, email=evaluator.email, password=DEFAULT_PASSWORD, totp_secret=committee["secrets"][evaluator.pk])
    page.goto(f"/procurement/evaluations/proposals/{harbor.pk}/")
    _rate(page, "Criterion 1", "Advantageous", "Clear plan.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_text("1 of 2 scored").is_visible()
    journey.check("scoring at 390 px")
    _rate(page, "Criterion 2", "Not advantageous", "Thin on supervision.")
    page.get_by_role("button", name="Save and submit (final)").click()
    assert page.get_by_text(f"Your scores for {harbor.code} are submitted.").is_visible()
    riverside = Proposal.objects.get(pk=riverside.pk)  # fresh: the evaluation has started since
    for criterion in solicitation.criteria.filter(kind="comparative"):
        services.score_save(proposal=riverside, criterion=criterion, by=evaluator, rating="advantageous",
                            rationale="Solid.")
    services.scoresheet_submit(proposal=riverside, by=evaluator)
    services.solicitation_consensus_start(solicitation=solicitation, by=officer)
    sign_out(page)

    sign_in(page, email=officer.email, password=DEFAULT_PASSWORD, totp_secret=committee["secrets"][officer.pk])
    page.goto(f"/procurement/manage/{solicitation.pk}/consensus/")
    first_cell = page.locator(f"#p{harbor.pk} td").nth(0)
    assert first_cell.locator(".proc-cell-label").is_visible()  # the criterion is named in the stacked card
    journey.check("consensus grid at 390 px")
    _agree(page, harbor, 0, "Advantageous", "Agreed.")
    _agree(page, harbor, 1, "Not advantageous", "Agreed: supervision is thin.")
    # On a phone the row's cards end with its save button too.
    save = page.get_by_role("button", name=f"Save {harbor.code}")
    assert save.count() == 2
    save.last.click()
    assert page.get_by_text(f"Consensus for {harbor.code} saved (2 of 2 criteria).").is_visible()
    journey.check("consensus row saved at 390 px")
