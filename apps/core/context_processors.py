from django.conf import settings

from .registry import navigation_for, navigation_menu


def shell(request) -> dict:
    user = getattr(request, "user", None)
    # Staff who still owe a second factor see no menu: every page would send them back to set it up.
    items = navigation_for(user) if user is not None and not getattr(user, "mfa_setup_pending", False) else []
    return {
        "nav_items": items,
        "nav_menu": navigation_menu(items, path=request.path),
        "site_name": "crisisprog",
        "debug": settings.DEBUG,
    }
