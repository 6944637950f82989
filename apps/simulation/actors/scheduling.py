"""Responders and coordinators on shifts: the week generated and published, places signed up for and
filled, swaps and time off, check-in, no-shows, check-out and hours recorded after the fact."""

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from ..clock import local, local_day
from .world import World


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_schedule(world: World) -> None:
    """Mondays: each coordinator generates the week three weeks ahead from the templates and
    publishes next week (the publish through the page)."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import ShiftTemplate, Team

    today = local_day(world.now)
    monday = monday_of(today)
    for template in ShiftTemplate.objects.filter(team__organization_id__in=world.coordinators, is_active=True):
        coordinator = world.coordinators[template.team.organization_id]
        world.do("scheduling.shift_template_generate", scheduling.shift_template_generate, by=coordinator,
                 template=template, start=monday + timedelta(days=14), end=monday + timedelta(days=20))
    for team in Team.objects.filter(organization_id__in=world.coordinators):
        coordinator = world.coordinators[team.organization_id]
        for week in (monday, monday + timedelta(days=7)):
            world.http("scheduling.week_publish", coordinator, "POST", reverse("scheduling:week-publish"),
                       {"team": team.pk, "week": week.isoformat()})


def _open_positions(world: World, organization_id: int, *, within: timedelta):
    from django.db.models import Count, F, Q

    from apps.scheduling.models import Assignment, Position, Shift

    return list(Position.objects.filter(shift__organization_id=organization_id, shift__status=Shift.Status.PUBLISHED,
                                        shift__starts_at__gt=world.now, shift__starts_at__lte=world.now + within)
                .annotate(filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
                .filter(filled__lt=F("count")).select_related("shift").order_by("shift__starts_at", "pk"))


def _busy(world: World, user_ids, *, within: timedelta) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each person's active assignments from now on, widened by the rest they need on either side:
    a person (or their coordinator) looks at their week before asking for a place, so the engine is
    asked about plausible places, not about every clash. One query for everyone."""
    from apps.scheduling.eligibility import DEFAULT_MIN_REST_HOURS
    from apps.scheduling.models import Assignment

    rest = timedelta(hours=DEFAULT_MIN_REST_HOURS)
    busy: dict[int, list] = {pk: [] for pk in user_ids}
    for responder_id, starts, ends in (Assignment.objects.filter(
            responder_id__in=user_ids, status__in=Assignment.ACTIVE, ends_at__gt=world.now - rest,
            starts_at__lt=world.now + within + rest).values_list("responder_id", "starts_at", "ends_at")):
        busy[responder_id].append((starts - rest, ends + rest))
    return busy


def _free(busy: list, starts: datetime, ends: datetime) -> bool:
    return all(ends <= b_start or starts >= b_end for b_start, b_end in busy)


def sign_ups(world: World) -> None:
    """Responders take open places on published shifts that fit their week, through the open-shifts
    page's button."""
    people = [p for p in world.responders if world.chance(0.35)]
    busy = _busy(world, [p.user.pk for p in people], within=timedelta(days=12))
    open_by_org: dict[int, list] = {}
    for person in people:
        org_id = person.organization.pk
        if org_id not in open_by_org:
            open_by_org[org_id] = _open_positions(world, org_id, within=timedelta(days=12))
        positions = [p for p in open_by_org[org_id][:12]
                     if _free(busy[person.user.pk], p.shift.starts_at, p.shift.ends_at)]
        if not positions:
            continue
        position = world.rng.choice(positions[:8])
        world.http("scheduling.position_sign_up", person.user, "POST",
                   reverse("scheduling:position-sign-up", args=[position.pk]))


