"""The program monthly report: the key figures of every module for one month, with charts, for the
city and the external evaluator. Beat makes it on the 1st for subscribers (see services).

Figures are aggregates. For the evaluator, who sees de-identified data only, every count of
people under 5 is suppressed; schedule fill rates come from the schedule selectors, which show
them to program admins only.
"""

import re
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.accounts.roles import OrganizationKind, Role
from apps.engagement import selectors as engagement
from apps.engagement.models import CommunitySession
from apps.procurement import selectors as procurement
from apps.scheduling import selectors as scheduling
from apps.training.models import RequirementRole
from apps.training.readiness import readiness_pass, records_expiring_between

from ..charts import bar_chart, line_chart
from . import ReportForm, ReportKind, register_report_kind
from .common import local_bounds, rate, weeks_of

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_bounds(value: str) -> tuple[date, date]:
    year, month = (int(p) for p in value.split("-"))
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


class MonthForm(ReportForm):
    month = forms.CharField(label=_("Month"), max_length=7, help_text=_("YYYY-MM, e.g. 2026-10."))

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not MONTH_RE.match(value):
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        if month_bounds(value)[0] > timezone.localdate():
            raise forms.ValidationError(_("That month has not started yet."))
        return value

    def describe(self) -> str:
        return self.cleaned_data["month"]


def gather_monthly(*, user, data, progress) -> dict:
    start, end = month_bounds(data["month"])
    admin = user.has_role(Role.PROGRAM_ADMIN)

    def people(n: int):
        return n if admin else engagement.suppress(n)

    def share(part: int, whole: int):
        # A rate over fewer than 5 people is as telling as the count itself.
        return rate(part, whole) if admin or whole >= engagement.SUPPRESSION_THRESHOLD else None

    lo, hi = local_bounds(start, end)
    through = min(hi, timezone.now())
    organizations = list(Organization.objects.filter(kind=OrganizationKind.NONPROFIT, is_active=True)
                         .order_by("name"))
    candidates = {o.pk: list(scheduling.responder_candidates(organization_id=o.pk).values_list("pk", flat=True))
                  for o in organizations}
    readiness = readiness_pass(groups=candidates, at=through)  # one pass for every organization
    org_rows = []
    for index, organization in enumerate(organizations):
        responders = candidates[organization.pk]
        results = readiness[(organization.pk, RequirementRole.RESPONDER)]
        cleared = sum(1 for r in results.values() if r.cleared)
        hours = scheduling.timesheet(organization=organization, start=start, end=end)
        expiring = records_expiring_between(end + timedelta(days=1), end + timedelta(days=90),
                                            organization=organization).count()
        org_rows.append({"organization": organization, "responders": people(len(responders)),
                         "cleared": people(cleared), "cleared_rate": share(cleared, len(responders)),
                         "expiring": people(expiring), "shifts": sum(r.shifts for r in hours),
                         "hours": round(sum(r.hours for r in hours), 1), "no_shows": sum(r.no_shows for r in hours),
                         "_responders": len(responders), "_cleared": cleared})
        progress(5 + int(40 * (index + 1) / max(len(organizations), 1)))
    weekly = []
    for wlo, whi in weeks_of(start, end):
        total = 0.0
        for organization in organizations:
            total += sum(r.hours for r in scheduling.timesheet(organization=organization, start=wlo, end=whi))
        weekly.append((f"{wlo:%m-%d}", round(total, 1)))
    progress(60)
    fill = None
    if admin:
        required = filled = 0
        for team in scheduling.team_list(user=user):
            cov = scheduling.coverage(user=user, team=team, start=start, end=end)
            required, filled = required + cov.required, filled + cov.filled
        fill = {"required": required, "filled": filled, "rate": rate(filled, required)}
    sessions = None
    if admin:
        sessions = (engagement.session_list(user=user).filter(starts_at__gte=lo, starts_at__lt=hi)
                    .exclude(status__in=[CommunitySession.Status.DRAFT, CommunitySession.Status.CANCELLED]).count())
    themes = engagement.public_theme_counts()
    decisions = list(engagement.public_decision_list().filter(decided_on__gte=start, decided_on__lte=end))
    solicitations_open = procurement.solicitation_public_list().count()
    past = list(procurement.solicitation_public_list(past=True))
    progress(70)
    total_responders = sum(r["_responders"] for r in org_rows)
    total_cleared = sum(r["_cleared"] for r in org_rows)
    return {
        "month": data["month"], "start": start, "end": end, "admin": admin, "orgs": org_rows,
        "responders": people(total_responders), "cleared": people(total_cleared),
        "cleared_rate": share(total_cleared, total_responders),
        "shifts": sum(r["shifts"] for r in org_rows), "hours": round(sum(r["hours"] for r in org_rows), 1),
        "no_shows": sum(r["no_shows"] for r in org_rows), "fill": fill, "sessions": sessions,
        "themes": themes, "decisions": decisions, "solicitations_open": solicitations_open,
        "solicitations_awarded": sum(1 for s in past if s.status == "awarded"),
        "solicitations_past": len(past),
        "hours_chart": line_chart([w for w, _h in weekly], [(str(_("Hours worked")), [h for _w, h in weekly])],
                                  title=str(_("Hours worked by week"))) if weekly else "",
        "cleared_chart": bar_chart([(r["organization"].name, r["cleared_rate"]) for r in org_rows],
                                   title=str(_("Responders cleared for duty (%)")), unit="%",
                                   suppressed_label="—" if admin else "<5") if org_rows else "",
        "theme_chart": bar_chart([(t["theme"].name_en, t["count"]) for t in themes],
                                 title=str(_("Published comments by theme"))) if themes else "",
    }


register_report_kind(ReportKind(
    key="program_monthly", label=_("Program monthly report"), order=80,
    description=_("The key figures of every module for one month, with charts."),
    template="reports/pdf/program_monthly.html", form_class=MonthForm, gather=gather_monthly,
    roles=frozenset({Role.PROGRAM_ADMIN, Role.PROGRAM_EVALUATOR}),
))
