"""City-staff safeguards on every request: a second factor before any staff page, short idle sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .permissions import has_mfa, requires_mfa

# Reachable without a second factor: signing in and out, setting up MFA, switching language,
# accepting an invitation, the health probe and static files. The API answers for itself
# (StaffMFARequired gives a 403 with the error body).
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/invitations/accept/", "/api/")
LAST_SEEN_KEY = "crisisprog_last_seen"


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not requires_mfa(user) or getattr(view_func, "crisisprog_public", False):
            return None
        if request.path.startswith(MFA_EXEMPT_PREFIXES) or has_mfa(user):
            return None
        messages.warning(request, _("City staff must set up two-factor authentication before using crisisprog."))
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")


class StaffSessionIdleTimeoutMiddleware:
    """Ends a staff session after STAFF_SESSION_IDLE_SECONDS without a request.

    The session's own expiry is also set to the idle limit, so the server-side row and the cookie
    lapse together even if the check never runs again.
    """

    # Writing the session on every request costs a query; once a minute is precise enough.
    TOUCH_INTERVAL = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and requires_mfa(user):
            limit = settings.STAFF_SESSION_IDLE_SECONDS
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(request, _("You were signed out after %(minutes)d minutes without activity.")
                              % {"minutes": limit // 60})
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= self.TOUCH_INTERVAL:
                request.session[LAST_SEEN_KEY] = now
                request.session.set_expiry(limit)
        return self.get_response(request)
