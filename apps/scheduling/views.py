"""Scheduling pages: my shifts and open shifts (phone-first), swaps, time off and availability for
responders; the week schedule, shift detail with the eligible list, teams and templates,
timesheets and coverage for coordinators; the iCal feed. Views parse, check, call one service or
selector, render."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.core.decorators import public_page
from apps.core.errors import ApplicationError

from . import selectors, services
from .calendar import feed_for
from .eligibility import eligibility_for_positions, positions_for_user
from .forms import (
    AssignForm,
    AssignmentRemoveForm,
    AvailabilityForm,
    GenerateForm,
    HoursForm,
    PeriodForm,
    ReasonForm,
    RescheduleForm,
    ShiftForm,
    TeamForm,
    TemplateForm,
    TimeOffForm,
)
from .models import Assignment, CalendarFeed, Shift, SwapRequest
from .permissions import (
    can_act_on_assignment,
    can_decide_swap,
    can_decide_time_off,
    can_manage_schedule,
    can_offer_swap,
    can_sign_up,
    can_take_swap,
    coordinated_organization_ids,
    responder_organization_ids,
)

PAGE_SIZE = 25
OPEN_SHIFTS_HORIZON = timedelta(days=35)


def _apply_error(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _require_responder(user) -> None:
    if not responder_organization_ids(user):
        raise PermissionDenied


def _require_coordinator(user) -> None:
    if not coordinated_organization_ids(user):
        raise PermissionDenied


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


def _run(request, action, success: str) -> bool:
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


# --- responders ------------------------------------------------------------------------------------

@login_required
def my_shifts(request):
    user = request.user
    _require_responder(user)
    now = timezone.now()
    upcoming = selectors.my_assignments(user=user, upcoming_from=now).filter(status__in=Assignment.ACTIVE)
    page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    past = list(selectors.my_assignments(user=user).filter(ends_at__lte=now).order_by("-starts_at")[:10])
    return render(request, "scheduling/my_shifts.html", {"page": page, "past": past, "now": now})


@login_required
def open_shifts(request):
    """Open places on published shifts the responder is eligible for; `?all=1` also lists the
    others with the reasons."""
    user = request.user
    _require_responder(user)
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
    if _run(request, lambda: services.assignment_sign_up(by=request.user, position=position),
            _("You are on the shift.")):
        return redirect("scheduling:my-shifts")
    return redirect(reverse("scheduling:open-shifts") + "?all=1")


def _assignment_or_404(user, pk: int) -> Assignment:
    return get_object_or_404(selectors.assignment_list(user=user), pk=pk)


@login_required
@require_POST
def assignment_cancel(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    if not can_act_on_assignment(request.user, assignment):
        raise PermissionDenied
    form = AssignmentRemoveForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"reason": "", "no_lead_reason": ""}
    _run(request, lambda: services.assignment_cancel(by=request.user, assignment=assignment, reason=data["reason"],
                                                     no_lead_reason=data["no_lead_reason"]),
         _("The assignment is cancelled."))
    return _back(request, "scheduling:my-shifts")


@login_required
@require_POST
def assignment_check_in(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    if not can_act_on_assignment(request.user, assignment):
        raise PermissionDenied
    _run(request, lambda: services.assignment_check_in(by=request.user, assignment=assignment), _("Checked in."))
    return _back(request, "scheduling:my-shifts")


@login_required
@require_POST
def assignment_check_out(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    if not can_act_on_assignment(request.user, assignment):
        raise PermissionDenied
    _run(request, lambda: services.assignment_check_out(by=request.user, assignment=assignment), _("Checked out."))
    return _back(request, "scheduling:my-shifts")


@login_required
@require_POST
def assignment_no_show(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    if not can_manage_schedule(request.user, assignment.shift.organization_id):
        raise PermissionDenied
    form = AssignmentRemoveForm(request.POST)
    no_lead_reason = form.cleaned_data["no_lead_reason"] if form.is_valid() else ""
    _run(request, lambda: services.assignment_mark_no_show(by=request.user, assignment=assignment,
                                                           no_lead_reason=no_lead_reason),
         _("Recorded as a no-show."))
    return _back(request, "scheduling:schedule")


@login_required
@require_POST
def swap_offer(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    if not can_offer_swap(request.user, assignment):
        raise PermissionDenied
    note = request.POST.get("note", "")[:300]
    _run(request, lambda: services.swap_offer(by=request.user, assignment=assignment, note=note),
         _("Your shift is offered to your colleagues."))
    return redirect("scheduling:swap-list")


@login_required
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
    _run(request, lambda: services.swap_accept(by=request.user, swap=swap), _("You took the shift."))
    return redirect("scheduling:swap-list")


@login_required
@require_POST
def swap_decide(request, pk: int):
    swap = _swap_or_404(request.user, pk)
    if not can_decide_swap(request.user, swap):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    _run(request, lambda: services.swap_decide(by=request.user, swap=swap, approve=approve),
         _("Swap approved.") if approve else _("Swap declined."))
    return redirect("scheduling:swap-list")


@login_required
@require_POST
def swap_withdraw(request, pk: int):
    swap = _swap_or_404(request.user, pk)
    if swap.offered_by_id != request.user.pk:
        raise PermissionDenied
    _run(request, lambda: services.swap_withdraw(by=request.user, swap=swap), _("Offer withdrawn."))
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
                _apply_error(form, error)
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
    _run(request, lambda: services.time_off_decide(by=request.user, time_off=row, approve=approve, note=note),
         _("Approved.") if approve else _("Denied."))
    return redirect("scheduling:time-off")


@login_required
@require_POST
def time_off_withdraw(request, pk: int):
    row = get_object_or_404(selectors.time_off_list(user=request.user), pk=pk)
    if row.responder_id != request.user.pk:
        raise PermissionDenied
    _run(request, lambda: services.time_off_withdraw(by=request.user, time_off=row), _("Withdrawn."))
    return redirect("scheduling:time-off")


@login_required
def availability(request):
    user = request.user
    _require_responder(user)
    form = AvailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.availability_add(by=user, weekday=data["weekday"], start_time=data["start_time"],
                                      end_time=data["end_time"])
        except ApplicationError as error:
            _apply_error(form, error)
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


# --- coordinators ------------------------------------------------------------------------------------

def _week_param(request) -> date:
    return parse_date(request.GET.get("week", "") or "") or timezone.localdate()


@login_required
def schedule(request):
    """The week view of one team: each day's shifts, filled / required per position."""
    user = request.user
    _require_coordinator(user)
    teams = list(selectors.managed_team_list(user=user))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0] if teams else None)
    monday, days = (None, [])
    if team is not None:
        monday, days = selectors.schedule_week(user=user, team=team, day=_week_param(request))
    return render(request, "scheduling/schedule.html", {
        "teams": teams, "team": team, "monday": monday, "days": days,
        "previous": monday - timedelta(days=7) if monday else None,
        "next": monday + timedelta(days=7) if monday else None})


