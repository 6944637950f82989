"""Which interface languages a page may speak.

Resident pages (the public's: the home page, community sessions, registration links, the feedback
form, "you said, we did", the public RFP list, unsubscribe and privacy pages, the error pages) speak
every language of settings.LANGUAGES; staff pages — every page of a signed-in user, and the
anonymous pages that are the staff's way in (sign-in, password reset, invitations, the API docs) —
speak settings.STAFF_LANGUAGES only, because their strings are translated into English and Spanish
alone. `StaffLanguageMiddleware` (after AuthenticationMiddleware) narrows a request for a staff page
in a resident-only language to English: LocaleMiddleware has already activated the visitor's choice
(cookie, Accept-Language); this middleware re-activates English for that one request, so the
resident's choice is kept for the next resident page.
"""

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import get_language_info

# Besides the views marked @public_page (core.decorators): the home page (a signed-in user's
# dashboard, narrowed below) and Django's set_language.
RESIDENT_VIEWS = frozenset({"core:dashboard", "set_language"})


def is_resident_view(view_func, view_name: str) -> bool:
    return getattr(view_func, "crisisprog_public", False) or view_name in RESIDENT_VIEWS


def staff_language_codes() -> frozenset[str]:
    return frozenset(code for code, _name in settings.STAFF_LANGUAGES)


def is_resident_request(request) -> bool:
    """A page of the public: a resident view seen by someone not signed in. A request that reached no
    view (a 404) keeps the visitor's language: the error pages are resident pages."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return getattr(request, "crisisprog_resident", True)


def page_languages(request) -> list[dict]:
    """The languages the page's switcher offers, each named in itself, with its code and direction."""
    codes = ([code for code, _name in settings.LANGUAGES] if is_resident_request(request)
             else [code for code, _name in settings.STAFF_LANGUAGES])
    return [{"code": code, "name_local": capfirst(get_language_info(code)["name_local"]),
             "bidi": code in settings.LANGUAGES_BIDI} for code in codes]


def staff_language(code: str) -> str:
    """The staff language to show instead of `code`: itself when staff pages speak it, else English."""
    return code if code in staff_language_codes() else settings.LANGUAGE_CODE


class StaffLanguageMiddleware:
    """Staff pages asked for in a resident-only language (Arabic, Somali...) render in English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ensure_catalog_current()
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        current = translation.get_language()
        match = request.resolver_match
        request.crisisprog_resident = is_resident_view(view_func, match.view_name if match else "")
        if is_resident_request(request):
            return None
        narrowed = staff_language(current)
        if narrowed != current:
            translation.activate(narrowed)
            request.LANGUAGE_CODE = narrowed
        return None


# --- translation status and reviewed catalogs ----------------------------------------------------
#
# How a reviewer's imported catalog reaches every web worker (several gunicorn processes, on several
# machines): the reviewed strings are rows of CatalogOverride in the database, layered over the shipped
# .po/.mo catalog. The cache holds one catalog version (CATALOG_VERSION_KEY), changed by every apply;
# each process remembers the version it layered, and a request in a language other than English asks the
# cache for the version (one cache read, no query) and, when it moved, drops Django's loaded catalogs and
# layers the overrides afresh (two queries, once per change per process). A process's first non-English
# request layers them too, so a new worker, or one after a cache flush, is never behind. Nothing is
# written to disk: workers need no shared filesystem and a deploy keeps the reviewed strings.

CATALOG_VERSION_KEY = "i18n:catalog-version"
STATUS_KEY = "i18n:status:{code}"
_layered = {"version": None}


def catalog_version_from_db() -> str:
    from django.db.models import Count, Max

    from .models import CatalogOverride

    row = CatalogOverride.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{row['n']}:{row['last'].isoformat() if row['last'] else '-'}"


def catalog_changed() -> None:
    """After a change to the overrides (on commit): every process layers them again on its next request."""
    from django.core.cache import cache

    cache.set(CATALOG_VERSION_KEY, catalog_version_from_db(), None)


def override_key(msgctxt: str, msgid: str) -> str:
    """The key of a message in a gettext catalog: the context and the id joined by EOT."""
    return f"{msgctxt}\x04{msgid}" if msgctxt else msgid


def _layer_overrides(version: str) -> None:
    from django.utils.translation import trans_real

    from .models import CatalogOverride

    trans_real._translations.clear()
    for override in CatalogOverride.objects.all():
        catalog = trans_real.translation(override.language)._catalog
        key = override_key(override.msgctxt, override.msgid)
        if override.msgstr_plural:
            for index, text in enumerate(override.msgstr_plural):
                if text:
                    catalog[(key, index)] = text
        elif override.msgstr:
            catalog[key] = override.msgstr
    _layered["version"] = version
    translation.activate(translation.get_language() or settings.LANGUAGE_CODE)


def ensure_catalog_current() -> None:
    """Layer the reviewed strings when they changed since this process last did (see above)."""
    from django.core.cache import cache

    if (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        return  # English is the source: nothing to override
    version = cache.get(CATALOG_VERSION_KEY)
    if version is not None and version == _layered["version"]:
        return
    if version is None:
        version = catalog_version_from_db()
        cache.set(CATALOG_VERSION_KEY, version, None)
        if version == _layered["version"]:
            return
    _layer_overrides(version)


def translation_status(code: str) -> dict | None:
    """The language's status for the residents' notice ({"status", "reviewed_on"}), from the cache; None
    for English and for a language the site does not speak. A language of the site with no status row (one
    added to settings.LANGUAGES since the data migration, or a database emptied by a test) is a draft: no
    translation is called reviewed unless a reviewer said so."""
    from django.core.cache import cache

    from .models import TranslationStatus

    if code == settings.LANGUAGE_CODE or code not in dict(settings.LANGUAGES):
        return None
    key = STATUS_KEY.format(code=code)
    found = cache.get(key)
    if found is None:
        row = TranslationStatus.objects.filter(language=code).values("status", "reviewed_on").first()
        found = row or {"status": TranslationStatus.State.DRAFT.value, "reviewed_on": None}
        cache.set(key, found, 3600)
    return found or None


def status_changed(code: str) -> None:
    from django.core.cache import cache

    cache.delete(STATUS_KEY.format(code=code))
