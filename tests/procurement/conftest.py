from datetime import timedelta

import pytest

from apps.accounts.roles import Role
from apps.procurement import services
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.procurement import published_solicitation, submitted_proposal


@pytest.fixture
def city():
    return CityDepartmentFactory(name="City Health", slug="city-health")


@pytest.fixture
def officer(city):
    return user_with_role(Role.PROCUREMENT_OFFICER, city, email="officer@city.example", full_name="Olive Officer")


@pytest.fixture
def admin(city):
    return user_with_role(Role.PROGRAM_ADMIN, city, email="admin@city.example", full_name="Ada Admin")


@pytest.fixture
def evaluator(city):
    return user_with_role(Role.RFP_EVALUATOR, city, email="eve@city.example", full_name="Eve Evaluator")


@pytest.fixture
def evaluator2(city):
    return user_with_role(Role.RFP_EVALUATOR, city, email="evan@city.example", full_name="Evan Evaluator")


@pytest.fixture
def harbor():
    return OrganizationFactory(name="Harbor Peer Outreach", slug="harbor", email="hello@harbor.example")


@pytest.fixture
def riverside():
    return OrganizationFactory(name="Riverside Wellness Collective", slug="riverside", email="info@riverside.example")


@pytest.fixture
def outsider_org():
    return OrganizationFactory(name="Elsewhere Nonprofit", slug="elsewhere")


@pytest.fixture
def coordinator(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")


@pytest.fixture
def peer(harbor):
    """A second coordinator of the same organization."""
    return user_with_role(Role.COORDINATOR, harbor, email="pete@harbor.example", full_name="Pete Harbor")


@pytest.fixture
def coordinator2(riverside):
    return user_with_role(Role.COORDINATOR, riverside, email="rita@riverside.example", full_name="Rita River")


@pytest.fixture
def outsider(outsider_org):
    return user_with_role(Role.COORDINATOR, outsider_org, email="otto@elsewhere.example", full_name="Otto Out")


@pytest.fixture
def responder(harbor):
    return user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example")


@pytest.fixture
def solicitation(officer):
    return published_solicitation(officer)


@pytest.fixture
def two_submitted(solicitation, coordinator, coordinator2, harbor, riverside):
    from decimal import Decimal

    first = submitted_proposal(solicitation, coordinator, harbor, total=Decimal("90000.00"))
    second = submitted_proposal(solicitation, coordinator2, riverside, total=Decimal("80000.00"))
    return first, second


@pytest.fixture
def opened(solicitation, two_submitted, officer, evaluator, time_machine):
    """Past the deadline, opened, one evaluator appointed; responsiveness not yet recorded."""
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    services.solicitation_open(solicitation=solicitation, by=officer)
    solicitation.refresh_from_db()
    return solicitation


def pass_all(solicitation, officer):
    for proposal in solicitation.proposals.filter(status="submitted"):
        for criterion in solicitation.criteria.filter(kind="minimum"):
            services.responsiveness_record(proposal=proposal, criterion=criterion, by=officer, passed=True,
                                           reason="Certificate on file.")


def attest(solicitation, evaluator, conflicts=()):
    """`conflicts`: proposals whose organization the evaluator declares a relationship with."""
    organizations = solicitation.proposals.filter(pk__in=list(conflicts)).values_list("organization_id", flat=True)
    return services.attestation_sign(solicitation=solicitation, by=evaluator, signed_name=evaluator.full_name,
                                     conflicts=dict.fromkeys(organizations, "Board member"))


@pytest.fixture
def in_evaluation(opened, officer, evaluator):
    pass_all(opened, officer)
    services.solicitation_evaluation_start(solicitation=opened, by=officer)
    attest(opened, evaluator)
    opened.refresh_from_db()
    return opened


def score_all(solicitation, evaluator, proposal, rating="advantageous", submit=True):
    for criterion in solicitation.criteria.filter(kind="comparative"):
        services.score_save(proposal=proposal, criterion=criterion, by=evaluator, rating=rating,
                            rationale=f"Rationale for {criterion.title}")
    if submit:
        services.scoresheet_submit(proposal=proposal, by=evaluator)
