"""Who may run which report and read which PDF. Plain predicates."""

from .kinds import ReportKind, all_report_kinds, get_report_kind


def can_run_kind(user, kind: ReportKind | str) -> bool:
    if isinstance(kind, str):
        try:
            kind = get_report_kind(kind)
        except LookupError:
            return False
    return user.is_authenticated and kind.can_run(user)


def runnable_kinds(user) -> list[ReportKind]:
    return [k for k in all_report_kinds() if can_run_kind(user, k)]


def can_run_any_kind(user) -> bool:
    return bool(runnable_kinds(user))


def can_view_report(user, report) -> bool:
    """A report is its requester's own; the selector hides everyone else's (a 404)."""
    return user.is_authenticated and report.requested_by_id == user.pk


def can_download_report(user, report) -> bool:
    """Its requester, while they still hold the rights the kind needs (else 403)."""
    return can_view_report(user, report) and can_run_kind(user, report.kind)
