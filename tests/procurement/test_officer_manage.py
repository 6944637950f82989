"""The officer's manage page: the lifecycle, the next step in every status, the forms that still
apply, the committee's progress, and the confirmation before each irreversible step."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from apps.procurement import selectors, services
from apps.procurement.models import Solicitation
from tests.factories import MembershipFactory, user_with_role

from ..factories.procurement import draft_solicitation
from .conftest import attest, score_all

pytestmark = pytest.mark.django_db
S = Solicitation.Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _manage(solicitation) -> str:
    return reverse("procurement:solicitation-manage", args=[solicitation.pk])


def _confirm(solicitation, action: str) -> str:
    return reverse("procurement:solicitation-confirm", args=[solicitation.pk, action])


def _consensus_all(solicitation, officer) -> None:
    for proposal in solicitation.proposals.filter(status="submitted"):
        for criterion in solicitation.criteria.filter(kind="comparative"):
            services.consensus_score_record(proposal=proposal, criterion=criterion, by=officer,
                                            rating="advantageous", rationale="Agreed.")


def _reach(status: str, *, in_evaluation, two_submitted, officer, evaluator) -> Solicitation:
    """The fixture solicitation moved on, through the services, to `status` (evaluation or later)."""
    solicitation = in_evaluation
    steps = [
        (S.EVALUATION, lambda: [score_all(solicitation, evaluator, p) for p in two_submitted]),
        (S.CONSENSUS, lambda: (services.solicitation_consensus_start(solicitation=solicitation, by=officer),
                               _consensus_all(solicitation, officer))),
        (S.PRICE_OPENED, lambda: services.solicitation_price_open(solicitation=solicitation, by=officer)),
        (S.AWARD_RECOMMENDED, lambda: services.solicitation_award_recommend(
            solicitation=solicitation, proposal=two_submitted[1], by=officer, reasons="Lower price.")),
        (S.AWARDED, lambda: services.solicitation_award(solicitation=solicitation, by=officer)),
    ]
    for step_status, step in steps:
        step()
        solicitation.refresh_from_db()
        if step_status == status:
            return solicitation
    raise AssertionError(status)


# action, the status it applies in, the POST that does it, the status after
STEPS = [
    ("consensus-start", S.EVALUATION, {}, S.CONSENSUS),
    ("price-open", S.CONSENSUS, {}, S.PRICE_OPENED),
    ("recommend", S.PRICE_OPENED, {"reasons": "Equal ratings, lower price."}, S.AWARD_RECOMMENDED),
    ("award", S.AWARD_RECOMMENDED, {"justification": ""}, S.AWARDED),
]


def _action_url(solicitation, action: str) -> str:
    if action == "recommend":
        return reverse("procurement:award-recommend", args=[solicitation.pk])
    if action == "award":
        return reverse("procurement:award", args=[solicitation.pk])
    return reverse("procurement:solicitation-transition", args=[solicitation.pk, action])


@pytest.mark.parametrize(("action", "before", "data", "after"), STEPS, ids=[s[0] for s in STEPS])
def test_irreversible_step_confirmed_then_done(action, before, data, after, in_evaluation, two_submitted, officer,
                                               evaluator):
    solicitation = _reach(before, in_evaluation=in_evaluation, two_submitted=two_submitted, officer=officer,
                          evaluator=evaluator)
    if action == "recommend":
        data = {**data, "proposal": two_submitted[1].pk}
    client = _client(officer)
    manage = client.get(_manage(solicitation)).content.decode()
    assert _confirm(solicitation, action) in manage
    # The link to the confirmation page opens the same question in a modal; the step's form is only there.
    assert f'aria-controls="confirm-{action}" data-open-modal' in manage
    assert manage.count(f'action="{_action_url(solicitation, action)}"') == 1
    assert manage.index(f'id="confirm-{action}"') < manage.index(f'action="{_action_url(solicitation, action)}"')

    page = client.get(_confirm(solicitation, action))
    assert page.status_code == 200
    content = page.content.decode()
    assert "This cannot be undone." in content
    assert f'action="{_action_url(solicitation, action)}"' in content
    assert '<input type="hidden" name="confirm" value="yes">' in content

    events = AuditEvent.objects.count()
    refused = client.post(_action_url(solicitation, action), data)
    assert (refused.status_code, refused["Location"]) == (302, _confirm(solicitation, action))
    assert [str(m) for m in get_messages(refused.wsgi_request)] == [
        "Nothing was done: this step cannot be undone, so confirm it on this page first."]
    solicitation.refresh_from_db()
    assert (solicitation.status, AuditEvent.objects.count()) == (before, events)

    done = client.post(_action_url(solicitation, action), {**data, "confirm": "yes"})
    assert (done.status_code, done["Location"]) == (302, _manage(solicitation))
    solicitation.refresh_from_db()
    assert solicitation.status == after


def test_opening_confirmed_after_the_deadline(solicitation, two_submitted, officer, time_machine):
    client = _client(officer)
    assert _confirm(solicitation, "open") not in client.get(_manage(solicitation)).content.decode()
    early = client.get(_confirm(solicitation, "open"))
    assert (early.status_code, early["Location"]) == (302, _manage(solicitation))

    time_machine.move_to(solicitation.proposals_due_at, tick=False)
    client = _client(officer)  # the earlier session has expired by the deadline
    assert _confirm(solicitation, "open") in client.get(_manage(solicitation)).content.decode()
    assert "No proposal can be submitted, changed or withdrawn after this." in client.get(
        _confirm(solicitation, "open")).content.decode()
    url = reverse("procurement:solicitation-transition", args=[solicitation.pk, "open"])
    client.post(url)
    solicitation.refresh_from_db()
    assert (solicitation.status, solicitation.opened_at) == (S.PUBLISHED, None)
    client.post(url, {"confirm": "yes"})
    solicitation.refresh_from_db()
    assert solicitation.status == S.OPENED


def test_confirmation_of_a_step_that_does_not_apply_goes_back(in_evaluation, officer):
    response = _client(officer).get(_confirm(in_evaluation, "award"))
    assert (response.status_code, response["Location"]) == (302, _manage(in_evaluation))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "That step is not available now: the solicitation is in evaluation."]
    assert _client(officer).get(_confirm(in_evaluation, "nope")).status_code == 404


def test_recommendation_form_error_keeps_the_confirmation_page(in_evaluation, two_submitted, officer, evaluator):
    solicitation = _reach(S.PRICE_OPENED, in_evaluation=in_evaluation, two_submitted=two_submitted, officer=officer,
                          evaluator=evaluator)
    response = _client(officer).post(reverse("procurement:award-recommend", args=[solicitation.pk]),
                                     {"confirm": "yes", "proposal": two_submitted[0].pk, "reasons": ""})
    assert response.status_code == 400
    assert "This cannot be undone." in response.content.decode()
    solicitation.refresh_from_db()
    assert solicitation.status == S.PRICE_OPENED


def test_other_roles_cannot_reach_the_confirmation_page(in_evaluation, evaluator, coordinator):
    for user in (evaluator, coordinator):
        assert _client(user).get(_confirm(in_evaluation, "consensus-start")).status_code == 403


# --- the next step, status by status ----------------------------------------------------------------

NEXT = {
    S.EVALUATION: "The evaluators are scoring.",
    S.CONSENSUS: "Record the committee's consensus rating",
    S.PRICE_OPENED: "Recommend the proposal to award",
    S.AWARD_RECOMMENDED: "Award it to send the notices to every proposer.",
    S.AWARDED: "Awarded on ",
}


@pytest.mark.parametrize("status", list(NEXT))
def test_next_step_says_what_comes_next(status, in_evaluation, two_submitted, officer, evaluator):
    solicitation = _reach(status, in_evaluation=in_evaluation, two_submitted=two_submitted, officer=officer,
                          evaluator=evaluator)
    response = _client(officer).get(_manage(solicitation))
    content = response.content.decode()
    assert NEXT[status] in content
    current = [s for s in response.context["steps"] if s["state"] == "current"]
    assert [s["status"] for s in current] == [status]
    assert content.count('aria-current="step"') == 1
    if status == S.AWARDED:
        assert ">Outcome</h2>" in content and ">Next step</h2>" not in content
        assert "Public notice of award" in content
        assert reverse("procurement:procurement-file", args=[solicitation.pk]) in content
        assert [s["state"] for s in response.context["steps"]][:-1] == ["done"] * 8


def test_next_step_before_the_opening_and_in_draft(officer, solicitation, two_submitted):
    draft = draft_solicitation(officer, reference="RFP-D")
    client = _client(officer)
    draft_page = client.get(_manage(draft))
    assert "Publish (freezes the criteria)" in draft_page.content.decode()
    assert [s["state"] for s in draft_page.context["steps"]][:2] == ["current", "upcoming"]
    published = client.get(_manage(solicitation)).content.decode()
    assert "the proposals can be opened after the deadline" in published


def test_cancelled_says_so_and_shows_how_far_it_got(opened, officer):
    services.solicitation_cancel(solicitation=opened, by=officer, reason="Funding withdrawn.")
    response = _client(officer).get(_manage(opened))
    content = response.content.decode()
    assert "Cancelled on " in content and "Funding withdrawn." in content
    assert ">Next step</h2>" not in content
    assert [(s["status"], s["state"]) for s in response.context["steps"]][3:6] == [
        (S.OPENED, "done"), (S.EVALUATION, "not_reached"), (S.CONSENSUS, "not_reached")]
    assert response.context["steps"][-1] == {"status": S.CANCELLED, "label": "Cancelled", "state": "current",
                                             "state_label": "current step"}


# --- the committee ----------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [S.CONSENSUS, S.AWARDED])
def test_appoint_is_not_offered_once_the_committee_is_fixed(status, in_evaluation, two_submitted, officer,
                                                            evaluator):
    solicitation = _reach(status, in_evaluation=in_evaluation, two_submitted=two_submitted, officer=officer,
                          evaluator=evaluator)
    content = _client(officer).get(_manage(solicitation)).content.decode()
    assert reverse("procurement:evaluator-assign", args=[solicitation.pk]) not in content
    assert ">Appoint</button>" not in content


def test_appoint_dropdown_leaves_out_those_appointed(in_evaluation, officer, evaluator, evaluator2):
    client = _client(officer)
    response = client.get(_manage(in_evaluation))
    assert reverse("procurement:evaluator-assign", args=[in_evaluation.pk]) in response.content.decode()
    assert list(response.context["assign_form"].fields["evaluator"].queryset) == [evaluator2]
    again = client.post(reverse("procurement:evaluator-assign", args=[in_evaluation.pk]), {"evaluator": evaluator.pk})
    assert [str(m) for m in get_messages(again.wsgi_request)] == [
        "Choose an evaluator who is not on the committee yet."]
    assert in_evaluation.assignments.count() == 1


def test_officer_on_the_committee_does_not_manage_it(in_evaluation, officer, city):
    colleague = user_with_role(Role.PROCUREMENT_OFFICER, city, email="otto@city.example")
    MembershipFactory(user=colleague, organization=city, role=Role.RFP_EVALUATOR)
    services.evaluator_assign(solicitation=in_evaluation, evaluator=colleague, by=officer)
    client = _client(colleague)
    assert client.get(_manage(in_evaluation)).status_code == 404
    assert client.get(_confirm(in_evaluation, "consensus-start")).status_code == 404


# --- progress ---------------------------------------------------------------------------------------

def test_evaluator_progress_counts(in_evaluation, two_submitted, officer, evaluator, evaluator2, city):
    first, second = two_submitted
    score_all(in_evaluation, evaluator, first)
    services.score_save(proposal=second, criterion=in_evaluation.criteria.filter(kind="comparative").first(),
                        by=evaluator, rating="advantageous", rationale="So far.")
    services.evaluator_assign(solicitation=in_evaluation, evaluator=evaluator2, by=officer)
    recused = user_with_role(Role.RFP_EVALUATOR, city, email="rex@city.example", full_name="Rex Recused")
    services.evaluator_assign(solicitation=in_evaluation, evaluator=recused, by=officer)
    attest(in_evaluation, recused, conflicts=[first.pk])
    rows = selectors.evaluator_progress_list(solicitation=in_evaluation)
    assert [(r["evaluator"], r["attested"], r["scores_entered"], r["scores_due"], r["submitted"],
             r["proposals_due"], r["recused"]) for r in rows] == [
        (evaluator, True, 3, 4, 1, 2, 0),
        (evaluator2, False, 0, 4, 0, 2, 0),
        (recused, True, 0, 2, 0, 1, 1),
    ]
    content = _client(officer).get(_manage(in_evaluation)).content.decode()
    assert "Scores entered" in content and "Rex Recused" in content


def test_manage_page_query_count_does_not_grow_with_the_committee(in_evaluation, two_submitted, officer,
                                                                  evaluator, city, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(officer)
    url = _manage(in_evaluation)

    def measure() -> int:
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    score_all(in_evaluation, evaluator, two_submitted[0])
    one = measure()
    for n in range(2):
        member = user_with_role(Role.RFP_EVALUATOR, city, email=f"m{n}@city.example")
        services.evaluator_assign(solicitation=in_evaluation, evaluator=member, by=officer)
        attest(in_evaluation, member)
        score_all(in_evaluation, member, two_submitted[0])
    assert measure() == one
