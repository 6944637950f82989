from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Organization
from .roles import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    message = forms.CharField(label=_("Personal note (optional)"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text=_("At least 10 characters, not only numbers."))
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    phone = forms.RegexField(
        label=_("Mobile phone (optional)"), required=False, max_length=32, regex=r"^\+?[0-9 ()./-]{7,31}$",
        help_text=_("For text-message reminders. Leave empty to get none."),
        error_messages={"invalid": _("Enter a phone number with digits, e.g. +1 617 555 0100.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.STAFF_LANGUAGES)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What is this token for?"), max_length=60)
