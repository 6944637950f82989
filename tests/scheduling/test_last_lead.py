"""The last-lead guard: no path (self-cancel, coordinator removal, swap, no-show) silently leaves a
published shift with people on it but without its lead."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.audit import AuditEvent
from apps.core.errors import ApplicationError
from apps.notifications.models import Notification
from apps.scheduling import services
from apps.scheduling.eligibility import EligibilityCode, lead_missing_after
from apps.scheduling.models import Assignment, PositionRole, SchedulingPolicy, Shift, SwapRequest
from tests.factories import user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place, team_type
from tests.scheduling.conftest import clear, local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)


@pytest.fixture
def crew(team, lead, responder):
    """A published Wednesday shift: Lee as the lead, Ray as the responder."""
    shift = make_shift(team=team, starts_at=WED)
    return shift, place(shift=shift, responder=lead, role=PositionRole.LEAD), place(shift=shift, responder=responder)


@pytest.fixture
def second_coordinator(org):
    return user_with_role(Role.COORDINATOR, org, email="cole@example.org", full_name="Cole Second")


def _alerts():
    return sorted(Notification.objects.filter(kind="scheduling.shift_without_lead", channel="in_app")
                  .values_list("recipient_user__email", flat=True))


def _left_without_lead():
    return list(AuditEvent.objects.filter(action="scheduling.shift.left_without_lead").values_list("after", flat=True))


def test_the_last_lead_cannot_drop_the_shift_themself(crew, lead, outsider):
    shift, lead_assignment, _ = crew
    with pytest.raises(ApplicationError) as refused:
        services.assignment_cancel(by=lead, assignment=lead_assignment)
    assert refused.value.code == EligibilityCode.LAST_LEAD
    assert refused.value.message == ("You are the last team lead on this shift and the others cannot work without "
                                     "one. Ask your coordinator.")
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.ASSIGNED
    assert (_alerts(), _left_without_lead()) == ([], [])


def test_a_coordinator_removes_the_last_lead_only_with_a_written_reason(crew, coordinator, second_coordinator,
                                                                        outsider, django_capture_on_commit_callbacks):
    shift, lead_assignment, _ = crew
    for blank in ("", "   "):
        with pytest.raises(ApplicationError) as refused:
            services.assignment_cancel(by=coordinator, assignment=lead_assignment, no_lead_reason=blank)
        assert (refused.value.code, refused.value.field) == (EligibilityCode.LAST_LEAD, "no_lead_reason")
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.ASSIGNED

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_cancel(by=coordinator, assignment=lead_assignment, reason="Family emergency",
                                   no_lead_reason=" Dana from Riverside covers as lead by radio ")
    lead_assignment.refresh_from_db()
    assert (lead_assignment.status, lead_assignment.cancel_reason) == ("cancelled", "Family emergency")
    assert _left_without_lead() == [{"assignment": lead_assignment.pk, "responder": lead_assignment.responder_id,
                                     "change": "cancelled", "reason": "Dana from Riverside covers as lead by radio"}]
    # Both coordinators of the organization, nobody from the other one.
    assert _alerts() == ["cole@example.org", "cora@example.org"]
    alert = Notification.objects.get(kind="scheduling.shift_without_lead", channel="in_app",
                                      recipient_user=coordinator)
    assert alert.subject == "No team lead: Dorchester day shift Wed March 4, 10:00"
    assert alert.link == reverse("scheduling:shift-detail", args=[shift.pk])
    email = Notification.objects.get(kind="scheduling.shift_without_lead", channel="email",
                                     recipient_user=coordinator)
    assert "Reason given: Dana from Riverside covers as lead by radio" in email.body_text


def test_the_guard_only_fires_when_the_last_lead_leaves_people_behind(team, lead, responder, peer, org, cpr, cit,
                                                                      coordinator):
    # Alone on the shift: nobody is left without a lead.
    alone = make_shift(team=team, starts_at=WED)
    mine = place(shift=alone, responder=lead, role=PositionRole.LEAD)
    assert services.assignment_cancel(by=lead, assignment=mine).status == "cancelled"

    # A second lead stays on.
    two_leads = make_shift(team=team, starts_at=WED + timedelta(days=1),
                           positions=((PositionRole.LEAD, 2), (PositionRole.RESPONDER, 1)))
    other_lead = clear(user_with_role(Role.RESPONDER, org, email="lin@example.org"), org, cpr, cit)
    first = place(shift=two_leads, responder=lead, role=PositionRole.LEAD)
    place(shift=two_leads, responder=other_lead, role=PositionRole.LEAD)
    place(shift=two_leads, responder=responder)
    assert services.assignment_cancel(by=lead, assignment=first).status == "cancelled"

    # A responder leaving never trips it; nor does anyone on a shift that never had a lead.
    no_lead_yet = make_shift(team=team, starts_at=WED + timedelta(days=2))
    ray = place(shift=no_lead_yet, responder=responder)
    place(shift=no_lead_yet, responder=peer)
    assert services.assignment_cancel(by=responder, assignment=ray).status == "cancelled"

    # A draft is not running for anyone yet.
    draft = make_shift(team=team, starts_at=WED + timedelta(days=3), status=Shift.Status.DRAFT)
    drafted = place(shift=draft, responder=lead, role=PositionRole.LEAD)
    place(shift=draft, responder=peer)
    assert services.assignment_cancel(by=lead, assignment=drafted).status == "cancelled"

    # A team type that needs no lead (co-response) has no lead rule.
    co_response = TeamFactory(organization=org, name="Co-response", team_type=team_type("co-response"))
    co_shift = make_shift(team=co_response, starts_at=WED + timedelta(days=4),
                          positions=((PositionRole.LEAD, 1), (PositionRole.CLINICIAN, 1)))
    co_lead = place(shift=co_shift, responder=lead, role=PositionRole.LEAD)
    place(shift=co_shift, responder=peer, role=PositionRole.CLINICIAN)
    assert services.assignment_cancel(by=lead, assignment=co_lead).status == "cancelled"
    assert (_alerts(), _left_without_lead()) == ([], [])


def test_a_lead_no_show_needs_a_reason_and_alerts_the_coordinators(crew, coordinator, responder):
    shift, lead_assignment, responder_assignment = crew
    with time_machine.travel(WED + timedelta(minutes=20), tick=False):
        services.assignment_check_in(by=responder, assignment=responder_assignment, at=WED)
        with pytest.raises(ApplicationError) as refused:
            services.assignment_mark_no_show(by=coordinator, assignment=lead_assignment)
        assert (refused.value.code, refused.value.field) == (EligibilityCode.LAST_LEAD, "no_lead_reason")
        lead_assignment.refresh_from_db()
        assert lead_assignment.status == Assignment.Status.ASSIGNED

        services.assignment_mark_no_show(by=coordinator, assignment=lead_assignment,
                                         no_lead_reason="Ray stays on with the supervisor on call")
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.NO_SHOW
    assert [row["change"] for row in _left_without_lead()] == ["no_show"]
    assert _alerts() == ["cora@example.org"]


def test_a_responder_no_show_needs_no_reason(crew, coordinator):
    _, _, responder_assignment = crew
    with time_machine.travel(WED + timedelta(minutes=20), tick=False):
        assert services.assignment_mark_no_show(by=coordinator, assignment=responder_assignment).status == "no_show"
    assert _left_without_lead() == []


def test_a_swap_hands_the_lead_to_another_lead(crew, lead, org, cpr, cit, coordinator):
    SchedulingPolicy.objects.create(organization=org, swap_requires_approval=False)
    shift, lead_assignment, _ = crew
    taker = clear(user_with_role(Role.RESPONDER, org, email="lin@example.org"), org, cpr, cit)
    swap = services.swap_offer(by=lead, assignment=lead_assignment)
    swap = services.swap_accept(by=taker, swap=swap)
    assert swap.status == SwapRequest.Status.APPROVED
    assert list(Assignment.objects.filter(shift=shift, status__in=Assignment.ACTIVE, position__role="lead")
                .values_list("responder__email", flat=True)) == ["lin@example.org"]
    assert (_alerts(), _left_without_lead()) == ([], [])


def test_the_rule_itself(crew):
    shift, lead_assignment, responder_assignment = crew
    shift = Shift.objects.select_related("team__team_type").get(pk=shift.pk)
    assert lead_missing_after(shift=shift, leaving=[lead_assignment.pk]) is True
    # A swap: the lead leaves and someone joins the same (lead) position.
    assert lead_missing_after(shift=shift, leaving=[lead_assignment.pk], joining_roles=["lead"]) is False
    assert lead_missing_after(shift=shift, leaving=[responder_assignment.pk]) is False
    assert lead_missing_after(shift=shift, leaving=[lead_assignment.pk, responder_assignment.pk]) is False
    # Over: no rule.
    assert lead_missing_after(shift=shift, leaving=[lead_assignment.pk], at=shift.ends_at) is False


def test_api_refuses_the_last_lead_and_takes_the_coordinator_reason(crew, lead, coordinator):
    _, lead_assignment, _ = crew
    api = APIClient()
    api.force_authenticate(lead)
    response = api.post(f"/api/v1/scheduling/assignments/{lead_assignment.pk}/cancel/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "last_lead")
    api.force_authenticate(coordinator)
    response = api.post(f"/api/v1/scheduling/assignments/{lead_assignment.pk}/cancel/", {}, format="json")
    assert (response.status_code, response.json()["errors"]) == (400, {"no_lead_reason": [
        "This leaves the shift without a team lead. To go ahead anyway, write why; the coordinators are alerted."]})
    response = api.post(f"/api/v1/scheduling/assignments/{lead_assignment.pk}/cancel/",
                        {"no_lead_reason": "Lead covered by radio"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert _alerts() == ["cora@example.org"]


def test_page_remove_takes_the_reason(client, crew, coordinator):
    shift, lead_assignment, _ = crew
    client.force_login(coordinator)
    detail = reverse("scheduling:shift-detail", args=[shift.pk])
    url = reverse("scheduling:assignment-cancel", args=[lead_assignment.pk])
    # A lead is taken off from the confirmation page (no modal), which asks why the shift may go on without one.
    page = client.get(detail).content.decode()
    assert f'<a class="usa-button usa-button--outline" href="{url}">Remove' in page
    assert 'id="id_no_lead_reason"' in client.get(url).content.decode()
    client.post(url, {"next": detail})
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.ASSIGNED
    client.post(url, {"next": detail, "no_lead_reason": "Covered by radio"})
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.CANCELLED
    assert [row["reason"] for row in _left_without_lead()] == ["Covered by radio"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leads_dropping_at_once_leave_one_on_the_shift(org, team, lead, responder, cpr, cit):
    """Without the shift's row lock each would see the other still on the shift and both would go."""
    from tests.scheduling.test_postgres import _race

    shift = make_shift(team=team, starts_at=WED, positions=((PositionRole.LEAD, 2), (PositionRole.RESPONDER, 1)))
    other_lead = clear(user_with_role(Role.RESPONDER, org, email="lin@example.org"), org, cpr, cit)
    leads = [place(shift=shift, responder=lead, role=PositionRole.LEAD),
             place(shift=shift, responder=other_lead, role=PositionRole.LEAD)]
    place(shift=shift, responder=responder)
    people = [lead, other_lead]
    done, errors = _race(2, lambda i: services.assignment_cancel(by=people[i], assignment=leads[i]))
    assert (len(done), [getattr(e, "code", repr(e)) for e in errors]) == (1, [EligibilityCode.LAST_LEAD])
    assert Assignment.objects.filter(shift=shift, position__role="lead", status="assigned").count() == 1
