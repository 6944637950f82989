from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.rendering import DatePickerInput

from .models import Course, Enrollment, RequirementRole
from .selectors import ReadinessSort, ReadinessStatus
from .services import evidence_max_bytes


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RecordForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, empty_label=None)
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=_("Completion date"), widget=DatePickerInput)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=64, required=False)
    evidence = forms.FileField(
        label=_("Certificate"),
        help_text=_("A PDF, JPEG or PNG file, at most %(mb)s MB.") % {"mb": evidence_max_bytes() // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args, organizations, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["course"].queryset = courses


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class RequirementForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=RequirementRole.choices)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, required=False,
                                          empty_label=_("All organizations (program-wide)"))
    effective_from = forms.DateField(label=_("Effective from"), widget=DatePickerInput)
    courses = forms.ModelMultipleChoiceField(label=_("Required courses"), queryset=Course.objects.none(),
                                             widget=forms.CheckboxSelectMultiple, required=False)
    min_field_hours = forms.DecimalField(label=_("Minimum supervised field hours"), min_value=Decimal("0"),
                                         max_digits=6, decimal_places=2, initial=Decimal("0"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, organizations, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["courses"].queryset = courses


class SessionForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, empty_label=None)
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    location = forms.CharField(label=_("Place"), max_length=300)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations, courses, trainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["course"].queryset = courses
        self.fields["trainer"].queryset = trainers


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=[
        c for c in Enrollment.Attendance.choices if c[0] != Enrollment.Attendance.UNKNOWN])
    hours = forms.DecimalField(label=_("Hours attended (partial only)"), required=False, min_value=Decimal("0"),
                               max_digits=5, decimal_places=2)


class FieldHoursForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, empty_label=None)
    worked_on = forms.DateField(label=_("Date worked"), widget=DatePickerInput)
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.25"), max_value=Decimal("24"), max_digits=5,
                               decimal_places=2)
    preceptor = forms.ModelChoiceField(label=_("Preceptor"), queryset=None)
    shift_reference = forms.CharField(label=_("Shift reference"), max_length=64, required=False)
    activity = forms.CharField(label=_("What you did"), max_length=300, required=False)

    def __init__(self, *args, organizations, preceptors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["preceptor"].queryset = preceptors


class SignOffForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Sign off")), ("no", _("Do not sign off"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReadinessFilterForm(forms.Form):
    """The readiness matrix's filters and sort, read from the query string (the CSV export reads the same)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Everyone")), (ReadinessStatus.NOT_CLEARED, _("Not cleared")), (ReadinessStatus.CLEARED, _("Cleared")),
        (ReadinessStatus.EXPIRING, _("A course expires within 90 days"))])
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100, widget=forms.SearchInput)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        (ReadinessSort.STATUS, _("Not cleared first")), (ReadinessSort.NAME, _("Name"))])

    def values(self) -> dict[str, str]:
        """What to filter and sort by; a value that does not validate falls back to its default."""
        self.is_valid()
        data = self.cleaned_data
        return {"status": data.get("status") or "", "search": (data.get("q") or "").strip(),
                "sort": data.get("sort") or ReadinessSort.STATUS}
