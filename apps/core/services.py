"""Core's writes: the resident languages' translation status and the reviewed catalogs (issue 23)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit
from .catalogs import catalog_diff, resident_languages
from .errors import ApplicationError, require
from .i18n import catalog_changed, status_changed
from .models import CatalogOverride, TranslationStatus
from .permissions import can_review_translations


def _language(code: str) -> str:
    if code not in resident_languages():
        raise ApplicationError(_("Choose one of the site's resident languages."), field="language")
    return code


@transaction.atomic
def translation_mark(*, by, language: str, reviewed: bool) -> TranslationStatus:
    """Mark a language reviewed (by `by`, today) or back to draft; residents' notice follows at once."""
    require(can_review_translations(by), _("Only a translation reviewer can mark a language."))
    status, _created = TranslationStatus.objects.select_for_update().get_or_create(language=_language(language))
    before = {"status": status.status, "reviewed_on": str(status.reviewed_on or "")}
    if reviewed:
        status.status = TranslationStatus.State.REVIEWED
        status.reviewed_by, status.reviewed_on = by, timezone.localdate()
    else:
        status.status, status.reviewed_by, status.reviewed_on = TranslationStatus.State.DRAFT, None, None
    status.save()
    audit(actor=by, action="core.translation.reviewed" if reviewed else "core.translation.draft", target=status,
          before=before, after={"status": status.status, "reviewed_on": str(status.reviewed_on or "")})
    transaction.on_commit(lambda: status_changed(language))
    return status


@transaction.atomic
def catalog_apply(*, by, language: str, text: str) -> int:
    """Apply a reviewed .po file: each changed or newly translated resident message becomes an override
    of the shipped catalog (removed or empty strings keep their current translation). Returns how many
    messages changed; every web worker shows them from its next request (core.i18n)."""
    require(can_review_translations(by), _("Only a translation reviewer can import a catalog."))
    _language(language)
    try:
        diff = catalog_diff(language, text)
    except ValueError as error:
        raise ApplicationError(_("This is not a .po file: %(error)s") % {"error": error}, field="catalog") from error
    if diff.empty:
        raise ApplicationError(_("The file changes no translation."), field="catalog")
    for message in diff.to_apply:
        CatalogOverride.objects.update_or_create(
            language=language, msgctxt=message.msgctxt, msgid=message.msgid,
            defaults={"msgstr": message.msgstr, "msgstr_plural": message.msgstr_plural, "updated_by": by})
    audit(actor=by, action="core.translation.catalog_applied", target=None,
          after={"language": language, "changed": len(diff.changed), "new": len(diff.new),
                 "msgids": [m.msgid[:80] for m in diff.to_apply][:50]})
    transaction.on_commit(catalog_changed)
    return len(diff.to_apply)
