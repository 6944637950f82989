"""Community sessions, residents' registrations, feedback from every channel, and what the city did.

Residents never have accounts: a registration or a feedback item carries a contact only when the
resident ticked the consent box (a database constraint enforces it), and no IP address is stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.translated import Translatable


class CommunitySession(Translatable, TimeStampedModel):
    # English in the columns; every other language in `translations` (see apps/core/translated.py).
    TRANSLATED_FIELDS = ("title", "description", "transit_notes")
    class Kind(models.TextChoices):
        LISTENING = "listening", _("Listening session")
        DESIGN = "design", _("Community-design workshop")
        REPORT_BACK = "report_back", _("Report-back")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # The city department that runs it: its moderators manage the session.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="community_sessions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.LISTENING)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    title = models.CharField(_("title (English)"), max_length=200)
    description = models.TextField(_("description (English)"), max_length=5000)
    neighborhood = models.ForeignKey("core.Neighborhood", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    transit_notes = models.CharField(_("transit (English)"), max_length=300, blank=True)
    parking_notes = models.CharField(_("parking"), max_length=300, blank=True)
    accessibility_notes = models.TextField(_("other accessibility details"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    # Seats held back (for walk-ins, partners, interpreters): never offered online.
    reserved_seats = models.PositiveIntegerField(_("reserved seats"), default=0)
    interpretation_languages = models.ManyToManyField("core.Language", blank=True, related_name="+",
                                                      verbose_name=_("interpretation offered"))
    captioning = models.BooleanField(_("live captioning"), default=False)
    childcare = models.BooleanField(_("childcare"), default=False)
    food = models.BooleanField(_("food"), default=False)
    facilitating_organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("facilitating organization"))
    materials_url = models.URLField(_("materials"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)
    walk_in_count = models.PositiveIntegerField(default=0)
    attendance_count = models.PositiveIntegerField(null=True, blank=True)
    summary_notes = models.TextField(max_length=10000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="engagement_session_ends_after"),
            models.CheckConstraint(condition=Q(reserved_seats__lte=models.F("capacity")),
                                   name="engagement_session_reserved_within_capacity"),
            models.CheckConstraint(condition=Q(format="in_person") | ~Q(online_link=""),
                                   name="engagement_session_online_has_link"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="engagement_session_upcoming")]

    def __str__(self) -> str:
        return self.title

    @property
    def transit(self) -> str:
        """Transit notes in the page's language; the English ones when none were written in it."""
        return self.tr.transit_notes

    @property
    def open_seats(self) -> int:
        """Seats residents can take online: capacity less the reserved ones."""
        return self.capacity - self.reserved_seats

    @property
    def places_left(self) -> int:
        """Places residents can still register for (0 when full). Operational, so shown exact on public
        pages, unlike counts of people (see `selectors.suppress`). Uses the selectors' `registered_count`
        annotation when present, else counts."""
        registered = getattr(self, "registered_count", None)
        if registered is None:
            registered = self.registrations.filter(status=Registration.Status.REGISTERED).count()
        return max(self.open_seats - registered, 0)

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.ends_at > timezone.now()

    @property
    def is_in_person(self) -> bool:
        return self.format != self.Format.ONLINE


