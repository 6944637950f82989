"""Production settings as the PostgreSQL-restart test runs them: everything from production.py,
except that static files are served from the finders, so the test need not run collectstatic."""

from crisisprog.settings.production import *  # noqa: F403
from crisisprog.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
