"""A responder cleared only as a trainee is told which role they are cleared for and what training
is missing, on the coordinator's page and in the refusal of an assignment."""

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.scheduling import services
from apps.scheduling.eligibility import check_eligibility
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, position
from tests.factories.training import requirement
from tests.scheduling import conftest as scheduling

pytestmark = pytest.mark.django_db

# The scheduling tests' people, courses and frozen clock (Monday 2 March 2026, Boston).
_frozen, org, cpr, cit, requirements, team, coordinator = (
    scheduling._frozen, scheduling.org, scheduling.cpr, scheduling.cit, scheduling.requirements, scheduling.team,
    scheduling.coordinator)
WED = scheduling.local(2026, 3, 4, 10)
MESSAGE = "Cleared for duty only as Trainee, not for the Community responder position."
MISSING = "CIT foundations has not been completed."


@pytest.fixture
def trainee(org, requirements, cpr, cit):
    # Trainees need CPR only; this organization's responders also need CIT foundations.
    requirement(courses=[cpr, cit], role="responder", organization=org)
    person = user_with_role(Role.RESPONDER, org, email="tia@example.org", full_name="Tia Trainee")
    return scheduling.clear(person, org, cpr)


def test_role_not_qualified_names_the_cleared_role_and_what_is_missing(team, trainee):
    result = check_eligibility(user=trainee, position=position(make_shift(team=team, starts_at=WED)))
    assert result.reason_codes == ["role_not_qualified"]
    assert (result.reasons[0].message, result.reasons[0].details) == (MESSAGE, (MISSING,))
    assert result.message == f"{MESSAGE} {MISSING}"


def test_role_not_qualified_refusal_of_an_assignment_says_what_is_missing(team, trainee, coordinator):
    with pytest.raises(ApplicationError) as refused:
        services.assignment_create(by=coordinator, position=position(make_shift(team=team, starts_at=WED)),
                                   responder=trainee)
    assert refused.value.message == f"{MESSAGE} {MISSING}"


def test_role_not_qualified_on_the_shift_page_lists_what_is_missing(client, team, trainee, coordinator):
    shift = make_shift(team=team, starts_at=WED)
    client.force_login(coordinator)
    html = client.get(reverse("scheduling:shift-detail", args=[shift.pk])).content.decode()
    assert (f'{MESSAGE} <span class="reason-details-label">What is missing:</span>'
            f'<ul class="reason-details"><li>{MISSING}</li></ul>') in html
