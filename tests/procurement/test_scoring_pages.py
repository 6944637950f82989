"""The evaluator's scoring page: one form for every criterion, the rubric and weights shown, drafts kept,
an incomplete submit coming back with each missing criterion marked."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.procurement import services
from apps.procurement.models import Score, ScoreSheet

from .conftest import attest

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _criteria(solicitation):
    return list(solicitation.criteria.filter(kind="comparative"))


def _post(client, proposal, action, values):
    """values: {criterion: (rating, rationale)}"""
    data = {"action": action}
    for criterion, (rating, rationale) in values.items():
        data[f"s{criterion.pk}-rating"] = rating
        data[f"s{criterion.pk}-rationale"] = rationale
    return client.post(reverse("procurement:evaluation-proposal", args=[proposal.pk]), data)


def test_scoring_page_shows_rubric_weights_and_progress(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    page = _client(evaluator).get(reverse("procurement:evaluation-proposal", args=[first.pk])).content.decode()
    assert page.count('name="action"') == 2
    assert "0 of 2 scored" in page
    assert "Weight: equal, one of 2 criteria" in page
    assert "Fully meets the criterion and exceeds it" in page  # the rubric beside the ratings
    assert page.count("<fieldset") >= 4  # a fieldset per criterion, a fieldset per rating group
    assert "p.m.." not in page and "a.m.." not in page
    assert '<details class="proc-receipt-details">' in page


def test_save_keeps_partial_work_as_a_draft(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    one, two = _criteria(in_evaluation)
    client = _client(evaluator)
    response = _post(client, first, "save", {one: ("advantageous", "Clear plan."), two: ("", "")})
    assert response.status_code == 302
    assert response["Location"] == reverse("procurement:evaluation-proposal", args=[first.pk])
    sheet = ScoreSheet.objects.get(proposal=first, assignment__evaluator=evaluator)
    assert sheet.submitted_at is None
    assert list(sheet.scores.values_list("criterion_id", "rating", "rationale")) == [
        (one.pk, "advantageous", "Clear plan.")]
    assert AuditEvent.objects.filter(action="procurement.score.saved", actor=evaluator).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "1 of 2 scored" in page
    assert "Clear plan." in page


def test_emptying_a_drafted_criterion_takes_its_draft_back(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    one, two = _criteria(in_evaluation)
    client = _client(evaluator)
    _post(client, first, "save", {one: ("advantageous", "Clear plan."), two: ("not_advantageous", "Thin.")})
    response = _post(client, first, "save", {one: ("advantageous", "Clear plan."), two: ("", "")})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(proposal=first, assignment__evaluator=evaluator)
    assert list(sheet.scores.values_list("criterion_id", flat=True)) == [one.pk]
    cleared = AuditEvent.objects.get(action="procurement.score.cleared", actor=evaluator)
    assert cleared.before == {"criterion": two.pk, "points": None, "rating": "not_advantageous"}
    assert "1 of 2 scored" in client.get(response["Location"]).content.decode()
    # Once submitted, nothing is taken back.
    _post(client, first, "submit", {one: ("advantageous", "Clear plan."), two: ("not_advantageous", "Fine.")})
    with pytest.raises(ApplicationError):
        services.score_clear(proposal=first, criterion=two, by=evaluator)
    assert sheet.scores.count() == 2


def test_submit_complete_records_every_score_and_submits(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    one, two = _criteria(in_evaluation)
    response = _post(_client(evaluator), first, "submit",
                     {one: ("highly_advantageous", "Strong."), two: ("not_advantageous", "Thin staffing.")})
    assert response.status_code == 302
    assert response["Location"] == reverse("procurement:evaluation-detail", args=[in_evaluation.pk])
    sheet = ScoreSheet.objects.get(proposal=first, assignment__evaluator=evaluator)
    assert sheet.submitted_at is not None
    assert sorted(sheet.scores.values_list("rating", flat=True)) == ["highly_advantageous", "not_advantageous"]
    assert AuditEvent.objects.filter(action="procurement.scoresheet.submitted", actor=evaluator).count() == 1


def test_incomplete_submit_stays_with_each_missing_criterion_marked(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    one, two = _criteria(in_evaluation)
    response = _post(_client(evaluator), first, "submit", {one: ("advantageous", "Good."), two: ("", "")})
    assert response.status_code == 200
    page = response.content.decode()
    # The missing criterion's rating and rationale are marked, each error tied to its field.
    assert f'id="id_s{two.pk}-rating_error"' in page
    assert f'aria-describedby="id_s{two.pk}-rating_error"' in page
    assert f'id="id_s{two.pk}-rationale_error"' in page
    assert f'aria-describedby="id_s{two.pk}-rationale_error"' in page
    assert f'id="id_s{one.pk}-rating_error"' not in page
    assert "Choose a rating." in page and "Write the rationale for this rating." in page
    assert f'href="#criterion-{two.pk}"' in page  # the summary links to the criterion
    assert "Not submitted: complete the criteria marked below." in page
    # What was typed stays in the form; the complete criterion is kept as a draft; nothing is submitted.
    assert "Good." in page
    sheet = ScoreSheet.objects.get(proposal=first, assignment__evaluator=evaluator)
    assert sheet.submitted_at is None
    assert list(sheet.scores.values_list("criterion_id", flat=True)) == [one.pk]
    assert not AuditEvent.objects.filter(action="procurement.scoresheet.submitted").exists()


def test_half_filled_criterion_on_save_is_marked_and_others_kept(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    one, two = _criteria(in_evaluation)
    response = _post(_client(evaluator), first, "save", {one: ("advantageous", "Good."), two: ("advantageous", "")})
    assert response.status_code == 200
    assert f'id="id_s{two.pk}-rationale_error"' in response.content.decode()
    assert list(Score.objects.values_list("criterion_id", flat=True)) == [one.pk]


def test_submitted_sheet_is_read_only(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    one, two = _criteria(in_evaluation)
    client = _client(evaluator)
    _post(client, first, "submit", {one: ("advantageous", "Good."), two: ("advantageous", "Fine.")})
    page = client.get(reverse("procurement:evaluation-proposal", args=[first.pk])).content.decode()
    assert 'name="action"' not in page
    assert "You have submitted your scores for this proposal." in page
    again = _post(client, first, "save", {one: ("unacceptable", "Changed my mind."), two: ("", "")})
    assert again.status_code == 200
    assert "You have submitted your scores for this proposal." in again.content.decode()
    assert Score.objects.get(criterion=one).rating == "advantageous"


def test_scoring_post_outsider_and_recused(in_evaluation, two_submitted, officer, evaluator, evaluator2,
                                           coordinator):
    from apps.procurement import services

    first, second = two_submitted
    one, _two = _criteria(in_evaluation)
    # Not on the committee: a 404, nothing saved.
    assert _post(_client(evaluator2), first, "save", {one: ("advantageous", "x")}).status_code == 404
    # The proposer's coordinator has no evaluator role: 403.
    assert _post(_client(coordinator), first, "save", {one: ("advantageous", "x")}).status_code == 403
    # On the committee but recused from the first proposal: refused (the selector never returns it).
    services.evaluator_assign(solicitation=in_evaluation, evaluator=evaluator2, by=officer)
    attest(in_evaluation, evaluator2, conflicts=[first.pk])
    client = _client(evaluator2)
    assert _post(client, first, "save", {one: ("advantageous", "x")}).status_code == 404
    assert _post(client, second, "save", {one: ("advantageous", "Fine.")}).status_code == 302
    assert list(Score.objects.values_list("sheet__proposal_id", "sheet__assignment__evaluator_id")) == [
        (second.pk, evaluator2.pk)]


def test_points_method_shows_weights_and_checks_the_maximum(officer, evaluator, coordinator, coordinator2, harbor,
                                                           riverside, time_machine):
    from datetime import timedelta

    from apps.procurement import services
    from tests.factories.procurement import published_solicitation, submitted_proposal

    from .conftest import pass_all

    solicitation = published_solicitation(officer, reference="RFP-PTS", rating_method="points")
    first = submitted_proposal(solicitation, coordinator, harbor)
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    services.solicitation_open(solicitation=solicitation, by=officer)
    pass_all(solicitation, officer)
    services.solicitation_evaluation_start(solicitation=solicitation, by=officer)
    attest(solicitation, evaluator)
    one, two = _criteria(solicitation)
    client = _client(evaluator)
    page = client.get(reverse("procurement:evaluation-proposal", args=[first.pk])).content.decode()
    assert "Weight: 40 of 80 points" in page
    response = client.post(reverse("procurement:evaluation-proposal", args=[first.pk]), {
        "action": "submit", f"s{one.pk}-points": "41", f"s{one.pk}-rationale": "Too many.",
        f"s{two.pk}-points": "30", f"s{two.pk}-rationale": "Solid."})
    assert response.status_code == 200
    assert f'id="id_s{one.pk}-points_error"' in response.content.decode()
    assert list(Score.objects.values_list("criterion_id", "points")) == [(two.pk, 30)]
