import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.models import Language, Neighborhood
from apps.core.reference_data import language_label
from apps.core.rendering import DatePickerInput
from apps.core.translated import add_translation_fields, collect_translations, group_inputs, translation_languages

from .models import CommunitySession, Decision, FeedbackItem, Theme
from .services import SESSION_FIELDS, feedback_consent_problem, registration_consent_problem


def _languages():
    return Language.objects.filter(is_active=True).order_by("sort_order", "name")


def _neighborhoods():
    return Neighborhood.objects.filter(is_active=True).order_by("sort_order", "name")


# Digits with the usual separators and an optional leading +; E.164 allows at most 15 digits.
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ().\-]*$")
# The longest address the email columns (and RFC 5321) hold; forms.EmailField alone allows 320.
EMAIL_MAX_LENGTH = 254


def validate_phone(value: str) -> None:
    """A number a text message can reach: what the form does not catch, the SMS provider would fail on."""
    digits = sum(c.isdigit() for c in value)
    if not PHONE_PATTERN.match(value.strip()):
        raise ValidationError(_("Enter a phone number in digits, for example 617-555-0100."), code="invalid_phone")
    if digits < 7:
        raise ValidationError(_("Enter the phone number with its area code."), code="short_phone")
    if digits > 15:
        raise ValidationError(_("A phone number has at most 15 digits."), code="long_phone")


class ReadableTextMixin:
    """Text sent in another encoding than UTF-8 reaches the form with U+FFFD in place of each unreadable
    byte: storing it would keep characters the resident never wrote, so the field says so instead."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and "\ufffd" in value:
                self.add_error(name, _("Some characters could not be read (the text was not sent as UTF-8). "
                                       "Type it again."))
        return data


def _page_language_pk() -> int | None:
    """The Language row for the page's language (a Spanish page preselects Spanish), else English."""
    code = (get_language() or "en").split("-")[0]
    rows = dict(Language.objects.filter(code__in={code, "en"}).values_list("code", "pk"))
    return rows.get(code) or rows.get("en")


class LanguageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return language_label(obj)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.tr.title  # in the page's language, English when it has none


