from datetime import timedelta

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from apps.core.models import Language, Neighborhood
from apps.core.rendering import DatePickerInput

from .eligibility import OVERRIDABLE
from .models import PositionRole

OVERRIDE_LABELS = {
    "rest": _("Minimum rest"),
    "daily_hours": _("Daily hours"),
    "weekly_hours": _("Hours in 7 days"),
    "unavailable": _("Weekly availability"),
}


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OverrideFields(forms.Form):
    """The eligibility engine's overridable limits, with the written reason an override needs."""

    overrides = forms.MultipleChoiceField(
        choices=[(code, OVERRIDE_LABELS[code]) for code in sorted(OVERRIDABLE)], required=False,
        widget=forms.CheckboxSelectMultiple, label=_("Override these limits"),
        help_text=_("Only rest, hours and availability can be overridden; write why below."))
    override_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                      label=_("Reason for the override"))


class AssignForm(OverrideFields):
    field_order = ["responder", "overrides", "override_reason"]
    responder = forms.ModelChoiceField(queryset=None, label=_("Responder"))

    def __init__(self, *args, responders, listed=None, **kwargs):
        """`listed`: the people of `responders` already read, to render the choices without asking
        the database again (a page with one form per position); `responders` still validates."""
        super().__init__(*args, **kwargs)
        field = self.fields["responder"]
        field.queryset = responders
        if listed is not None:
            field.choices = [("", field.empty_label),
                             *((ModelChoiceIteratorValue(p.pk, p), field.label_from_instance(p)) for p in listed)]

    def offer(self, *, eligible, override) -> None:
        """Offer only the people the eligibility engine lets in, and apart those an override of rest, hours
        or availability would (the shift page lists everyone else beside the form with the reasons)."""
        field = self.fields["responder"]

        def choices(people):
            return [(ModelChoiceIteratorValue(p.pk, p), field.label_from_instance(p)) for p in people]

        field.choices = [("", field.empty_label)]
        if eligible:
            field.choices += [(_("Eligible"), choices(eligible))]
        if override:
            field.choices += [(_("Only with an override (tick the limits and write why)"), choices(override))]
        else:  # nobody an override would let in: the override fields would only be noise
            del self.fields["overrides"], self.fields["override_reason"]


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Reason"))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label=_("Reason (optional)"))


class AssignmentRemoveForm(OptionalReasonForm):
    """Removing someone or recording a no-show; the second reason only matters for a shift's last lead."""

    no_lead_reason = forms.CharField(max_length=300, required=False,
                                     label=_("If this leaves the shift without a team lead, why it may go ahead"))


class RescheduleForm(OverrideFields):
    field_order = ["starts_at", "ends_at", "reason", "overrides", "override_reason"]
    starts_at = forms.DateTimeField(widget=DateTimeInput(), label=_("New start"))
    ends_at = forms.DateTimeField(widget=DateTimeInput(), label=_("New end"))
    reason = forms.CharField(max_length=300, label=_("Why the shift moves (the people on it are told)"))


class HoursForm(forms.Form):
    """A coordinator records when someone worked a shift that has started (forgot to check in or out)."""

    checked_in_at = forms.DateTimeField(widget=DateTimeInput(), label=_("Started work"))
    checked_out_at = forms.DateTimeField(widget=DateTimeInput(), label=_("Finished work"))
    reason = forms.CharField(max_length=300, label=_("Why the hours are recorded by hand"))


class ShiftForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, label=_("Team"))
    starts_at = forms.DateTimeField(widget=DateTimeInput(), label=_("Starts"))
    ends_at = forms.DateTimeField(widget=DateTimeInput(), label=_("Ends"))
    leads = forms.IntegerField(min_value=0, max_value=10, initial=1, label=_("Team leads"))
    responders = forms.IntegerField(min_value=0, max_value=20, initial=1, label=_("Responders"))
    trainees = forms.IntegerField(min_value=0, max_value=10, initial=0, label=_("Trainees"))
    desired_languages = forms.ModelMultipleChoiceField(queryset=Language.objects.filter(is_active=True),
                                                       required=False, label=_("Desired languages"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Notes"))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def positions(self) -> list[tuple[str, int]]:
        data = self.cleaned_data
        return [(PositionRole.LEAD, data["leads"]), (PositionRole.RESPONDER, data["responders"]),
                (PositionRole.TRAINEE, data["trainees"])]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"))
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    team_type = forms.ModelChoiceField(queryset=None, label=_("Team type"))
    zones = forms.ModelMultipleChoiceField(queryset=Neighborhood.objects.filter(is_active=True), required=False,
                                           label=_("Zones (neighborhoods)"))

    def __init__(self, *args, organizations, team_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["team_type"].queryset = team_types


WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday"))]


class TemplateForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, label=_("Team"))
    name = forms.CharField(max_length=120, label=_("Name"))
    start_time = forms.TimeField(widget=TimeInput(), label=_("Starts at"))
    end_time = forms.TimeField(widget=TimeInput(), label=_("Ends at"),
                               help_text=_("At or before the start time: the shift ends the next day."))
    weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
                                              label=_("Days"))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class GenerateForm(forms.Form):
    start = forms.DateField(widget=DatePickerInput(), label=_("From"))
    end = forms.DateField(widget=DatePickerInput(), label=_("Through"))


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label=_("Day"))
    start_time = forms.TimeField(widget=TimeInput(), label=_("From"))
    end_time = forms.TimeField(widget=TimeInput(), label=_("Until"),
                               help_text=_("At or before the start: the window runs past midnight."))


class TimeOffForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    starts_at = forms.DateTimeField(widget=DateTimeInput(), label=_("From"))
    ends_at = forms.DateTimeField(widget=DateTimeInput(), label=_("Until"))
    reason = forms.CharField(max_length=300, required=False, label=_("Reason (optional)"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class PeriodForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"))
    start = forms.DateField(widget=DatePickerInput(), label=_("From"))
    end = forms.DateField(widget=DatePickerInput(), label=_("Through"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data


def next_month(today) -> tuple:
    """The whole next calendar month: what a coordinator rosters most often."""
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


TIME_LIMITS = [(30, _("30 seconds")), (60, _("1 minute")), (120, _("2 minutes")), (300, _("5 minutes"))]


class RosterStartForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Teams"),
                                           help_text=_("Teams of one organization."))
    starts_on = forms.DateField(widget=DatePickerInput(), label=_("First day"))
    ends_on = forms.DateField(widget=DatePickerInput(), label=_("Last day"),
                              help_text=_("Included. At most six weeks."))
    time_limit = forms.TypedChoiceField(choices=TIME_LIMITS, coerce=int, initial=60, label=_("Time limit"),
                                        help_text=_("The solver stops when it has proved its answer is within "
                                                    "half a percent of the best, or at this limit."))

    def __init__(self, *args, teams, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        first, last = next_month(today)
        self.fields["starts_on"].initial, self.fields["ends_on"].initial = first, last

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day is before the first."))
        return data


class RosterProfileForm(forms.Form):
    weekly_hours = forms.IntegerField(min_value=0, max_value=80, required=False, label=_("Target hours a week"),
                                      help_text=_("Contracted or wanted hours. Empty: the program's default."))
    preferred_zones = forms.ModelMultipleChoiceField(queryset=Neighborhood.objects.filter(is_active=True),
                                                     required=False, widget=forms.CheckboxSelectMultiple,
                                                     label=_("Zones you know"))
    languages = forms.ModelMultipleChoiceField(queryset=Language.objects.filter(is_active=True), required=False,
                                               widget=forms.CheckboxSelectMultiple, label=_("Languages spoken"))
    preferred_templates = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                         widget=forms.CheckboxSelectMultiple,
                                                         label=_("Shifts wanted"))
    avoided_templates = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                       widget=forms.CheckboxSelectMultiple,
                                                       label=_("Shifts you would rather not work"))

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_templates"].queryset = templates
        self.fields["avoided_templates"].queryset = templates
        for name in ("preferred_templates", "avoided_templates"):
            self.fields[name].label_from_instance = _template_label

    def clean(self):
        data = super().clean()
        both = set(data.get("preferred_templates") or []) & set(data.get("avoided_templates") or [])
        if both:
            self.add_error("avoided_templates", _("A shift cannot be both wanted and rather not."))
        return data


def _template_label(template) -> str:
    return f"{template.team.name}: {template.name} ({template.start_time:%H:%M}–{template.end_time:%H:%M})"
