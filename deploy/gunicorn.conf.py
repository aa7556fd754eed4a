"""gunicorn settings for SpasmCMS (used by `make serve`); each can be set by environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the site is CPU- and database-bound, and two cores serve ~5 workers well.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Load the app once in the master and fork workers from it: a worker restarted below is
# ready at once rather than spending a second of CPU importing Django while requests
# queue behind it, and the forked workers share the loaded code's memory. A code change
# needs a full restart, not HUP.
preload_app = True
# Restart workers now and then so a slow leak can never grow without bound.
# High enough that workers do not restart every few seconds under load (all at once).
max_requests = 20000
max_requests_jitter = 5000
# Heartbeat files in memory, not on a possibly slow disk (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The app logs one JSON line per request itself; gunicorn's access log would repeat it.
accesslog = None
# Should it be turned on, it says what the app's log says: no address, no query string
# (search words, symptom-checker answers), no referrer or browser.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# gunicorn names the client in its own messages ("Invalid request from ip=..."): this
# logger takes every address out of what gunicorn writes, tracebacks included.
logger_class = "spasmcms.gunicorn_logging.AddressFreeLogger"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
