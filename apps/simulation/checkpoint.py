"""The checkpoint sweep: the routes of the URL resolver and every API list and detail, requested with
GET by every role, with the ids of objects that exist at that instant — for each model a past one, a
current one and a future one (the slots). Sweeper plans them over the run: every route for every
role at the full checkpoints, a slice of the route x role x slot matrix weekly. What a role may see
is the permission matrix's business (tests/security); here only a response of 500 or more, or an
error-level log record, is a failure.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from time import perf_counter

from django.db.models import Model, QuerySet
from django.test import Client
from django.utils import timezone

from apps.core.routes import walk_routes

from .summary import ErrorLogCapture, Summary

# The role columns: seed_demo's user (by the local part of the email) per role; None is anonymous.
ROLES = {
    "anonymous": None, "program_admin": "admin", "procurement_officer": "procurement", "rfp_evaluator": "evaluator",
    "moderator": "moderator", "coordinator": "coordinator", "trainer": "trainer", "responder": "responder",
    "program_evaluator": "program-evaluator",
}
SKIP_PREFIXES = ("admin/",)
# Routes whose GET does something a sweep must not do (signing out ends the role's session).
SKIP_NAMES = {"account_logout"}
# Routes whose answer depends on the code only, not on the data or the instant (the OpenAPI schema,
# half a second to build): asked once per role over the run, like a POST-only route.
ONCE_PER_ROLE = {"/api/schema/"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str      # for the report
    template: str     # a path with {kwarg} placeholders
    kwargs: tuple


def _template(pattern: str) -> tuple[str, tuple]:
    """A route pattern (path converters or DRF's regexes) as '/path/{kwarg}/' and its kwargs."""
    path = pattern.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    path = path.replace("\\.", ".")
    return "/" + path, tuple(re.findall(r"\{(\w+)\}", path))


_ROUTES: list[Route] | None = None


def routes() -> list[Route]:
    global _ROUTES
    if _ROUTES is None:
        found = {}
        for pattern, name in walk_routes():
            if pattern.startswith(SKIP_PREFIXES) or "(?P<format>" in pattern or name in SKIP_NAMES:
                continue
            template, kwargs = _template(pattern)
            found.setdefault(template, Route(name=name or template, pattern=pattern, template=template, kwargs=kwargs))
        _ROUTES = sorted(found.values(), key=lambda r: r.template)
    return _ROUTES


# --- objects that exist now ---------------------------------------------------------------------

SLOTS = ("past", "current", "future")
NO_SLOT = "-"  # a route without ids


def _three(queryset: QuerySet, time_field: str | None = None) -> dict[str, Model]:
    """A past, a current and a future object, by slot: by `time_field` around now when given, else
    the first, the middle and the last created. A slot with no object of its own borrows the
    nearest one, so every slot asks for an id that exists whenever any does."""
    if time_field:
        now = timezone.now()
        past = (queryset.filter(**{f"{time_field}__lt": now - timedelta(hours=1)})
                .order_by(f"-{time_field}", "-pk").first())
        current = queryset.filter(**{f"{time_field}__gte": now - timedelta(hours=1)}).order_by(time_field, "pk").first()
        future = queryset.order_by(f"-{time_field}", "-pk").first()
    else:
        count = queryset.count()
        if not count:
            return {}
        ordered = queryset.order_by("pk")
        past, current, future = ordered.first(), ordered[count // 2], ordered.last()
    found = {"past": past, "current": current, "future": future}
    fallback = current or past or future
    if fallback is None:
        return {}
    return {slot: obj or fallback for slot, obj in found.items()}


def _each(objects: dict, value: Callable) -> dict:
    out = {}
    for slot, obj in objects.items():
        v = value(obj)
        if v is not None:
            out[slot] = v
    return out


def _samples() -> dict[str, Callable[[], list]]:
    """Per kind of id: a function giving the values to try (each a dict of kwargs, or a value)."""
    from apps.accounts.models import Invitation, Membership, Organization
    from apps.accounts.services import invitation_token
    from apps.core.models import AuditEvent, Language, Neighborhood
    from apps.engagement import erasure
    from apps.engagement.models import CommunitySession, Decision, FeedbackItem, Registration, StaffTask
    from apps.engagement.services import registration_token
    from apps.notifications.models import Notification
    from apps.notifications.services import unsubscribe_token
    from apps.procurement.models import (
        Addendum,
        Clarification,
        Criterion,
        EvaluatorAssignment,
        Proposal,
        ProposalAttachment,
        Score,
        Solicitation,
        SolicitationDocument,
    )
    from apps.reports.models import ReportRequest
    from apps.scheduling.models import (
        Assignment,
        Availability,
        CalendarFeed,
        Position,
        Shift,
        ShiftTemplate,
        SwapRequest,
        TimeOff,
    )
    from apps.training.models import Course, Enrollment, FieldHours, RoleRequirement, TrainingRecord, TrainingSession

    def pks(qs, time_field=None):
        return lambda: _each(_three(qs, time_field), lambda o: o.pk)

    def constant(value):
        return lambda: dict.fromkeys(SLOTS, value)

    def each(qs, value, time_field=None):
        return lambda: _each(_three(qs, time_field), value)

    def proposal_then(criterion_kind="comparative"):
        def value(p):
            c = Criterion.objects.filter(solicitation_id=p.solicitation_id, kind=criterion_kind).order_by("pk").first()
            return None if c is None else {"pk": p.pk, "criterion_pk": c.pk, "solicitation_pk": p.solicitation_id}
        return value

    def proposal_criterion(p):
        found = proposal_then()(p)
        return None if found is None else {"pk": p.pk, "criterion_pk": found["criterion_pk"]}

    def consensus(p):
        found = proposal_then()(p)
        return None if found is None else {"pk": found["solicitation_pk"], "proposal_pk": p.pk,
                                           "criterion_pk": found["criterion_pk"]}

    def addendum(a):
        p = Proposal.objects.filter(solicitation_id=a.solicitation_id).order_by("pk").first()
        return None if p is None else {"pk": p.pk, "addendum_pk": a.pk}

    def or_else(sample, value):
        return lambda: sample() or dict.fromkeys(SLOTS, value)

    return {
        "organization": each(Organization.objects.all(), lambda o: o.slug),
        "membership": pks(Membership.objects.all()),
        "invitation": pks(Invitation.objects.all()),
        "invitation_token": or_else(each(Invitation.objects.all(), lambda i: invitation_token(invitation=i)),
                                    "not-a-token"),
        "notification": pks(Notification.objects.all(), "created_at"),
        "unsubscribe": constant(unsubscribe_token(contact="resident-1@mail.example")),
        "solicitation_ref": each(Solicitation.objects.all(), lambda s: s.reference),
        "solicitation": pks(Solicitation.objects.all()),
        "document": each(SolicitationDocument.objects.select_related("solicitation"),
                         lambda d: {"reference": d.solicitation.reference, "pk": d.pk}),
        "proposal": pks(Proposal.objects.all()),
        "proposal_attachment": each(ProposalAttachment.objects.all(),
                                    lambda a: {"pk": a.proposal_id, "attachment_pk": a.pk}),
        "proposal_addendum": each(Addendum.objects.all(), addendum),
        "attachment": pks(ProposalAttachment.objects.all()),
        "clarification": each(Clarification.objects.all(),
                              lambda c: {"pk": c.solicitation_id, "clarification_pk": c.pk}),
        "item": each(Criterion.objects.all(), lambda c: {"pk": c.solicitation_id, "item": "criterion",
                                                         "item_pk": c.pk}),
        "consensus": each(Proposal.objects.all(), consensus),
        "proposal_criterion": each(Proposal.objects.all(), proposal_criterion),
        "evaluation": each(EvaluatorAssignment.objects.all(), lambda a: a.solicitation_id),
        "transition": each(Solicitation.objects.all(), lambda s: {"pk": s.pk, "action": "consensus-start"}),
        "score": pks(Score.objects.all()),
        "record": pks(TrainingRecord.objects.all(), "completed_on"),
        "training_session": pks(TrainingSession.objects.all(), "starts_at"),
        "enrollment": pks(Enrollment.objects.all()),
        "field_hours": pks(FieldHours.objects.all()),
        "course_code": each(Course.objects.all(), lambda c: c.code),
        "requirement": pks(RoleRequirement.objects.all()),
        "position": pks(Position.objects.all()),
        "assignment": pks(Assignment.objects.all(), "starts_at"),
        "swap": pks(SwapRequest.objects.all()),
        "time_off": pks(TimeOff.objects.all(), "starts_at"),
        "availability": pks(Availability.objects.all()),
        "shift": pks(Shift.objects.all(), "starts_at"),
        "template": pks(ShiftTemplate.objects.all()),
        "feed": or_else(each(CalendarFeed.objects.all(), lambda f: f.token), "no-such-feed"),
        "community_session": pks(CommunitySession.objects.all(), "starts_at"),
        "registration_token": or_else(each(Registration.objects.all(), registration_token), "not-a-token"),
        "forget_token": constant(erasure.erasure_token(email="resident-1@mail.example")),
        "staff_task": pks(StaffTask.objects.all()),
        "feedback": pks(FeedbackItem.objects.all(), "created_at"),
        "decision": pks(Decision.objects.all()),
        "report": pks(ReportRequest.objects.all(), "created_at"),
        "report_kind": lambda: {"past": "program_monthly", "current": "training_compliance",
                                "future": "program_monthly"},
        "audit_event": pks(AuditEvent.objects.all()),
        "language": pks(Language.objects.all()),
        "neighborhood": pks(Neighborhood.objects.all()),
        "literal": lambda: {},
    }


# Route name -> (sample kind, kwarg name or None when the sample gives a dict of kwargs).
PAGE_TABLE = {
    "accounts:organization-detail": ("organization", "slug"),
    "accounts:membership-deactivate": ("membership", "pk"),
    "accounts:invitation-revoke": ("invitation", "pk"),
    "accounts:invitation-accept": ("invitation_token", "token"),
    "notifications:mark-read": ("notification", "pk"),
    "notifications:unsubscribe": ("unsubscribe", "token"),
    "procurement:solicitation-detail": ("solicitation_ref", "reference"),
    "procurement:document-download": ("document", None),
    "procurement:clarification-create": ("solicitation_ref", "reference"),
    "procurement:proposal-start": ("solicitation_ref", "reference"),
    "procurement:proposal-attachment-remove": ("proposal_attachment", None),
    "procurement:addendum-acknowledge": ("proposal_addendum", None),
    "procurement:attachment-download": ("attachment", "pk"),
    "procurement:solicitation-transition": ("transition", None),
    "procurement:solicitation-item-add": ("item", None),
    "procurement:solicitation-item-remove": ("item", None),
    "procurement:clarification-answer": ("clarification", None),
    "procurement:consensus-record": ("consensus", None),
    "procurement:evaluation-detail": ("evaluation", "pk"),
    "procurement:evaluation-attest": ("evaluation", "pk"),
    "procurement:evaluation-score": ("proposal_criterion", None),
    "training:record-detail": ("record", "pk"),
    "training:record-evidence": ("record", "pk"),
    "training:record-verify": ("record", "pk"),
    "training:record-reject": ("record", "pk"),
    "training:session-detail": ("training_session", "pk"),
    "training:session-enroll": ("training_session", "pk"),
    "training:session-cancel": ("training_session", "pk"),
    "training:enrollment-withdraw": ("enrollment", "pk"),
    "training:enrollment-attendance": ("enrollment", "pk"),
    "training:enrollment-assess": ("enrollment", "pk"),
    "training:field-hours-sign-off": ("field_hours", "pk"),
    "scheduling:position-sign-up": ("position", "pk"),
    "scheduling:position-assign": ("position", "pk"),
    "scheduling:swap-accept": ("swap", "pk"),
    "scheduling:swap-decide": ("swap", "pk"),
    "scheduling:swap-withdraw": ("swap", "pk"),
    "scheduling:time-off-decide": ("time_off", "pk"),
    "scheduling:time-off-withdraw": ("time_off", "pk"),
    "scheduling:availability-delete": ("availability", "pk"),
    "scheduling:template-generate": ("template", "pk"),
    "scheduling:ical": ("feed", "token"),
    "engagement:session-detail": ("community_session", "pk"),
    "engagement:session-register": ("community_session", "pk"),
    "engagement:session-ics": ("community_session", "pk"),
    "engagement:registration-detail": ("registration_token", "token"),
    "engagement:registration-cancel": ("registration_token", "token"),
    "engagement:registration-erase": ("registration_token", "token"),
    "engagement:privacy-forget-confirm": ("forget_token", "token"),
    "engagement:staff-task-complete": ("staff_task", "pk"),
    "engagement:feedback-detail": ("feedback", "pk"),
    "engagement:decision-edit": ("decision", "pk"),
    "engagement:decision-publish": ("decision", "pk"),
    "reports:report-create": ("report_kind", "kind"),
    "reports:subscription-set": ("report_kind", "kind"),
    "account_confirm_email": ("literal", None),
}
# Whole families by prefix (the pk kwarg): the assignment pages, shifts, proposals, staff sessions...
PREFIX_TABLE = [
    ("scheduling:assignment-", "assignment"), ("scheduling:swap-offer", "assignment"),
    ("scheduling:shift-", "shift"), ("procurement:proposal-", "proposal"),
    ("procurement:evaluation-", "proposal"), ("procurement:responsiveness-", "proposal"),
    ("procurement:", "solicitation"), ("engagement:staff-", "community_session"), ("reports:report-", "report"),
]
LITERALS = {"key": "not-a-real-key", "uidb36": "1", "token_key": "no-such-token"}
# API basenames (DRF route names) -> sample kind and the lookup kwarg.
API_TABLE = {
    "neighborhood": "neighborhood", "language": "language", "audit-event": "audit_event",
    "organization": "organization", "invitation": "invitation", "membership": "membership",
    "notification": "notification", "procurement-solicitation": "solicitation_ref",
    "procurement-proposal": "proposal", "procurement-score": "score", "training-course": "course_code",
    "training-requirement": "requirement", "training-record": "record", "training-session": "training_session",
    "training-field-hours": "field_hours", "scheduling-shift": "shift", "scheduling-position": "position",
    "scheduling-assignment": "assignment", "scheduling-swap": "swap", "scheduling-time-off": "time_off",
    "engagement-session": "community_session", "engagement-feedback": "feedback", "report-request": "report",
}


def _kind_for(route: Route) -> tuple[str, str | None]:
    if route.name in PAGE_TABLE:
        return PAGE_TABLE[route.name]
    if route.template.startswith("/api/v1/"):
        for basename in sorted(API_TABLE, key=len, reverse=True):
            if route.name.startswith(basename + "-"):
                return API_TABLE[basename], route.kwargs[0]
    for prefix, kind in PREFIX_TABLE:
        if route.name.startswith(prefix):
            return kind, "pk"
    return "literal", None


def url_for(route: Route, slot: str, samples: dict, cache: dict) -> str:
    """The route's path with the id of the slot's object (or a placeholder when none exists yet:
    the route must still answer, with a 404)."""
    if not route.kwargs:
        return route.template
    kind, kwarg = _kind_for(route)
    if kind not in cache:
        cache[kind] = samples[kind]()
    value = cache[kind].get(slot)
    kwargs = {} if value is None else (dict(value) if isinstance(value, dict) else {kwarg: value})
    for name in route.kwargs:
        kwargs.setdefault(name, LITERALS.get(name, "0"))
    return route.template.format(**{k: kwargs[k] for k in route.kwargs})


class Sweeper:
    """The checkpoints' requests, planned over the whole run.

    A full sweep (month ends, DST nights, the end) asks every route for every role, with the ids
    of one slot — past, current, future in turn from one full sweep to the next. A weekly sweep asks
    one slice of the whole matrix (route x role x slot), the slices in turn. A route that answers a
    GET with 405 (a POST-only action), or whose answer depends on the code only (ONCE_PER_ROLE), is
    asked once per role and then left out: asking again tells nothing new. `coverage()` says how
    much of the matrix was asked.
    """

    WEEKLY_SLICES = 20

    def __init__(self, *, summary: Summary, capture: ErrorLogCapture, users: dict):
        self.summary, self.capture, self.users = summary, capture, users
        self.clients: dict[str, Client] = {}
        self.post_only: set[str] = set(ONCE_PER_ROLE)  # and the routes asked once per role
        self.asked: set[tuple] = set()       # (role, template, slot)
        self.asked_roles: set[tuple] = set()  # (role, template)
        self.full_sweeps = 0
        self.weekly_sweeps = 0
        self.seconds: dict[str, float] = {}  # per route template, for --verbose

    def matrix(self) -> list[tuple[str, Route, str]]:
        return [(role, route, slot) for route in routes() for slot in (SLOTS if route.kwargs else (NO_SLOT,))
                for role in ROLES]

    def coverage(self) -> tuple[int, int]:
        """(asked, total) cells of the matrix; a POST-only route's cells count once asked per role."""
        cells = self.matrix()
        done = sum(1 for role, route, slot in cells if (role, route.template, slot) in self.asked
                   or (route.template in self.post_only and (role, route.template) in self.asked_roles))
        return done, len(cells)

    def plan(self, *, full: bool) -> list[tuple[str, Route, str]]:
        if full:
            slot = SLOTS[self.full_sweeps % len(SLOTS)]
            self.full_sweeps += 1
            cells = [(role, route, slot if route.kwargs else NO_SLOT) for route in routes() for role in ROLES]
        else:
            part = self.weekly_sweeps % self.WEEKLY_SLICES
            self.weekly_sweeps += 1
            cells = [cell for n, cell in enumerate(self.matrix()) if n % self.WEEKLY_SLICES == part]
        return [(role, route, slot) for role, route, slot in cells
                if route.template not in self.post_only or (role, route.template) not in self.asked_roles]

    def _client(self, role: str) -> Client:
        """One browser per role for the whole run, signed in again at each sweep (staff sessions
        lapse after 30 idle minutes, and simulated days pass between sweeps)."""
        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = Client(raise_request_exception=False)
        local_part = ROLES[role]
        if local_part is not None:
            client.force_login(self.users[local_part])
        return client

    def sweep(self, *, label: str, full: bool) -> int:
        """One checkpoint's requests. Returns how many were made."""
        summary, capture = self.summary, self.capture
        samples = _samples()
        cache: dict = {}
        now = timezone.now()
        made = 0
        cells = self.plan(full=full)
        by_role: dict[str, list] = {}
        for role, route, slot in cells:
            by_role.setdefault(role, []).append((route, slot, url_for(route, slot, samples, cache)))
        for role, targets in by_role.items():
            client = self._client(role)
            for route, slot, url in targets:
                capture.drain()
                began = perf_counter()
                try:
                    response = client.get(url)
                    status = response.status_code
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)
                except Exception as exc:  # the test client re-raising: counts as a 500
                    status = 500
                    summary.fail("http", now, f"GET {url} ({route.name})", role=role,
                                 detail=f"{label}: raised {type(exc).__name__}: {exc}")
                self.seconds[route.template] = self.seconds.get(route.template, 0.0) + perf_counter() - began
                made += 1
                self.asked.add((role, route.template, slot))
                self.asked_roles.add((role, route.template))
                summary.status_codes[status] += 1
                if status == 405:
                    self.post_only.add(route.template)
                if status >= 500:
                    summary.fail("http", now, f"GET {url} ({route.name})", role=role,
                                 detail=f"{label}: status {status}")
                for record in capture.drain():
                    summary.fail("log", now, f"GET {url} ({route.name})", role=role,
                                 detail=f"{label}: {record.name}: {_describe(record)}")
        summary.checkpoints += 1
        summary.checkpoint_requests += made
        summary.sweep_coverage = self.coverage()
        return made

    def slowest(self, n: int = 15) -> list[tuple[str, float]]:
        return sorted(self.seconds.items(), key=lambda item: -item[1])[:n]


def _describe(record) -> str:
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        import traceback

        exc = record.exc_info[1]
        frames = traceback.extract_tb(exc.__traceback__)
        where = next((f"{f.filename.split('/work/main/')[-1]}:{f.lineno}" for f in reversed(frames)
                      if "/apps/" in f.filename), "")
        text += f" [{type(exc).__name__}: {exc} at {where}]"
    return text
