"""Reads of engagement data, already scoped: the public sees published sessions and decisions;
moderators see their department's sessions and the feedback they handle."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.privacy import SUPPRESSION_THRESHOLD

from .models import (
    AgendaItem,
    CommunitySession,
    Decision,
    FeedbackCoding,
    FeedbackItem,
    Registration,
    StaffTask,
    Theme,
)
from .permissions import is_engagement_staff, staff_organization_ids

# Public figures, decided once (issue 19) and used by the public pages and the reports alike: a count
# of people or of their feedback (registrations, attendance, comments per theme) under 5 could point
# at someone, so it is suppressed (`suppress`). Places left in a session are operational — a resident
# needs the exact number to decide — so they are shown as they are (`CommunitySession.places_left`),
# and the number of people registered is never shown on a public page.


def _seat_count(status: str) -> Subquery:
    return Subquery(
        Registration.objects.filter(session=OuterRef("pk"), status=status).order_by()
        .values("session").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def _with_seats(qs: QuerySet[CommunitySession]) -> QuerySet[CommunitySession]:
    # Correlated subqueries, not a join with GROUP BY: they are computed only for the rows of the
    # page shown, instead of counting every session's registrations before paginating.
    return qs.annotate(
        registered_count=Coalesce(_seat_count(Registration.Status.REGISTERED), 0),
        waitlist_count=Coalesce(_seat_count(Registration.Status.WAITLISTED), 0),
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def public_session_list(*, neighborhood: str = "", language: str = "", starts_from: date | None = None,
                        starts_to: date | None = None) -> QuerySet[CommunitySession]:
    """Published sessions that have not ended, soonest first, for residents; `starts_from` and
    `starts_to` are local days, both included."""
    qs = CommunitySession.objects.filter(status=CommunitySession.Status.PUBLISHED, ends_at__gt=timezone.now())
    if starts_from:
        qs = qs.filter(starts_at__gte=_local_midnight(starts_from))
    if starts_to:
        qs = qs.filter(starts_at__lt=_local_midnight(starts_to + timedelta(days=1)))
    if neighborhood:
        qs = qs.filter(neighborhood__slug=neighborhood)
    if language:
        qs = qs.filter(interpretation_languages__code=language)
    return (_with_seats(qs).select_related("neighborhood", "facilitating_organization")
            .prefetch_related("interpretation_languages").order_by("starts_at", "id"))


def public_session_get(*, pk: int) -> CommunitySession:
    """A published, completed or cancelled session (never a draft). Raises DoesNotExist."""
    qs = CommunitySession.objects.exclude(status=CommunitySession.Status.DRAFT).filter(pk=pk)
    return (_with_seats(qs).select_related("neighborhood", "facilitating_organization")
            .prefetch_related("interpretation_languages",
                              Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("order", "id")))
            .get())


def session_list(*, user, status: str = "") -> QuerySet[CommunitySession]:
    if not is_engagement_staff(user):
        return CommunitySession.objects.none()
    qs = CommunitySession.objects.all()
    departments = staff_organization_ids(user)
    if departments is not None:
        qs = qs.filter(organization_id__in=departments)
    if status:
        qs = qs.filter(status=status)
    return (_with_seats(qs).select_related("neighborhood", "organization", "facilitating_organization")
            .prefetch_related("interpretation_languages").order_by("-starts_at", "-id"))


def registration_list(*, user, session: CommunitySession) -> QuerySet[Registration]:
    if not session_list(user=user).filter(pk=session.pk).exists():
        return Registration.objects.none()
    return (Registration.objects.filter(session=session)
            .select_related("language", "interpretation_language").order_by("status", "created_at", "id"))


def waitlist_position(registration: Registration) -> int | None:
    """The registration's place on its session's waitlist (1 is the next to get a seat); None when it
    is not waiting."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return Registration.objects.filter(
        session_id=registration.session_id, status=Registration.Status.WAITLISTED,
        created_at__lte=registration.created_at, id__lte=registration.id).count()


def staff_task_list(*, user, status: str = "") -> QuerySet[StaffTask]:
    sessions = session_list(user=user).values("pk")
    qs = StaffTask.objects.filter(session__in=sessions)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("session", "registration", "done_by").order_by("status", "session__starts_at", "id")


