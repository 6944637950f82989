from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .i18n import is_resident_request, page_languages, translation_status
from .registry import navigation_for, navigation_menu


def shell(request) -> dict:
    user = getattr(request, "user", None)
    # Staff who still owe a second factor see no menu: every page would send them back to set it up.
    items = navigation_for(user) if user is not None and not getattr(user, "mfa_setup_pending", False) else []
    return {
        "nav_items": items,
        "nav_menu": navigation_menu(items, path=request.path),
        "public_nav": [] if items else public_navigation(request.path),
        "site_name": "crisisprog",
        # The switcher's languages: all of them on a resident page, the staff's on a staff page.
        "resident_page": is_resident_request(request),
        "page_languages": page_languages(request),
        # Every resident page in a translated language says how far to trust the translation.
        "translation_notice": translation_status(translation.get_language()) if is_resident_request(request) else None,
        "debug": settings.DEBUG,
    }


# The header of a visitor who is not signed in: the resident's pages and the way in for staff.
_PUBLIC_NAV = (
    ("core:dashboard", _("Home")),
    ("engagement:session-list", _("Community sessions")),
    ("engagement:feedback-create", _("Give feedback")),
    ("engagement:decision-public-list", _("You said, we did")),
    ("procurement:solicitation-list", _("Open RFPs")),
    ("account_login", _("Staff sign in")),
)


def public_navigation(path: str) -> list[dict]:
    links = []
    for name, label in _PUBLIC_NAV:
        url = reverse(name)
        current = "page" if path == url else ("true" if url != "/" and path.startswith(url) else "")
        links.append({"url": url, "label": label, "current": current, "key": name})
    return links
