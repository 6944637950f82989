"""Load benchmark (bench/load.py): the production settings, plus a bare view to compare against.

Everything that matters for the figures is production's: DEBUG off, PostgreSQL, Redis cache and
broker, persistent connections, the proxy-aware client address and the residents' rate limits.
Only the URLconf differs: bench_urls adds one view that does no work, so the cost of the app's own
code can be told apart from gunicorn's and Django's. Never used to serve anyone.
"""

from .production import *  # noqa: F403

ROOT_URLCONF = "crisisprog.bench_urls"
