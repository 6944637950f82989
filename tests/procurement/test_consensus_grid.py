"""The consensus grid: proposals × criteria × evaluators, the spread shaded and said in words, one
proposal's row saved without losing edits typed in another; its query count does not grow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.procurement import services
from apps.procurement.models import ConsensusScore, Proposal
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.procurement import published_solicitation, submitted_proposal

from .conftest import attest, pass_all, score_all

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def in_consensus(in_evaluation, two_submitted, officer, evaluator, evaluator2):
    first, second = two_submitted
    services.evaluator_assign(solicitation=in_evaluation, evaluator=evaluator2, by=officer)
    attest(in_evaluation, evaluator2)
    score_all(in_evaluation, evaluator, first, rating="highly_advantageous")
    score_all(in_evaluation, evaluator2, first, rating="not_advantageous")  # two steps apart
    score_all(in_evaluation, evaluator, second, rating="advantageous")
    score_all(in_evaluation, evaluator2, second, rating="advantageous")  # agree
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    in_evaluation.refresh_from_db()
    return in_evaluation


def _row(proposal, criteria, rating, rationale):
    data = {"proposal": str(proposal.pk)}
    for criterion in criteria:
        data[f"c{proposal.pk}-{criterion.pk}-rating"] = rating
        data[f"c{proposal.pk}-{criterion.pk}-rationale"] = rationale
    return data


def test_grid_shows_each_evaluators_rating_and_the_spread(in_consensus, two_submitted, officer):
    first, second = two_submitted
    page = _client(officer).get(reverse("procurement:consensus", args=[in_consensus.pk])).content.decode()
    assert page.count('<th scope="col">Criterion') == 2  # criteria are the columns
    assert page.count('<th scope="row"') == 2  # one row per proposal
    assert "<strong>E1</strong> Eve Evaluator" in page and "<strong>E2</strong> Evan Evaluator" in page
    assert page.count("proc-spread-apart") == 2 + 1  # two cells of the first proposal, and the key
    assert page.count("proc-spread-agree") == 2 + 1
    assert "Far apart" in page and "All agree" in page  # in words, not colour alone
    # Each row's save button, and its twin at the end of the row for the phone's stacked layout.
    assert page.count(f'name="proposal" value="{first.pk}"') == 2
    assert page.count(f'name="proposal" value="{second.pk}"') == 2
    url = reverse("procurement:consensus", args=[in_consensus.pk])
    assert page.count(f'<form method="post" action="{url}"') == 1  # one form for the grid


def test_saving_one_row_records_it_and_keeps_edits_in_another(in_consensus, two_submitted, officer):
    first, second = two_submitted
    criteria = list(in_consensus.criteria.filter(kind="comparative"))
    data = _row(first, criteria, "advantageous", "The committee agrees.")
    # Typed in the second proposal's row, not saved.
    data.update({f"c{second.pk}-{criteria[0].pk}-rating": "highly_advantageous",
                 f"c{second.pk}-{criteria[0].pk}-rationale": "Typed but not saved yet."})
    response = _client(officer).post(reverse("procurement:consensus", args=[in_consensus.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Typed but not saved yet." in page
    assert "kept below but not saved yet" in page
    assert sorted(ConsensusScore.objects.values_list("proposal_id", "rating")) == [
        (first.pk, "advantageous"), (first.pk, "advantageous")]
    assert AuditEvent.objects.filter(action="procurement.consensus.recorded", actor=officer).count() == 2


def test_saving_a_row_without_other_edits_redirects_to_it(in_consensus, two_submitted, officer):
    first, _second = two_submitted
    criteria = list(in_consensus.criteria.filter(kind="comparative"))
    response = _client(officer).post(reverse("procurement:consensus", args=[in_consensus.pk]),
                                     _row(first, criteria, "advantageous", "Agreed."))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#p{first.pk}")
    assert ConsensusScore.objects.filter(proposal=first).count() == 2


def test_row_with_missing_rationale_is_marked_and_saves_the_rest(in_consensus, two_submitted, officer):
    first, _second = two_submitted
    one, two = in_consensus.criteria.filter(kind="comparative")
    data = {"proposal": str(first.pk), f"c{first.pk}-{one.pk}-rating": "advantageous",
            f"c{first.pk}-{one.pk}-rationale": "Agreed.", f"c{first.pk}-{two.pk}-rating": "advantageous",
            f"c{first.pk}-{two.pk}-rationale": ""}
    response = _client(officer).post(reverse("procurement:consensus", args=[in_consensus.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'aria-describedby="id_c{first.pk}-{two.pk}-rationale_error"' in page
    assert list(ConsensusScore.objects.values_list("criterion_id", flat=True)) == [one.pk]


def test_grid_permissions(in_consensus, two_submitted, officer, evaluator, coordinator):
    first, _second = two_submitted
    criteria = list(in_consensus.criteria.filter(kind="comparative"))
    url = reverse("procurement:consensus", args=[in_consensus.pk])
    data = _row(first, criteria, "advantageous", "Agreed.")
    assert _client(evaluator).post(url, data).status_code == 403
    assert _client(coordinator).get(url).status_code == 403
    # An unknown or someone else's proposal in the grid: 404.
    assert _client(officer).post(url, {**data, "proposal": "999999"}).status_code == 404
    assert not ConsensusScore.objects.exists()


def test_grid_is_read_only_after_the_price_opening(in_consensus, two_submitted, officer):
    first, second = two_submitted
    criteria = list(in_consensus.criteria.filter(kind="comparative"))
    for proposal in (first, second):
        services.consensus_row_record(proposal=proposal, by=officer, entries={
            c: {"rating": "advantageous", "rationale": "Agreed."} for c in criteria})
    services.solicitation_price_open(solicitation=in_consensus, by=officer)
    client = _client(officer)
    url = reverse("procurement:consensus", args=[in_consensus.pk])
    page = client.get(url).content.decode()
    assert 'name="proposal"' not in page and "Consensus: Advantageous" in page
    response = client.post(url, _row(first, criteria, "unacceptable", "Changed."))
    assert response.status_code == 302
    assert set(ConsensusScore.objects.values_list("rating", flat=True)) == {"advantageous"}


def _consensus_with(officer, proposals: int):
    solicitation = published_solicitation(officer, reference=f"RFP-Q{proposals}")
    for n in range(proposals):
        organization = OrganizationFactory(name=f"Org {proposals}-{n}", slug=f"org-{proposals}-{n}")
        coordinator = user_with_role("coordinator", organization, email=f"c{proposals}-{n}@example.org")
        submitted_proposal(solicitation, coordinator, organization, total=Decimal("50000.00"))
    return solicitation


def test_grid_query_count_is_constant(officer, evaluator, evaluator2, time_machine):
    counts = []
    for proposals in (1, 3):
        solicitation = _consensus_with(officer, proposals)
        time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
        for member in (evaluator, evaluator2):
            services.evaluator_assign(solicitation=solicitation, evaluator=member, by=officer)
        services.solicitation_open(solicitation=solicitation, by=officer)
        pass_all(solicitation, officer)
        services.solicitation_evaluation_start(solicitation=solicitation, by=officer)
        solicitation.refresh_from_db()
        for member in (evaluator, evaluator2):
            attest(solicitation, member)
            for proposal in Proposal.objects.filter(solicitation=solicitation):
                score_all(solicitation, member, proposal)
        services.solicitation_consensus_start(solicitation=solicitation, by=officer)
        client = _client(officer)
        url = reverse("procurement:consensus", args=[solicitation.pk])
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
