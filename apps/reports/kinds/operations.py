"""The encounter evaluation, monthly: the de-identified figures of the encounter log (apps/operations/
evaluation.py) for one month, program-wide, with the data dictionary. For the program admin and the
external evaluator; both get the same suppressed figures (counts under 5 read "<5"), as the export does."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.operations.evaluation import DATA_DICTIONARY, SUPPRESSED, evaluation

from ..charts import bar_chart
from . import ReportKind, register_report_kind
from .program import MonthForm, month_bounds


def _bars(rows) -> list[tuple[str, float | None]]:
    return [(str(label), None if value == SUPPRESSED else value) for label, value in rows]


def gather_encounters(*, user, data, progress) -> dict:
    start, end = month_bounds(data["month"])
    figures = evaluation(month=start)
    progress(60)
    return {
        "month": data["month"], "start": start, "end": end, "figures": figures,
        # A column name may break after an underscore, not anywhere.
        "dictionary": [(name.replace("_", "_\u200b"), definition, source)
                       for name, definition, source in DATA_DICTIONARY],
        "zone_chart": bar_chart(_bars(figures.by_zone), title=str(_("Encounters by zone")),
                                axis_label=str(_("encounters"))) if figures.by_zone else "",
        "hour_chart": bar_chart(_bars(figures.by_hour_block),
                                title=str(_("Encounters by time of day received (3-hour blocks)")),
                                axis_label=str(_("encounters"))),
    }


register_report_kind(ReportKind(
    key="encounters_monthly", label=_("Encounter evaluation (monthly)"), order=85,
    description=_("De-identified encounter figures for one month: volume by zone, hour and source, response time, "
                  "calls diverted from police, referrals, unserved calls and shifts without a lead."),
    template="reports/pdf/encounters_monthly.html", form_class=MonthForm, gather=gather_encounters,
    roles=frozenset({Role.PROGRAM_ADMIN, Role.PROGRAM_EVALUATOR}),
))
