from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from apps.notifications.services import Contact, notify, one_off_key


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come only from invitations; residents never need one.
        return False

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
