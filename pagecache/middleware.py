"""Answering anonymous readers from the page cache, safe with forms.

A cached page is stored with the `PublicPagesVersion` it was rendered at, so any saved edit
or moderation decision retires it everywhere at once: the next reader renders the new page.
While that one render runs, other readers of the same page get the copy from a moment before
rather than all rendering it together (a busy page would otherwise pile up on every edit).

What belongs to one reader is not stored: the CSRF token and any hidden field an app
registers with `pages.per_reader_field` are cut out before caching and made afresh for each
reader when serving, so forms work on a cached page. A weak ETag (a hash of the stored page)
lets browsers revalidate with a 304.

Only the query parameters a page declares make its key, each normalised by the page's own
rule (a page number that is not a plain one is the first page), and the view sees only those
values, so a made-up address is served one of the page's few real copies and cannot add one:
every key would hold a full page. A page number past the last is shown as the last page, and
the view says so (`pages.rendered_with`), so the page is stored under the last page's key.
Serving the canonical copy rather than redirecting to its address spares readers a round trip
on links carrying tracking parameters; the pages name their canonical address for search
engines.

Anyone with a session or a pending message (staff, a reader who just sent a comment) gets
a freshly rendered page, as does any request other than GET or HEAD.

`PageCacheMiddleware` sits straight after WhiteNoise: a page served from the cache skips
sessions, authentication, messages and URL dispatch, which an anonymous cached page does
not need.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import urlencode

from .models import PublicPagesVersion
from .pages import PER_READER_FIELDS, RENDERED_QUERY_ATTRIBUTE, next_change_by_clock

logger = logging.getLogger(__name__)

MESSAGES_COOKIE = "messages"
# The longest a render may keep others on the previous copy of a page (a crashed render's
# claim lapses after this).
RENDER_CLAIM_SECONDS = 10
# Headers of the fresh render kept with the page (only these: anything else could belong
# to one reader or one response). Security headers are added by middleware further out.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options")
# Part of every key, so entries stored in another shape by an earlier release are not read.
STORED_FORMAT = 2


def placeholder(name):
    return f"\x00{name}\x00"


def may_be_cached(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def public_page_parameters(request):
    """The normalisers of the query parameters the public page at this address understands,
    or None if it is not a public page."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    return getattr(view, "page_cache_query_parameters", None)


def normalised_query(normalisers, values):
    """`values` (name -> value as asked, None if missing) as the page is cached and rendered
    with: each normalised, any other parameter dropped, those at their default left out."""
    query = {}
    for name, normalise in normalisers.items():
        value = normalise(values.get(name))
        if value != normalise(None):
            query[name] = value
    return query


def show_only(request, query):
    """Let the view see the normalised query alone, so that the page it renders is the one
    the key names, whatever else the address carried."""
    query_string = urlencode(sorted(query.items()))
    request.META["QUERY_STRING"] = query_string
    request.GET = QueryDict(query_string)


def rendered_query(request, normalisers, query):
    """The normalised query of the page the view rendered (a page number past the last is
    shown as the last page), or None if the view rendered a value no key names."""
    rendered = getattr(request, RENDERED_QUERY_ATTRIBUTE, {})
    for name, value in rendered.items():
        if name in normalisers and normalisers[name](value) != value:
            return None
    return normalised_query(normalisers, query | rendered)


