"""Parameter pieces shared by several kinds."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PERIOD_DAYS = 366


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants that bound the local dates start..end (inclusive), DST-aware."""
    tz = timezone.get_default_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


class PeriodMixin(forms.Form):
    start = forms.DateField(label=_("From"), help_text=_("First day, YYYY-MM-DD."))
    end = forms.DateField(label=_("To"), help_text=_("Last day, YYYY-MM-DD (included)."))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last day must not be before the first."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("A report covers at most one year."))
        return cleaned

    def period_text(self) -> str:
        return f"{self.cleaned_data['start']:%Y-%m-%d} – {self.cleaned_data['end']:%Y-%m-%d}"


def weeks_of(start: date, end: date) -> list[tuple[date, date]]:
    """(Monday-or-start, Sunday-or-end) pairs covering start..end."""
    out = []
    day = start
    while day <= end:
        week_end = min(day + timedelta(days=6 - day.weekday()), end)
        out.append((day, week_end))
        day = week_end + timedelta(days=1)
    return out


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
