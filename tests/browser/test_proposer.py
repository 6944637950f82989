"""Journey 2: a nonprofit coordinator finds the open RFP, asks a question, acknowledges an addendum, fills and
submits a proposal, and sees the receipt."""

import re
from decimal import Decimal

import pytest

from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.procurement import services
from apps.procurement.models import Clarification, Proposal, Solicitation
from tests.browser.helpers import Journey, follow_nav, sign_in
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role
from tests.factories.procurement import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RFP = "Community responder program facilitator"
PRICES = {"Personnel": "600000.00", "Responder stipends": "700000.00", "Training": "150000.00",
          "Operations": "100000.00", "Indirect costs": "50000.00"}


def test_coordinator_asks_acknowledges_and_submits_a_proposal(new_page, demo):
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor", email="hello@harbor.example")
    coordinator = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")
    officer = demo["users"]["procurement"]
    solicitation = Solicitation.objects.get(title=RFP)

    page = new_page()
    journey = Journey("2-proposer", page)
    sign_in(page, email=coordinator.email, password=DEFAULT_PASSWORD)
    journey.check("dashboard")

    follow_nav(page, "RFPs")
    journey.check("open RFPs")
    page.get_by_role("link", name=RFP).click()
    assert page.get_by_role("heading", level=1).inner_text() == RFP
    journey.check("RFP page")

    page.get_by_label("Your question").fill("May two nonprofits propose jointly, with one as the lead?")
    page.get_by_role("button", name="Send the question").click()
    assert page.get_by_text("Your question was sent.").is_visible()
    clarification = Clarification.objects.get(solicitation=solicitation)
    assert (clarification.organization, clarification.status) == (harbor, Clarification.Status.PENDING)
    journey.check("question sent")

    # Meanwhile the officer issues an addendum; everyone who asked a question is told.
    services.addendum_publish(solicitation=solicitation, by=officer, title="Joint proposals",
                              body="Two nonprofits may propose jointly; name the **lead** organization.")

    follow_nav(page, re.compile("^Notifications"))
    assert page.get_by_text(re.compile("Addendum 1")).first.is_visible()
    journey.check("addendum notice in the inbox")
    page.get_by_role("button", name=re.compile("^Open")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == RFP
    assert page.get_by_role("heading", name="Addendum 1: Joint proposals").is_visible()

    page.get_by_role("button", name="Start a proposal for Harbor Peer Outreach").click()
    proposal = Proposal.objects.get(solicitation=solicitation, organization=harbor)
    journey.check("new proposal")

    page.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_text("Addendum 1 acknowledged.").is_visible()

    answers = ["Our peer team has answered neighbors in crisis in East Boston since 2016.",
               "Every responder trains 76 hours in class and 76 supervised, with a weekly debrief."]
    for number, answer in enumerate(answers, start=1):
        page.get_by_label(re.compile(rf"^{number}\. ")).fill(answer)
    page.get_by_role("button", name="Save answers").click()
    assert page.get_by_text("Your answers were saved.").is_visible()

    page.get_by_label(re.compile(r"^Attachment \(required\)$")).select_option(label="Certificate of non-collusion")
    page.get_by_label(re.compile("^File")).set_input_files(
        files=[{"name": "non-collusion.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_text("The file was attached.").is_visible()

    for label, amount in PRICES.items():
        page.get_by_label(re.compile(rf"^{label}( \(required\))?$")).fill(amount)
    page.get_by_role("button", name="Save price").click()
    assert page.get_by_text("Your price proposal was saved.").is_visible()
    journey.check("proposal complete")

    page.get_by_role("button", name="Submit the proposal").click()
    proposal.refresh_from_db()
    submission = proposal.submissions.get()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert page.get_by_text(f"Submitted. Your receipt: {submission.receipt_hash}").is_visible()
    assert page.locator(".proc-receipt").inner_text() == f"SHA-256 {submission.receipt_hash}"
    assert submission.price["total"] == str(Decimal("1600000.00"))
    journey.check("receipt")

    follow_nav(page, re.compile("^Notifications"))
    receipt = Notification.objects.get(kind="procurement.receipt", recipient_user=coordinator, channel="in_app")
    assert page.locator(".inbox-subject").get_by_text(receipt.subject).is_visible()
    journey.check("receipt in the inbox")
