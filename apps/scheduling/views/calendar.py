"""The calendar feed: the responder's settings page and the iCal feed behind its secret URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.decorators import public_page

from .. import services
from ..calendar import feed_for
from ..models import CalendarFeed
from ._common import require_responder


@login_required
def calendar_settings(request):
    user = request.user
    require_responder(user)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=user)
            messages.success(request, _("The calendar link no longer works."))
        else:
            services.calendar_feed_rotate(user=user)
            messages.success(request, _("A new calendar link was made; the old one no longer works."))
        return redirect("scheduling:calendar")
    feed = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
    url = request.build_absolute_uri(reverse("scheduling:ical", args=[feed.token])) if feed else ""
    return render(request, "scheduling/calendar.html", {"feed": feed, "url": url})


@public_page
@require_safe
def ical(request, token: str):
    """The responder's shifts as iCalendar. The secret URL is the credential: no session needed."""
    # PostgreSQL refuses a NUL byte in a query: such a token cannot exist.
    feed = None if "\x00" in token else (CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
                                         .select_related("user").first())
    if feed is None or not feed.user.is_active:
        raise Http404
    response = HttpResponse(feed_for(user=feed.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