@login_required
@require_POST
def week_publish(request):
    user = request.user
    team = get_object_or_404(selectors.team_list(user=user), pk=request.POST.get("team") or 0)
    if not can_manage_schedule(user, team.organization_id):
        raise PermissionDenied
    week = parse_date(request.POST.get("week", "") or "")
    if week is None:
        raise Http404
    count = services.shifts_publish_week(by=user, team=team, week_start=week)
    messages.success(request, _("%(n)s shifts published.") % {"n": count})
    return redirect(reverse("scheduling:schedule") + f"?team={team.pk}&week={week.isoformat()}")


def _shift_or_404(user, pk: int) -> Shift:
    return get_object_or_404(selectors.shift_list(user=user).prefetch_related(selectors._assignment_prefetch()),
                             pk=pk)


def _reschedule_form(shift: Shift) -> RescheduleForm:
    return RescheduleForm(initial={"starts_at": timezone.localtime(shift.starts_at),
                                   "ends_at": timezone.localtime(shift.ends_at)})


@login_required
def shift_detail(request, pk: int):
    return _shift_page(request, _shift_or_404(request.user, pk))


def _hours_forms(shift: Shift, bound: HoursForm | None, bound_pk: int | None) -> list[tuple]:
    """For a shift that has started: each person on it with the form to record or correct their hours."""
    if shift.status == Shift.Status.CANCELLED or shift.starts_at > timezone.now():
        return []
    rows = []
    for a in shift.active_assignments:
        if bound is not None and a.pk == bound_pk:
            rows.append((a, bound))
            continue
        start, end = a.checked_in_at or shift.starts_at, a.checked_out_at or shift.ends_at
        end = min(end, timezone.now())
        rows.append((a, HoursForm(prefix=f"h{a.pk}", initial={"checked_in_at": timezone.localtime(start),
                                                               "checked_out_at": timezone.localtime(end)})))
    return rows


