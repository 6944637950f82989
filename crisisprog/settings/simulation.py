"""`make simulate`: the test settings (in-memory mail and SMS, eager Celery, fast hashing) on the
simulation's own PostgreSQL database and Redis db 7, with uploads under var/simulation/."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crisisprog_sim")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")

from .test import *  # noqa: E402,F403
from .test import VAR_DIR  # noqa: E402

MEDIA_ROOT = str(VAR_DIR / "simulation" / "media")
# Error-level records are what the simulation counts; INFO chatter would only slow it down.
LOG_LEVEL = "ERROR"
LOGGING["root"]["level"] = LOG_LEVEL  # noqa: F405
LOGGING["loggers"]["django.server"]["level"] = LOG_LEVEL  # noqa: F405
# 403/404/405 warnings propagate to the console handler whatever the root's level: keep it to errors.
LOGGING["handlers"]["console"]["level"] = LOG_LEVEL  # noqa: F405
# The sweep asks for pages a role may not see: every 403/404/405 would be a WARNING (with a
# traceback for PermissionDenied). Only errors matter here, and a record never made costs nothing.
LOGGING["loggers"]["django.request"] = {"level": LOG_LEVEL}  # noqa: F405
LOGGING["loggers"]["django.security"] = {"level": LOG_LEVEL}  # noqa: F405
