"""The coordinator's pages: the week schedule, the shift page with the eligible list, hours and
no-shows, teams and templates, timesheets and coverage."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.charts import line_chart
from apps.core.errors import ApplicationError
from apps.core.localtime import date_param, week_bounds
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..eligibility import eligibility_for_positions
from ..forms import (
    OVERRIDE_LABELS,
    AssignForm,
    AssignmentRemoveForm,
    GenerateForm,
    HoursForm,
    PeriodForm,
    ReasonForm,
    RescheduleForm,
    ShiftForm,
    TeamForm,
    TemplateForm,
)
from ..models import Shift
from ..permissions import can_manage_schedule
from ._common import assignment_or_404, back, require_coordinator, shift_or_404


def _week_param(request) -> date:
    return date_param(request.GET.get("week")) or timezone.localdate()


@login_required
@require_safe
def schedule(request):
    """The week view of one team: each day's shifts, filled / required per position."""
    user = request.user
    require_coordinator(user)
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
    week = date_param(request.POST.get("week"))
    if week is None:
        raise Http404
    count = services.shifts_publish_week(by=user, team=team, week_start=week)
    messages.success(request, _("%(n)s shifts published.") % {"n": count})
    return redirect(reverse("scheduling:schedule") + f"?team={team.pk}&week={week.isoformat()}")


def _reschedule_form(shift: Shift) -> RescheduleForm:
    return RescheduleForm(initial={"starts_at": timezone.localtime(shift.starts_at),
                                   "ends_at": timezone.localtime(shift.ends_at)})


@login_required
@require_safe
def shift_detail(request, pk: int):
    return _shift_page(request, shift_or_404(request.user, pk))


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
    """A summary on top, the positions with the people on them, and the actions (assign, reschedule,
    cancel, hours) folded behind buttons. The assign list offers only those the engine lets in (and,
    apart, those an override would); everyone else is listed beside it with the engine's reasons."""
    manage = can_manage_schedule(request.user, shift.organization_id)
    candidates, assign = [], {}
    ended = shift.ends_at <= timezone.now()
    positions = list(shift.positions.all())
    if manage and shift.status != Shift.Status.CANCELLED and shift.starts_at > timezone.now():
        people = list(selectors.responder_candidates(organization_id=shift.organization_id))
        for position in positions:
            position.shift = shift
        # One set of facts and one readiness pass for every position; the forms list the people read here.
        answers = eligibility_for_positions(users=people, positions=positions)
        for position in positions:
            rows = [(p, answers[position.pk][p.pk]) for p in people]
            form = AssignForm(responders=selectors.responder_candidates(organization_id=shift.organization_id),
                              prefix=f"p{position.pk}", listed=people)
            form.offer(eligible=[p for p, e in rows if e.allowed],
                       override=[p for p, e in rows if e.needs_override_only])
            candidates.append((position, rows, form))
            assign[position.pk] = (rows, form)
    by_position: dict[int, list] = {p.pk: [] for p in positions}
    for a in shift.active_assignments:
        by_position.setdefault(a.position_id, []).append(a)
        # The limits overridden, in words (the board's labels), not their codes.
        a.override_labels = [str(OVERRIDE_LABELS.get(code, code)) for code in a.overrides]
    required = sum(p.count for p in positions)
    filled = sum(min(p.filled, p.count) for p in positions)
    return render(request, "scheduling/shift_detail.html", {
        "shift": shift, "manage": manage, "candidates": candidates, "cancel_form": ReasonForm(),
        "positions": [(p, by_position[p.pk], *assign.get(p.pk, (None, None))) for p in positions],
        "required": required, "filled": filled, "open": required - filled,
        "board": reverse("scheduling:board") + f"?team={shift.team_id}&week="
                 f"{week_bounds(timezone.localdate(shift.starts_at))[0].isoformat()}",
        "reschedule_form": reschedule_form or (_reschedule_form(shift) if manage else None),
        "hours": _hours_forms(shift, hours_form, hours_pk) if manage else [],
        "ended": ended, "started": shift.starts_at <= timezone.now()}, status=status)


