"""The program admin's form for a new service token."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ServiceScope

DEFAULT_DAYS = 90


class ServiceTokenForm(forms.Form):
    name = forms.CharField(label=_("System"), max_length=80,
                           help_text=_("What will use the token, e.g. “911 center CAD (production)”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ServiceScope.choices,
                                       widget=forms.CheckboxSelectMultiple, initial=[ServiceScope.DISPATCH_READ])
    expires_on = forms.DateField(label=_("Valid through"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The token stops working at the end of this day. At most a year."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=DEFAULT_DAYS)

    def expires_at(self) -> datetime:
        """The end of the chosen day, local time: midnight at the start of the next."""
        next_day = self.cleaned_data["expires_on"] + timedelta(days=1)
        return timezone.make_aware(datetime.combine(next_day, time.min))
