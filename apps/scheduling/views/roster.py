"""The auto-roster's pages: start a run and see the recent ones; follow a run's progress (htmx polls a
partial every two seconds; without JavaScript a link reloads it), review its proposal as a diff by day and
shift with each open place's reason, accept or discard it; refill a call-out from the shift page; and each
responder's roster preferences (their own, or a coordinator's for the responders of their organization)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors
from ..board import board_monday
from ..forms import RosterProfileForm, RosterStartForm
from ..models import Assignment, PositionRole, RosterProfile, RosterRun, Shift, ShiftTemplate, Team
from ..permissions import coordinated_organization_ids, responder_organization_ids
from ..roster.profiles import roster_profile_for, roster_profile_save
from ..roster.services import reason_text, repair_start, roster_accept, roster_cancel, roster_start
from ._common import assignment_or_404, require_coordinator, require_responder

RUNS_PER_PAGE = 20
PEOPLE_PER_PAGE = 50


def _runs(user):
    return selectors.roster_run_list(user=user)


def run_or_404(user, pk: int) -> RosterRun:
    """A run of an organization the user coordinates; any other is a 404, whoever asks."""
    return get_object_or_404(_runs(user).select_related("organization", "accepted_by", "callout__responder"),
                             pk=pk)


def _run_url(run: RosterRun) -> str:
    return reverse("scheduling:roster-run", args=[run.pk])


# --- starting a run, and the recent ones -----------------------------------------------------------------

@login_required
def roster(request):
    user = request.user
    require_coordinator(user)
    teams = Team.objects.filter(organization_id__in=coordinated_organization_ids(user), is_active=True,
                                organization__is_active=True).select_related("organization") \
        .order_by("organization__name", "name")
    form = RosterStartForm(request.POST or None, teams=teams, today=timezone.localdate())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = roster_start(by=user, teams=data["teams"], starts_on=data["starts_on"],
                                   ends_on=data["ends_on"], time_limit=data["time_limit"])
            except ApplicationError as error:
                apply_error(form, error)
            else:
                return redirect(_run_url(run))
        status = 400
    runs = _runs(user).prefetch_related("teams").select_related("created_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "scheduling/roster.html", {"form": form, "page": page, "has_teams": teams.exists(),
                                                      "several_orgs": len(coordinated_organization_ids(user)) > 1},
                  status=status)


# --- one run -----------------------------------------------------------------------------------------------

def _shift_label(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    text = f"{shift.team.name} · {start:%H:%M}–{end:%H:%M}"
    return text + " (+1)" if end.date() > start.date() else text


def _when(shift: Shift) -> str:
    start = timezone.localtime(shift.starts_at)
    return f"{formats.date_format(start.date(), 'D j M')} {_shift_label(shift)}"


def _review(run: RosterRun) -> dict:
    """The proposal as a reviewer reads it: by day, then by shift, the people added and (for a repair) who
    moves where; the places still open with the reason; the conflicts of an accepted run. Four queries
    whatever the proposal's size: its shifts, its people, the assignments a repair moves, the positions."""
    roles = dict(PositionRole.choices)
    released = list(Assignment.objects.filter(pk__in=run.releases).select_related("shift__team", "responder"))
    shift_ids = ({item["shift"] for item in run.proposal} | {row["shift"] for row in run.unfilled}
                 | {item.get("shift") for item in run.conflicts if item.get("shift")})
    shifts = Shift.objects.filter(pk__in=shift_ids, organization_id=run.organization_id).select_related("team") \
        .in_bulk()
    people = User.objects.in_bulk({item["responder"] for item in run.proposal}
                                  | {item["responder"] for item in run.conflicts if item.get("responder")})
    moved_to: dict[int, list[Shift]] = {}
    for item in run.proposal:
        moved_to.setdefault(item["responder"], []).append(shifts.get(item["shift"]))
    moves = []
    mover_ids = set()
    for a in released:
        targets = [s for s in moved_to.get(a.responder_id, []) if s is not None]
        mover_ids.add(a.responder_id)
        if targets:
            moves.append(_("%(name)s moves from %(from)s to %(to)s.") % {
                "name": a.responder, "from": _when(a.shift), "to": _when(targets[0])})
        else:
            moves.append(_("%(name)s is taken off %(from)s.") % {"name": a.responder, "from": _when(a.shift)})

    days: dict = {}
    for item in sorted(run.proposal, key=lambda i: (shifts[i["shift"]].starts_at, i["shift"], i["role"] != "lead")
                       if i["shift"] in shifts else (timezone.now(), 0, True)):
        shift = shifts.get(item["shift"])
        if shift is None:  # deleted since: nothing to show, accepting will report it
            continue
        day = timezone.localdate(shift.starts_at)
        entry = days.setdefault(day, {}).setdefault(shift.pk, {"shift": shift, "label": _shift_label(shift),
                                                               "added": []})
        entry["added"].append({"role": roles.get(item["role"], item["role"]),
                               "name": str(people.get(item["responder"], "?")),
                               "moved": item["responder"] in mover_ids})
    diff = [{"day": day, "shifts": list(by_shift.values())} for day, by_shift in sorted(days.items())]

    unfilled = []
    for row in sorted(run.unfilled, key=lambda r: (shifts[r["shift"]].starts_at, r["shift"])
                      if r["shift"] in shifts else (timezone.now(), 0)):
        shift = shifts.get(row["shift"])
        if shift is None:
            continue
        unfilled.append({"shift": shift, "day": timezone.localdate(shift.starts_at), "label": _shift_label(shift),
                         "role": roles.get(row["role"], row["role"]), "open": row["open"],
                         "reason": reason_text(row)})
    conflicts = [{"shift": shifts.get(c.get("shift")), "name": str(people.get(c.get("responder"), "")),
                  "role": roles.get(c.get("role"), c.get("role", "")), "message": c.get("message", "")}
                 for c in run.conflicts]
    for c in conflicts:
        c["label"] = _when(c["shift"]) if c["shift"] is not None else ""
    lead_added = sum(1 for item in run.proposal if item["role"] == PositionRole.LEAD)
    lead_open = sum(row["open"] for row in run.unfilled if row["role"] == PositionRole.LEAD)
    return {"diff": diff, "moves": moves, "unfilled": unfilled, "conflicts": conflicts,
            "lead_filled": lead_added, "lead_places": lead_added + lead_open}


