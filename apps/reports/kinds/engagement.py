"""Community engagement summary, "what we heard": sessions, attendance, feedback by theme,
neighborhood and language, quotes, decisions — in any of the residents' languages (settings.LANGUAGES),
small counts suppressed."""

from collections import Counter, defaultdict

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from apps.accounts.roles import Role
from apps.core.localtime import next_month
from apps.core.privacy import mask_personal_details
from apps.core.reference_data import language_name
from apps.core.translated import localize
from apps.engagement import selectors as engagement
from apps.engagement.models import CommunitySession, FeedbackItem
from apps.engagement.trends import theme_trends

from ..charts import bar_chart, line_chart
from ..labels import labels
from . import ReportForm, ReportKind, register_report_kind
from .common import PeriodMixin, local_bounds

QUOTES = 8
QUOTE_LENGTH = 420

LABELS = {
    "title": (N_("What we heard"), "Lo que escuchamos"),
    "subtitle": (N_("Community engagement summary"), "Resumen de participación comunitaria"),
    "period": (N_("Period"), "Periodo"),
    "summary": (N_("At a glance"), "En resumen"),
    "sessions_held": (N_("Sessions held"), "Sesiones realizadas"),
    "sessions_to_come": (N_("Planned in the period, not yet held"), "Previstas en el periodo, aún no realizadas"),
    "held_note": (N_("A session is held once it has ended, by the end of the period or today if sooner; "
                     "cancelled sessions are left out."),
                  "Una sesión se cuenta como realizada cuando ha terminado, antes del fin del periodo o de hoy si "
                  "es antes; las sesiones canceladas no se cuentan."),
    "comments": (N_("comments"), "comentarios"),
    "attendance": (N_("People who attended"), "Personas que asistieron"),
    "feedback_received": (N_("Comments received"), "Comentarios recibidos"),
    "sessions": (N_("Sessions"), "Sesiones"),
    "session": (N_("Session"), "Sesión"),
    "date": (N_("Date"), "Fecha"),
    "kind": (N_("Kind"), "Tipo"),
    "neighborhood": (N_("Neighborhood"), "Barrio"),
    "count": (N_("Count"), "Cantidad"),
    "not_recorded": (N_("not recorded"), "sin registrar"),
    "by_theme": (N_("Comments by theme"), "Comentarios por tema"),
    "by_neighborhood": (N_("Comments by neighborhood"), "Comentarios por barrio"),
    "by_language": (N_("Comments by language"), "Comentarios por idioma"),
    "by_channel": (N_("Comments by channel"), "Comentarios por medio"),
    "theme": (N_("Theme"), "Tema"),
    "language": (N_("Language"), "Idioma"),
    "channel": (N_("Channel"), "Medio"),
    "unknown": (N_("Not given"), "No indicado"),
    "voices": (N_("In residents' words"), "En palabras de los residentes"),
    "voices_note": (N_("Published comments, with personal details removed."),
                    "Comentarios publicados, sin datos personales."),
    "decisions": (N_("What the city did"), "Lo que hizo la ciudad"),
    "you_said": (N_("You said"), "Ustedes dijeron"),
    "we_did": (N_("We did"), "Nosotros hicimos"),
    "outcome": (N_("Outcome"), "Resultado"),
    "adopted": (N_("Adopted"), "Adoptada"),
    "adapted": (N_("Adapted"), "Adaptada"),
    "not_adopted": (N_("Not adopted"), "No adoptada"),
    "listening": (N_("Listening session"), "Sesión de escucha"),
    "design": (N_("Community-design workshop"), "Taller de diseño comunitario"),
    "report_back": (N_("Report-back"), "Sesión de rendición de cuentas"),
    "online": (N_("Online form"), "Formulario en línea"),
    "paper_card": (N_("Paper card"), "Tarjeta de papel"),
    "table_notes": (N_("Table notes"), "Notas de mesa"),
    "api": (N_("API"), "API"),
    "trends": (N_("Themes over time"), "Temas a lo largo del tiempo"),
    "trends_note": (N_("Published comments per theme in each calendar month of the period. A comment is answered "
                       "when a published decision names it or the theme it is coded with. Counts under 5 are "
                       "suppressed, and the share of a theme with fewer than 5 comments is not shown."),
                    "Comentarios publicados por tema en cada mes del periodo. Un comentario tiene respuesta cuando "
                    "una decisión publicada lo nombra o nombra el tema con que está codificado. Los conteos "
                    "menores de 5 se omiten, y no se muestra el porcentaje de un tema con menos de 5 comentarios."),
    "trend_chart": (N_("Comments by month, the largest themes"), "Comentarios por mes, los temas principales"),
    "answered": (N_("Answered by a decision"), "Con respuesta de una decisión"),
    "confidential_public": (N_("Public summary: counts under 5 are suppressed and comments are de-identified."),
                            "Resumen público: los conteos menores de 5 se omiten y los comentarios no identifican "
                            "a nadie."),
}