def feedback_list(*, user, status: str = "", flagged: bool | None = None,
                  session_id: int | None = None) -> QuerySet[FeedbackItem]:
    if not is_engagement_staff(user):
        return FeedbackItem.objects.none()
    qs = FeedbackItem.objects.all()
    departments = staff_organization_ids(user)
    if departments is not None:
        # Feedback tied to no department is every moderator's (as permissions.can_moderate_feedback says).
        qs = qs.filter(Q(organization__isnull=True) | Q(organization_id__in=departments))
    if status:
        qs = qs.filter(status=status)
    if flagged is not None:
        qs = qs.filter(safety_flag=flagged)
    if session_id:
        qs = qs.filter(session_id=session_id)
    return (qs.select_related("session", "language", "neighborhood", "entered_by", "moderated_by")
            .prefetch_related("themes").order_by("-safety_flag", "-created_at", "-id"))


def feedback_next(*, queue: QuerySet[FeedbackItem], after: FeedbackItem) -> FeedbackItem | None:
    """The item that follows `after` in `queue` (the moderator's filtered queue, in its order: crisis
    first, newest first). Found by `after`'s place in that order, not by its position, so it works
    when the decision just taken has moved `after` out of the queue (a pending item approved)."""
    flag, received = after.safety_flag, after.created_at
    later = (Q(safety_flag__lt=flag) | Q(safety_flag=flag, created_at__lt=received)
             | Q(safety_flag=flag, created_at=received, pk__lt=after.pk))
    return queue.exclude(pk=after.pk).filter(later).order_by("-safety_flag", "-created_at", "-id").first()


PICKER_LIMIT = 20


def feedback_linkable(*, user) -> QuerySet[FeedbackItem]:
    """What a decision may quote: published feedback the moderator handles."""
    return (feedback_list(user=user, status=FeedbackItem.Status.APPROVED).select_related(None)
            .select_related("session", "language").prefetch_related(None))


def feedback_picker(*, user, q: str = "", exclude=(), limit: int = PICKER_LIMIT) -> tuple[list[FeedbackItem], bool]:
    """Published feedback matching `q` (words of the text, or a number), for linking to a decision:
    at most `limit` items, newest first, and whether there were more (one query either way)."""
    qs = feedback_linkable(user=user).exclude(pk__in=list(exclude))
    q = q.strip()
    number = q.lstrip("#")
    if number.isdigit() and len(number) < 10:
        qs = qs.filter(Q(pk=int(number)) | Q(text__icontains=q))
    elif q:
        qs = qs.filter(text__icontains=q)
    items = list(qs.order_by("-created_at", "-id")[:limit + 1])
    return items[:limit], len(items) > limit


def theme_list(*, active_only: bool = False) -> QuerySet[Theme]:
    qs = Theme.objects.select_related("parent")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("parent__name", "name", "id")


def decision_list(*, user) -> QuerySet[Decision]:
    qs = Decision.objects.prefetch_related("themes")
    if not is_engagement_staff(user):
        qs = qs.filter(is_published=True)
    return qs.order_by("-decided_on", "-id")


def public_decision_list() -> QuerySet[Decision]:
    return (Decision.objects.filter(is_published=True)
            .prefetch_related("themes").order_by("-decided_on", "-id"))


def suppress(count: int) -> int | None:
    """Public figures: a count of people under 5 could point at a person, so it is not shown (see the
    rule at SUPPRESSION_THRESHOLD)."""
    return count if count >= SUPPRESSION_THRESHOLD else None


def public_theme_counts() -> list[dict]:
    """Published feedback per top-level theme (a sub-theme counts for its parent), small counts
    suppressed. One query for the codings, one for the themes."""
    items_by_theme: dict[int, set[int]] = {}
    codings = (FeedbackCoding.objects.filter(item__status=FeedbackItem.Status.APPROVED,
                                             item__is_translation_feedback=False)
               .values_list("theme_id", "theme__parent_id", "item_id"))
    for theme_id, parent_id, item_id in codings:
        items_by_theme.setdefault(parent_id or theme_id, set()).add(item_id)
    themes = Theme.objects.filter(parent__isnull=True, is_active=True).order_by("name", "id")
    return [{"theme": t, "count": suppress(len(items_by_theme.get(t.pk, ())))} for t in themes]