class AgendaItem(Translatable, models.Model):
    TRANSLATED_FIELDS = ("title",)

    session = models.ForeignKey(CommunitySession, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    title = models.CharField(_("item (English)"), max_length=200)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(CommunitySession, on_delete=models.PROTECT, related_name="registrations")
    name = models.CharField(_("name or nickname"), max_length=100)
    # Kept only with consent (constraint below), for confirmations and reminders.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    contact_consent = models.BooleanField(default=False)
    language = models.ForeignKey("core.Language", on_delete=models.PROTECT, related_name="+")
    access_needs = models.TextField(max_length=1000, blank=True)
    interpretation_language = models.ForeignKey("core.Language", null=True, blank=True, on_delete=models.PROTECT,
                                                related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    # The check-in code, printed on the confirmation: short, no look-alike characters.
    code = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="engagement_registration_code_unique"),
            models.CheckConstraint(condition=Q(contact_consent=True) | (Q(email="") & Q(phone="")),
                                   name="engagement_registration_contact_needs_consent"),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"], name="engagement_reg_waitlist")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def audit_label(self) -> str:
        # The audit log outlives the resident's details: it names the registration by its code only.
        return f"registration {self.code}"

    @property
    def message_language(self) -> str:
        return self.language.interface_language


class StaffTask(TimeStampedModel):
    """Something staff must arrange before a session: an access need or an interpreter."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access request")
        INTERPRETATION = "interpretation", _("Interpretation request")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    session = models.ForeignKey(CommunitySession, on_delete=models.CASCADE, related_name="tasks")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    details = models.CharField(max_length=1000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.details[:60]}"

    @property
    def audit_label(self) -> str:
        # Details may repeat a resident's access needs; the audit log keeps only what the task is.
        return f"{self.kind} task #{self.pk}"


class Theme(Translatable, TimeStampedModel):
    """A code of the codebook. Two levels: a theme and its sub-themes. Ordered and unique by its
    English name; its names in other languages are in `translations`."""

    TRANSLATED_FIELDS = ("name",)

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("name (English)"), max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="engagement_theme_unique_name")]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class FeedbackItem(TimeStampedModel):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online form")
        PAPER_CARD = "paper_card", _("Paper card")
        TABLE_NOTES = "table_notes", _("Table notes")
        API = "api", _("API")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class RejectReason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSIVE = "abusive", _("Abusive or hateful")
        PERSONAL_INFO = "personal_info", _("Shares someone's personal information")
        OFF_TOPIC = "off_topic", _("Not about the program")
        SAFETY = "safety", _("Describes a crisis: followed up by staff, never published")

    # The city department whose moderators handle it; empty for feedback not tied to a session,
    # which every moderator handles.
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    session = models.ForeignKey(CommunitySession, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="feedback_items")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    text = models.TextField(max_length=5000)
    language = models.ForeignKey("core.Language", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey("core.Neighborhood", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    contact_consent = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    # Who typed a paper card or table notes in; empty for the public form.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    reject_reason = models.CharField(max_length=16, choices=RejectReason.choices, blank=True)
    moderator_note = models.CharField(max_length=1000, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Crisis language found by the safety screen: staff were alerted; never published.
    safety_flag = models.BooleanField(default=False, db_index=True)
    # Sent from a resident page's "Tell us what is unclear" link: about the site's translation, not the
    # program. Moderators read it apart (the queue's "topic"), and it is never coded into themes.
    is_translation_feedback = models.BooleanField(default=False, db_index=True)
    # The language the text is written in, as the detector reads it (ISO 639-1; "" not detected or not
    # yet: the embedding task fills it), beside `language`, the form's.
    detected_language = models.CharField(max_length=8, blank=True)
    # The normalised text's hash: the same words submitted again share it (semantics.fingerprint).
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    themes = models.ManyToManyField(Theme, through="FeedbackCoding", related_name="feedback_items", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_consent=True) | (Q(contact_email="") & Q(contact_phone="") & Q(contact_name="")),
                name="engagement_feedback_contact_needs_consent"),
            models.CheckConstraint(condition=~(Q(safety_flag=True) & Q(status="approved")),
                                   name="engagement_feedback_crisis_never_published"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""),
                                   name="engagement_feedback_rejection_has_reason"),
        ]
        indexes = [models.Index(fields=["-safety_flag", "-created_at", "-id"], name="engagement_feedback_order")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:50]}"

    @property
    def audit_label(self) -> str:
        # A resident's words may hold personal details; the audit log keeps the number only.
        return f"feedback #{self.pk}"

    @property
    def contact_language(self) -> str:
        return self.language.interface_language


class FeedbackCoding(models.Model):
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codings")
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "theme"], name="engagement_coding_once")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.theme}"


class Decision(Translatable, TimeStampedModel):
    """"You said, we did": what the city decided about a theme residents raised."""

    TRANSLATED_FIELDS = ("title", "action")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        ADAPTED = "adapted", _("Adapted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    class Progress(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    title = models.CharField(_("what residents said (English)"), max_length=300)
    action = models.TextField(_("what the city did (English)"), max_length=5000)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), max_length=3000, blank=True)
    progress = models.CharField(max_length=16, choices=Progress.choices, default=Progress.PLANNED)
    decided_on = models.DateField()
    themes = models.ManyToManyField(Theme, related_name="decisions", blank=True)
    feedback_items = models.ManyToManyField(FeedbackItem, related_name="decisions", blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(outcome="not_adopted") | ~Q(reason=""),
                                   name="engagement_decision_not_adopted_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title


from .semantics.models import FeedbackEmbedding  # noqa: E402,F401  (a model of this app)
