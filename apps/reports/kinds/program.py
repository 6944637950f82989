"""The program monthly report: the key figures of every module for one month, with charts, for the
city and the external evaluator. Beat makes it on the 1st for subscribers (see services).

Figures are aggregates. For the evaluator, who sees de-identified data only, every count of
people under 5 is suppressed and no organization is named: the per-organization table and chart
are in the program admin's edition only. Schedule fill and community-session figures come from the
program-wide selectors of scheduling and engagement, de-identified for the evaluator and exact for
the program admin.
"""

import re
from datetime import date, timedelta

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role
from apps.accounts.selectors import nonprofit_list
from apps.engagement import selectors as engagement
from apps.engagement.models import FeedbackCoding, FeedbackItem, Theme
from apps.procurement import selectors as procurement
from apps.scheduling import selectors as scheduling
from apps.training.models import RequirementRole
from apps.training.readiness import readiness_pass, records_expiring_between

from ..charts import bar_chart, line_chart
from ..figures import SUPPRESSED, suppressed_rate
from ..labels import labels
from . import ReportForm, ReportKind, register_report_kind
from .common import local_bounds, rate, weeks_of

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

# key: (English, Spanish) — see reports.labels.
LABELS = {
    "schedule": (N_("Shift schedule"), "Horario de turnos"),
    "places_published": (N_("Places published"), "Puestos publicados"),
    "places_filled": (N_("Places filled"), "Puestos cubiertos"),
    "fill_rate": (N_("Fill rate"), "Tasa de cobertura"),
    "schedule_fill_rate": (N_("Schedule fill rate"), "Tasa de cobertura de turnos"),
    "hours_scheduled": (N_("Hours scheduled"), "Horas programadas"),
    "hours_worked": (N_("Hours worked"), "Horas trabajadas"),
    "no_shows": (N_("No-shows"), "Inasistencias"),
    "by_team_type": (N_("By team type"), "Por tipo de equipo"),
    "by_zone": (N_("By zone"), "Por zona"),
    "team_type": (N_("Team type"), "Tipo de equipo"),
    "zone": (N_("Zone"), "Zona"),
    "no_zone": (N_("No zone"), "Sin zona"),
    "schedule_note": (N_("Published shifts that start in the month. A shift in several zones counts in each."),
                      "Turnos publicados que empiezan en el mes. Un turno en varias zonas cuenta en cada una."),
    "community_sessions": (N_("Community sessions"), "Sesiones comunitarias"),
    "sessions_held": (N_("Sessions held"), "Sesiones realizadas"),
    "sessions_cancelled": (N_("Sessions cancelled"), "Sesiones canceladas"),
    "listening": (N_("Listening sessions"), "Sesiones de escucha"),
    "design": (N_("Community-design workshops"), "Talleres de diseño comunitario"),
    "report_back": (N_("Report-back sessions"), "Sesiones de rendición de cuentas"),
    "registrations": (N_("Registrations"), "Inscripciones"),
    "waitlisted": (N_("On the waitlist"), "En lista de espera"),
    "checked_in": (N_("Checked in"), "Llegada registrada"),
    "attendance": (N_("Attendance"), "Asistencia"),
    "not_recorded": (N_("not recorded"), "sin registrar"),
    "feedback_received": (N_("Comments received"), "Comentarios recibidos"),
    "by_language": (N_("Comments by language"), "Comentarios por idioma"),
    "by_neighborhood": (N_("Comments by neighborhood"), "Comentarios por barrio"),
    "language": (N_("Language"), "Idioma"),
    "neighborhood": (N_("Neighborhood"), "Barrio"),
    "count": (N_("Count"), "Cantidad"),
    "not_given": (N_("Not given"), "No indicado"),
    "decisions_published": (N_("Decisions published"), "Decisiones publicadas"),
    "sessions_note": (N_("Sessions that started in the month; registrations and attendance of the sessions held; "
                         "comments submitted in the month through any channel."),
                      "Sesiones que empezaron en el mes; inscripciones y asistencia de las sesiones realizadas; "
                      "comentarios enviados en el mes por cualquier medio."),
    "deidentified_note": (N_("De-identified edition: no person or organization is named; figures by organization "
                             "are in the program admin's edition."),
                          "Edición sin datos identificativos: no se nombra a ninguna persona ni organización; las "
                          "cifras por organización están en la edición del administrador del programa."),
}


def month_bounds(value: str) -> tuple[date, date]:
    year, month = (int(p) for p in value.split("-"))
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