class EngagementSummaryForm(PeriodMixin, ReportForm):
    language = forms.ChoiceField(label=_("Language of the report"), initial="en")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every language a resident reads the site in, each named in itself ("Kreyòl ayisyen", "العربية").
        self.fields["language"].choices = [(code, capfirst(get_language_info(code)["name_local"]))
                                           for code, _name in settings.LANGUAGES]

    def describe(self) -> str:
        return f"{self.period_text()} ({self.cleaned_data['language']})"


def _counted(groups: dict, order_key=None) -> list[dict]:
    rows = [{"label": label, "count": engagement.suppress(len(ids)), "raw": len(ids)} for label, ids in groups.items()]
    rows.sort(key=order_key or (lambda r: (-r["raw"], r["label"])))
    for row in rows:
        del row["raw"]
    return rows


def gather_engagement(*, user, data, progress) -> dict:
    es = data["language"] == "es"
    L = labels(data["language"], LABELS)
    lo, hi = local_bounds(data["start"], data["end"])
    sessions = list(engagement.session_list(user=user).filter(starts_at__gte=lo, starts_at__lt=hi)
                    .exclude(status__in=[CommunitySession.Status.DRAFT, CommunitySession.Status.CANCELLED])
                    .order_by("starts_at", "id"))
    # Held as of the report: ended by the end of its period (or by now, for a period still running) and
    # published or completed; a session still to come is listed apart, not counted as held.
    as_of = min(hi, timezone.now())
    held = [s for s in sessions if s.ends_at <= as_of and s.status in (CommunitySession.Status.PUBLISHED,
                                                                        CommunitySession.Status.COMPLETED)]
    to_come = [s for s in sessions if s not in held]
    progress(20)
    recorded = [s.attendance_count for s in held if s.attendance_count is not None]
    items = list(engagement.feedback_list(user=user, status=FeedbackItem.Status.APPROVED)
                 .filter(created_at__gte=lo, created_at__lt=hi, safety_flag=False)
                 .prefetch_related("themes__parent"))
    progress(40)
    by_theme, by_hood, by_language, by_channel = (defaultdict(set) for _ in range(4))
    for item in items:
        for theme in item.themes.all():
            top = theme.parent or theme
            by_theme[localize(top, "name", data["language"]).text].add(item.pk)
        by_hood[item.neighborhood.name if item.neighborhood_id else L["unknown"]].add(item.pk)
        # Each language named in the report's language (active here): "Spanish", "Español", "西班牙语".
        by_language[language_name(item.language)].add(item.pk)
        by_channel[item.channel].add(item.pk)
    # Each quote runs in its own language's direction, set explicitly (WeasyPrint does not resolve dir="auto"):
    # a Chinese quote in an Arabic report keeps its full stop at its end.
    quotes = [{"text": mask_personal_details(i.text)[:QUOTE_LENGTH], "language": i.language.code,
               "dir": "rtl" if i.language.code.split("-")[0].lower() in settings.LANGUAGES_BIDI else "ltr",
               "neighborhood": i.neighborhood.name if i.neighborhood_id else ""}
              for i in sorted(items, key=lambda i: (-i.created_at.timestamp(), -i.pk))[:QUOTES]]
    decisions = list(engagement.decision_list(user=user).filter(is_published=True,
                                                                decided_on__gte=data["start"],
                                                                decided_on__lte=data["end"]))
    progress(60)
    rtl = bool(get_language_info(data["language"])["bidi"])
    trends = _trends(data, es=es, L=L)
    if rtl:
        trends["trend_chart"] = ""
    session_kinds = Counter(s.kind for s in held)
    by_theme, by_hood, by_language = _counted(by_theme), _counted(by_hood), _counted(by_language)
    return {
        "es": es, "period": data, "sessions": [(s, L.get(s.kind, s.kind)) for s in held],
        "sessions_to_come": [(s, L.get(s.kind, s.kind)) for s in to_come],
        "attendance_recorded": bool(recorded), "attendance": engagement.suppress(sum(recorded)),
        "feedback_total": engagement.suppress(len(items)),
        "by_theme": by_theme, "by_neighborhood": by_hood, "by_language": by_language,
        "by_channel": [{"label": L.get(r["label"], r["label"]), "count": r["count"]} for r in _counted(by_channel)],
        "session_kind_rows": [(L.get(k, k), n) for k, n in sorted(session_kinds.items())],
        "quotes": quotes, "decisions": [(d, L.get(d.outcome, d.outcome)) for d in decisions],
        # No chart in a right-to-left report: WeasyPrint draws SVG text unshaped, left to right (Arabic came
        # out as isolated letters, backwards); the tables carry the same figures.
        "theme_chart": _chart(by_theme, L["by_theme"], L["comments"]) if not rtl else "",
        "hood_chart": _chart(by_hood, L["by_neighborhood"], L["comments"]) if not rtl else "",
        "language_chart": _chart(by_language, L["by_language"], L["comments"]) if not rtl else "",
        "extra_labels": LABELS,
        **trends,
    }


