"""Journey 2: a nonprofit coordinator finds the open RFP, asks a question, acknowledges an addendum, fills and
submits a proposal, and sees the receipt."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

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
    expect(page.get_by_text("Your question was sent.")).to_be_visible()
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
    questions = list(solicitation.questions.all())
    # The word limit: counted live under the field, enforced by the server with a field error.
    first = page.get_by_label(re.compile(r"^1\. "))
    limit = questions[0].max_words
    first.fill(" ".join(["word"] * (limit + 1)))
    assert page.get_by_text(f"{limit + 1} of {limit} words: 1 over the limit").is_visible()
    page.get_by_role("button", name="Save answers").click()
    assert page.get_by_text(f"{limit + 1} words: the limit is {limit}. Shorten it by 1.").is_visible()
    assert page.get_by_label(re.compile(r"^1\. ")).get_attribute("aria-invalid") == "true"
    journey.check("word limit")
    for number, answer in enumerate(answers, start=1):
        page.get_by_label(re.compile(rf"^{number}\. ")).fill(answer)
    assert page.get_by_text(f"{len(answers[0].split())} of {limit} words", exact=True).is_visible()

    # Answers typed but not saved survive another section's button: the upload saves them too.
    page.get_by_label(re.compile(r"^Attachment \(required\)$")).select_option(label="Certificate of non-collusion")
    page.get_by_label(re.compile("^File")).set_input_files(
        files=[{"name": "non-collusion.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_text("The file was attached.").is_visible()
    assert page.get_by_text("Your answers were saved.").is_visible()
    assert sorted(proposal.answers.values_list("text", flat=True)) == sorted(answers)

    for label, amount in PRICES.items():
        page.get_by_label(re.compile(rf"^{label}( \(required\))?$")).fill(amount)
    page.get_by_label(re.compile(r"^2\. ")).fill(answers[1] + " Supervisors ride along for the first month.")
    page.get_by_role("button", name="Save price").click()
    expect(page.get_by_text("Your price proposal was saved.")).to_be_visible()
    assert page.get_by_text("Your answers were saved.").is_visible()
    assert proposal.answers.get(question=questions[1]).text.endswith("Supervisors ride along for the first month.")
    journey.check("proposal complete")

    page.get_by_role("button", name="Submit the proposal").click()
    proposal.refresh_from_db()
    submission = proposal.submissions.get()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert page.get_by_text(f"Submitted. Your receipt: {submission.receipt_hash}").is_visible()
    # The receipt is for the record: folded under "Receipt", not in the way.
    page.locator(".proc-receipts summary").first.click()
    assert page.locator(".proc-receipts .proc-receipt").inner_text() == f"SHA-256 {submission.receipt_hash}"
    assert submission.price["total"] == str(Decimal("1600000.00"))
    journey.check("receipt")

    follow_nav(page, re.compile("^Notifications"))
    receipt = Notification.objects.get(kind="procurement.receipt", recipient_user=coordinator, channel="in_app")
    assert page.locator(".inbox-subject").get_by_text(receipt.subject).is_visible()
    journey.check("receipt in the inbox")


def test_proposal_editor_on_a_phone(new_page, demo):
    """At 390 px: the one-form editor with the live word count; saving the price keeps a typed answer."""
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor", email="hello@harbor.example")
    coordinator = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")
    solicitation = Solicitation.objects.get(title=RFP)
    proposal = services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    page = new_page(width=390, height=844)
    journey = Journey("2-proposer-phone", page)
    sign_in(page, email=coordinator.email, password=DEFAULT_PASSWORD)
    page.goto(f"/procurement/proposals/{proposal.pk}/")
    answer = "Peer responders who live in the neighborhoods they serve."
    page.get_by_label(re.compile(r"^1\. ")).fill(answer)
    limit = solicitation.questions.first().max_words
    assert page.get_by_text(f"{len(answer.split())} of {limit} words", exact=True).is_visible()
    journey.check("editor at 390 px")
    for label, amount in PRICES.items():
        page.get_by_label(re.compile(rf"^{label}( \(required\))?$")).fill(amount)
    page.get_by_role("button", name="Save price").click()
    expect(page.get_by_text("Your price proposal was saved.")).to_be_visible()
    assert page.get_by_label(re.compile(r"^1\. ")).input_value() == answer
    journey.check("editor saved at 390 px")