class SessionFilterForm(forms.Form):
    WHEN_CHOICES = [("", _("Any date")), ("week", _("This week")), ("month", _("This month")),
                    ("next-month", _("Next month"))]

    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DatePickerInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DatePickerInput)
    neighborhood = forms.ModelChoiceField(queryset=_neighborhoods(), required=False, to_field_name="slug",
                                          label=_("Neighborhood"), empty_label=_("All neighborhoods"))
    language = LanguageChoiceField(queryset=_languages(), required=False, to_field_name="code",
                                   label=_("Interpretation in"), empty_label=_("Any language"))

    def date_range(self, today: date) -> tuple[date | None, date | None]:
        """The first and last local day a session may start on: typed dates win over the preset
        ("this week" runs from today to Sunday, "this month" to its last day)."""
        data = self.cleaned_data
        first, last = None, None
        if data.get("when") == "week":
            first, last = today, today + timedelta(days=6 - today.weekday())
        elif data.get("when") in ("month", "next-month"):
            start = today if data["when"] == "month" else (today.replace(day=28) + timedelta(days=4)).replace(day=1)
            first, last = start, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return data.get("date_from") or first, data.get("date_to") or last

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class RegistrationForm(ReadableTextMixin, forms.Form):
    name = forms.CharField(label=_("Name or nickname"), max_length=100)
    language = LanguageChoiceField(queryset=_languages(), label=_("Your preferred language"), empty_label=None)
    email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=EMAIL_MAX_LENGTH)
    phone = forms.CharField(label=_("Mobile phone for text messages (optional)"), required=False, max_length=32,
                            validators=[validate_phone])
    contact_consent = forms.BooleanField(
        label=_("Keep my email or phone to send me a confirmation and reminders about this session."),
        required=False,
        help_text=_("Without this box ticked we do not keep your email or phone."))
    interpretation_language = LanguageChoiceField(
        queryset=_languages(), required=False, label=_("I need an interpreter in"), empty_label=_("No interpreter"))
    access_needs = forms.CharField(label=_("Access needs (optional)"), required=False, max_length=1000,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("For example step-free seating, large print, a quiet space."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a submitted form never shows its initial values: no query for them
            self.fields["language"].initial = _page_language_pk()

    def clean(self):
        data = super().clean()
        problem = registration_consent_problem(email=data.get("email"), phone=data.get("phone"),
                                               contact_consent=data.get("contact_consent"))
        if problem:
            self.add_error("contact_consent", problem)
        return data


class FeedbackForm(ReadableTextMixin, forms.Form):
    text = forms.CharField(label=_("Your feedback"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    language = LanguageChoiceField(queryset=_languages(), label=_("Language you wrote in"), empty_label=None)
    neighborhood = forms.ModelChoiceField(queryset=_neighborhoods(), required=False, label=_("Your neighborhood "
                                          "(optional)"), empty_label=_("Prefer not to say"))
    session = SessionChoiceField(queryset=CommunitySession.objects.none(), required=False,
                                 label=_("About a session (optional)"), empty_label=_("No particular session"))
    contact_consent = forms.BooleanField(
        required=False, label=_("You may contact me about my feedback and tell me what the city did with it."),
        help_text=_("Your feedback is anonymous unless you tick this box and leave a contact."))
    contact_name = forms.CharField(label=_("Name (optional)"), required=False, max_length=100)
    contact_email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=EMAIL_MAX_LENGTH)
    contact_phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=32,
                                    validators=[validate_phone])
    # Pre-ticked by the "Tell us what is unclear" link of a page's translation notice (?topic=translation).
    is_translation_feedback = forms.BooleanField(
        required=False, label=_("My feedback is about the translation of this website"))
    # A honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"].queryset = sessions
        if not self.is_bound:  # a submitted form never shows its initial values: no query for them
            self.fields["language"].initial = _page_language_pk()

    def clean(self):
        data = super().clean()
        problem = feedback_consent_problem(contact_name=data.get("contact_name"),
                                           contact_email=data.get("contact_email"),
                                           contact_phone=data.get("contact_phone"),
                                           contact_consent=data.get("contact_consent"))
        if problem:
            self.add_error("contact_consent", problem)
        return data


class StaffFeedbackForm(FeedbackForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=[
        (FeedbackItem.Channel.PAPER_CARD, FeedbackItem.Channel.PAPER_CARD.label),
        (FeedbackItem.Channel.TABLE_NOTES, FeedbackItem.Channel.TABLE_NOTES.label)])

    field_order = ["channel", "session", "text", "language", "neighborhood"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["text"].label = _("Text, as written")


SESSION_LABELS = {"title": _("Title"), "description": _("Description"), "transit_notes": _("Transit")}


class SessionForm(forms.ModelForm):
    """A session: its English text, then one input per offered language (settings.LANGUAGES) for
    each translatable field, flagged "missing" where that language has no text yet."""

    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    materials_url = forms.URLField(label=_("Materials (link)"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item a line, in English: item | minutes (minutes optional)."))

    class Meta:
        model = CommunitySession
        fields = ["organization", *[f for f in SESSION_FIELDS if f != "translations"], "interpretation_languages"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "interpretation_languages": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        add_translation_fields(self, CommunitySession, SESSION_LABELS, instance=self.instance,
                               textareas=("description",))
        items = list(self.instance.agenda_items.all()) if self.instance.pk else []
        for code, language in translation_languages():
            lines = [(a.translations.get(code) or {}).get("title", "") for a in items]
            field = forms.CharField(
                label=_("Agenda (%(language)s)") % {"language": language}, required=False,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
                help_text=_("The items above in this language, one a line, in the same order."), strip=False,
                initial="\n".join(lines).rstrip("\n"))
            field.language = code
            field.missing = bool(items) and not all(lines)
            self.fields[f"agenda_{code}"] = field
        group_inputs(self, [f"agenda_{code}" for code, _language in translation_languages()])
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["agenda"].initial = "\n".join(
                " | ".join(str(v) for v in (a.title, a.minutes or "") if v != "").rstrip(" |") for a in items)

    def clean_agenda(self) -> list[tuple[str, int | None]]:
        items = []
        for line in self.cleaned_data.get("agenda", "").splitlines():
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                continue
            minutes = None
            if len(parts) > 1 and parts[-1]:
                if not parts[-1].isdigit():
                    raise forms.ValidationError(_("Minutes must be a whole number: %(line)s") % {"line": line})
                minutes = int(parts[-1])
            items.append((parts[0][:200], minutes))
        return items

    def clean(self):
        data = super().clean()
        data["translations"] = collect_translations(data, CommunitySession)
        agenda = data.get("agenda")
        if agenda is not None:
            titles = {code: [line.strip() for line in (data.get(f"agenda_{code}") or "").splitlines()]
                      for code, _language in translation_languages()}
            data["agenda"] = [
                (title, {code: {"title": lines[n][:200]} for code, lines in titles.items()
                         if n < len(lines) and lines[n]}, minutes)
                for n, (title, minutes) in enumerate(agenda)]
        for name in [n for n in data if getattr(self.fields.get(n), "language", None)]:
            del data[name]
        return data

    def _post_clean(self):
        # Model validation (constraints) happens in the service, which gives the field-tied message.
        pass


class CancelSessionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to registrants)"), max_length=500)


class CloseSessionForm(forms.Form):
    summary_notes = forms.CharField(label=_("Summary notes"), max_length=10000,
                                    widget=forms.Textarea(attrs={"rows": 6}))
    materials_url = forms.URLField(label=_("Materials (link)"), required=False, assume_scheme="https")


class WalkInForm(forms.Form):
    count = forms.IntegerField(label=_("Walk-ins"), min_value=0, max_value=10000)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=8)


DECISION_CHOICES = [("approve", _("Publish")), ("reject", _("Reject"))]


class ModerateForm(forms.Form):
    """The moderator's one step on an item: publish or reject it, and code it against the codebook."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Reason for rejecting"), required=False,
                               choices=[("", "—"), *FeedbackItem.RejectReason.choices])
    note = forms.CharField(label=_("Internal remark"), required=False, max_length=1000)
    themes = forms.ModelMultipleChoiceField(queryset=Theme.objects.none(), required=False, label=_("Themes"),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, item: FeedbackItem | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "decision": {FeedbackItem.Status.APPROVED: "approve",
                             FeedbackItem.Status.REJECTED: "reject"}.get(item.status, ""),
                "reason": item.reject_reason or (FeedbackItem.RejectReason.SAFETY if item.safety_flag else ""),
                "note": item.moderator_note, "themes": [t.pk for t in item.themes.all()]}
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(is_active=True).select_related("parent").order_by(
            "parent__name", "name", "id")
        if item is not None and item.safety_flag:
            # A crisis message is never published: the choice is not offered (the service refuses it too).
            self.fields["decision"].choices = [c for c in DECISION_CHOICES if c[0] != "approve"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose the reason for rejecting it."))
        return data


class FeedbackNumbersField(forms.TypedMultipleChoiceField):
    """Feedback numbers from the queue page. Any whole number is accepted here: the service acts only
    on the items of the moderator's queue and reports the others as not found (an item moderated by
    a colleague since the page was shown is no reason to refuse the whole form)."""

    def valid_value(self, value) -> bool:
        return True


class BulkModerateForm(forms.Form):
    """The feedback queue's action bar: the ticked items, or every item shown on the page, get one decision."""

    ids = FeedbackNumbersField(label=_("Selected feedback"), coerce=int, required=False)
    # The items the page showed: "all on this page" means those, never an item that arrived since.
    shown = FeedbackNumbersField(coerce=int, required=False, widget=forms.MultipleHiddenInput)
    all_on_page = forms.BooleanField(label=_("Select all on this page"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Publish")), ("reject", _("Reject"))],
                                 widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Reason for rejecting"), required=False,
                               choices=[("", "—"), *FeedbackItem.RejectReason.choices])
    note = forms.CharField(label=_("Internal remark (optional)"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("all_on_page"):
            data["ids"] = data.get("shown") or []
        if "ids" in data and not data["ids"]:
            self.add_error("ids", _("Tick the items to moderate, or select all on this page."))
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose the reason for rejecting it."))
        return data


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=120)
    parent = forms.ModelChoiceField(queryset=Theme.objects.filter(parent__isnull=True), required=False,
                                    label=_("Part of"), empty_label=_("(top level)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_translation_fields(self, Theme, {"name": _("Name")})

    def clean(self):
        data = super().clean()
        data["translations"] = collect_translations(data, Theme)
        for name in [n for n in data if getattr(self.fields.get(n), "language", None)]:
            del data[name]
        return data


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["title", "action", "outcome", "reason", "progress", "decided_on", "themes"]
        widgets = {"decided_on": DatePickerInput,
                   "themes": forms.CheckboxSelectMultiple,
                   "action": forms.Textarea(attrs={"rows": 3}),
                   "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.select_related("parent").order_by("parent__name", "name")
        add_translation_fields(self, Decision, {"title": _("What residents said"), "action": _("What the city did")},
                               instance=self.instance, textareas=("action",))

    def clean(self):
        data = super().clean()
        data["translations"] = collect_translations(data, Decision)
        for name in [n for n in data if getattr(self.fields.get(n), "language", None)]:
            del data[name]
        return data

    def _post_clean(self):
        pass


class FeedbackPickerForm(forms.Form):
    """The feedback a decision quotes: the ticked items (the linked ones, and matches of a search),
    and the search itself. The page renders it as a list with full text, not as a widget."""

    feedback_items = forms.ModelMultipleChoiceField(queryset=FeedbackItem.objects.none(), required=False,
                                                    label=_("Feedback this decision answers"))
    q = forms.CharField(label=_("Search published feedback"), required=False, max_length=200,
                        help_text=_("Words from the text, or a feedback number."))

    def __init__(self, *args, linkable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if linkable is not None:
            self.fields["feedback_items"].queryset = linkable


class ForgetForm(ReadableTextMixin, forms.Form):
    """A resident asks us to erase what we hold for their email or phone."""

    email = forms.EmailField(label=_("Email you gave us"), required=False, max_length=EMAIL_MAX_LENGTH)
    phone = forms.CharField(label=_("Phone number you gave us"), required=False, max_length=32)
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.errors:
            raise forms.ValidationError(_("Give the email or the phone number you used."))
        return data


def describe_errors(form) -> None:
    """Tie each field's error (and help) to its input with aria-describedby, for the engagement staff
    pages that render fields through engagement/_staff_field.html (errors at `<id>_error`)."""
    for name in form.errors:
        if name not in form.fields:
            continue
        bound = form[name]
        ids = [f"{bound.auto_id}_helptext"] if form.fields[name].help_text else []
        form.fields[name].widget.attrs["aria-describedby"] = " ".join([*ids, f"{bound.auto_id}_error"])
