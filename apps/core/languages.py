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
    return [{"code": code, "name_local": get_language_info(code)["name_local"],
             "bidi": code in settings.LANGUAGES_BIDI} for code in codes]


def staff_language(code: str) -> str:
    """The staff language to show instead of `code`: itself when staff pages speak it, else English."""
    return code if code in staff_language_codes() else settings.LANGUAGE_CODE


class StaffLanguageMiddleware:
    """Staff pages asked for in a resident-only language (Arabic, Somali...) render in English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
