from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token cp_…`. Tokens are stored hashed and expire (REST_KNOX.TOKEN_TTL)."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        last = getattr(auth_token, "last_used_at", None)
        # Recorded at most once a minute, so a busy client does not write on every call.
        if hasattr(auth_token, "last_used_at") and (last is None or now - last > timedelta(minutes=1)):
            type(auth_token).objects.filter(pk=auth_token.pk).update(last_used_at=now)
        return user, auth_token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.core.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Personal API token, sent as "Token <token>". Create one under Account → API tokens.',
        }