def _board_link(run: RosterRun, *, proposal: bool) -> str:
    """The board from the period's first week (two weeks shown for a longer period), all teams: the run's
    cells are among them."""
    pairs = [("week", board_monday(run.starts_on).isoformat())]
    if (run.ends_on - run.starts_on).days >= 7:
        pairs.append(("span", 2))
    if proposal:
        pairs.append(("proposal", run.pk))
    return reverse("scheduling:board") + "?" + urlencode(pairs)


def _run_context(run: RosterRun) -> dict:
    teams = list(run.teams.order_by("name"))
    context = {"run": run, "teams": teams, "gap_percent": None if run.gap is None else round(run.gap * 100, 2),
               "stats": run.stats, "spread": run.stats.get("spread") or {},
               "greedy": run.stats.get("greedy") or {}, "refresh": _run_url(run)}
    if run.status in (RosterRun.Status.PROPOSED, RosterRun.Status.ACCEPTED):
        context.update(_review(run))
        context["board"] = _board_link(run, proposal=run.status == RosterRun.Status.PROPOSED)
    return context


@login_required
@require_safe
def roster_run(request, pk: int):
    run = run_or_404(request.user, pk)
    return render(request, "scheduling/roster_run.html", _run_context(run))


@login_required
@require_safe
def roster_run_status(request, pk: int):
    """The progress partial htmx polls. Once the run has finished, htmx is told to reload the page, which
    then shows the proposal (or the error) in full."""
    run = run_or_404(request.user, pk)
    if request.headers.get("HX-Request") == "true" and not run.is_working:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "scheduling/_roster_progress.html", _run_context(run))


@login_required
@require_POST
def roster_run_cancel(request, pk: int):
    """Stop a queued or running run, or discard a proposal."""
    run = run_or_404(request.user, pk)
    done = _("The proposal is discarded.") if run.status == RosterRun.Status.PROPOSED else _(
        "The run is cancelled.")
    run_action(request, lambda: roster_cancel(by=request.user, run=run), done)
    return redirect(_run_url(run))


@login_required
def roster_run_accept(request, pk: int):
    """GET: the confirmation (the page behind the modal's opener, for a browser without JavaScript);
    POST: apply the proposal through the assignment service."""
    run = run_or_404(request.user, pk)
    if request.method == "POST":
        try:
            run = roster_accept(by=request.user, run=run)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            applied = run.stats.get("applied", 0)
            if run.status == RosterRun.Status.APPLYING:
                messages.info(request, _("The proposal is being applied (%(n)s assignments, each checked again); "
                                         "this page shows when it is done.") % {"n": len(run.proposal)})
            elif run.conflicts:
                messages.warning(request, _("%(n)s assignments made; %(c)s could not be, see why below.")
                                 % {"n": applied, "c": len(run.conflicts)})
            else:
                messages.success(request, _("%(n)s assignments made.") % {"n": applied})
        return redirect(_run_url(run))
    if run.status != RosterRun.Status.PROPOSED:
        return redirect(_run_url(run))
    return render(request, "scheduling/roster_run_accept.html", _run_context(run))