@login_required
@require_POST
def assignment_no_show(request, pk: int):
    assignment = assignment_or_404(request.user, pk)
    if not can_manage_schedule(request.user, assignment.shift.organization_id):
        raise PermissionDenied
    form = AssignmentRemoveForm(request.POST)
    no_lead_reason = form.cleaned_data["no_lead_reason"] if form.is_valid() else ""
    run_action(request, lambda: services.assignment_mark_no_show(by=request.user, assignment=assignment,
                                                                 no_lead_reason=no_lead_reason),
               _("Recorded as a no-show."))
    return back(request, "scheduling:schedule")


@login_required
@require_POST
def assignment_hours(request, pk: int):
    assignment = assignment_or_404(request.user, pk)
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
            apply_error(form, error)
        else:
            messages.success(request, _("Hours recorded for %(name)s.") % {"name": assignment.responder})
            return redirect("scheduling:shift-detail", pk=assignment.shift_id)
    return _shift_page(request, shift_or_404(request.user, assignment.shift_id), status=400, hours_form=form,
                       hours_pk=assignment.pk)


@login_required
@require_POST
def shift_reschedule(request, pk: int):
    shift = shift_or_404(request.user, pk)
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
            apply_error(form, error)
        else:
            messages.success(request, _("The shift is moved and the people on it are told."))
            return redirect("scheduling:shift-detail", pk=shift.pk)
    return _shift_page(request, shift_or_404(request.user, pk), reschedule_form=form, status=400)


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
        run_action(request, lambda: services.assignment_create(
            by=request.user, position=position, responder=data["responder"], overrides=data["overrides"],
            override_reason=data["override_reason"]), _("Assigned."))
    return redirect("scheduling:shift-detail", pk=position.shift_id)


