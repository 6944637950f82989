"""The auto-roster's API: start a run, watch its progress, read its proposal, cancel or accept it; refill
a call-out; and each responder's roster preferences. The same services and permissions as the pages:
runs are a coordinator's, for their own organization's teams; another organization's run is a 404."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.accounts.models import Organization, User
from apps.core.api.fields import StrictSlugRelatedField
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.core.models import Language, Neighborhood
from apps.scheduling import selectors
from apps.scheduling.models import Assignment, RosterProfile, RosterRun, Shift, ShiftTemplate, Team
from apps.scheduling.permissions import (
    can_manage_schedule,
    coordinated_organization_ids,
    responder_organization_ids,
)
from apps.scheduling.roster.profiles import roster_profile_save
from apps.scheduling.roster.services import reason_text, repair_start, roster_accept, roster_cancel, roster_start

from .common import FORBIDDEN, NOT_FOUND, refusal

# --- who may --------------------------------------------------------------------------------------


class CoordinatesAnOrganization(BasePermission):
    """The roster is a coordinator's tool, as on the pages: anyone who coordinates no organization is
    refused (403); a coordinator sees their own organizations' runs, and another's is a 404."""

    message = "Only a coordinator can run the roster."

    def has_permission(self, request, view) -> bool:
        return bool(coordinated_organization_ids(request.user))


def roster_run_list(*, user: User):
    return selectors.roster_run_list(user=user).prefetch_related("teams").order_by("-created_at", "-id")


# --- serializers ----------------------------------------------------------------------------------

STATUS_HELP = ("queued, running, proposed, applying (a large proposal being applied by a worker), accepted, "
               "cancelled, failed, discarded")


class RosterRunSerializer(serializers.ModelSerializer):
    """A run and its progress: solutions found, the objective of the best one, the proven bound and the gap
    between them (0.01 is 1 %), and the seconds spent so far out of `time_limit`."""

    # Plain strings: "status" and "kind" enums of other models would collide in the schema.
    kind = serializers.CharField(read_only=True, help_text="full (fill open positions) or repair (a call-out)")
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RosterRun
        fields = ["id", "organization", "kind", "status", "teams", "starts_on", "ends_on", "time_limit", "callout",
                  "created_by", "created_at", "started_at", "finished_at", "cancel_requested", "solutions",
                  "objective", "bound", "gap", "wall_seconds", "solver_status", "error", "accepted_by",
                  "accepted_at"]
        read_only_fields = fields


class SpreadSerializer(serializers.Serializer):
    people = serializers.IntegerField(help_text="People who could have been given any place.")
    min = serializers.FloatField(help_text="Fewest hours against target (hours − target).")
    max = serializers.FloatField()
    std = serializers.FloatField(help_text="Standard deviation of hours − target.")


class GreedySerializer(serializers.Serializer):
    filled = serializers.IntegerField()
    spread = SpreadSerializer()


class RosterStatsSerializer(serializers.Serializer):
    """The figures of a finished run (empty while it works); `applied` once it is accepted."""

    places = serializers.IntegerField(required=False, help_text="Open places in the period.")
    filled = serializers.IntegerField(required=False)
    candidates = serializers.IntegerField(required=False, help_text="(place, person) pairs the engine allows.")
    people = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False, help_text="The solver's: optimal or feasible.")
    spread = SpreadSerializer(required=False)
    greedy = GreedySerializer(required=False, help_text="The baseline: first eligible person by fewest hours.")
    changes = serializers.IntegerField(required=False, help_text="Assignments the proposal adds.")
    applied = serializers.IntegerField(required=False, help_text="Assignments written on accepting.")


class ProposalItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    shift = serializers.IntegerField()
    responder = serializers.IntegerField()
    responder_name = serializers.CharField()
    role = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True, help_text="The shift's; null if it was deleted since.")
    ends_at = serializers.DateTimeField(allow_null=True)


class ConflictSerializer(ProposalItemSerializer):
    code = serializers.CharField(help_text="The engine's reason code (position_full, overlap, …).")
    message = serializers.CharField()


class ReleaseSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    shift = serializers.IntegerField(allow_null=True)
    responder = serializers.IntegerField(allow_null=True)
    responder_name = serializers.CharField()
    role = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)


class ReasonCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The engine's reason code.")
    count = serializers.IntegerField(help_text="People cleared for the role that this reason keeps off.")


class UnfilledSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    shift = serializers.IntegerField()
    role = serializers.CharField()
    open = serializers.IntegerField(help_text="Places of the position left open.")
    cleared = serializers.IntegerField(help_text="People cleared for the role.")
    reasons = ReasonCountSerializer(many=True)
    reason_text = serializers.CharField(help_text="The reasons in one line, in the caller's language.")
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)


class RosterRunDetailSerializer(RosterRunSerializer):
    """A run with its result: what the proposal adds, which assignments a repair moves (`releases`), what
    stays open and why, the figures, and after accepting, what conflicted with changes made meanwhile."""

    stats = RosterStatsSerializer()
    proposal = ProposalItemSerializer(many=True, source="proposal_rows")
    releases = ReleaseSerializer(many=True, source="release_rows")
    unfilled = UnfilledSerializer(many=True, source="unfilled_rows")
    conflicts = ConflictSerializer(many=True, source="conflict_rows")

    class Meta(RosterRunSerializer.Meta):
        fields = [*RosterRunSerializer.Meta.fields, "stats", "proposal", "releases", "unfilled", "conflicts"]
        read_only_fields = fields


def run_detail(run: RosterRun) -> dict:
    """The run with its JSON rows completed with names and times: four queries whatever their length."""
    rows = [*run.proposal, *run.unfilled, *run.conflicts]
    releases = {a.pk: a for a in Assignment.objects.filter(pk__in=run.releases).select_related("responder",
                                                                                                "position")}
    shifts = {s.pk: s for s in Shift.objects.filter(pk__in={r["shift"] for r in rows}).only("starts_at", "ends_at")}
    people = {u.pk: u for u in User.objects.filter(pk__in={r["responder"] for r in [*run.proposal, *run.conflicts]})}

    def times(shift_id) -> dict:
        shift = shifts.get(shift_id)
        return {"starts_at": shift.starts_at if shift else None, "ends_at": shift.ends_at if shift else None}

    def named(row) -> dict:
        person = people.get(row["responder"])
        return {**row, "responder_name": str(person) if person else "", **times(row["shift"])}

    run.proposal_rows = [named(row) for row in run.proposal]
    run.conflict_rows = [named(row) for row in run.conflicts]
    run.unfilled_rows = [{**row, "reason_text": reason_text(row), **times(row["shift"])} for row in run.unfilled]
    run.release_rows = []
    for pk in run.releases:
        moved = releases.get(pk)
        run.release_rows.append({
            "assignment": pk, "shift": moved.shift_id if moved else None,
            "responder": moved.responder_id if moved else None,
            "responder_name": str(moved.responder) if moved else "", "role": moved.position.role if moved else "",
            "starts_at": moved.starts_at if moved else None, "ends_at": moved.ends_at if moved else None})
    return RosterRunDetailSerializer(run).data


class RosterRunCreateSerializer(serializers.Serializer):
    teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.none(),
        help_text="Ids of teams of one organization you coordinate; their draft and published shifts are filled.")
    starts_on = serializers.DateField(help_text="The first day (local).")
    ends_on = serializers.DateField(help_text="The last day, included; at most 42 days after the first.")
    time_limit = serializers.IntegerField(min_value=5, max_value=settings.ROSTER["max_time_limit"], default=60,
                                          help_text="Seconds the solver may take.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another organization's team is "does not exist", as an id that does not exist at all.
            self.fields["teams"].child_relation.queryset = Team.objects.filter(
                organization_id__in=coordinated_organization_ids(request.user))


RUN_EXAMPLE = {
    "id": 12, "organization": 3, "kind": "full", "status": "proposed", "teams": [4, 5],
    "starts_on": "2026-04-01", "ends_on": "2026-04-30", "time_limit": 60, "callout": None, "created_by": 9,
    "created_at": "2026-03-20T10:02:11-04:00", "started_at": "2026-03-20T10:02:12-04:00",
    "finished_at": "2026-03-20T10:02:43-04:00", "cancel_requested": False, "solutions": 14,
    "objective": 8_412_300.0, "bound": 8_418_950.0, "gap": 0.0008, "wall_seconds": 31.2,
    "solver_status": "feasible", "error": "", "accepted_by": None, "accepted_at": None,
}
DETAIL_EXAMPLE = {
    **RUN_EXAMPLE,
    "stats": {"places": 240, "filled": 238, "candidates": 9120, "people": 48, "status": "feasible",
              "spread": {"people": 46, "min": -4.0, "max": 3.5, "std": 1.9},
              "greedy": {"filled": 229, "spread": {"people": 46, "min": -16.0, "max": 8.0, "std": 6.2}},
              "changes": 238},
    "proposal": [{"position": 801, "shift": 400, "responder": 31, "responder_name": "Lee Lead", "role": "lead",
                  "starts_at": "2026-04-01T09:00:00-04:00", "ends_at": "2026-04-01T17:00:00-04:00"}],
    "releases": [],
    "unfilled": [{"position": 955, "shift": 477, "role": "lead", "open": 1, "cleared": 5,
                  "reasons": [{"code": "overlap", "count": 3}, {"code": "weekly_hours", "count": 2}],
                  "reason_text": "5 cleared for the role; nobody can take it: 3 on another shift at this time; "
                                 "2 at their 7-day hours limit.",
                  "starts_at": "2026-04-18T21:00:00-04:00", "ends_at": "2026-04-19T07:00:00-04:00"}],
    "conflicts": [],
}


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["scheduling"])
class RosterRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Auto-roster runs of the organizations you coordinate, newest first. A run is solved in the
    background: poll its detail for progress, then read the proposal and accept or discard it."""

    serializer_class = RosterRunSerializer
    queryset = RosterRun.objects.none()
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, CoordinatesAnOrganization]
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at", "starts_on"]

    def get_queryset(self):
        return roster_run_list(user=self.request.user)

    def get_serializer_class(self):
        return RosterRunDetailSerializer if self.action == "retrieve" else RosterRunSerializer

    @extend_schema(responses={200: RosterRunDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND}, examples=[
        OpenApiExample("A proposal", value=DETAIL_EXAMPLE, response_only=True)])
    def retrieve(self, request, *args, **kwargs):
        """Status and progress; once proposed, the proposal, what stays open and why, and the figures."""
        return Response(run_detail(self.get_object()))

    @extend_schema(request=RosterRunCreateSerializer, responses={201: RosterRunDetailSerializer, 400: ErrorSerializer,
                                                                 403: FORBIDDEN}, examples=[
        OpenApiExample("April for two teams", value={"teams": [4, 5], "starts_on": "2026-04-01",
                                                     "ends_on": "2026-04-30", "time_limit": 60}, request_only=True),
        OpenApiExample("Queued", value={**DETAIL_EXAMPLE, "status": "queued", "started_at": None, "finished_at": None,
                                        "solutions": 0, "objective": None, "bound": None, "gap": None,
                                        "wall_seconds": 0.0, "solver_status": "", "stats": {}, "proposal": [],
                                        "unfilled": []},
                       response_only=True, status_codes=["201"])])
    def create(self, request, *args, **kwargs):
        """Start a run filling the open places of some teams (of one organization) over up to six weeks.
        One run at a time per organization (code run_working)."""
        data = RosterRunCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            run = roster_start(by=request.user, teams=values["teams"], starts_on=values["starts_on"],
                               ends_on=values["ends_on"], time_limit=values["time_limit"])
        except ApplicationError as error:
            return refusal(error)
        return Response(run_detail(self.get_queryset().get(pk=run.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RosterRunDetailSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Stop a queued or running run (a running solver stops within about a second), or discard a proposal."""
        try:
            run = roster_cancel(by=request.user, run=self.get_object())
        except ApplicationError as error:
            return refusal(error)
        return Response(run_detail(self.get_queryset().get(pk=run.pk)))

    @extend_schema(request=None, responses={200: RosterRunDetailSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Apply the proposal in one transaction through the assignment service. What the engine now refuses
        (someone signed up meanwhile) is listed in `conflicts`, not overwritten; a repair is all or nothing
        (code conflict). A proposal of more than 200 changes is applied by a worker: the answer then has
        status `applying`; poll the run until it is `accepted` (or back to `proposed` with an `error`)."""
        try:
            run = roster_accept(by=request.user, run=self.get_object())
        except ApplicationError as error:
            return refusal(error)
        return Response(run_detail(self.get_queryset().get(pk=run.pk)))


class RepairActionMixin:
    """`POST /scheduling/assignments/{id}/repair/`, on the assignments' viewset (the call-out is an assignment)."""

    @extend_schema(request=None, responses={201: RosterRunDetailSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def repair(self, request, pk=None):
        """Ask for the smallest change that refills a call-out: a cancelled assignment whose shift starts
        within 48 hours (code not_repairable otherwise). The result is a repair run to accept."""
        assignment = self.get_object()
        if not can_manage_schedule(request.user, assignment.shift.organization_id):
            raise PermissionDenied("Only a coordinator of this organization can refill a call-out.")
        try:
            run = repair_start(by=request.user, assignment=assignment)
        except ApplicationError as error:
            return refusal(error)
        return Response(run_detail(roster_run_list(user=request.user).get(pk=run.pk)),
                        status=status.HTTP_201_CREATED)


# --- a responder's roster preferences -------------------------------------------------------------


def _profile_row(profile: RosterProfile | None, organization: Organization | None = None) -> dict:
    """A profile as the API shows it; an organization without one shows the defaults (nothing saved)."""
    if profile is None:
        return {"organization": organization.pk, "organization_name": organization.name, "saved": False,
                "weekly_hours": None, "preferred_zones": [], "languages": [], "preferred_templates": [],
                "avoided_templates": []}
    return {"organization": profile.organization_id, "organization_name": profile.organization.name, "saved": True,
            "weekly_hours": profile.weekly_hours,
            "preferred_zones": sorted(zone.slug for zone in profile.preferred_zones.all()),
            "languages": sorted(language.code for language in profile.languages.all()),
            "preferred_templates": sorted(t.pk for t in profile.preferred_templates.all()),
            "avoided_templates": sorted(t.pk for t in profile.avoided_templates.all())}


def roster_profile_rows(*, user: User) -> list[dict]:
    """One row per organization the user responds for, saved or not: six queries however many."""
    organizations = Organization.objects.filter(pk__in=responder_organization_ids(user)).order_by("name")
    profiles = {p.organization_id: p for p in RosterProfile.objects.filter(user=user).select_related(
        "organization").prefetch_related("preferred_zones", "languages", "preferred_templates", "avoided_templates")}
    return [_profile_row(profiles.get(org.pk), org) for org in organizations]


class RosterProfileSerializer(serializers.Serializer):
    """What the auto-roster tries to give you in one organization. None of it is a rule: the eligibility
    engine decides who may work; this steers who is chosen among those who may."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), help_text="An organization you are a responder of.")
    organization_name = serializers.CharField(read_only=True)
    saved = serializers.BooleanField(read_only=True, help_text="False: nothing saved yet, the defaults apply.")
    weekly_hours = serializers.IntegerField(
        min_value=0, max_value=80, allow_null=True, required=False, default=None,
        help_text="Contracted or wanted hours a week; null: the program's default.")
    preferred_zones = StrictSlugRelatedField(
        many=True, slug_field="slug", queryset=Neighborhood.objects.all(), required=False, default=list,
        help_text="Slugs of the neighborhoods you know.")
    languages = StrictSlugRelatedField(
        many=True, slug_field="code", queryset=Language.objects.filter(is_active=True), required=False,
        default=list, help_text="Codes of the languages you speak.")
    preferred_templates = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ShiftTemplate.objects.none(), required=False, default=list,
        help_text="Ids of the organization's recurring shifts you want.")
    avoided_templates = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ShiftTemplate.objects.none(), required=False, default=list,
        help_text="Ids of the organization's recurring shifts you would rather not work.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            mine = responder_organization_ids(request.user)
            self.fields["organization"].queryset = Organization.objects.filter(pk__in=mine)
            for name in ("preferred_templates", "avoided_templates"):
                self.fields[name].child_relation.queryset = ShiftTemplate.objects.filter(
                    team__organization_id__in=mine).select_related("team")

    def validate(self, attrs):
        organization = attrs["organization"]
        for name in ("preferred_templates", "avoided_templates"):
            if any(t.team.organization_id != organization.pk for t in attrs.get(name, [])):
                raise serializers.ValidationError({name: [_("Choose shifts of this organization's teams.")]})
        if {t.pk for t in attrs.get("preferred_templates", [])} & {t.pk for t in attrs.get("avoided_templates", [])}:
            raise serializers.ValidationError({"avoided_templates": [
                _("A shift cannot be both wanted and rather not.")]})
        return attrs


@extend_schema(tags=["scheduling"])
class RosterProfileView(APIView):
    """Your roster preferences, one per organization you are a responder of."""

    serializer_class = RosterProfileSerializer

    @extend_schema(responses=RosterProfileSerializer(many=True))
    def get(self, request):
        return Response(roster_profile_rows(user=request.user))

    @extend_schema(request=RosterProfileSerializer, responses={200: RosterProfileSerializer, 400: ErrorSerializer},
                   examples=[OpenApiExample("Thirty hours, Dorchester, Spanish", request_only=True, value={
                       "organization": 3, "weekly_hours": 30, "preferred_zones": ["dorchester"],
                       "languages": ["es"], "preferred_templates": [7], "avoided_templates": [9]})])
    def put(self, request):
        """Replace your preferences in one organization (fields left out are emptied)."""
        data = RosterProfileSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        profile = roster_profile_save(by=request.user, user=request.user, **values)
        profile = RosterProfile.objects.select_related("organization").get(pk=profile.pk)
        return Response(_profile_row(profile))