def _shift_page(request, shift: Shift, reschedule_form: RescheduleForm | None = None, status: int = 200,
                hours_form: HoursForm | None = None, hours_pk: int | None = None):
    manage = can_manage_schedule(request.user, shift.organization_id)
    candidates = []
    ended = shift.ends_at <= timezone.now()
    if manage and shift.status != Shift.Status.CANCELLED and not ended:
        people = list(selectors.responder_candidates(organization_id=shift.organization_id))
        positions = list(shift.positions.all())
        for position in positions:
            position.shift = shift
        # One set of facts and one readiness pass for every position; the forms list the people read here.
        answers = eligibility_for_positions(users=people, positions=positions)
        for position in positions:
            candidates.append((position, [(p, answers[position.pk][p.pk]) for p in people],
                               AssignForm(responders=selectors.responder_candidates(
                                   organization_id=shift.organization_id), prefix=f"p{position.pk}",
                                   listed=people)))
    return render(request, "scheduling/shift_detail.html", {
        "shift": shift, "manage": manage, "candidates": candidates, "cancel_form": ReasonForm(),
        "reschedule_form": reschedule_form or (_reschedule_form(shift) if manage else None),
        "hours": _hours_forms(shift, hours_form, hours_pk) if manage else [],
        "ended": ended, "started": shift.starts_at <= timezone.now()}, status=status)