@login_required
def shift_create(request):
    user = request.user
    require_coordinator(user)
    form = ShiftForm(request.POST or None, teams=selectors.managed_team_list(user=user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shift = services.shift_create(by=user, team=data["team"], starts_at=data["starts_at"],
                                          ends_at=data["ends_at"], positions=form.positions(),
                                          languages=data["desired_languages"], notes=data["notes"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Shift created as a draft."))
            return redirect("scheduling:shift-detail", pk=shift.pk)
    return render(request, "scheduling/form_page.html", {"form": form, "title": _("New shift")})


@login_required
@require_POST
def shift_publish(request, pk: int):
    shift = shift_or_404(request.user, pk)
    if not can_manage_schedule(request.user, shift.organization_id):
        raise PermissionDenied
    run_action(request, lambda: services.shift_publish(by=request.user, shift=shift), _("Published."))
    return redirect("scheduling:shift-detail", pk=shift.pk)


@login_required
@require_POST
def shift_cancel(request, pk: int):
    shift = shift_or_404(request.user, pk)
    if not can_manage_schedule(request.user, shift.organization_id):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(request, lambda: services.shift_cancel(by=request.user, shift=shift, reason=reason),
               _("The shift is cancelled and the people on it are told."))
    return redirect("scheduling:shift-detail", pk=shift.pk)


@login_required
def team_list(request):
    user = request.user
    require_coordinator(user)
    form = TeamForm(request.POST or None, organizations=selectors.coordinated_organizations(user=user),
                    team_types=selectors.team_type_list())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.team_create(by=user, organization=data["organization"], team_type=data["team_type"],
                                 name=data["name"], zones=list(data["zones"]))
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Team created."))
            return redirect("scheduling:team-list")
    return render(request, "scheduling/team_list.html", {
        "teams": selectors.managed_team_list(user=user), "form": form,
        "templates": selectors.template_list(user=user), "team_types": selectors.team_type_list()})


@login_required
def template_create(request):
    user = request.user
    require_coordinator(user)
    form = TemplateForm(request.POST or None, teams=selectors.managed_team_list(user=user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.shift_template_create(by=user, team=data["team"], name=data["name"],
                                           start_time=data["start_time"], end_time=data["end_time"],
                                           weekdays=data["weekdays"])
        except ApplicationError as error:
            apply_error(form, error)
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
            apply_error(form, error)
        else:
            messages.success(request, _("%(n)s draft shifts created.") % {"n": len(created)})
            return redirect(reverse("scheduling:schedule") + f"?team={template.team_id}"
                            f"&week={form.cleaned_data['start'].isoformat()}")
    return render(request, "scheduling/form_page.html",
                  {"form": form, "title": _("Generate shifts from %(t)s") % {"t": template}})


@login_required
@require_safe
def timesheet(request):
    user = request.user
    require_coordinator(user)
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


COVERAGE_SYMBOLS = {"full": "✓", "partial": "◐", "empty": "✗", "none": "—"}


def _coverage_grid(data: selectors.Coverage, *, team, today: date) -> tuple[list[dict], list[tuple]]:
    """The heat map's columns (weekday, weekend, past) and rows of (zone, [cell]). A cell links to its one
    shift, or to the team's week holding that day when it has several. Classes, links and labels are built
    here, once per page, because a month of twenty zones is 620 cells: a reverse() or a translated
    template tag per cell would be most of the page's time."""
    columns = [{"day": d, "weekend": d.weekday() >= 5, "past": d < today, "today": d == today,
                "label": formats.date_format(d, "D j F")} for d in data.days]
    week = reverse("scheduling:schedule") + f"?team={team.pk}&week="
    detail = reverse("scheduling:shift-detail", args=[0]).removesuffix("0/")
    filled_label, no_shift = _("%(filled)s of %(required)s places filled, %(day)s"), _("No shift")
    rows = []
    for zone, cells in data.rows.items():
        row = []
        for column, cell in zip(columns, cells.values(), strict=True):
            classes = f"cov-{cell.state} cov-step-{cell.step}"
            classes += " cov-weekend" * column["weekend"] + " cov-today" * column["today"]
            link = label = None
            if len(cell.shifts) == 1:
                link = f"{detail}{cell.shifts[0].pk}/"
            elif cell.shifts:
                link = week + column["day"].isoformat()
            if cell.shifts:
                label = filled_label % {"filled": cell.filled, "required": cell.required, "day": column["label"]}
            row.append({"classes": classes, "link": link, "symbol": COVERAGE_SYMBOLS[cell.state],
                        "count": f"{cell.filled}/{cell.required}", "label": label or no_shift})
        rows.append((zone, row))
    return columns, rows


def _coverage_chart(data: selectors.Coverage):
    def percent(value):
        return None if value is None else value * 100

    return line_chart([str(d.day.day) for d in data.totals], [
        (_("Fill rate"), [percent(d.fill_rate) for d in data.totals]),
        (_("No-show rate"), [percent(d.no_show_rate) for d in data.totals])],
        title=_("Fill rate and no-shows by day, %"), width=720, height=200, unit="%", y_max=100)


@login_required
@require_safe
def coverage(request):
    """The month of one team as a heat map: filled / required per zone and day, a chart of the fill rate and
    no-shows by day above it."""
    user = request.user
    require_coordinator(user)
    teams = list(selectors.managed_team_list(user=user))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0] if teams else None)
    month = date_param((request.GET.get("month") or "") + "-01") or timezone.localdate().replace(day=1)
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    data = selectors.coverage(user=user, team=team, start=month, end=end) if team else None
    columns, rows = _coverage_grid(data, team=team, today=timezone.localdate()) if data else ([], [])
    return render(request, "scheduling/coverage.html", {
        "teams": teams, "team": team, "month": month, "data": data, "columns": columns, "rows": rows,
        "chart": _coverage_chart(data) if data and data.required else None,
        "previous": (month - timedelta(days=1)).replace(day=1), "next": end + timedelta(days=1)})
