"""Answering anonymous readers from the page cache, at about the cost of a static file.

A cached page is stored with the `PublicPagesVersion` it was rendered at, so any saved edit
or moderation decision retires it everywhere at once: the next reader renders the new page.
While that one render runs, other readers of the same page get the copy from a moment before
rather than all rendering it together (a busy page would otherwise pile up on every edit).

Every anonymous reader gets the same bytes: the public forms carry no per-reader token
(`pagecache.csrf`), so a page is stored once, compressed once (brotli and gzip, chosen by
the browser's `Accept-Encoding`), and may be kept by a shared cache in front
(`Cache-Control: public, s-maxage=PAGE_CACHE_SHARED_SECONDS`). A weak ETag (a hash of the
page) lets browsers and that cache revalidate with a 304.

Each process keeps its own copy of the pages it served (`LocalPages`, bounded in bytes),
served while its version is the current one. With Redis, each process is told of every
change on a channel it subscribes to (`pagecache.versions`), so a hit reads nothing from
Redis at all, and another process sees an edit on its next request; without Redis (each
process's own memory cache), within a second.

Only the query parameters a page declares make its key, each normalised by the page's own
rule (a page number that is not a plain one is the first page), and the view sees only those
values, so a made-up address is served one of the page's few real copies and cannot add one:
every key would hold a full page. A page number past the last is shown as the last page, and
the view says so (`pages.rendered_with`), so the page is stored under the last page's key.
Serving the canonical copy rather than redirecting to its address spares readers a round trip
on links carrying tracking parameters; the pages name their canonical address for search
engines.

Anyone with a session or a pending message (staff, a reader who just sent a comment) gets
a freshly rendered page, marked private, as does any request other than GET or HEAD.

`PageCacheMiddleware` sits straight after WhiteNoise: a page served from the cache skips
sessions, authentication, messages and URL dispatch, which an anonymous cached page does
not need.
"""

import datetime
import functools
import hashlib
import logging
import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import urlencode

from .compression import chosen_encoding, compressed_bodies
from .pages import (
    RENDER_STAMP_FIELDS,
    RENDERED_QUERY_ATTRIBUTE,
    current_version,
    next_change_by_clock,
)

logger = logging.getLogger(__name__)

MESSAGES_COOKIE = "messages"
# The longest a render may keep others on the previous copy of a page (a crashed render's
# claim lapses after this).
RENDER_CLAIM_SECONDS = 10
# Headers of the fresh render kept with the page (only these: anything else could belong
# to one reader or one response). Security headers are added by middleware further out.
# Answers that say nothing of the page: one caller over a rate limit (429), or the database
# unreachable (503).
NOT_ABOUT_THE_PAGE = frozenset({429, 503})
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options")
# Every page differs by encoding; a fresh render may add its own (kept with the page).
VARY = "Accept-Encoding"
# Part of every key, so entries stored in another shape by an earlier release are not read.
STORED_FORMAT = 3


def may_be_cached(request):
    return settings.PAGE_CACHE_SECONDS > 0 and not for_this_reader_only(request)


def for_this_reader_only(request):
    """True when the answer may be this reader's own: a POST's, a signed-in person's page,
    a page showing a pending message."""
    return (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or MESSAGES_COOKIE in request.COOKIES
    )


def public_page_parameters(request):
    """The normalisers of the query parameters the public page at this address understands,
    or None if it is not a public page."""
    return page_parameters_at(settings.ROOT_URLCONF, request.path_info)


# Resolving an address costs a cached hit about a fifth of its time: the answers for the
# addresses asked most are kept (a made-up one costs a resolve, as it would anyway).
@functools.lru_cache(maxsize=1024)
def page_parameters_at(urlconf, path):
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        return None
    return getattr(view, "page_cache_query_parameters", None)


def answered_afresh(request):
    """Whether the address carries a parameter its page is never cached with
    (`public_page(uncached_with=...)`)."""
    return bool(request.GET) and not uncached_parameters_at(
        settings.ROOT_URLCONF, request.path_info
    ).isdisjoint(request.GET)


@functools.lru_cache(maxsize=1024)
def uncached_parameters_at(urlconf, path):
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        return frozenset()
    return getattr(view, "page_cache_uncached_with", frozenset())


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
    return page_key(address, tuple(sorted(query.items())), timezone.localdate())


@functools.lru_cache(maxsize=1024)  # worked out once for each of the pages asked most
def page_key(address, query, day):
    if query:
        address += "?" + urlencode(query)
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"page:{STORED_FORMAT}:{day.isoformat()}:{digest}"


def shared_cache_control():
    """Anonymous pages are the same for everyone: a shared cache in front may keep them for
    PAGE_CACHE_SHARED_SECONDS (0: it must ask again each time, with the ETag); a browser
    always asks again, so a reader never sees a page older than the site's."""
    return f"public, max-age=0, s-maxage={settings.PAGE_CACHE_SHARED_SECONDS}"


class LocalPages:
    """This process's copies of stored pages, the least recently served dropped first once
    they hold more than PAGE_CACHE_LOCAL_BYTES. Each is served only while its version is
    current."""

    def __init__(self):
        self.pages = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()  # a threaded server shares them between threads

    def get(self, key):
        with self.lock:
            stored = self.pages.get(key)
            if stored is not None:
                self.pages.move_to_end(key)
            return stored

    def put(self, key, stored):
        size = sum(map(len, stored["bodies"].values()))
        with self.lock:
            if key in self.pages:
                self.size -= self.pages.pop(key)["size"]
            max_bytes = settings.PAGE_CACHE_LOCAL_BYTES
            if size > max_bytes:
                return
            self.pages[key] = stored | {"size": size}
            self.size += size
            while self.size > max_bytes:
                self.size -= self.pages.popitem(last=False)[1]["size"]

    def forget(self, key):
        with self.lock:
            if key in self.pages:
                self.size -= self.pages.pop(key)["size"]

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


