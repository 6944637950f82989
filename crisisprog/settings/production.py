"""Production: PostgreSQL, Redis, gunicorn, TLS at the proxy.

No defaults for secrets: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, CELERY_BROKER_URL and CACHE_URL
must be set, or start-up fails with ImproperlyConfigured naming the missing variable.
"""

from .base import *  # noqa: F403
from .base import env_bool, env_int

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# seed_scale (apps.scale) writes and deletes bulk benchmark data, and simulate (apps.simulation) empties
# its database with --reset: neither is installed where the program runs.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("apps.scale", "apps.simulation")]  # noqa: F405