@login_required
@require_POST
def assignment_hours(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    if not can_manage_schedule(request.user, assignment.shift.organization_id):
        raise PermissionDenied
    form = HoursForm(request.POST, prefix=f"h{assignment.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_record_hours(by=request.user, assignment=assignment,
                                             checked_in_at=data["checked_in_at"],
                                             checked_out_at=data["checked_out_at"], reason=data["reason"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Hours recorded for %(name)s.") % {"name": assignment.responder})
            return redirect("scheduling:shift-detail", pk=assignment.shift_id)
    return _shift_page(request, _shift_or_404(request.user, assignment.shift_id), status=400, hours_form=form,
                       hours_pk=assignment.pk)


@login_required
@require_POST
def shift_reschedule(request, pk: int):
    shift = _shift_or_404(request.user, pk)
    if not can_manage_schedule(request.user, shift.organization_id):
        raise PermissionDenied
    form = RescheduleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.shift_reschedule(by=request.user, shift=shift, starts_at=data["starts_at"],
                                      ends_at=data["ends_at"], reason=data["reason"], overrides=data["overrides"],
                                      override_reason=data["override_reason"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The shift is moved and the people on it are told."))
            return redirect("scheduling:shift-detail", pk=shift.pk)
    return _shift_page(request, _shift_or_404(request.user, pk), reschedule_form=form, status=400)


@login_required
@require_POST
def position_assign(request, pk: int):
    position = get_object_or_404(selectors.position_list(user=request.user), pk=pk)
    if not can_manage_schedule(request.user, position.shift.organization_id):
        raise PermissionDenied
    form = AssignForm(request.POST, prefix=f"p{position.pk}",
                      responders=selectors.responder_candidates(organization_id=position.shift.organization_id))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        _run(request, lambda: services.assignment_create(
            by=request.user, position=position, responder=data["responder"], overrides=data["overrides"],
            override_reason=data["override_reason"]), _("Assigned."))
    return redirect("scheduling:shift-detail", pk=position.shift_id)


@login_required
def shift_create(request):
    user = request.user
    _require_coordinator(user)
    form = ShiftForm(request.POST or None, teams=selectors.managed_team_list(user=user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shift = services.shift_create(by=user, team=data["team"], starts_at=data["starts_at"],
                                          ends_at=data["ends_at"], positions=form.positions(),
                                          languages=data["desired_languages"], notes=data["notes"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Shift created as a draft."))
            return redirect("scheduling:shift-detail", pk=shift.pk)
    return render(request, "scheduling/form_page.html", {"form": form, "title": _("New shift")})


@login_required
@require_POST
def shift_publish(request, pk: int):
    shift = _shift_or_404(request.user, pk)
    if not can_manage_schedule(request.user, shift.organization_id):
        raise PermissionDenied
    _run(request, lambda: services.shift_publish(by=request.user, shift=shift), _("Published."))
    return redirect("scheduling:shift-detail", pk=shift.pk)


@login_required
@require_POST
def shift_cancel(request, pk: int):
    shift = _shift_or_404(request.user, pk)
    if not can_manage_schedule(request.user, shift.organization_id):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(request, lambda: services.shift_cancel(by=request.user, shift=shift, reason=reason),
         _("The shift is cancelled and the people on it are told."))
    return redirect("scheduling:shift-detail", pk=shift.pk)


@login_required
def team_list(request):
    user = request.user
    _require_coordinator(user)
    form = TeamForm(request.POST or None, organizations=selectors.coordinated_organizations(user=user),
                    team_types=selectors.team_type_list())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_create(by=user, organization=data["organization"], team_type=data["team_type"],
                                 name=data["name"], zones=list(data["zones"]))
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Team created."))
            return redirect("scheduling:team-list")
    return render(request, "scheduling/team_list.html", {
        "teams": selectors.managed_team_list(user=user), "form": form,
        "templates": selectors.template_list(user=user), "team_types": selectors.team_type_list()})


@login_required
def template_create(request):
    user = request.user
    _require_coordinator(user)
    form = TemplateForm(request.POST or None, teams=selectors.managed_team_list(user=user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.shift_template_create(by=user, team=data["team"], name=data["name"],
                                           start_time=data["start_time"], end_time=data["end_time"],
                                           weekdays=data["weekdays"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Template saved."))
            return redirect("scheduling:team-list")
    return render(request, "scheduling/form_page.html", {"form": form, "title": _("New shift template")})


@login_required
def template_generate(request, pk: int):
    template = get_object_or_404(selectors.template_list(user=request.user), pk=pk)
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.shift_template_generate(by=request.user, template=template,
                                                       start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("%(n)s draft shifts created.") % {"n": len(created)})
            return redirect(reverse("scheduling:schedule") + f"?team={template.team_id}"
                            f"&week={form.cleaned_data['start'].isoformat()}")
    return render(request, "scheduling/form_page.html",
                  {"form": form, "title": _("Generate shifts from %(t)s") % {"t": template}})


@login_required
def timesheet(request):
    user = request.user
    _require_coordinator(user)
    organizations = selectors.coordinated_organizations(user=user)
    today = timezone.localdate()
    initial = {"organization": organizations.first(), "start": today.replace(day=1), "end": today}
    form = PeriodForm(request.GET or None, organizations=organizations, initial=initial)
    rows, period = [], None
    if form.is_valid():
        data = form.cleaned_data
        period = data
        rows = selectors.timesheet(organization=data["organization"], start=data["start"], end=data["end"])
        if request.GET.get("format") == "csv":
            response = HttpResponse(selectors.timesheet_csv(rows, start=data["start"], end=data["end"]),
                                    content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (f'attachment; filename="timesheet-{data["organization"].slug}-'
                                               f'{data["start"].isoformat()}-{data["end"].isoformat()}.csv"')
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "scheduling/timesheet.html", {"form": form, "rows": rows, "period": period,
                                                         "query": request.GET.urlencode()})


@login_required
def coverage(request):
    user = request.user
    _require_coordinator(user)
    teams = list(selectors.managed_team_list(user=user))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0] if teams else None)
    month = parse_date((request.GET.get("month", "") or "") + "-01") or timezone.localdate().replace(day=1)
    month = month.replace(day=1)
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    data = selectors.coverage(user=user, team=team, start=month, end=end) if team else None
    return render(request, "scheduling/coverage.html", {
        "teams": teams, "team": team, "month": month, "data": data,
        "previous": (month - timedelta(days=1)).replace(day=1), "next": end + timedelta(days=1)})


# --- calendar feed ------------------------------------------------------------------------------------

@login_required
def calendar_settings(request):
    user = request.user
    _require_responder(user)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=user)
            messages.success(request, _("The calendar link no longer works."))
        else:
            services.calendar_feed_rotate(user=user)
            messages.success(request, _("A new calendar link was made; the old one no longer works."))
        return redirect("scheduling:calendar")
    feed = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
    url = request.build_absolute_uri(reverse("scheduling:ical", args=[feed.token])) if feed else ""
    return render(request, "scheduling/calendar.html", {"feed": feed, "url": url})


@public_page
def ical(request, token: str):
    """The responder's shifts as iCalendar. The secret URL is the credential: no session needed."""
    # PostgreSQL refuses a NUL byte in a query: such a token cannot exist.
    feed = None if "\x00" in token else (CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
                                         .select_related("user").first())
    if feed is None or not feed.user.is_active:
        raise Http404
    response = HttpResponse(feed_for(user=feed.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
