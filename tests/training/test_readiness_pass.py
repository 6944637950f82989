"""The one readiness pass: many organizations and roles in four queries, and which records decide."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.training.models import TrainingRecord
from apps.training.readiness import readiness_batch, readiness_for, readiness_in_organizations, readiness_pass
from tests.factories import OrganizationFactory, UserFactory, user_with_role
from tests.factories.training import FieldHoursFactory, TrainingRecordFactory, requirement
from tests.training.conftest import local

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 10)


def _record(user, org, course, completed_on, **kwargs):
    return TrainingRecordFactory(responder=user, organization=org, course=course, completed_on=completed_on, **kwargs)


def _hours(user, org, hours="10"):
    FieldHoursFactory(responder=user, organization=org, hours=Decimal(hours), preceptor=UserFactory())


def _states(result):
    return [(c.course_code, c.state, c.record_id) for c in result.courses]


def test_pass_answers_every_organization_and_role_in_four_queries(org, other_org, baseline, cpr, mhfa):
    third = OrganizationFactory(name="Third Street", slug="third-street")
    requirement(courses=[cpr], organization=other_org, min_field_hours=Decimal("0"))  # other_org's own, lighter
    requirement(courses=[cpr], role="trainee")
    groups = {org: [user_with_role(Role.RESPONDER, org) for _ in range(2)],
              other_org: [user_with_role(Role.RESPONDER, other_org) for _ in range(3)],
              third: [user_with_role(Role.RESPONDER, third)]}
    for organization, people in groups.items():
        for person in people:
            _record(person, organization, cpr, date(2025, 5, 2))

    with CaptureQueriesContext(connection) as ctx:
        answers = readiness_pass(groups=groups, at=AT, roles=("responder", "trainee", "team_lead"))

    assert len(ctx.captured_queries) == 4
    assert sorted((org_id, role, len(results)) for (org_id, role), results in answers.items()) == sorted(
        (o.pk, role, len(people)) for o, people in groups.items() for role in ("responder", "trainee", "team_lead"))
    # other_org's own requirement (CPR only, no hours) clears its people; the default does not clear the rest.
    assert [r.cleared for r in answers[(other_org.pk, "responder")].values()] == [True, True, True]
    assert [r.reason_codes for r in answers[(org.pk, "responder")].values()] == [
        ["missing_course", "insufficient_field_hours"]] * 2
    assert [r.cleared for r in answers[(third.pk, "trainee")].values()] == [True]
    assert [r.reason_codes for r in answers[(third.pk, "team_lead")].values()] == [["no_requirements"]]
    # The same answers one organization at a time.
    for organization, people in groups.items():
        for role in ("responder", "trainee", "team_lead"):
            assert readiness_batch(users=people, organization=organization, at=AT, role=role) == answers[
                (organization.pk, role)]


def test_pass_with_no_people_runs_no_query_and_still_refuses_a_bad_role(org):
    with CaptureQueriesContext(connection) as ctx:
        assert readiness_pass(groups={org: []}, at=AT) == {(org.pk, "responder"): {}}
    assert len(ctx.captured_queries) == 0
    with pytest.raises(ValueError):
        readiness_pass(groups={org: []}, at=AT, roles=("responder", "captain"))


def test_a_person_in_two_organizations_is_a_member_only_where_they_serve(org, other_org, responder, baseline, cpr,
                                                                         mhfa):
    _record(responder, org, cpr, date(2025, 5, 2))
    _record(responder, org, mhfa, date(2025, 5, 2))
    _hours(responder, org)

    answers = readiness_pass(groups={org: [responder], other_org: [responder]}, at=AT)

    assert answers[(org.pk, "responder")][responder.pk].cleared is True
    assert answers[(other_org.pk, "responder")][responder.pk].reason_codes == ["not_responder"]


def test_the_newest_covering_record_decides_over_an_older_expired_one(org, responder, baseline, cpr, mhfa):
    _record(responder, org, cpr, date(2022, 1, 10))  # expired 31 Jan 2024
    renewed = _record(responder, org, cpr, date(2025, 6, 1))
    mhfa_record = _record(responder, org, mhfa, date(2025, 5, 2))
    _hours(responder, org)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.cleared is True
    assert _states(result) == [("cpr", "valid", renewed.pk), ("mhfa", "valid", mhfa_record.pk)]


def test_a_pending_renewal_is_reported_over_a_record_that_lapses_in_the_period(org, responder, baseline, cpr, mhfa):
    _record(responder, org, cpr, date(2024, 3, 2))  # valid through 31 Mar 2026
    pending = _record(responder, org, cpr, date(2026, 3, 1), status=TrainingRecord.Status.PENDING, verified_at=None)
    _record(responder, org, mhfa, date(2025, 5, 2))
    _hours(responder, org)

    today = readiness_for(user=responder, organization=org, at=AT)
    through_april = readiness_for(user=responder, organization=org, at=AT, through=local(2026, 4, 2))

    assert today.cleared is True
    assert through_april.reason_codes == ["pending_verification"]
    assert _states(through_april)[0] == ("cpr", "pending", pending.pk)


def test_a_record_completed_after_the_moment_asked_does_not_count(org, responder, baseline, cpr, mhfa):
    _record(responder, org, cpr, date(2026, 3, 20))
    _record(responder, org, mhfa, date(2025, 5, 2))
    _hours(responder, org)

    assert readiness_for(user=responder, organization=org, at=AT).reason_codes == ["missing_course"]
    assert readiness_for(user=responder, organization=org, at=local(2026, 3, 21)).cleared is True


def test_expired_course_reports_the_latest_expired_record_and_its_window(org, responder, baseline, cpr, mhfa):
    _record(responder, org, cpr, date(2025, 5, 2))
    _record(responder, org, mhfa, date(2021, 1, 5))  # expired 5 Jan 2024
    latest = _record(responder, org, mhfa, date(2023, 1, 20))  # expired 20 Jan 2026: 90-day window to 20 Apr
    _hours(responder, org)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.reason_codes == ["expired"]
    reason = result.reasons[0]
    assert (reason.expires_on, reason.recertify_until, reason.full_course_required) == (
        date(2026, 1, 20), date(2026, 4, 20), False)
    assert _states(result)[1] == ("mhfa", "expired", latest.pk)


def test_readiness_in_organizations_keeps_order_in_one_pass(org, other_org, responder, baseline, cpr, mhfa):
    from apps.accounts.models import Membership

    Membership.objects.create(user=responder, organization=other_org, role=Role.RESPONDER)
    _record(responder, org, cpr, date(2025, 5, 2))
    _record(responder, org, mhfa, date(2025, 5, 2))
    _hours(responder, org)

    with CaptureQueriesContext(connection) as ctx:
        pairs = readiness_in_organizations(user=responder, organizations=[other_org, org], at=AT)

    assert len(ctx.captured_queries) == 4
    assert [(o.pk, r.cleared) for o, r in pairs] == [(other_org.pk, True), (org.pk, True)]
