"""A responder's phone: My shifts as an agenda (weeks and hours), Check in only once its window is open,
dropping a shift behind a page that says what happens (and tells the coordinators), the next shift first on
the dashboard."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.scheduling.models import Assignment, PositionRole
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place
from tests.scheduling.conftest import local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)  # two days after the suite's frozen Monday, 2 March 09:00
# Later the same morning: a signed-in session (12 hours) outlives a move of the clock to just before it.
SOON = local(2026, 3, 2, 10, 30)


def test_agenda_groups_upcoming_shifts_by_week_with_each_weeks_hours(client, team, responder):
    place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    place(shift=make_shift(team=team, starts_at=WED + timedelta(days=1), hours=6), responder=responder)
    place(shift=make_shift(team=team, starts_at=WED + timedelta(days=7)), responder=responder)
    client.force_login(responder)
    response = client.get(reverse("scheduling:my-shifts"))
    weeks = [(w["monday"].isoformat(), w["count"], w["hours"], len(w["assignments"]))
             for w in response.context["weeks"]]
    assert weeks == [("2026-03-02", 2, 14.0, 2), ("2026-03-09", 1, 8.0, 1)]
    html = response.content.decode()
    assert "This week" in html and "2 shifts, 14 h" in html
    assert "Week of Mon March 9" in html and "1 shift, 8 h" in html


def test_check_in_waits_for_its_window_and_says_when_it_opens(client, team, responder):
    assignment = place(shift=make_shift(team=team, starts_at=SOON), responder=responder)
    client.force_login(responder)
    html = client.get(reverse("scheduling:my-shifts")).content.decode()
    assert ('<button type="button" class="usa-button usa-button--outline" disabled '
            f'aria-describedby="check-in-{assignment.pk}">') in html
    assert "Check-in opens Mon March 2, 09:30, an hour before the start." in html
    assert reverse("scheduling:assignment-check-in", args=[assignment.pk]) not in html

    with time_machine.travel(SOON - timedelta(minutes=30), tick=False):
        response = client.get(reverse("scheduling:my-shifts"))
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        html = response.content.decode()
        assert f'action="{reverse("scheduling:assignment-check-in", args=[assignment.pk])}"' in html
        assert "Check-in opens" not in html


def test_drop_is_a_page_that_says_what_happens_and_offers_a_swap_instead(client, team, responder):
    assignment = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    client.force_login(responder)
    html = client.get(reverse("scheduling:my-shifts")).content.decode()
    drop = reverse("scheduling:assignment-cancel", args=[assignment.pk])
    assert f'<a class="usa-button usa-button--unstyled drop-link" href="{drop}">' in html

    page = client.get(reverse("scheduling:assignment-cancel", args=[assignment.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Drop this shift?" in text
    assert "Your coordinators are told at once" in text
    assert f'action="{reverse("scheduling:swap-offer", args=[assignment.pk])}"' in text
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ASSIGNED  # looking changes nothing


def test_dropping_tells_each_coordinator_of_the_organization(client, org, team, responder, coordinator):
    second = user_with_role(Role.COORDINATOR, org, full_name="Second Coordinator")
    assignment = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    client.force_login(responder)
    response = client.post(reverse("scheduling:assignment-cancel", args=[assignment.pk]), {"reason": "Sick child"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    told = Notification.objects.filter(kind="scheduling.shift_dropped", channel="in_app").order_by("recipient_user_id")
    assert [n.recipient_user for n in told] == sorted([coordinator, second], key=lambda u: u.pk)
    email = Notification.objects.filter(kind="scheduling.shift_dropped", channel="email").first()
    assert (f"{responder.full_name} dropped their place as Community responder on the Dorchester day shift"
            in email.body_text)
    assert "Reason given: Sick child" in email.body_text
    assert told[0].link == reverse("scheduling:shift-detail", args=[assignment.shift_id])


def test_a_coordinator_taking_someone_off_does_not_notify_the_coordinators(client, team, responder, coordinator):
    assignment = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    client.force_login(coordinator)
    client.post(reverse("scheduling:assignment-cancel", args=[assignment.pk]), {"reason": "Moved"})
    assert not Notification.objects.filter(kind="scheduling.shift_dropped").exists()


def test_someone_elses_drop_page_is_404(client, team, responder, peer):
    assignment = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    client.force_login(peer)
    assert client.get(reverse("scheduling:assignment-cancel", args=[assignment.pk])).status_code == 404


def test_a_started_shift_cannot_be_dropped_and_the_page_says_so(client, team, responder):
    assignment = place(shift=make_shift(team=team, starts_at=SOON), responder=responder)
    client.force_login(responder)
    with time_machine.travel(SOON + timedelta(hours=1), tick=False):
        text = client.get(reverse("scheduling:assignment-cancel", args=[assignment.pk])).content.decode()
        assert "it cannot be dropped" in text
        assert "usa-button--secondary" not in text


def test_next_shift_is_the_first_card_and_offers_check_in_when_open(client, team, lead):
    shift = make_shift(team=team, starts_at=SOON)
    assignment = place(shift=shift, responder=lead, role=PositionRole.LEAD)
    client.force_login(lead)
    response = client.get("/")
    assert response.context["cards"][0].key == "scheduling-next-shift"
    assert "Check-in opens Mon March 2, 09:30" in response.content.decode()
    with time_machine.travel(SOON - timedelta(minutes=10), tick=False):
        html = client.get("/").content.decode()
        assert f'action="{reverse("scheduling:assignment-check-in", args=[assignment.pk])}"' in html
