from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from apps.core.clients import resident_limit
from apps.core.decorators import public_page

from . import selectors, services
from .kinds import Channel, optional_kinds
from .models import NotificationPreference


@login_required
@require_safe
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(selectors.inbox(user=request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notification_mark_read(user=request.user)
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    kinds = optional_kinds()
    off = set(NotificationPreference.objects.filter(user=request.user, enabled=False)
              .values_list("kind", "channel"))
    if request.method == "POST":
        for kind in kinds:
            for channel in kind.channels:
                enabled = request.POST.get(f"{kind.key}:{channel}") == "on"
                if enabled != ((kind.key, channel) not in off):
                    services.preference_set(user=request.user, kind_key=kind.key, channel=channel, enabled=enabled)
        messages.success(request, _("Your notification choices were saved."))
        return redirect("notifications:preferences")
    rows = [{"kind": k, "channels": [{"channel": c, "label": Channel(c).label, "name": f"{k.key}:{c}",
                                      "enabled": (k.key, c) not in off} for c in k.channels]} for k in kinds]
    return render(request, "notifications/preferences.html", {"rows": rows})


@public_page
@csrf_exempt  # RFC 8058 one-click: mail clients POST here without a session or a CSRF token
def unsubscribe(request, token: str):
    try:
        signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        if resident_limit("unsubscribe", request):
            return render(request, "429.html", status=429)
        services.resident_opt_out(token=token)
        done = True
    return render(request, "notifications/unsubscribe.html", {"token": token, "done": done})