# One per process, whatever the number of handlers (a test server and its clients).
local_pages = LocalPages()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asked first, so that no other address (health checks, search, the admin) ever
        # waits on the cache.
        if not may_be_cached(request):
            return self.fresh_response(request)
        normalisers = public_page_parameters(request)
        if normalisers is None or answered_afresh(request):
            return self.get_response(request)
        query = normalised_query(normalisers, request.GET)
        show_only(request, query)
        key = cache_key(request, query)
        try:
            version = current_version()
        except (OperationalError, InterfaceError):
            # Database down: the view's own query meets the same failure and the
            # reader gets the calm 503 page from DatabaseUnavailableMiddleware.
            return self.get_response(request)
        stored = local_pages.get(key)
        if stored is None or not is_current(stored, version):
            # This process has no current copy: another may have stored one.
            stored = cached_page(key) or stored
            if stored is not None and is_current(stored, version):
                local_pages.put(key, stored)
        if stored is not None and is_current(stored, version):
            return serve(request, stored)
        if stored is None:
            return self.render_and_store(request, key, version, normalisers, query)
        if not claim(key):
            # Another request is rendering the new version: rather than every reader
            # of a busy page rendering it at once, the others get the page as it was a
            # moment ago until the new one is stored (usually well under a second).
            return serve(request, stored)
        try:
            return self.render_and_store(request, key, version, normalisers, query)
        finally:
            release(key)

    def fresh_response(self, request):
        """A response not from the page cache; marked private when it may be this
        reader's own."""
        response = self.get_response(request)
        if for_this_reader_only(request):
            patch_cache_control(response, private=True)
        return response

    def render_and_store(self, request, key, version, normalisers, query):
        try:
            # Asked before rendering, so an article going live meanwhile still counts.
            valid_until = next_change_by_clock()
        except (OperationalError, InterfaceError):
            return self.get_response(request)  # the calm 503 page, as above
        response = self.get_response(request)
        if response.status_code in NOT_ABOUT_THE_PAGE:
            # This caller was refused, or the site is unwell: the page itself may be as it
            # was, and other readers keep the copy from a moment ago.
            return response
        if response.status_code != 200 or response.streaming:
            # A page now 404 (unpublished): nobody may get the old copy.
            forget(key)
            return response
        if response.cookies or response.has_header("Content-Encoding"):
            # Something of this reader's own: never share it.
            patch_cache_control(response, private=True)
            return response
        rendered = rendered_query(request, normalisers, query)
        if rendered is None:
            return response
        rendered_key = cache_key(request, rendered)
        if rendered_key != key:
            # Asked for a page past the last one: the copy once stored under the asked
            # key (when that page existed) must not be served to anyone again.
            forget(key)
        stored = store(rendered_key, response, version, valid_until)
        local_pages.put(rendered_key, stored)
        # Served from what was stored, as every later reader is (a browser holding the
        # same page gets a 304).
        return serve(request, stored)


def serve(request, stored):
    response = get_conditional_response(request, etag=stored["etag"])
    if response is None:
        encoding = chosen_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        body = stored["bodies"][encoding]
        response = HttpResponse(body, headers=stored["headers"])
        if encoding != "identity":
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
    response["Vary"] = stored["vary"]
    response["ETag"] = stored["etag"]
    response["Cache-Control"] = shared_cache_control()
    return response


def cached_page(key):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Cache unavailable: page rendered afresh", exc_info=True)
        return None


def is_current(stored, version):
    expired = stored["valid_until"] and timezone.now() >= stored["valid_until"]
    return stored["version"] == version and not expired


def store(key, response, version, valid_until):
    html = response.content
    now = timezone.now()
    # No copy, here or in the shared cache, outlives PAGE_CACHE_SECONDS: the render's time
    # stamps (a comment form's "opened at") stay fresh. A scheduled article going live
    # changes pages sooner, with no edit to retire them.
    lapses = now + datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    stored = {
        "version": version,
        "bodies": compressed_bodies(html),
        "etag": etag(html, now),
        "headers": {header: response[header] for header in KEPT_HEADERS if header in response},
        "vary": ", ".join(filter(None, (response.get("Vary"), VARY))),
        "valid_until": min(valid_until, lapses) if valid_until else lapses,
    }
    try:
        cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable: page not cached", exc_info=True)
    return stored


def etag(html, rendered_at):
    """A weak ETag: the same for two renders of an unchanged page in the same hour, which
    differ only in the time stamps of their forms (`pages.render_stamp_field`). The hour is
    part of it, so a browser or shared cache revalidating an open page gets one with a
    fresh stamp at least hourly (a comment form's stamp is refused after a day)."""
    if RENDER_STAMP_FIELDS:
        names = b"|".join(re.escape(name.encode()) for name in RENDER_STAMP_FIELDS)
        html = re.sub(rb'(name="(?:' + names + rb')" value=")[^"]*"', rb'\1"', html)
    digest = hashlib.sha256(html + rendered_at.strftime("%Y%m%d%H").encode())
    return 'W/"' + digest.hexdigest()[:32] + '"'


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
    """No copy of this page is served again, here or by another process."""
    local_pages.forget(key)
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Cache unavailable: stale page left to expire", exc_info=True)
