"""A submission racing the deadline, on PostgreSQL: it lands entirely before the close, or it is
refused; never half-written."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.procurement import services
from apps.procurement.models import Proposal, ProposalSubmission, Solicitation

from ..factories.procurement import complete_proposal, published_solicitation


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_submit_racing_the_close_is_all_or_nothing(officer, coordinator, harbor):
    solicitation = published_solicitation(officer, reference="RFP-RACE")
    proposal = complete_proposal(solicitation, coordinator, harbor)
    # The deadline is a moment away: the close waits for it while the submission holds the lock.
    due = timezone.now() + timedelta(milliseconds=400)
    Solicitation.objects.filter(pk=solicitation.pk).update(proposals_due_at=due,
                                                           questions_due_at=due - timedelta(days=1))
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def submit():
        try:
            barrier.wait()
            with transaction.atomic():
                outcome["submit"] = services.proposal_submit(proposal=Proposal.objects.get(pk=proposal.pk),
                                                             by=coordinator).receipt_hash
        except ApplicationError as error:
            outcome["submit"] = error.code
        finally:
            connection.close()

    def close():
        try:
            barrier.wait()
            while timezone.now() < due:
                pass
            outcome["close"] = services.solicitations_due_scan(now=timezone.now())
        finally:
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    solicitation.refresh_from_db()
    proposal.refresh_from_db()
    assert solicitation.status == "closed"
    submissions = list(ProposalSubmission.objects.filter(proposal=proposal))
    if outcome["submit"] == "deadline_passed":
        assert (proposal.status, submissions) == ("draft", [])
    else:
        assert [s.receipt_hash for s in submissions] == [outcome["submit"]]
        assert proposal.status == "submitted"
        assert submissions[0].submitted_at < solicitation.proposals_due_at
        assert solicitation.closed_at >= submissions[0].submitted_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_submission_after_close_is_refused_whatever_the_order(officer, coordinator, harbor, time_machine):
    solicitation = published_solicitation(officer, reference="RFP-AFTER")
    proposal = complete_proposal(solicitation, coordinator, harbor)
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    assert services.solicitations_due_scan(now=timezone.now()) == 1
    with pytest.raises(ApplicationError) as refused:
        services.proposal_submit(proposal=proposal, by=coordinator)
    assert refused.value.code == "deadline_passed"
    assert ProposalSubmission.objects.count() == 0
