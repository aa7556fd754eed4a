"""SpasmCMS settings: one module, driven by environment variables.

Debug is off unless DJANGO_DEBUG says otherwise, so a forgotten variable fails safe.
`make run` and `make test` turn debug on for development.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A one-line message, not a traceback: operators need to know which variable to set.
        sys.exit("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django_tasks_db",
    "background",
    "governance",
    "pagecache",
    "articles",
    "comments",
    "search",
    "triage",
    "feedback",
    "connect",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "reversion",
    "reversion_compare",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "js_lib_bootstrap5",
    # The content API's docs page from its own static files, not a CDN's.
    "ninja",
]

MIDDLEWARE = [
    "spasmcms.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "spasmcms.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pagecache.compression.CompressionMiddleware",
    "api.middleware.ContentAPIMiddleware",
    "pagecache.middleware.PageCacheMiddleware",
    "api.middleware.ContentAPIRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pagecache.csrf.CrossOriginProtectionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.middleware.ScheduledDraftsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "spasmcms.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spasmcms.urls"
WSGI_APPLICATION = "spasmcms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spasmcms.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (e.g. postgres://user@host:5432/name), else SQLite under var/.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'spasmcms.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL cancels any statement running longer than this, so a runaway query fails the
# request well inside gunicorn's 30 s worker timeout instead of getting the worker killed.
# 0 turns the limit off (e.g. for a `migrate` that rebuilds a large index).
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "10000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles queries it guesses are costly; for a page's short queries
    # compiling costs far more than running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
    # A page sends the same few statements on every render, with other values. Bound on the
    # server, each is prepared after its second use on a connection and then planned once,
    # not on every request: planning was two thirds of the article page's time in
    # PostgreSQL. A pooler that hands one client's connection to another between
    # transactions (PgBouncer in transaction mode before 1.21) loses prepared statements:
    # behind one, set DATABASE_PREPARED_STATEMENTS=0.
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0":
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write to one file. Each transaction takes the write
    # lock when it begins (waiting its turn) rather than part-way through, where SQLite
    # would fail it at once with "database is locked"; WAL lets reads go on during a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every process), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "spasmcms.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spasmcms",
            # A Redis that hangs costs a reader half a second, not redis-py's 5 s default
            # per call: the site then carries on from the database.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous home, topic and article pages are cached this long at most (0 turns it off).
# Edits retire them at once; the limit only bounds how late a scheduled article appears.
PAGE_CACHE_SECONDS = int(os.environ.get("SPASMCMS_PAGE_CACHE_SECONDS", "60"))
# How long a shared cache in front (nginx's proxy_cache, a CDN) may keep an anonymous page
# without asking again: it is told so by `s-maxage`. 0 (the default): it asks each time and
# gets a 304 while the page is unchanged. An edit reaches readers this much later at most.
PAGE_CACHE_SHARED_SECONDS = int(os.environ.get("SPASMCMS_PAGE_CACHE_SHARED_SECONDS", "0"))
# Each process keeps the pages it served, compressed, up to this many bytes (about 25 kB a
# page in all its encodings), checked against the pages version on every request.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("SPASMCMS_PAGE_CACHE_LOCAL_BYTES", str(16 * 2**20)))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Estimates how guessable a password is (repeats, keyboard walks, dictionary words, the
    # user's own name) rather than counting characters: "aaaaaaaaaaaa" is long but not strong.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score from 0 to 4; 3 is its "safely unguessable" for slow-hashed passwords, so
# a leaked password table still does not give staff passwords away.
PASSWORD_MINIMAL_STRENGTH = 3

# Admin sign-in lockout (django-axes): 5 wrong passwords for one user name from one address
# lock that pair out for 15 minutes. Pairing the name with the address means an attacker
# elsewhere cannot lock a clinician out of the admin. Successful sign-ins are not logged.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SPASMCMS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "spasmcms.views.admin_sign_in_locked"
AXES_CLIENT_IP_CALLABLE = "governance.clients.client_address"  # honours TRUSTED_PROXY_COUNT
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"
CSRF_FAILURE_VIEW = "spasmcms.views.csrf_failure"
# Django's check looks for its CsrfViewMiddleware by name; ours is a subclass of it that
# checks the browser's Fetch Metadata first (pagecache.csrf), so the protection is there.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# Security headers. Strict CSP: no inline scripts or styles, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Health checks answer over plain HTTP too: a load balancer or orchestrator probing an
# instance directly speaks HTTP, and a redirect to HTTPS reads to it as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Logs go to stdout, one line each; requests as JSON (see spasmcms.middleware).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"without_traceback": {"()": "background.logging.WithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request log replaces Django's own per-request lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        # A failed task's traceback may name a reader's email address; the task keeps it.
        "django.tasks": {"filters": ["without_traceback"]},
        "django_tasks_db": {"filters": ["without_traceback"]},
    },
}

# The admin's address; moving it off /admin/ keeps most automated login attempts away.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Site-wide facts shown to readers; operators set them per deployment.
SITE_NAME = os.environ.get("SPASMCMS_SITE_NAME", "SpasmCMS")
EMERGENCY_NUMBER = os.environ.get("SPASMCMS_EMERGENCY_NUMBER", "999")
URGENT_NUMBER = os.environ.get("SPASMCMS_URGENT_NUMBER", "111")

# The symptom checker suggests treatments and reading from published articles on this topic.
SYMPTOM_CHECKER_TOPIC = os.environ.get("SPASMCMS_SYMPTOM_CHECKER_TOPIC", "back-pain")

# How many reverse proxies (load balancer, nginx) stand in front of the app; their
# X-Forwarded-For tells the rate limits who the reader is. 0: trust only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# The addresses (or CIDR ranges) those proxies connect from. X-Forwarded-For is believed only
# when the request, and every hop it names on the way, came from one of them.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1")

# Readers' comments: held for moderation, with anti-spam limits that need no third party.
COMMENTS_PER_PAGE = 20
COMMENTS_RATE_LIMIT = int(os.environ.get("SPASMCMS_COMMENTS_RATE_LIMIT", "5"))  # per client
COMMENTS_RATE_WINDOW_SECONDS = int(os.environ.get("SPASMCMS_COMMENTS_RATE_WINDOW", "600"))
COMMENTS_MIN_SECONDS = int(os.environ.get("SPASMCMS_COMMENTS_MIN_SECONDS", "3"))
COMMENTS_MAX_AGE_SECONDS = int(os.environ.get("SPASMCMS_COMMENTS_MAX_AGE", str(24 * 3600)))
COMMENTS_REPORTS_TO_HIDE = int(os.environ.get("SPASMCMS_COMMENTS_REPORTS_TO_HIDE", "3"))
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("SPASMCMS_COMMENTS_CLOSE_AFTER_DAYS", "365"))

# Searches that found nothing: words are kept only once this many different readers searched
# for them on one day; until then only daily-keyed hashes, for a day or two.
SEARCH_LOG_MIN_READERS = int(os.environ.get("SPASMCMS_SEARCH_LOG_MIN_READERS", "3"))
SEARCH_LOG_READER_DAILY_LIMIT = int(os.environ.get("SPASMCMS_SEARCH_LOG_READER_DAILY_LIMIT", "20"))
SEARCH_LOG_KEEP_DAYS = int(os.environ.get("SPASMCMS_SEARCH_LOG_KEEP_DAYS", "90"))
SEARCH_LOG_MAX_ROWS = int(os.environ.get("SPASMCMS_SEARCH_LOG_MAX_ROWS", "10000"))
SEARCH_LOG_MAX_CANDIDATES = int(os.environ.get("SPASMCMS_SEARCH_LOG_MAX_CANDIDATES", "10000"))

# "Was this page helpful?": answers and notes per client per window (as for comments), and
# the days readers' "what was missing" notes are kept (`delete_old_feedback` deletes older).
FEEDBACK_RATE_LIMIT = int(os.environ.get("SPASMCMS_FEEDBACK_RATE_LIMIT", "10"))
FEEDBACK_RATE_WINDOW_SECONDS = int(os.environ.get("SPASMCMS_FEEDBACK_RATE_WINDOW", "600"))
FEEDBACK_NOTES_KEEP_DAYS = int(os.environ.get("SPASMCMS_FEEDBACK_NOTES_KEEP_DAYS", "90"))

# Background work (mail): Django's tasks framework, queued in the site's own database and run
# by `manage.py db_worker` (`make run` starts one; see README "Production"). A task that
# failed on the network is tried again after TASK_RETRY_DELAY_SECONDS, doubling each time up
# to TASK_RETRY_MAX_DELAY_SECONDS, TASK_MAX_ATTEMPTS times in all (about 19 hours by
# default); then it waits in the admin's "Background tasks" list for "Try again now".
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_RETRY_DELAY_SECONDS = float(os.environ.get("SPASMCMS_TASK_RETRY_DELAY", "30"))
TASK_RETRY_MAX_DELAY_SECONDS = float(os.environ.get("SPASMCMS_TASK_RETRY_MAX_DELAY", "3600"))
TASK_MAX_ATTEMPTS = int(os.environ.get("SPASMCMS_TASK_MAX_ATTEMPTS", "25"))

# Email: the console in development; SMTP from the environment in production. Each wait on
# the mail server (connecting, every reply) gives up after this many seconds, so one that
# accepts the connection but never answers cannot hold a request past gunicorn's timeout.
SMTP_TIMEOUT_SECONDS = float(os.environ.get("SMTP_TIMEOUT_SECONDS", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "SpasmCMS <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("SMTP_HOST", "localhost"),
                "port": int(os.environ.get("SMTP_PORT", "587")),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_USE_TLS", True),
                "timeout": SMTP_TIMEOUT_SECONDS,
            },
        }
    }

# Clinical governance: a published article is due for review this many months later.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("SPASMCMS_REVIEW_INTERVAL_MONTHS", "12"))
# Publishing is refused while a section reads above this Flesch-Kincaid grade, unless the
# clinician accepts harder reading for that section and says why.
READING_GRADE_LIMIT = float(os.environ.get("SPASMCMS_READING_GRADE_LIMIT", "9"))

# Content licence ---------------------------------------------------------------------------
# The terms other systems may reuse our content on, sent with everything they fetch from us
# (the Infobutton service at /connect/, the content API): short, plain words.
CONTENT_LICENCE = os.environ.get(
    "SPASMCMS_CONTENT_LICENCE",
    f"© {SITE_NAME}. You may show our articles with credit to {SITE_NAME} and a link to each "
    "one on our site. Show the text, the care card and the review dates as they are: do not "
    "change the advice or leave any of it out.",
)

# Content API (/api/v1/) ------------------------------------------------------------------------
API_PATH_PREFIX = "/api/"
# Answers the API may render for a client in the window before a 429 (those the page cache
# holds are not counted): a partner site copying every article of a large site still gets
# through in minutes.
API_RATE_LIMIT = int(os.environ.get("SPASMCMS_API_RATE_LIMIT", "600"))
API_RATE_WINDOW_SECONDS = int(os.environ.get("SPASMCMS_API_RATE_WINDOW", "60"))