class MonthForm(ReportForm):
    month = forms.CharField(label=_("Month"), max_length=7, help_text=_("YYYY-MM, e.g. 2026-10."),
                            widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # last month: the one a monthly report is usually asked for
            last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
            self.initial.setdefault("month", f"{last_month:%Y-%m}")

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not MONTH_RE.match(value):
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        if month_bounds(value)[0] > timezone.localdate():
            raise forms.ValidationError(_("That month has not started yet."))
        return value

    def describe(self) -> str:
        return self.cleaned_data["month"]


def theme_counts(start: date, end: date, *, exact: bool) -> list[dict]:
    """Published comments submitted in start..end per top-level theme (a sub-theme counts for its parent),
    suppressed under 5 unless `exact`. Engagement's public_theme_counts is all-time (the public page's
    figure); a monthly report counts its own month. Two queries."""
    lo, hi = local_bounds(start, end)
    items_by_theme: dict[int, set[int]] = {}
    codings = (FeedbackCoding.objects.filter(item__status=FeedbackItem.Status.APPROVED, item__created_at__gte=lo,
                                             item__created_at__lt=hi)
               .values_list("theme_id", "theme__parent_id", "item_id"))
    for theme_id, parent_id, item_id in codings:
        items_by_theme.setdefault(parent_id or theme_id, set()).add(item_id)
    themes = Theme.objects.filter(parent__isnull=True, is_active=True).order_by("name", "id")
    return [{"theme": t, "count": len(items_by_theme.get(t.pk, ())) if exact
             else engagement.suppress(len(items_by_theme.get(t.pk, ())))} for t in themes]


def gather_monthly(*, user, data, progress) -> dict:
    start, end = month_bounds(data["month"])
    admin = is_program_admin(user)

    def people(n: int):
        return n if admin else engagement.suppress(n)

    def share(part: int, whole: int):
        # A rate over fewer than 5 people is as telling as the count itself: it reads "<5" like the count.
        return suppressed_rate(rate(part, whole), whole, exact=admin)

    hi = local_bounds(start, end)[1]
    through = min(hi, timezone.now())
    organizations = list(nonprofit_list())
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
    # Program-wide and de-identified for the evaluator (counts under 5 suppressed), exact for the admin.
    fill = scheduling.program_fill_summary(month=start, exact=admin)
    sessions = engagement.program_engagement_summary(month=start, exact=admin)
    language = (translation.get_language() or "en").split("-")[0]
    es, L = language == "es", labels(language, LABELS)
    for row in sessions["feedback_by_language"]:
        row["label"] = row["native_name"] if es else row["name"]
    themes = theme_counts(start, end, exact=admin)
    decisions = list(engagement.public_decision_list().filter(decided_on__gte=start, decided_on__lte=end))
    solicitations_open = procurement.solicitation_public_list().count()
    past = list(procurement.solicitation_public_list(past=True))
    progress(70)
    total_responders = sum(r["_responders"] for r in org_rows)
    total_cleared = sum(r["_cleared"] for r in org_rows)
    total_shifts = sum(r["shifts"] for r in org_rows)
    return {
        "month": data["month"], "start": start, "end": end, "admin": admin, "orgs": org_rows if admin else [],
        "responders": people(total_responders), "cleared": people(total_cleared),
        "cleared_rate": share(total_cleared, total_responders),
        "shifts": people(total_shifts), "no_shows": people(sum(r["no_shows"] for r in org_rows)),
        # Hours over fewer than 5 shifts are as telling as the count itself.
        "hours": round(sum(r["hours"] for r in org_rows), 1) if people(total_shifts) is not None else None,
        "fill": fill, "sessions": sessions,
        "fill_tables": [(L["by_team_type"], L["team_type"], fill.by_team_type),
                        (L["by_zone"], L["zone"], fill.by_zone)],
        "themes": themes, "decisions": decisions, "solicitations_open": solicitations_open,
        "solicitations_awarded": sum(1 for s in past if s.status == "awarded"),
        "solicitations_past": len(past),
        "hours_chart": line_chart([w for w, _h in weekly], [(str(_("Hours worked")), [h for _w, h in weekly])],
                                  title=str(_("Hours worked by week")), axis_label=str(_("hours")),
                                  height=180)
                      if weekly and people(total_shifts) is not None else "",
        # Organization names are for the program admin's edition only.
        "cleared_chart": bar_chart([(r["organization"].name, None if r["cleared_rate"] is SUPPRESSED
                                     else r["cleared_rate"]) for r in org_rows],
                                   title=str(_("Responders cleared for duty (%)")), unit="%",
                                   axis_label=str(_("% of responders")), suppressed_label="—")
                      if admin and org_rows else "",
        "theme_chart": bar_chart([(t["theme"].name, t["count"]) for t in themes],
                                 title=str(_("Published comments by theme")), axis_label=str(_("comments")))
                       if any(t["count"] is not None for t in themes) else "",
        "extra_labels": LABELS,
    }


register_report_kind(ReportKind(
    key="program_monthly", label=_("Program monthly report"), order=80,
    description=_("The key figures of every module for one month, with charts."),
    template="reports/pdf/program_monthly.html", form_class=MonthForm, gather=gather_monthly,
    roles=frozenset({Role.PROGRAM_ADMIN, Role.PROGRAM_EVALUATOR}),
))
