"""What the procurement API reads: plain serializers of the input, one per operation. They check shapes
and types only; every rule (deadlines, states, who may, limits) is the service's, which answers with a
400 naming the field."""

from decimal import Decimal

from rest_framework import serializers

from apps.core.api.fields import StrictCharField, StrictStringsMixin
from apps.core.api.translations import TranslationsField

from ..models import PriceProposal, Rating, Solicitation
from ..services import SOLICITATION_STEPS
from ..services.solicitations import EDITABLE_FIELDS

AMOUNT_HELP = 'Dollars as a string with at most two decimals, e.g. "125000.00".'


class AmountField(serializers.RegexField):
    """Dollars and cents as a string ("125000.00"), read as a Decimal. The pattern says it all, so a
    value the schema allows is never refused by the field."""

    def __init__(self, *, positive: bool = False, **kwargs):
        # Ten digits before the point (the database's 12 digits with 2 decimals); `positive` also leaves 0 out.
        regex = (r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,9}(\.[0-9]{1,2})?)$" if positive
                 else r"^[0-9]{1,10}(\.[0-9]{1,2})?$")
        kwargs.setdefault("help_text", AMOUNT_HELP)
        super().__init__(regex, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return Decimal(super().to_internal_value(data))


class SolicitationUpdateSerializer(StrictStringsMixin, serializers.ModelSerializer):
    """A draft's terms. Fields left out keep their value."""

    budget_ceiling = AmountField(positive=True)
    price_points = serializers.IntegerField(min_value=0, max_value=1000, required=False,
                                            help_text="Weighted points only: points the lowest price earns; others "
                                                      "earn them in proportion.")
    translations = TranslationsField(Solicitation, required=False, default=serializers.empty)

    class Meta:
        model = Solicitation
        fields = list(EDITABLE_FIELDS)


class SolicitationCreateSerializer(SolicitationUpdateSerializer):
    class Meta(SolicitationUpdateSerializer.Meta):
        fields = ["reference", *EDITABLE_FIELDS]
        # The service decides on uniqueness (any letter case) and says so on `reference`.
        extra_kwargs = {"reference": {"validators": []}}


class SolicitationStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=list(SOLICITATION_STEPS),
        help_text="publish (a draft), open (the proposals, after the deadline and the scheduled opening), "
                  "evaluation-start, consensus-start (locks every individual score), price-open. None can be "
                  "undone.")


class SolicitationCancelSerializer(serializers.Serializer):
    reason = StrictCharField(help_text="Why: sent to every proposer and kept in the procurement file.")


class AwardRecommendationSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(help_text="Id of a submitted, responsive proposal of this solicitation.")
    reasons = StrictCharField()


class SolicitationAwardSerializer(serializers.Serializer):
    justification = StrictCharField(required=False, allow_blank=True, default="",
                                    help_text="Required when the award is not to the lowest price.")


class EvaluatorAppointSerializer(serializers.Serializer):
    evaluator = serializers.IntegerField(help_text="Id of an active user with the RFP evaluator role, not yet on "
                                                   "this committee.")


class CriterionInputSerializer(serializers.Serializer):
    kind = StrictCharField(help_text="minimum (pass or fail) or comparative (rated).")
    title = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")
    max_points = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1000,
                                          help_text="Weighted points only: what the criterion is worth.")


class ProposalQuestionInputSerializer(serializers.Serializer):
    prompt = StrictCharField()
    max_words = serializers.IntegerField(min_value=50, max_value=5000, default=500)


class RequiredAttachmentInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")


class DocumentInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, PNG or JPEG, up to 20 MB, checked by its content.")


class AddendumInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    body = StrictCharField(help_text="What changes (Markdown).")
    new_proposals_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                                     help_text="A new proposal deadline, if the addendum moves it.")


class ClarificationAskSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="Id of the organization you coordinate and ask for.")
    question = StrictCharField(max_length=4000, help_text="Published with its answer, without your name.")


class ClarificationAnswerSerializer(serializers.Serializer):
    answer = StrictCharField()
    question = StrictCharField(required=False, allow_blank=True, default="",
                               help_text="The question as published, reworded to remove anything identifying "
                                         "(left out: as asked).")


class ProposalStartSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="Id of the organization you coordinate and propose for.")


class ProposalAnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="Id of one of the solicitation's questions.")
    text = StrictCharField(allow_blank=True, help_text="Held to the question's word limit.")


class ProposalAnswersSerializer(serializers.Serializer):
    answers = ProposalAnswerInputSerializer(many=True)


class PriceInputSerializer(serializers.Serializer):
    personnel = AmountField()
    responder_stipends = AmountField()
    training = AmountField()
    operations = AmountField()
    indirect = AmountField()
    notes = StrictCharField(required=False, allow_blank=True, default="")

    def lines(self) -> dict:
        return {line: self.validated_data[line] for line in PriceProposal.LINES}


class ProposalDraftSerializer(serializers.Serializer):
    """The editor's one save: the answers and, when given, the whole price envelope, in one transaction."""

    answers = ProposalAnswerInputSerializer(many=True, required=False, default=list)
    price = PriceInputSerializer(required=False, allow_null=True, default=None)


class AttachmentInputSerializer(serializers.Serializer):
    required_attachment = serializers.IntegerField(help_text="Id of the solicitation's required attachment.")
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, PNG or JPEG, up to 20 MB, checked by its content.")


class AcknowledgementInputSerializer(serializers.Serializer):
    addendum = serializers.IntegerField(help_text="Id of one of the solicitation's addenda.")


class ResponsivenessInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="Id of one of the solicitation's minimum criteria.")
    passed = serializers.BooleanField()
    reason = StrictCharField()


class ConflictDeclarationInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="Id of an organization listed in `candidates`.")
    description = StrictCharField(help_text="The relationship: employment, board seat, family, money.")


class AttestationInputSerializer(serializers.Serializer):
    affirm = serializers.BooleanField(help_text="You confirm the statement: signing needs true.")
    signed_name = StrictCharField(max_length=200, help_text="Your full name, as your signature.")
    conflicts = ConflictDeclarationInputSerializer(many=True, required=False, default=list,
                                        help_text="Each organization you have a relationship with; a conflict "
                                                  "with a proposer recuses you from its proposal.")


class ScoreEntrySerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="Id of one of the solicitation's comparative criteria.")
    points = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1000,
                                      help_text="Weighted points: 0 to the criterion's points.")
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True,
                                     help_text="Adjectival ratings: the rating.")
    rationale = StrictCharField(required=False, allow_blank=True, default="", help_text="Required to score.")


class ScoreSheetEntrySerializer(ScoreEntrySerializer):
    clear = serializers.BooleanField(required=False, default=False,
                                     help_text="true takes back your draft score on this criterion.")


class ScoreSheetInputSerializer(serializers.Serializer):
    scores = ScoreSheetEntrySerializer(many=True, required=False, default=list)
    submit = serializers.BooleanField(required=False, default=False,
                                      help_text="Submit the sheet too: every criterion must then be scored.")


class ConsensusInputSerializer(serializers.Serializer):
    scores = ScoreEntrySerializer(many=True)
