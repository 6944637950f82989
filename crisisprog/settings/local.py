"""Embedded defaults for `make run`: SQLite, Kombu's filesystem broker and mail files under var/.

Every value here is a default: set the environment variable to use PostgreSQL, Redis or SMTP.
"""

import os
from pathlib import Path

_VAR = Path(os.environ.get("CRISISPROG_VAR_DIR") or Path(__file__).resolve().parent.parent.parent / "var")

os.environ.setdefault("SECRET_KEY", "insecure-local-development-key-do-not-use-in-production")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_VAR / 'crisisprog.sqlite3'}")
# Kombu's filesystem transport ignores the host; naming one keeps it from warning "No hostname was supplied".
os.environ.setdefault("CELERY_BROKER_URL", "filesystem://localhost/")
# Links in emails and notifications point where `make run` serves (RUN_HOST, RUN_PORT).
_RUN_HOST, _RUN_PORT = os.environ.get("RUN_HOST", "127.0.0.1"), os.environ.get("RUN_PORT", "8000")
os.environ.setdefault("SITE_URL", f"http://{_RUN_HOST}:{_RUN_PORT}")
# A file cache is shared by the web server, the worker and beat (rate limits, heartbeat).
os.environ.setdefault("CACHE_URL", f"filecache://{_VAR / 'cache'}")
os.environ.setdefault("EMAIL_URL", "filemail://")
os.environ.setdefault("SMS_BACKEND", "apps.notifications.sms.FileSMSBackend")

from .base import *  # noqa: E402,F403
from .base import DATABASES, STORAGES  # noqa: E402

DEMO_DATA_ALLOWED = True

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, the worker and beat write to one SQLite file; wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
