import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django import forms
from django.utils import translation
from django.utils.translation import gettext as _

from apps.notifications.services import Contact, notify, one_off_key


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come only from invitations; residents never need one.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """City staff are sent to add a second factor right after signing in: asking for the password
        again at that moment (to add the factor, then to see its recovery codes) proves nothing new.
        Within the reauthentication timeout of a sign-in, a user whose factors were all added after
        that sign-in (or who has none yet) goes on. Changing an older factor still asks."""
        request = getattr(allauth_context, "request", None)
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records:
                signed_in_at = records[-1]["at"]
                older_factor = Authenticator.objects.filter(
                    user=request.user, created_at__lt=datetime.fromtimestamp(signed_in_at, tz=UTC)).exists()
                if time.time() - signed_in_at < account_settings.REAUTHENTICATION_TIMEOUT and not older_factor:
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def clean_email(self, email: str) -> str:
        """No address longer than an email column holds (254, RFC 5321) reaches a lookup or the outbox:
        the password-reset form would otherwise fail writing the notice for an unknown address."""
        email = super().clean_email(email)
        if len(email) > 254:
            raise forms.ValidationError(_("Enter an email address of at most 254 characters."))
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's mail (verification, password reset) and hand it to the one sender."""
        from allauth.account.adapter import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        msg = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), "")
        notify(
            kind="accounts.security",
            to=Contact(email=email, language=translation.get_language() or "en"),
            dedupe_key=one_off_key(f"accounts.{template_prefix.rsplit('/', 1)[-1]}"),
            rendered=(msg.subject, msg.body, html),
        )