def dashboard_counts(*, user) -> dict[str, int]:
    feedback = feedback_list(user=user)
    return {
        "pending": feedback.filter(status=FeedbackItem.Status.PENDING).count(),
        "flagged": feedback.filter(status=FeedbackItem.Status.PENDING, safety_flag=True).count(),
        "open_tasks": staff_task_list(user=user, status=StaffTask.Status.OPEN).count(),
        "upcoming": session_list(user=user).filter(status=CommunitySession.Status.PUBLISHED,
                                                   ends_at__gt=timezone.now()).count(),
    }


def program_engagement_summary(*, month: date, exact: bool = False, now: datetime | None = None) -> dict:
    """Program-wide engagement figures for `month`'s local calendar month (any day of it), for the
    monthly report: sessions held and cancelled, registrations and attendance at the sessions held,
    feedback received by language and by neighborhood, decisions published. Counts of people
    (registrations, attendance, comments) under 5 are suppressed unless `exact` (the program admin's
    edition); sessions and decisions are public records, so their counts are shown as they are.

    Five aggregate queries however many rows. A session is held when it was published (or completed)
    and has ended by `now` (one under way is not yet held); a comment is received when it was submitted
    in the month, whatever its moderation status, and rows by language and neighborhood never name the
    person or the session."""
    now = now or timezone.now()

    def people(n: int) -> int | None:
        return n if exact else suppress(n)

    tz = timezone.get_default_timezone()
    first = month.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    lo, hi = datetime.combine(first, time.min, tzinfo=tz), datetime.combine(following, time.min, tzinfo=tz)
    in_month = CommunitySession.objects.filter(starts_at__gte=lo, starts_at__lt=hi)
    held = in_month.filter(status__in=[CommunitySession.Status.PUBLISHED, CommunitySession.Status.COMPLETED],
                           ends_at__lte=now)
    held_q = Q(status__in=[CommunitySession.Status.PUBLISHED, CommunitySession.Status.COMPLETED], ends_at__lte=now)
    sessions = in_month.order_by().aggregate(
        held=Count("pk", filter=held_q),
        cancelled=Count("pk", filter=Q(status=CommunitySession.Status.CANCELLED)),
        listening=Count("pk", filter=held_q & Q(kind=CommunitySession.Kind.LISTENING)),
        design=Count("pk", filter=held_q & Q(kind=CommunitySession.Kind.DESIGN)),
        report_back=Count("pk", filter=held_q & Q(kind=CommunitySession.Kind.REPORT_BACK)),
        attendance_recorded=Count("pk", filter=held_q & Q(attendance_count__isnull=False)),
        attendance=Coalesce(Sum("attendance_count", filter=held_q), 0),
    )
    registrations = Registration.objects.filter(session__in=held).order_by().aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        checked_in=Count("pk", filter=Q(status=Registration.Status.REGISTERED, checked_in_at__isnull=False)),
    )
    feedback = FeedbackItem.objects.filter(created_at__gte=lo, created_at__lt=hi).order_by()
    by_language = list(feedback.values("language__code", "language__name", "language__native_name")
                       .annotate(n=Count("pk")).order_by("-n", "language__name"))
    by_neighborhood = list(feedback.values("neighborhood__name").annotate(n=Count("pk"))
                           .order_by("-n", "neighborhood__name"))
    decisions = Decision.objects.filter(is_published=True, decided_on__gte=first, decided_on__lt=following).count()
    received = sum(r["n"] for r in by_language)  # every comment has one language
    return {
        "sessions_held": sessions["held"], "sessions_cancelled": sessions["cancelled"],
        "sessions_by_kind": {k: sessions[k] for k in ("listening", "design", "report_back")},
        "attendance_recorded": sessions["attendance_recorded"],
        "attendance": people(sessions["attendance"]) if sessions["attendance_recorded"] else None,
        "registrations": people(registrations["registered"]), "waitlisted": people(registrations["waitlisted"]),
        "checked_in": people(registrations["checked_in"]),
        "feedback_received": people(received),
        "feedback_by_language": [{"code": r["language__code"], "name": r["language__name"],
                                  "native_name": r["language__native_name"] or r["language__name"],
                                  "count": people(r["n"])} for r in by_language],
        # None: the comment gave no neighborhood.
        "feedback_by_neighborhood": [{"name": r["neighborhood__name"], "count": people(r["n"])}
                                     for r in by_neighborhood],
        "decisions_published": decisions,
    }
