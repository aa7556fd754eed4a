"""Whole-page caching for anonymous readers, safe with forms and invalidated on every edit.

A cached page is stored with the `PublicPagesVersion` it was rendered at, so any saved edit
or moderation decision retires it everywhere at once: the next reader renders the new page.
While that one render runs, other readers of the same page get the copy from a moment before
rather than all rendering it together (a busy page would otherwise pile up on every edit).

What belongs to one reader or one moment is not stored: the CSRF token and the comment
form's signed start time are cut out before caching and made afresh for each reader when
serving, so the comment form (and its "sent too fast" check) works on a cached page. A weak
ETag (a hash of the stored page) lets browsers revalidate with a 304.

Anyone with a session or a pending message (staff, a reader who just sent a comment) gets
a freshly rendered page, as does any request other than GET or HEAD.
"""

import functools
import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from .forms import start_stamp
from .models import Article, PublicPagesVersion

logger = logging.getLogger(__name__)

# Hidden fields whose value is made for each reader: name -> how to make it.
FRESH_FIELDS = {
    "csrfmiddlewaretoken": get_token,
    "started": lambda request: start_stamp(),
}
FRESH_FIELD = re.compile(r'name="(?P<name>{})" value="[^"]*"'.format("|".join(FRESH_FIELDS)))
MESSAGES_COOKIE = "messages"
# The longest a render may keep others on the previous copy of a page (a crashed render's
# claim lapses after this).
RENDER_CLAIM_SECONDS = 10


def placeholder(name):
    return f"\x00{name}\x00"


def is_cacheable(request, query_parameters):
    return (
        request.method in ("GET", "HEAD")
        and set(request.GET) <= set(query_parameters)
        and settings.PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def cache_key(request):
    # The date is part of the key: review dates and "reviewed on" text change with it.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"page:{timezone.localdate().isoformat()}:{digest}"


def public_page(query_parameters=()):
    """Serve anonymous readers from the page cache; see the module docstring.

    Only addresses with no query string, or with just `query_parameters`, are cached: any
    other query is rendered afresh, so made-up addresses cannot fill the cache.
    """

    def decorator(view):
        @functools.wraps(view)
        def cached_view(request, *args, **kwargs):
            if not is_cacheable(request, query_parameters):
                return view(request, *args, **kwargs)
            version = PublicPagesVersion.current()
            key = cache_key(request)
            stored = read(key)
            if stored is not None and is_current(stored, version):
                return serve(request, stored)
            if stored is not None and not claim(key):
                # Another request is rendering the new version: rather than every reader
                # of a busy page rendering it at once, the others get the page as it was a
                # moment ago until the new one is stored (usually well under a second).
                return serve(request, stored)
            try:
                return render_and_store(request, key, version, view, args, kwargs)
            finally:
                release(key)

        return cached_view

    return decorator


def render_and_store(request, key, version, view, args, kwargs):
    # Asked before rendering, so an article going live meanwhile still counts.
    valid_until = Article.objects.next_change_by_clock()
    try:
        response = view(request, *args, **kwargs)
    except Exception:  # Http404 for an unpublished article: nobody may get the old copy
        forget(key)
        raise
    if response.status_code != 200 or response.streaming:
        forget(key)
        return response
    return serve(request, store(key, response, version, valid_until))


def is_current(stored, version):
    expired = stored["valid_until"] and timezone.now() >= stored["valid_until"]
    return stored["version"] == version and not expired


def store(key, response, version, valid_until):
    html = FRESH_FIELD.sub(
        lambda field: f'name="{field["name"]}" value="{placeholder(field["name"])}"',
        response.content.decode(),
    )
    etag = 'W/"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
    stored = {
        "version": version,
        "html": html,
        "etag": etag,
        "content_type": response["Content-Type"],
        # A scheduled article going live changes pages with no edit to retire them.
        "valid_until": valid_until,
    }
    try:
        cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable: page not cached", exc_info=True)
    return stored


def read(key):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Cache unavailable: page rendered afresh", exc_info=True)
        return None


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


def serve(request, stored):
    not_modified = get_conditional_response(request, etag=stored["etag"])
    if not_modified is not None:
        response = not_modified
    else:
        html = stored["html"]
        for name, make in FRESH_FIELDS.items():
            if placeholder(name) in html:
                html = html.replace(placeholder(name), make(request))
        response = HttpResponse(html, content_type=stored["content_type"])
    response["ETag"] = stored["etag"]
    # Private: the page carries this reader's CSRF token. No-cache: always revalidate.
    patch_cache_control(response, private=True, no_cache=True)
    return response