def cache_key(request, query=None):
    """The key of the page at this address: its path and the normalised values of the query
    parameters it understands (`query`, worked out from the address if not given)."""
    if query is None:
        query = normalised_query(public_page_parameters(request) or {}, request.GET)
    # The date is part of the key: review dates and "reviewed on" text change with it.
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    if query:
        address += "?" + urlencode(sorted(query.items()))
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"page:{STORED_FORMAT}:{timezone.localdate().isoformat()}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        if settings.CSRF_USE_SESSIONS:
            raise ImproperlyConfigured(
                "The page cache answers before sessions are loaded, so it needs the CSRF "
                "secret in a cookie: set CSRF_USE_SESSIONS = False."
            )
        self.get_response = get_response
        # A page served from here has not been through CsrfViewMiddleware: this one reads the
        # reader's CSRF cookie and sets a new one exactly as it would.
        self.csrf = CsrfViewMiddleware(get_response)
        names = "|".join(re.escape(name) for name in PER_READER_FIELDS)
        self.per_reader_field = re.compile(rf'name="(?P<name>{names})" value="[^"]*"')

    def __call__(self, request):
        # Asked first, so that no other address (health checks, search, the admin) ever
        # waits on the cache.
        if not may_be_cached(request):
            return self.get_response(request)
        normalisers = public_page_parameters(request)
        if normalisers is None:
            return self.get_response(request)
        query = normalised_query(normalisers, request.GET)
        show_only(request, query)
        key = cache_key(request, query)
        version, stored = cached_version_and_page(key)
        if stored is not None and is_current(stored, version):
            return self.serve(request, stored)
        if version is None:
            try:
                version = copy_version_to_cache()
            except (OperationalError, InterfaceError):
                # Database down: the view's own query meets the same failure and the
                # reader gets the calm 503 page from DatabaseUnavailableMiddleware.
                return self.get_response(request)
            if stored is not None and is_current(stored, version):
                return self.serve(request, stored)
        if stored is not None and not claim(key):
            # Another request is rendering the new version: rather than every reader
            # of a busy page rendering it at once, the others get the page as it was a
            # moment ago until the new one is stored (usually well under a second).
            return self.serve(request, stored)
        try:
            return self.render_and_store(request, key, version, normalisers, query)
        finally:
            release(key)

    def render_and_store(self, request, key, version, normalisers, query):
        try:
            # Asked before rendering, so an article going live meanwhile still counts.
            valid_until = next_change_by_clock()
        except (OperationalError, InterfaceError):
            return self.get_response(request)  # the calm 503 page, as above
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming:
            # A page now 404 (unpublished): nobody may get the old copy.
            forget(key)
            return response
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return response  # something of this reader's own: never share it
        rendered = rendered_query(request, normalisers, query)
        if rendered is None:
            return response
        # Served from what was stored, as every later reader is (a browser holding the
        # same page gets a 304).
        html = self.per_reader_field.sub(
            lambda field: f'name="{field["name"]}" value="{placeholder(field["name"])}"',
            response.content.decode(),
        )
        rendered_key = cache_key(request, rendered)
        if rendered_key != key:
            # Asked for a page past the last one: the copy once stored under the asked
            # key (when that page existed) must not be served to anyone again.
            forget(key)
        stored = store(rendered_key, html, response, version, valid_until)
        return self.serve(request, stored)

    def serve(self, request, stored):
        self.csrf.process_request(request)
        response = get_conditional_response(request, etag=stored["etag"])
        if response is None:
            response = HttpResponse(fill_in(request, stored["html"]))
            for header, value in stored["headers"].items():
                response[header] = value
            response["Content-Length"] = str(len(response.content))
        elif "Vary" in stored["headers"]:
            response["Vary"] = stored["headers"]["Vary"]
        response["ETag"] = stored["etag"]
        # Private: the page carries this reader's CSRF token. No-cache: always revalidate.
        patch_cache_control(response, private=True, no_cache=True)
        return self.csrf.process_response(request, response)


def cached_version_and_page(key):
    """The cache's copy of the public pages version (None if it has none) and the page
    stored under `key` (None if none), in one round trip to the cache."""
    version_key = PublicPagesVersion.CACHE_KEY
    try:
        found = cache.get_many([version_key, key])
    except Exception:
        logger.warning("Cache unavailable: page rendered afresh", exc_info=True)
        return None, None
    return found.get(version_key), found.get(key)


def copy_version_to_cache():
    """The public pages version from the database, copied to the cache for a moment."""
    version = PublicPagesVersion.current()
    try:
        cache.add(PublicPagesVersion.CACHE_KEY, version, timeout=PublicPagesVersion.CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable: version not copied", exc_info=True)
    return version


def is_current(stored, version):
    expired = stored["valid_until"] and timezone.now() >= stored["valid_until"]
    return stored["version"] == version and not expired


def store(key, html, response, version, valid_until):
    stored = {
        "version": version,
        "html": html,
        "etag": 'W/"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"',
        "headers": {header: response[header] for header in KEPT_HEADERS if header in response},
        # A scheduled article going live changes pages with no edit to retire them.
        "valid_until": valid_until,
    }
    try:
        cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable: page not cached", exc_info=True)
    return stored


def fill_in(request, html):
    for name, make in PER_READER_FIELDS.items():
        if placeholder(name) in html:
            html = html.replace(placeholder(name), make(request))
    return html


def claim(key):
    """True for the one request that may render a page whose cached copy is out of date."""
    try:
        return cache.add(f"{key}:rendering", 1, timeout=RENDER_CLAIM_SECONDS)
    except Exception:
        return True


def release(key):
    try:
        cache.delete(f"{key}:rendering")
    except Exception:
        logger.warning("Cache unavailable: render claim left to expire", exc_info=True)


def forget(key):
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Cache unavailable: stale page left to expire", exc_info=True)
