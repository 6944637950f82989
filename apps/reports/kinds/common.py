"""Parameter pieces shared by several kinds."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.rendering import DatePickerInput

MAX_PERIOD_DAYS = 366


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants that bound the local dates start..end (inclusive), DST-aware."""
    tz = timezone.get_default_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


@dataclass(frozen=True)
class PeriodPreset:
    key: str
    label: str
    start: date
    end: date


def period_presets(today: date) -> list[PeriodPreset]:
    """The periods a report is usually asked for, as of `today` (the city's date).

    No pay period is defined anywhere in the program (scheduling's timesheets take any From/To), so a pay
    period here is the two weeks, Monday to Sunday, that ended on the last Sunday before today."""
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    quarter_first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_next = date(quarter_first.year + (quarter_first.month == 10), (quarter_first.month + 2) % 12 + 1, 1)
    last_sunday = today - timedelta(days=today.weekday() + 1)
    return [
        PeriodPreset("last_month", str(_("Last month")), last_month_end.replace(day=1), last_month_end),
        PeriodPreset("this_quarter", str(_("This quarter")), quarter_first, quarter_next - timedelta(days=1)),
        PeriodPreset("last_pay_period", str(_("Last pay period")), last_sunday - timedelta(days=13), last_sunday),
    ]


def preset_named(key: str | None, today: date) -> PeriodPreset | None:
    return next((p for p in period_presets(today) if p.key == key), None)


class PeriodMixin(forms.Form):
    """From and To as USWDS date pickers (MM/DD/YYYY or YYYY-MM-DD), filled in with `default_preset`'s
    period; the request page offers the presets as links (`?preset=last_month`) that fill them in."""

    start = forms.DateField(label=_("From"), help_text=_("First day of the period."), widget=DatePickerInput)
    end = forms.DateField(label=_("To"), help_text=_("Last day of the period (included)."), widget=DatePickerInput)
    default_preset = "last_month"

    def __init__(self, *args, preset: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.presets = period_presets(today)
        chosen = preset_named(preset, today) or preset_named(self.default_preset, today)
        self.preset = chosen.key if chosen else ""
        if chosen and not self.is_bound:
            self.initial["start"], self.initial["end"] = chosen.start, chosen.end

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
