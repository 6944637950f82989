"""gunicorn for production: `gunicorn crisisprog.wsgi:application --config gunicorn.conf.py`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle a worker after this many requests (a bound on any slow leak). Each restart boots Django
# again in a new worker, seconds of CPU that a 2-core host takes from the requests in flight: at
# 2,000 the load benchmark (bench/load.py) saw 5 restarts in one 20 s run and 16 requests wait
# more than 10 s; at 20,000, none.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No client address (%(h)s) in the access log: a resident's IP is personal data we do not keep.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"


def post_worker_init(worker):
    """Move what is loaded by now (Django, the apps, their modules) out of the garbage collector's
    generations: it lives as long as the worker, and a full collection walking it mid-request cost
    the open-shifts page 189-213 ms pauses in 3 of 60 requests in the page benchmark."""
    import gc

    gc.freeze()
