from django.conf import settings

from .shell import navigation_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_items": navigation_for(user) if user is not None else [],
        "site_name": "crisisprog",
        "debug": settings.DEBUG,
    }
