"""Schedule reports: coverage and hours for a period (by team, zone and week), and the timesheet
of one organization for a pay period. Both read apps/scheduling's selectors."""

from collections import defaultdict

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role
from apps.accounts.selectors import nonprofit_list
from apps.scheduling import selectors as scheduling

from ..charts import bar_chart, line_chart
from . import ReportForm, ReportKind, register_report_kind
from .common import PeriodMixin, rate, weeks_of

# A timesheet lists every responder: thousands of rows. As an HTML table each cell is a box that
# WeasyPrint styles, measures and shapes (over a minute for 2,000 people); laid out as fixed-width
# text blocks of one page each, with the header repeated on every block, it takes seconds.
TIMESHEET_BLOCK = 60
# Weeks per table of fill rates by team and week: a quarter (13 weeks) or a year as one row ran off the page.
WEEKS_PER_TABLE = 7
NAME_W, EMAIL_W, NUM_W = 26, 50, 9


def schedule_organizations(user):
    if is_program_admin(user):
        return nonprofit_list()
    return scheduling.coordinated_organizations(user=user)


class OrganizationPeriodForm(PeriodMixin, ReportForm):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    field_order = ["organization", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = schedule_organizations(self.user)

    def describe(self) -> str:
        return f"{self.cleaned_data['organization'].name}, {self.period_text()}"


class TimesheetForm(OrganizationPeriodForm):
    default_preset = "last_pay_period"


def _shift_numbers(shift) -> tuple[int, int]:
    positions = shift.positions.all()
    return sum(p.count for p in positions), sum(min(p.filled, p.count) for p in positions)


def gather_coverage(*, user, data, progress) -> dict:
    organization, start, end = data["organization"], data["start"], data["end"]
    teams = list(scheduling.team_list(user=user).filter(organization=organization))
    weeks = weeks_of(start, end)
    days = []
    by_day: dict = defaultdict(lambda: {"required": 0, "filled": 0, "no_shows": 0, "shifts": 0})
    by_zone: dict = defaultdict(lambda: {"required": 0, "filled": 0})
    team_rows = []
    for index, team in enumerate(teams):
        cov = scheduling.coverage(user=user, team=team, start=start, end=end)
        days = cov.days
        seen: dict[int, object] = {}
        for zone, cells in cov.rows.items():
            name = zone.name if zone is not None else str(_("No zone"))
            for day, cell in cells.items():
                by_zone[name]["required"] += cell.required
                by_zone[name]["filled"] += cell.filled
                for shift in cell.shifts:
                    seen.setdefault(shift.pk, (day, shift))
        team_weeks = [{"required": 0, "filled": 0} for _w in weeks]
        for day, shift in seen.values():
            need, have = _shift_numbers(shift)
            by_day[day]["required"] += need
            by_day[day]["filled"] += have
            by_day[day]["no_shows"] += shift.no_shows
            by_day[day]["shifts"] += 1
            w = next(i for i, (lo, hi) in enumerate(weeks) if lo <= day <= hi)
            team_weeks[w]["required"] += need
            team_weeks[w]["filled"] += have
        team_rows.append({"team": team, "required": cov.required, "filled": cov.filled, "no_shows": cov.no_shows,
                          "worked": cov.worked, "fill_rate": rate(cov.filled, cov.required),
                          "weeks": [rate(t["filled"], t["required"]) for t in team_weeks]})
        progress(10 + int(40 * (index + 1) / max(len(teams), 1)))
    week_rows = []
    for lo, hi in weeks:
        cells = [by_day[d] for d in by_day if lo <= d <= hi]
        required = sum(c["required"] for c in cells)
        filled = sum(c["filled"] for c in cells)
        hours_rows = scheduling.timesheet(organization=organization, start=lo, end=hi)
        week_rows.append({"start": lo, "end": hi, "shifts": sum(c["shifts"] for c in cells), "required": required,
                          "filled": filled, "fill_rate": rate(filled, required),
                          "no_shows": sum(c["no_shows"] for c in cells),
                          "hours": round(sum(r.hours for r in hours_rows), 1),
                          "people": len([r for r in hours_rows if r.shifts])})
    progress(70)
    required = sum(r["required"] for r in team_rows)
    filled = sum(r["filled"] for r in team_rows)
    no_shows = sum(r["no_shows"] for r in team_rows)
    worked = sum(r["worked"] for r in team_rows)
    zone_rows = sorted(({"zone": z, **v, "fill_rate": rate(v["filled"], v["required"])} for z, v in by_zone.items()),
                       key=lambda r: r["zone"])
    daily = [rate(by_day[d]["filled"], by_day[d]["required"]) if by_day[d]["required"] else None for d in days]
    return {
        "organization": organization, "period": data, "weeks": week_rows, "teams": team_rows, "zones": zone_rows,
        "required": required, "filled": filled, "fill_rate": rate(filled, required), "no_shows": no_shows,
        "no_show_rate": rate(no_shows, no_shows + worked), "worked": worked,
        "hours": round(sum(w["hours"] for w in week_rows), 1),
        "team_week_blocks": team_week_blocks(weeks, team_rows) if len(weeks) > 1 else [],
        "fill_chart": line_chart([f"{d:%m-%d}" for d in days], [(str(_("Fill rate")), daily)],
                                 title=str(_("Daily fill rate (%)")), unit="%", y_max=100,
                                 axis_label=str(_("% of places filled"))) if days else "",
        # A zone with no place required has no rate: "—", no bar (not a bar of 0).
        "zone_chart": bar_chart([(r["zone"], r["fill_rate"]) for r in zone_rows], suppressed_label="—",
                                title=str(_("Fill rate by zone (%)")), unit="%",
                                axis_label=str(_("% of places filled"))) if zone_rows else "",
    }


def team_week_blocks(weeks: list[tuple], team_rows: list[dict]) -> list[dict]:
    """The fill rate of each team by week, as tables of at most WEEKS_PER_TABLE weeks that fit the page."""
    blocks = []
    for first in range(0, len(weeks), WEEKS_PER_TABLE):
        span = slice(first, first + WEEKS_PER_TABLE)
        blocks.append({"labels": [f"{lo:%m-%d}" for lo, _hi in weeks[span]],
                       "rows": [(row["team"].name, row["weeks"][span]) for row in team_rows]})
    return blocks


def _fit(text: str, width: int) -> str:
    """Left-aligned in `width` characters with a space after; longer text is cut with an ellipsis."""
    text = " ".join(text.split())
    return (text if len(text) < width else text[:width - 2] + "…").ljust(width)


def gather_timesheet(*, user, data, progress) -> dict:
    organization, start, end = data["organization"], data["start"], data["end"]
    rows = scheduling.timesheet(organization=organization, start=start, end=end)
    progress(50)
    header = (_fit(str(_("Responder")), NAME_W) + _fit(str(_("Email")), EMAIL_W)
              + "".join(str(label).rjust(NUM_W) for label in (_("Shifts"), _("Hours"), _("Night"), _("Weekend"),
                                                                _("No-shows"))))
    lines = [_fit(r.responder.full_name or "—", NAME_W) + _fit(r.responder.email, EMAIL_W)
             + f"{r.shifts:>{NUM_W}}{r.hours:>{NUM_W}.2f}{r.night_hours:>{NUM_W}.2f}{r.weekend_hours:>{NUM_W}.2f}"
             + f"{r.no_shows:>{NUM_W}}" for r in rows]
    blocks = ["\n".join(lines[i:i + TIMESHEET_BLOCK]) for i in range(0, len(lines), TIMESHEET_BLOCK)]
    return {
        "organization": organization, "period": data, "header": header, "blocks": blocks, "people": len(rows),
        "shifts": sum(r.shifts for r in rows), "hours": sum(r.hours for r in rows),
        "night_hours": sum(r.night_hours for r in rows), "weekend_hours": sum(r.weekend_hours for r in rows),
        "no_shows": sum(r.no_shows for r in rows),
    }


register_report_kind(ReportKind(
    key="schedule_coverage", label=_("Schedule coverage and hours"), order=60,
    description=_("Fill rate by team, zone and week, no-shows and hours worked for a period, with charts."),
    template="reports/pdf/schedule_coverage.html", form_class=OrganizationPeriodForm, gather=gather_coverage,
    roles=frozenset({Role.COORDINATOR, Role.PROGRAM_ADMIN}),
))
register_report_kind(ReportKind(
    key="timesheet", label=_("Timesheet"), order=65,
    description=_("Hours worked per responder for a pay period, with night and weekend hours and no-shows."),
    template="reports/pdf/timesheet.html", form_class=TimesheetForm, gather=gather_timesheet,
    roles=frozenset({Role.COORDINATOR, Role.PROGRAM_ADMIN}),
))