def _months(start, end) -> list:
    first, out = start.replace(day=1), []
    while first <= end:
        out.append(first)
        first = next_month(first)
    return out


def _trends(data, *, es: bool, L: dict) -> dict:
    """Each top-level theme month by month over the period's calendar months, with the share a published
    decision answers; suppressed as everything in this report. The chart draws the four largest themes."""
    months = _months(data["start"], data["end"])
    trends = [t for t in theme_trends(months=months, public=True) if t.total is not None]
    trends.sort(key=lambda t: (-t.total, t.theme.name))

    def name(t) -> str:
        return localize(t.theme, "name", data["language"]).text

    month_labels = [f"{m:%Y-%m}" for m in months]
    chart = ""
    if trends and len(months) > 1:
        chart = line_chart(month_labels, [(name(t), t.by_month) for t in trends[:4]], title=L["trend_chart"],
                           axis_label=L["comments"])
    return {"trend_rows": [{"label": name(t), "total": t.total, "coverage": t.coverage} for t in trends],
            "trend_chart": chart}


def _chart(rows: list[dict], title: str, unit: str):
    return bar_chart([(r["label"], r["count"]) for r in rows], title=title, axis_label=unit) if rows else ""


register_report_kind(ReportKind(
    key="engagement_summary", label=_("Community engagement summary (what we heard)"), order=30,
    description=_("Sessions, attendance, comments by theme, neighborhood and language, quotes and decisions, "
                  "in any of the residents' languages. Counts under 5 are suppressed."),
    template="reports/pdf/engagement_summary.html", form_class=EngagementSummaryForm, gather=gather_engagement,
    roles=frozenset({Role.MODERATOR, Role.PROGRAM_ADMIN}), language_parameter="language",
))
