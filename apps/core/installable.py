"""The pieces that make crisisprog installable on a phone's home screen: the web app manifest, a service
worker and the page it shows offline.

The service worker caches only the offline page and what it needs to draw (its stylesheet and icon),
never a page someone has seen: pages hold people's shifts, training and residents' details, and a shared
phone must not show them to the next person. Offline, any page opens as the offline page, which says so.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .decorators import public_page

THEME_COLOR = "#1a4480"  # --brand-dark in static/css/app.css (USWDS primary-dark)


@public_page
@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    body = {
        "name": _("crisisprog — the community-responder program"),
        "short_name": "crisisprog",
        "description": _("Shifts, training and community sessions of the city's community-responder program."),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "lang": request.LANGUAGE_CODE,
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})


@public_page
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """Served from the site's root so that its scope is the whole site; browsers check it for updates on
    every visit (no-cache), and a new version replaces the old cache."""
    precache = [reverse("offline"), static("vendor/uswds/css/uswds.min.css"), static("css/app.css"),
                static("favicon.svg")]
    return render(request, "core/sw.js", {"precache": precache, "offline_url": reverse("offline")},
                  content_type="text/javascript; charset=utf-8")


@public_page
@require_GET
def offline(request):
    return render(request, "core/offline.html")
