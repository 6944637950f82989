"""Test settings: fast hashing, in-memory mail, eager nothing.

PostgreSQL and Redis are used when DATABASE_URL / CACHE_URL / CELERY_BROKER_URL are set (as CI
does); otherwise SQLite in memory, a local-memory cache and an in-memory broker.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("CACHE_URL", "locmemcache://crisisprog-test")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from .base import *  # noqa: E402,F403
from .base import CACHES, STORAGES  # noqa: E402

DEBUG = False
DEMO_DATA_ALLOWED = True
SMS_BACKEND = "apps.notifications.sms.LocmemSMSBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
CACHES["default"]["KEY_PREFIX"] = f"crisisprog-test-{os.getpid()}"
# Static files come from the finders in tests; there is no collected STATIC_ROOT to serve.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run inline when enqueued (after commit); the `celery_live` tests start a real worker instead.
CELERY_TASK_ALWAYS_EAGER = True
