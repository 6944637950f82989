"""The responder's pages, phone-first: my shifts, open shifts and sign-up, checking in and out,
swaps, time off and availability (a coordinator decides swaps and time off on the same pages)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.localtime import week_bounds
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..eligibility import positions_for_user
from ..forms import AssignmentRemoveForm, AvailabilityForm, TimeOffForm
from ..models import Assignment, SwapRequest
from ..permissions import (
    can_act_on_assignment,
    can_decide_swap,
    can_decide_time_off,
    can_offer_swap,
    can_sign_up,
    can_take_swap,
    can_withdraw_swap,
    can_withdraw_time_off,
    coordinated_organization_ids,
    responder_organization_ids,
)
from ._common import PAGE_SIZE, assignment_or_404, back, require_responder

OPEN_SHIFTS_HORIZON = timedelta(days=35)


@login_required
@require_safe
def my_shifts(request):
    """The responder's agenda: upcoming shifts week by week with each week's hours, check-in where its
    window is open (and when it opens where not), and the recent shifts."""
    user = request.user
    require_responder(user)
    now = timezone.now()
    upcoming = selectors.my_assignments(user=user, upcoming_from=now).filter(status__in=Assignment.ACTIVE)
    page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each week's total over every upcoming shift, not only this page's: one query of two columns.
    totals: dict = {}
    for starts_at, ends_at in upcoming.values_list("starts_at", "ends_at"):
        week = week_bounds(timezone.localdate(starts_at))[0]
        count, hours = totals.get(week, (0, 0.0))
        totals[week] = (count + 1, hours + (ends_at - starts_at).total_seconds() / 3600)
    weeks: list[dict] = []
    for assignment in page:
        assignment.check_in_opens_at = services.check_in_opens_at(assignment)
        assignment.check_in_open = assignment.check_in_opens_at <= now <= assignment.ends_at
        monday = week_bounds(timezone.localdate(assignment.starts_at))[0]
        if not weeks or weeks[-1]["monday"] != monday:
            count, hours = totals.get(monday, (0, 0.0))
            weeks.append({"monday": monday, "count": count, "hours": hours, "assignments": []})
        weeks[-1]["assignments"].append(assignment)
    past = list(selectors.my_assignments(user=user).filter(ends_at__lte=now).order_by("-starts_at")[:10])
    return render(request, "scheduling/my_shifts.html", {"page": page, "weeks": weeks, "past": past, "now": now,
                                                         "this_week": week_bounds(timezone.localdate(now))[0]})


@login_required
@require_safe
def open_shifts(request):
    """Open places on published shifts the responder is eligible for; `?all=1` also lists the
    others with the reasons."""
    user = request.user
    require_responder(user)
    now = timezone.now()
    positions = list(selectors.open_position_list(user=user, now=now).filter(
        shift__starts_at__lte=now + OPEN_SHIFTS_HORIZON))
    answers = positions_for_user(user=user, positions=positions, at=now)
    show_all = request.GET.get("all") == "1"
    rows = [(p, answers[p.pk]) for p in positions if show_all or answers[p.pk].allowed]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scheduling/open_shifts.html", {
        "page": page, "show_all": show_all, "query": "all=1" if show_all else "",
        "hidden": sum(1 for p in positions if not answers[p.pk].allowed)})


@login_required
@require_POST
def position_sign_up(request, pk: int):
    position = get_object_or_404(selectors.position_list(user=request.user), pk=pk)
    if not can_sign_up(request.user, position.shift):
        raise PermissionDenied
    if run_action(request, lambda: services.assignment_sign_up(by=request.user, position=position),
                  _("You are on the shift.")):
        return redirect("scheduling:my-shifts")
    return redirect(reverse("scheduling:open-shifts") + "?all=1")


@login_required
def assignment_cancel(request, pk: int):
    """GET: what dropping the shift does, with the gentler way (a swap offer) beside it; POST: drop it."""
    assignment = assignment_or_404(request.user, pk)
    if not can_act_on_assignment(request.user, assignment):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "scheduling/assignment_drop.html", {
            "assignment": assignment, "own": assignment.responder_id == request.user.pk,
            "can_offer": can_offer_swap(request.user, assignment) and not assignment.swaps.filter(
                status__in=(SwapRequest.Status.OPEN, SwapRequest.Status.PENDING_APPROVAL)).exists(),
            "started": assignment.starts_at <= timezone.now()})
    form = AssignmentRemoveForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"reason": "", "no_lead_reason": ""}
    run_action(request, lambda: services.assignment_cancel(by=request.user, assignment=assignment,
                                                           reason=data["reason"],
                                                           no_lead_reason=data["no_lead_reason"]),
               _("The assignment is cancelled."))
    return back(request, "scheduling:my-shifts")


@login_required
@require_POST
def assignment_check_in(request, pk: int):
    assignment = assignment_or_404(request.user, pk)
    if not can_act_on_assignment(request.user, assignment):
        raise PermissionDenied
    run_action(request, lambda: services.assignment_check_in(by=request.user, assignment=assignment), _("Checked in."))
    return back(request, "scheduling:my-shifts")


@login_required
@require_POST
def assignment_check_out(request, pk: int):
    assignment = assignment_or_404(request.user, pk)
    if not can_act_on_assignment(request.user, assignment):
        raise PermissionDenied
    run_action(request, lambda: services.assignment_check_out(by=request.user, assignment=assignment),
               _("Checked out."))
    return back(request, "scheduling:my-shifts")


@login_required
@require_POST
def swap_offer(request, pk: int):
    assignment = assignment_or_404(request.user, pk)
    if not can_offer_swap(request.user, assignment):
        raise PermissionDenied
    note = request.POST.get("note", "")[:300]
    run_action(request, lambda: services.swap_offer(by=request.user, assignment=assignment, note=note),
               _("Your shift is offered to your colleagues."))
    return redirect("scheduling:swap-list")


@login_required
@require_safe
def swap_list(request):
    user = request.user
    if not user.has_any_role(Role.RESPONDER, Role.COORDINATOR):
        raise PermissionDenied
    swaps = selectors.swap_list(user=user)
    now = timezone.now()
    offers = list(swaps.filter(status=SwapRequest.Status.OPEN, assignment__starts_at__gt=now)
                  .exclude(offered_by=user)
                  .filter(assignment__shift__organization_id__in=responder_organization_ids(user))[:50])
    approvals = list(swaps.filter(status=SwapRequest.Status.PENDING_APPROVAL,
                                  assignment__shift__organization_id__in=coordinated_organization_ids(user))[:50])
    mine = list(swaps.filter(offered_by=user).order_by("-created_at")[:20])
    return render(request, "scheduling/swap_list.html", {"offers": offers, "approvals": approvals, "mine": mine})


def _swap_or_404(user, pk: int) -> SwapRequest:
    return get_object_or_404(selectors.swap_list(user=user), pk=pk)


@login_required
@require_POST
def swap_accept(request, pk: int):
    swap = _swap_or_404(request.user, pk)
    if not can_take_swap(request.user, swap):
        raise PermissionDenied
    run_action(request, lambda: services.swap_accept(by=request.user, swap=swap), _("You took the shift."))
    return redirect("scheduling:swap-list")


@login_required
@require_POST
def swap_decide(request, pk: int):
    swap = _swap_or_404(request.user, pk)
    if not can_decide_swap(request.user, swap):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    run_action(request, lambda: services.swap_decide(by=request.user, swap=swap, approve=approve),
               _("Swap approved.") if approve else _("Swap declined."))
    return redirect("scheduling:swap-list")


@login_required
@require_POST
def swap_withdraw(request, pk: int):
    swap = _swap_or_404(request.user, pk)
    if not can_withdraw_swap(request.user, swap):
        raise PermissionDenied
    run_action(request, lambda: services.swap_withdraw(by=request.user, swap=swap), _("Offer withdrawn."))
    return redirect("scheduling:swap-list")


@login_required
def time_off(request):
    user = request.user
    if not user.has_any_role(Role.RESPONDER, Role.COORDINATOR):
        raise PermissionDenied
    organizations = Organization.objects.filter(pk__in=responder_organization_ids(user), is_active=True)
    form = TimeOffForm(request.POST or None, organizations=organizations) if responder_organization_ids(user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.time_off_request(by=user, organization=data["organization"], starts_at=data["starts_at"],
                                          ends_at=data["ends_at"], reason=data["reason"])
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Your request is sent to your coordinator."))
                return redirect("scheduling:time-off")
    rows = selectors.time_off_list(user=user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scheduling/time_off.html", {"form": form, "page": page})


@login_required
@require_POST
def time_off_decide(request, pk: int):
    row = get_object_or_404(selectors.time_off_list(user=request.user), pk=pk)
    if not can_decide_time_off(request.user, row):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")[:300]
    run_action(request, lambda: services.time_off_decide(by=request.user, time_off=row, approve=approve, note=note),
               _("Approved.") if approve else _("Denied."))
    return redirect("scheduling:time-off")


@login_required
@require_POST
def time_off_withdraw(request, pk: int):
    row = get_object_or_404(selectors.time_off_list(user=request.user), pk=pk)
    if not can_withdraw_time_off(request.user, row):
        raise PermissionDenied
    run_action(request, lambda: services.time_off_withdraw(by=request.user, time_off=row), _("Withdrawn."))
    return redirect("scheduling:time-off")


@login_required
def availability(request):
    user = request.user
    require_responder(user)
    form = AvailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.availability_add(by=user, weekday=data["weekday"], start_time=data["start_time"],
                                      end_time=data["end_time"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Availability saved."))
            return redirect("scheduling:availability")
    return render(request, "scheduling/availability.html",
                  {"form": form, "rows": selectors.availability_list(user=user)})


@login_required
@require_POST
def availability_delete(request, pk: int):
    row = get_object_or_404(selectors.availability_list(user=request.user), pk=pk)
    services.availability_remove(by=request.user, availability=row)
    messages.success(request, _("Removed."))
    return redirect("scheduling:availability")
