from django.conf import settings

from .registry import navigation_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    return {
        # Staff who still owe a second factor see no menu: every page would send them back to set it up.
        "nav_items": navigation_for(user) if user is not None and not getattr(user, "mfa_setup_pending", False)
        else [],
        "site_name": "crisisprog",
        "debug": settings.DEBUG,
    }