@login_required
@require_POST
def assignment_repair(request, pk: int):
    """Find a replacement for a call-out: a repair run, then its page."""
    assignment = assignment_or_404(request.user, pk)
    if assignment.shift.organization_id not in coordinated_organization_ids(request.user):
        raise PermissionDenied
    try:
        run = repair_start(by=request.user, assignment=assignment)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("scheduling:shift-detail", pk=assignment.shift_id)
    return redirect(_run_url(run))


def callouts(shift: Shift, *, now=None) -> list[Assignment]:
    """The shift page's call-outs a repair can refill: cancelled places of a shift that starts within 48 hours
    whose position is still short. One query, and only for such a shift."""
    from ..roster.services import REPAIR_WITHIN, repair_possible

    now = now or timezone.now()
    if shift.status == Shift.Status.CANCELLED or not now < shift.starts_at <= now + REPAIR_WITHIN:
        return []
    short = {p.pk for p in shift.positions.all() if p.filled < p.count}
    found = []
    for a in Assignment.objects.filter(shift=shift, status=Assignment.Status.CANCELLED, position_id__in=short) \
            .select_related("responder", "position").order_by("position_id", "id"):
        a.shift = shift
        if repair_possible(a, now=now):
            found.append(a)
    return found


# --- roster preferences ------------------------------------------------------------------------------------

def _profile_page(request, *, person: User, organization: Organization, own: bool, choices=None):
    profile = roster_profile_for(user=person, organization=organization)
    templates = ShiftTemplate.objects.filter(team__organization=organization, is_active=True,
                                             team__is_active=True).select_related("team").order_by("team__name",
                                                                                                    "start_time")
    initial = {}
    if profile.pk:
        initial = {"weekly_hours": profile.weekly_hours, "preferred_zones": profile.preferred_zones.all(),
                   "languages": profile.languages.all(), "preferred_templates": profile.preferred_templates.all(),
                   "avoided_templates": profile.avoided_templates.all()}
    form = RosterProfileForm(request.POST or None, initial=initial, templates=templates)
    form.fields["weekly_hours"].help_text = _("Contracted or wanted hours. Empty: the program's default, "
                                              "%(h)s hours.") % {"h": _default_hours()}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                roster_profile_save(by=request.user, user=person, organization=organization, **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Roster preferences saved."))
                return redirect(request.get_full_path())
        status = 400
    return render(request, "scheduling/roster_profile.html", {
        "form": form, "person": person, "organization": organization, "own": own, "choices": choices or [],
        "default_hours": _default_hours()}, status=status)


def _default_hours() -> int:
    return settings.ROSTER["default_weekly_hours"]


@login_required
def roster_profile(request):
    """A responder's own preferences, one organization at a time (`?organization=` when they have several)."""
    user = request.user
    require_responder(user)
    organizations = list(Organization.objects.filter(pk__in=responder_organization_ids(user)).order_by("name"))
    wanted = request.GET.get("organization", "")
    organization = next((o for o in organizations if str(o.pk) == wanted), None)
    if wanted and organization is None:
        raise Http404
    organization = organization or organizations[0]
    return _profile_page(request, person=user, organization=organization, own=True,
                         choices=organizations if len(organizations) > 1 else [])


@login_required
@require_safe
def roster_people(request):
    """A coordinator's list of their organizations' responders with each one's target hours."""
    user = request.user
    require_coordinator(user)
    hours = RosterProfile.objects.filter(user_id=OuterRef("user_id"), organization_id=OuterRef("organization_id"))
    members = (Membership.objects.filter(organization_id__in=coordinated_organization_ids(user),
                                         role=Role.RESPONDER, is_active=True, user__is_active=True)
               .select_related("user", "organization")
               .annotate(weekly_hours=Subquery(hours.values("weekly_hours")[:1]),
                         has_profile=Subquery(hours.values("pk")[:1]))
               .order_by("organization__name", "user__full_name", "user__email"))
    page = Paginator(members, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "scheduling/roster_people.html", {
        "page": page, "default_hours": _default_hours(),
        "several_orgs": len(coordinated_organization_ids(user)) > 1})


@login_required
def roster_profile_member(request, pk: int):
    """A coordinator edits the preferences of a responder of their organization (a responder membership)."""
    user = request.user
    membership = get_object_or_404(
        Membership.objects.filter(organization_id__in=coordinated_organization_ids(user), role=Role.RESPONDER,
                                  is_active=True).select_related("user", "organization"), pk=pk)
    return _profile_page(request, person=membership.user, organization=membership.organization,
                         own=membership.user_id == user.pk)

