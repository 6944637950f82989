from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Neighborhood(models.Model):
    """A neighborhood of the city: the unit of zones, sessions and public figures."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # Its outline, a GeoJSON Polygon or MultiPolygon in longitude/latitude (WGS 84), loaded from the city's
    # open data with `manage.py load_neighborhood_boundaries`: what the dispatch API looks a call's point up in
    # (apps/core/geo.py). Empty until loaded; a neighborhood without one is never found by a point.
    boundary = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


def interface_language_for(code: str) -> str:
    """The interface language closest to a BCP 47 tag: itself when the site speaks it (zh-Hant →
    zh-hant), else its base language (pt-BR → pt, es-419 → es), else the site's default."""
    available = dict(settings.LANGUAGES)
    code = (code or "").lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in available:
            return candidate
    return settings.LANGUAGE_CODE


class Language(models.Model):
    """A language the city offers materials or interpretation in (language-access list + ASL)."""

    code = models.CharField(max_length=16, unique=True, help_text=_("BCP 47 tag, e.g. es, zh-Hant, ase."))
    name = models.CharField(max_length=100)
    native_name = models.CharField(max_length=100, blank=True)
    is_signed = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def interface_language(self) -> str:
        """The interface language to write to someone in this language: its own when the site speaks
        it (es-419 → es, zh-Hant → zh-hant), else the site's default."""
        return interface_language_for(self.code)


class AuditEvent(models.Model):
    """One append-only entry of the audit log.

    `audit()` inserts an event unsealed (no chain position, no hashes), so concurrent writers never
    wait for each other; the sealer (`core.audit.seal_chain`, run by beat every few seconds and on
    demand) gives each committed unsealed event the next chain position and the hash of the event
    before it, so an edited, deleted or inserted sealed row breaks the chain (`manage.py
    verify_audit_chain`). On PostgreSQL triggers refuse DELETE, an INSERT that arrives already
    sealed and any UPDATE but the sealer's one filling of the seal fields.
    """

    created_at = models.DateTimeField(db_index=True)
    # PROTECT: the log outlives nothing it names; users and organizations are deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The seal: empty until the sealer fills all three at once. `seq` is the chain's order (the
    # order events were sealed in), not the id's: a transaction can commit a lower id after a higher one.
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # The sealer's queue: only unsealed rows are in it, so finding them stays cheap however long the log.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hash"], condition=~models.Q(hash=""), name="audit_hash_unique"),
            models.CheckConstraint(
                condition=(models.Q(seq__isnull=True, prev_hash="", hash="")
                           | (models.Q(seq__isnull=False) & ~models.Q(prev_hash="") & ~models.Q(hash=""))),
                name="audit_sealed_whole"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    @property
    def is_sealed(self) -> bool:
        return self.seq is not None


class TranslationStatus(models.Model):
    """How far a resident interface language's translation can be trusted (issue 23, part 3): drafted by
    the program's team, or reviewed by a community reviewer on a date. Residents see it on every page in
    that language. One row per language of settings.LANGUAGES but English (the source)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")

    language = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="reviewed") | models.Q(reviewed_on__isnull=False),
                                   name="core_translation_reviewed_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.status}"


class CatalogOverride(models.Model):
    """A reviewed translation of one interface message, layered over the shipped catalog (locale/<code>/
    LC_MESSAGES/django.po) by core.i18n: what a reviewer's imported .po changed, without a deploy."""

    language = models.CharField(max_length=16)
    msgctxt = models.CharField(max_length=255, blank=True)
    msgid = models.TextField()
    msgstr = models.TextField(blank=True)
    # Plural messages: one string per plural form of the language, in order.
    msgstr_plural = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "msgctxt", "msgid"]
        constraints = [
            models.UniqueConstraint(fields=["language", "msgctxt", "msgid"], name="core_catalog_override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.msgid[:40]}"
