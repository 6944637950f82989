"""gunicorn for production: `gunicorn crisisprog.wsgi:application --config gunicorn.conf.py`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No client address (%(h)s) in the access log: a resident's IP is personal data we do not keep.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