def fill_positions(world: World) -> None:
    """Coordinators fill what is still open for the next three days (leads for lead places)."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import PositionRole

    busy = _busy(world, [p.user.pk for p in world.responders], within=timedelta(days=3))
    for org_id, coordinator in world.coordinators.items():
        for position in _open_positions(world, org_id, within=timedelta(days=3)):
            starts, ends = position.shift.starts_at, position.shift.ends_at
            pool = [p for p in world.responders if p.organization.pk == org_id
                    and (p.role == "lead" or position.role != PositionRole.LEAD)
                    and _free(busy[p.user.pk], starts, ends)]
            world.rng.shuffle(pool)
            for person in pool[:5]:
                if world.do("scheduling.assignment_create", scheduling.assignment_create, by=coordinator,
                            position=position, responder=person.user):
                    busy[person.user.pk].append((starts - timedelta(hours=10), ends + timedelta(hours=10)))
                    break


def swaps_and_time_off(world: World) -> None:
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment, SwapRequest, TimeOff

    for person in world.responders:
        if world.chance(0.04):
            upcoming = Assignment.objects.filter(responder=person.user, status=Assignment.Status.ASSIGNED,
                                                 starts_at__gt=world.now + timedelta(days=2)).order_by("starts_at")
            assignment = upcoming.first()
            if assignment is not None:
                world.http("scheduling.swap_offer", person.user, "POST",
                           reverse("scheduling:swap-offer", args=[assignment.pk]), {"note": "Family event"})
        if world.chance(0.015):
            day = local_day(world.now) + timedelta(days=world.rng.randint(14, 30))
            world.do("scheduling.time_off_request", scheduling.time_off_request, by=person.user,
                     organization=person.organization, starts_at=local(day, time(0)),
                     ends_at=local(day + timedelta(days=world.rng.randint(1, 3)), time(0)), reason="Family visit")
    for swap in SwapRequest.objects.filter(status=SwapRequest.Status.OPEN).select_related("assignment__shift"):
        # someone who tried to take a swap and could not does not try the same one again
        takers = [p for p in world.responders if p.organization.pk == swap.assignment.shift.organization_id
                  and p.user.pk != swap.offered_by_id and (swap.pk, p.user.pk) not in world.swap_tries]
        world.rng.shuffle(takers)
        for person in takers[:3]:
            world.swap_tries.add((swap.pk, person.user.pk))
            code = world.http("scheduling.swap_accept", person.user, "POST",
                              reverse("scheduling:swap-accept", args=[swap.pk]))
            swap.refresh_from_db()
            if code < 400 and swap.status != SwapRequest.Status.OPEN:
                break
    for swap in SwapRequest.objects.filter(status=SwapRequest.Status.PENDING_APPROVAL).select_related(
            "assignment__shift"):
        coordinator = world.coordinators.get(swap.assignment.shift.organization_id)
        if coordinator:
            world.do("scheduling.swap_decide", scheduling.swap_decide, by=coordinator, swap=swap,
                     approve=world.chance(0.85))
    for time_off in TimeOff.objects.filter(status=TimeOff.Status.PENDING):
        coordinator = world.coordinators.get(time_off.organization_id)
        if coordinator:
            world.do("scheduling.time_off_decide", scheduling.time_off_decide, by=coordinator, time_off=time_off,
                     approve=world.chance(0.8), note="Covered")


def shift_started(world: World, shift_id: int) -> None:
    """A few minutes after the start: people check in (half through the page), some do not come."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    reliability = {p.user.pk: p.reliability for p in world.responders}
    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.ASSIGNED).select_related(
            "responder", "shift"):
        if not world.chance(reliability.get(assignment.responder_id, 0.95)):
            continue
        if world.chance(0.5):
            world.http("scheduling.assignment_check_in", assignment.responder, "POST",
                       reverse("scheduling:assignment-check-in", args=[assignment.pk]))
        else:
            world.do("scheduling.assignment_check_in", scheduling.assignment_check_in, by=assignment.responder,
                     assignment=assignment)


def shift_no_shows(world: World, shift_id: int) -> None:
    """An hour in, the coordinator records who never came."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.ASSIGNED).select_related(
            "shift"):
        coordinator = world.coordinators.get(assignment.shift.organization_id)
        world.do("scheduling.assignment_mark_no_show", scheduling.assignment_mark_no_show, by=coordinator,
                 assignment=assignment, no_lead_reason="The lead did not come; the coordinator leads by phone.")


def shift_ended(world: World, shift_id: int) -> None:
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.CHECKED_IN).select_related(
            "responder", "shift"):
        if world.chance(0.04):
            continue  # forgot to check out: the coordinator records the hours (shift_hours_recorded)
        if world.chance(0.5):
            world.http("scheduling.assignment_check_out", assignment.responder, "POST",
                       reverse("scheduling:assignment-check-out", args=[assignment.pk]))
        else:
            world.do("scheduling.assignment_check_out", scheduling.assignment_check_out, by=assignment.responder,
                     assignment=assignment)



def shift_hours_recorded(world: World, shift_id: int) -> None:
    """Check-out closes four hours after the end. Whoever forgot tries anyway and is refused; the
    coordinator then records their hours on the shift's page."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.CHECKED_IN).select_related(
            "responder", "shift"):
        if world.do("scheduling.assignment_check_out (after it closed)", scheduling.assignment_check_out,
                    by=assignment.responder, assignment=assignment) is not None:
            world.summary.fail("action", world.now, "scheduling.assignment_check_out",
                               detail=f"assignment {assignment.pk}: check-out accepted after it closed")
            continue
        coordinator = world.coordinators.get(assignment.shift.organization_id)
        if coordinator is None:
            continue
        prefix = f"h{assignment.pk}"
        started = timezone.localtime(assignment.checked_in_at)
        ended = timezone.localtime(assignment.shift.ends_at)
        world.http("scheduling.assignment_hours", coordinator, "POST",
                   reverse("scheduling:assignment-hours", args=[assignment.pk]),
                   {f"{prefix}-checked_in_at": f"{started:%Y-%m-%dT%H:%M}",
                    f"{prefix}-checked_out_at": f"{ended:%Y-%m-%dT%H:%M}",
                    f"{prefix}-reason": "Forgot to check out; the team lead confirmed the end of the shift."})
