"""Operations' forms: the encounter form (a phone, after a call, in under a minute) and the evaluation's
month picker."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.core.models import Neighborhood

from .encounters import NOTE_MAX, encounter_coordinated_ids, recordable_shifts
from .models import EncounterOutcome, EncounterSource, ReferralKind, UnservedReason

TIME_FIELDS = ("received_at", "dispatched_at", "arrived_at", "cleared_at")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ShiftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, shift) -> str:
        start = timezone.localtime(shift.starts_at)
        return f"{shift.team.name}, {start:%a %d %b %H:%M}"


class EncounterForm(forms.Form):
    """The times are a date and four clock times: a later time earlier on the clock than the one before it
    is taken as the next day (received 23:50, arrived 00:10). Only received is required: a call that could
    not be served has no dispatch or arrival."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    shift = ShiftChoiceField(label=_("Shift"), queryset=None, required=False, empty_label=_("No shift"))
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none(),
                                          required=False)
    day = forms.DateField(label=_("Date the call came in"), widget=forms.DateInput(attrs={"type": "date"}))
    received_at = forms.TimeField(label=_("Received"), widget=forms.TimeInput(attrs={"type": "time"}))
    dispatched_at = forms.TimeField(label=_("Dispatched"), required=False,
                                    widget=forms.TimeInput(attrs={"type": "time"}))
    arrived_at = forms.TimeField(label=_("Arrived"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    cleared_at = forms.TimeField(label=_("Cleared"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Neighborhood.objects.none())
    source = forms.ChoiceField(label=_("How the call came"), choices=EncounterSource.choices,
                               widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("What happened"), choices=EncounterOutcome.choices, widget=forms.RadioSelect)
    referral_kind = forms.ChoiceField(label=_("Referred to"), required=False,
                                      choices=[("", _("— only for a referral —")), *ReferralKind.choices])
    unserved_reason = forms.ChoiceField(label=_("Why it could not be served"), required=False,
                                        choices=[("", _("— only for a call not served —")), *UnservedReason.choices])
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    note = forms.CharField(label=_("Short note"), required=False, max_length=NOTE_MAX,
                           help_text=_("No names, addresses or birth dates. Phone numbers and emails are hidden."),
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        now = timezone.now()
        shifts = list(recordable_shifts(user=user, now=now))
        self.fields["shift"].queryset = recordable_shifts(user=user, now=now)
        coordinated = encounter_coordinated_ids(user)
        if coordinated:
            self.fields["organization"].queryset = Organization.objects.filter(pk__in=coordinated).order_by("name")
            if len(coordinated) == 1:
                del self.fields["organization"]
        else:
            del self.fields["organization"]
            self.fields["shift"].required = True
            self.fields["shift"].empty_label = None
        if not shifts:  # a coordinator with no shift of their own records without one
            del self.fields["shift"]
        # The zones of the user's current shifts first, then the others by name.
        mine = {z.pk for s in shifts for z in s.zones.all()}
        self.fields["zone"].queryset = (Neighborhood.objects.filter(is_active=True)
                                        .annotate(mine=Case(When(pk__in=mine, then=Value(0)), default=Value(1),
                                                            output_field=IntegerField()))
                                        .order_by("mine", "sort_order", "name"))
        if not self.is_bound:
            local = timezone.localtime(now)
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            self.initial.setdefault("day", local.date())
            self.initial.setdefault("received_at", local.strftime("%H:%M"))
            if shifts:
                self.initial.setdefault("shift", shifts[0].pk)
                zones = list(shifts[0].zones.all())
                if len(zones) == 1:
                    self.initial.setdefault("zone", zones[0].pk)
        self.shifts = shifts

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("day")
        if day is None or cleaned.get("received_at") is None:
            return cleaned
        tz = timezone.get_current_timezone()
        previous = None
        for name in TIME_FIELDS:
            clock = cleaned.get(name)
            if clock is None:
                cleaned[name] = None
                continue
            moment = datetime.combine(day, clock, tzinfo=tz)
            while previous is not None and moment < previous:
                moment += timedelta(days=1)
            cleaned[name] = previous = moment
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in (*TIME_FIELDS, "zone", "source", "outcome", "referral_kind",
                                                 "unserved_reason", "follow_up_needed", "note")}
        fields["idempotency_key"] = data["idempotency_key"]
        fields["shift"] = data.get("shift")
        organization = data.get("organization")
        fields["organization_id"] = organization.pk if organization else None
        return fields


class EvaluationMonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7, required=False, help_text=_("YYYY-MM"),
                            widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}))
    organization = forms.ModelChoiceField(label=_("Organization"), required=False,
                                          queryset=Organization.objects.none(), empty_label=_("All organizations"))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations

    def clean_month(self) -> date:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return timezone.localdate().replace(day=1)
        match = MONTH_RE.match(value)
        if not match:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return date(int(match[1]), int(match[2]), 1)
