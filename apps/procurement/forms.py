from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.translated import add_translation_fields, collect_translations

from .models import Criterion, PriceProposal, Rating, RatingMethod, Solicitation
from .uploads import MAX_UPLOAD_BYTES

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
UPLOAD_HELP = _("PDF, DOCX, XLSX, PNG or JPEG, up to 20 MB.")


class SolicitationForm(forms.ModelForm):
    class Meta:
        model = Solicitation
        fields = ["reference", "title", "summary", "scope", "procurement_type", "rating_method", "price_points",
                  "budget_ceiling", "questions_due_at", "proposals_due_at", "opening_at", "scoring_due_at",
                  "blind_review", "two_envelopes"]
        widgets = dict.fromkeys(("questions_due_at", "proposals_due_at", "opening_at", "scoring_due_at"),
                                DATETIME_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("questions_due_at", "proposals_due_at", "opening_at", "scoring_due_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk:
            self.fields["reference"].disabled = True
        # The public summary in each offered language (Markdown too), "missing" where none is written.
        add_translation_fields(self, Solicitation, {"summary": _("Summary")}, instance=self.instance,
                               textareas=("summary",))

    def clean(self):
        data = super().clean()
        data["translations"] = collect_translations(data, Solicitation)
        for name in [n for n in data if getattr(self.fields.get(n), "language", None)]:
            del data[name]
        return data

    def validate_unique(self):
        """The service decides on uniqueness and gives the message."""


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Criterion.Kind.choices)
    title = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    max_points = forms.IntegerField(label=_("Points (weighted points only)"), min_value=0, required=False)


class ProposalQuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question the proposal must answer"), widget=forms.Textarea(attrs={"rows": 3}))
    max_words = forms.IntegerField(label=_("Word limit"), min_value=50, max_value=5000, initial=500)


class RequiredAttachmentForm(forms.Form):
    name = forms.CharField(label=_("Required attachment"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=UPLOAD_HELP)


class AddendumForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("What changes (Markdown)"), widget=forms.Textarea(attrs={"rows": 5}))
    new_proposals_due_at = forms.DateTimeField(label=_("New proposal deadline (optional)"), required=False,
                                               widget=DATETIME_WIDGET,
                                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class ClarificationForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Asking for"), coerce=int)
    question = forms.CharField(label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("The answer is published for everyone, without your name."))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class ClarificationAnswerForm(forms.Form):
    question = forms.CharField(label=_("Question as published (remove anything identifying)"),
                               widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))


class EvaluatorAssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=_("Evaluator"), queryset=User.objects.none())

    def __init__(self, *args, solicitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = User.objects.filter(
            is_active=True, memberships__role=Role.RFP_EVALUATOR, memberships__is_active=True,
        ).distinct().order_by("full_name", "email")
        if solicitation is not None:  # those already on this committee are not offered again
            candidates = candidates.exclude(pk__in=solicitation.assignments.values("evaluator_id"))
        self.fields["evaluator"].queryset = candidates


class ResponsivenessForm(forms.Form):
    criterion = forms.TypedChoiceField(label=_("Minimum criterion"), coerce=int)
    passed = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "pass",
                                    choices=[("pass", _("Pass")), ("fail", _("Fail"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.pk, c.title) for c in criteria]


class ScoreForm(forms.Form):
    """One criterion's score: points or an adjectival rating, with a required rationale."""

    points = forms.IntegerField(label=_("Points"), min_value=0, required=False)
    rating = forms.ChoiceField(label=_("Rating"), choices=[("", "—"), *Rating.choices], required=False)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, method: str, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["rationale"].error_messages["required"] = _("Write the rationale for this rating.")
        if method == RatingMethod.POINTS:
            del self.fields["rating"]
            points = self.fields["points"]
            points.required = True
            points.max_value = criterion.max_points
            points.validators.append(MaxValueValidator(criterion.max_points))
            points.widget.attrs["max"] = criterion.max_points
            points.error_messages["required"] = _("Give the points.")
            points.help_text = _("0 to %(max)s") % {"max": criterion.max_points}
        else:
            del self.fields["points"]
            self.fields["rating"].required = True
            self.fields["rating"].error_messages["required"] = _("Choose a rating.")

    def is_blank(self) -> bool:
        """Nothing typed or chosen: a draft save skips it rather than calling it an error."""
        return not any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields)


def word_count(text: str) -> int:
    """Words as the server counts them for a word limit (static/js/wordcount.js counts the same way)."""
    return len((text or "").split())


class AnswersForm(forms.Form):
    """The technical proposal's answers, one field per question, each held to its word limit."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.name_for(question)] = forms.CharField(
                label=f"{question.order}. {question.prompt}", required=False,
                widget=forms.Textarea(attrs={"rows": 8}))

    @staticmethod
    def name_for(question) -> str:
        return f"answer_{question.pk}"

    def clean(self):
        data = super().clean()
        for question in self.questions:
            name = self.name_for(question)
            words = word_count(data.get(name, ""))
            if words > question.max_words:
                self.add_error(name, _("%(words)s words: the limit is %(limit)s. Shorten it by %(over)s.") % {
                    "words": words, "limit": question.max_words, "over": words - question.max_words})
        return data

    def answers(self) -> dict[int, str]:
        return {question.pk: self.cleaned_data.get(self.name_for(question), "") for question in self.questions}


class PriceForm(forms.Form):
    personnel = forms.DecimalField(label=_("Personnel"), min_value=0, decimal_places=2, max_digits=12)
    responder_stipends = forms.DecimalField(label=_("Responder stipends"), min_value=0, decimal_places=2,
                                            max_digits=12)
    training = forms.DecimalField(label=_("Training"), min_value=0, decimal_places=2, max_digits=12)
    operations = forms.DecimalField(label=_("Operations"), min_value=0, decimal_places=2, max_digits=12)
    indirect = forms.DecimalField(label=_("Indirect costs"), min_value=0, decimal_places=2, max_digits=12)
    notes = forms.CharField(label=_("Budget notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def for_price(cls, price: PriceProposal | None, data=None):
        initial = {line: getattr(price, line) for line in PriceProposal.LINES} if price else {}
        if price:
            initial["notes"] = price.notes
        return cls(data, initial=initial)


class AttachmentForm(forms.Form):
    required_attachment = forms.TypedChoiceField(label=_("Attachment"), coerce=int)
    file = forms.FileField(label=_("File"), help_text=UPLOAD_HELP)

    def __init__(self, *args, required=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_attachment"].choices = [(r.pk, r.name) for r in required]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RecommendForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Proposal"), coerce=int)
    reasons = forms.CharField(label=_("Reasons for the recommendation"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [(p.pk, f"{p.code} — {p.organization.name}") for p in proposals]


class AwardForm(forms.Form):
    justification = forms.CharField(
        label=_("Award justification"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the award is not to the lowest price."))
