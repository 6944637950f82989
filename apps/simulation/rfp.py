"""One RFP cycle, from draft to award, spread over about seven weeks of simulated time: the officer
drafts and publishes, nonprofits ask questions and acknowledge an addendum, submit sealed proposals;
the officer opens them, records responsiveness, the committee attests and scores, consensus, the
price envelopes are opened, an award is recommended and made. A step the services refuse (too early,
say) is tried again on the next day."""

from datetime import time, timedelta
from decimal import Decimal

from django.urls import reverse

from apps.procurement import services as procurement
from apps.procurement.models import Proposal, Solicitation

from .actors.world import NONPROFIT_1, NONPROFIT_2, NONPROFIT_3, World, pdf_upload
from .clock import local, local_day

S = Solicitation.Status


class RfpCycle:
    def __init__(self, world: World, *, number: int):
        self.world = world
        self.reference = f"RFP-SIM-{local_day(world.now):%Y}-{number:02d}"
        self.started = local_day(world.now)
        self.solicitation: Solicitation | None = None
        self.proposers = [(world.users[key], world.organizations[name]) for key, name in
                          (("coordinator", NONPROFIT_1), ("coordinator2", NONPROFIT_2), ("coordinator3", NONPROFIT_3))]

    @property
    def officer(self):
        return self.world.users["procurement"]

    @property
    def done(self) -> bool:
        if self.solicitation is None:
            return False
        self.solicitation.refresh_from_db()
        return self.solicitation.status in (S.AWARDED, S.CANCELLED)

    def day(self) -> None:
        """Called every morning: does what is due on this day of the cycle."""
        w, officer = self.world, self.officer
        age = (local_day(w.now) - self.started).days
        if self.solicitation is None:
            self._draft()
            return
        s = self.solicitation
        s.refresh_from_db()
        if s.status == S.DRAFT:
            w.do("procurement.solicitation_publish", procurement.solicitation_publish, solicitation=s, by=officer)
        elif s.status == S.PUBLISHED:
            self._published(age)
        elif s.status in (S.CLOSED, S.OPENED):
            self._opening()
        elif s.status == S.EVALUATION:
            self._evaluation()
        elif s.status == S.CONSENSUS:
            self._consensus()
        elif s.status == S.PRICE_OPENED:
            proposal = s.proposals.filter(status=Proposal.Status.SUBMITTED, responsive=True).order_by("code").first()
            if proposal is not None:
                w.do("procurement.award_recommend", procurement.solicitation_award_recommend, solicitation=s,
                     proposal=proposal, by=officer, reasons="Most advantageous: strongest plan at a fair price.")
        elif s.status == S.AWARD_RECOMMENDED:
            w.do("procurement.award", procurement.solicitation_award, solicitation=s, by=officer,
                 justification="The recommended proposal is the most advantageous, price and non-price together.")

    def _draft(self) -> None:
        w, officer = self.world, self.officer
        today = local_day(w.now)
        s = w.do("procurement.solicitation_create", procurement.solicitation_create, by=officer,
                 reference=self.reference, title="Community-responder program facilitator",
                 summary="The city seeks a **facilitator** for its community-responder program.",
                 budget_ceiling=Decimal("1750000.00"), questions_due_at=local(today + timedelta(days=12), time(17)),
                 proposals_due_at=local(today + timedelta(days=21), time(14)), rating_method="adjectival",
                 blind_review=True, procurement_type="contract_30b", price_points=20)
        if s is None:
            return
        self.solicitation = s
        w.do("procurement.criterion_add", procurement.criterion_add, solicitation=s, by=officer, kind="minimum",
             title="Certificate of good standing")
        for title in ("Experience with peer response", "Training plan"):
            w.do("procurement.criterion_add", procurement.criterion_add, solicitation=s, by=officer,
                 kind="comparative", title=title, max_points=40)
        w.do("procurement.proposal_question_add", procurement.proposal_question_add, solicitation=s, by=officer,
             prompt="Describe your experience.")
        w.do("procurement.required_attachment_add", procurement.required_attachment_add, solicitation=s, by=officer,
             name="Certificate of non-collusion")
        w.do("procurement.document_add", procurement.document_add, solicitation=s, by=officer,
             title="Scope of services", upload=pdf_upload("scope.pdf"))
        for evaluator in w.evaluators:
            w.do("procurement.evaluator_assign", procurement.evaluator_assign, solicitation=s, evaluator=evaluator,
                 by=officer)

    def _published(self, age: int) -> None:
        w, s, officer = self.world, self.solicitation, self.officer
        if age == 4:
            for coordinator, org in self.proposers[:2]:
                w.http("procurement.clarification_ask", coordinator, "POST",
                       reverse("procurement:clarification-create", args=[s.reference]),
                       {"question": f"May {org.name} partner with another nonprofit?"})
        if age == 7:
            for clarification in s.clarifications.filter(status="pending"):
                w.do("procurement.clarification_answer", procurement.clarification_answer, clarification=clarification,
                     by=officer, answer="Yes, with one lead applicant.")
            w.do("procurement.addendum_publish", procurement.addendum_publish, solicitation=s, by=officer,
                 title="Addendum 1", body="Partnerships are allowed with one lead applicant.")
        if age == 9:
            for coordinator, org in self.proposers:
                for addendum in s.addenda.all():
                    w.do("procurement.addendum_acknowledge", procurement.addendum_acknowledge, addendum=addendum,
                         organization=org, by=coordinator)
        if age in (10, 11, 12):
            coordinator, org = self.proposers[age - 10]
            self._propose(coordinator, org, total=Decimal(1_500_000 + 60_000 * (age - 10)))

    def _propose(self, coordinator, org, *, total: Decimal) -> None:
        w, s = self.world, self.solicitation
        proposal = w.do("procurement.proposal_start", procurement.proposal_start, solicitation=s, organization=org,
                        by=coordinator)
        if proposal is None:
            return
        question = s.questions.first()
        w.do("procurement.proposal_answers_save", procurement.proposal_answers_save, proposal=proposal, by=coordinator,
             answers={question.pk: "Eight years of peer response in Dorchester and Roxbury."})
        w.do("procurement.proposal_attachment_add", procurement.proposal_attachment_add, proposal=proposal,
             required_attachment=s.required_attachments.first(), upload=pdf_upload(f"{org.slug}.pdf"), by=coordinator)
        w.do("procurement.price_proposal_save", procurement.price_proposal_save, proposal=proposal, by=coordinator,
             lines={"personnel": total * Decimal("0.5"), "responder_stipends": total * Decimal("0.3"),
                    "training": total * Decimal("0.1"), "operations": total * Decimal("0.05"),
                    "indirect": total * Decimal("0.05")})
        w.http("procurement.proposal_submit", coordinator, "POST",
               reverse("procurement:proposal-submit", args=[proposal.pk]))

    def _opening(self) -> None:
        w, officer = self.world, self.officer
        s = w.do("procurement.solicitation_open", procurement.solicitation_open, solicitation=self.solicitation,
                 by=officer) if self.solicitation.status == S.CLOSED else self.solicitation
        if s is None:
            return
        s.refresh_from_db()
        for proposal in s.proposals.filter(status=Proposal.Status.SUBMITTED):
            for criterion in s.criteria.filter(kind="minimum"):
                w.do("procurement.responsiveness_record", procurement.responsiveness_record, proposal=proposal,
                     criterion=criterion, by=officer, passed=True, reason="Certificate on file.")
        w.do("procurement.evaluation_start", procurement.solicitation_evaluation_start, solicitation=s, by=officer)
        s.refresh_from_db()
        if s.status == S.EVALUATION:
            for n, evaluator in enumerate(w.evaluators):
                conflicts = {self.proposers[2][1].pk: "Former board member"} if n == 2 else {}
                w.do("procurement.attestation_sign", procurement.attestation_sign, solicitation=s, by=evaluator,
                     signed_name=evaluator.full_name or "Evaluator", conflicts=conflicts)

    def _evaluation(self) -> None:
        w, s = self.world, self.solicitation
        ratings = ["highly_advantageous", "advantageous", "not_advantageous"]
        for evaluator in w.evaluators:
            for proposal in s.proposals.filter(status=Proposal.Status.SUBMITTED, responsive=True):
                for criterion in s.criteria.filter(kind="comparative"):
                    w.do("procurement.score_save", procurement.score_save, proposal=proposal, criterion=criterion,
                         by=evaluator, rating=w.rng.choice(ratings), rationale="Clear plan with local hiring.")
                w.do("procurement.scoresheet_submit", procurement.scoresheet_submit, proposal=proposal, by=evaluator)
        w.do("procurement.consensus_start", procurement.solicitation_consensus_start, solicitation=s, by=self.officer)

    def _consensus(self) -> None:
        w, s = self.world, self.solicitation
        for proposal in s.proposals.filter(status=Proposal.Status.SUBMITTED, responsive=True):
            for criterion in s.criteria.filter(kind="comparative"):
                w.do("procurement.consensus_score_record", procurement.consensus_score_record, proposal=proposal,
                     criterion=criterion, by=self.officer, rating="advantageous",
                     rationale="The committee agreed after discussion.")
        w.do("procurement.price_open", procurement.solicitation_price_open, solicitation=s, by=self.officer)
