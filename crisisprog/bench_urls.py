"""URLconf for the load benchmark only (crisisprog.settings.bench): the site plus a bare view."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """Touches no database and renders no template: the floor under every real page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("crisisprog.urls")),
]
