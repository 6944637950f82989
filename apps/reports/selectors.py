"""Reads of report requests: a person sees their own, nobody else's."""

from django.db.models import QuerySet

from .models import ReportRequest, ReportSubscription


def report_list(*, user, status: str = "") -> QuerySet[ReportRequest]:
    if not user.is_authenticated:
        return ReportRequest.objects.none()
    qs = ReportRequest.objects.filter(requested_by=user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def report_get(*, user, pk: int) -> ReportRequest:
    """Raises ReportRequest.DoesNotExist for someone else's report (the view makes it a 404)."""
    return report_list(user=user).get(pk=pk)


def subscription_for(*, user, kind: str) -> ReportSubscription | None:
    if not user.is_authenticated:
        return None
    return ReportSubscription.objects.filter(user=user, kind=kind, is_active=True).first()
