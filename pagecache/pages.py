"""What other apps tell the page cache: which views are public pages and the query
parameters they understand, which views take the forms on them, when something public
changed, and when pages change by the clock; and the current public pages version, which
they may ask for.

Registrations are made in an app's `ready()`, before the first request.
"""

import logging
import re
from collections.abc import Mapping
from types import MappingProxyType

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from .models import PublicPagesVersion
from .versions import VersionWatch

logger = logging.getLogger(__name__)

# Hidden form fields holding the time of the render (`render_stamp_field`).
RENDER_STAMP_FIELDS = []
# Functions returning the next moment public pages change with no edit (or None).
CLOCK_CHANGES = []


# A page number as readers follow it from the pager: no sign, no leading zero, at most four
# digits. Page 10,000 (200,000 comments on one article) would still be shown, never cached.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")
# The request attribute a view's report of the values it rendered with is kept in.
RENDERED_QUERY_ATTRIBUTE = "page_cache_rendered_query"


def page_number(value):
    """A pager's page number as the page cache keys it: anything that is not a plain page
    number (missing, words, 0, -1, 0007, 10**30) is the first page."""
    if value is not None and PAGE_NUMBER.fullmatch(value):
        return value
    return "1"


def public_page(query_parameters=None, uncached_with=()):
    """Let anonymous readers of this view be served from the page cache.

    `query_parameters` maps each query parameter the view reads to its normaliser, e.g.
    `{"page": page_number}`: a function from the address's value (None when missing) to the
    value the page is cached and rendered with, whatever comes in. Only those normalised
    values make the cache key, and the view is shown only them, so made-up addresses (junk
    values, unknown parameters) are the same few pages and cannot fill the cache. A view
    that shows another value than the one asked for (a page number past the last shows the
    last) says so with `rendered_with`, and the page is stored once, under that value.

    A request carrying any of the parameters named in `uncached_with` is answered by the
    view afresh, never from or into the cache: for a filter whose values are too many to
    keep a copy of each (a clinical code), the view seeing the value matters more.
    """
    normalisers = query_parameters or {}
    if not isinstance(normalisers, Mapping) or not all(map(callable, normalisers.values())):
        raise TypeError(
            "public_page(query_parameters=...) maps each parameter to its normaliser, e.g. "
            '{"page": page_number}: a parameter cached with any value fills the cache.'
        )

    def decorator(view):
        view.page_cache_query_parameters = MappingProxyType(dict(normalisers))
        view.page_cache_uncached_with = frozenset(uncached_with)
        return view

    return decorator


def public_form(view):
    """Mark a view that takes the forms of cached public pages (a comment, the checker).

    Those forms carry no per-reader token, so that every reader gets the same bytes: the
    view is guarded against cross-site requests by where the browser says the form came
    from (`pagecache.csrf`), not by Django's token, which every other view still needs.
    """
    view.csrf_by_origin = True
    return view


def render_stamp_field(name):
    """A hidden field whose value is the time of the render (a comment form's "opened at"):
    two renders of an unchanged page differ only there, so the page's ETag leaves it out and
    a browser holding the page still gets a 304."""
    if name not in RENDER_STAMP_FIELDS:
        RENDER_STAMP_FIELDS.append(name)


def rendered_with(request, **values):
    """Tell the page cache the value of a query parameter this page was rendered with, when
    it may differ from the one asked for (`rendered_with(request, comments=page.number)`)."""
    rendered = getattr(request, RENDERED_QUERY_ATTRIBUTE, {})
    rendered.update({name: str(value) for name, value in values.items()})
    setattr(request, RENDERED_QUERY_ATTRIBUTE, rendered)


def retire_cached_pages():
    """Something readers can see changed: no cached page may be served from before it.

    Call it inside the transaction that makes the change.
    """
    PublicPagesVersion.advance()


def retire_when_changed(*models):
    """Retire cached pages whenever a row of these models is saved or deleted."""
    for model in models:
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-deleted")


def _changed(sender, **kwargs):
    retire_cached_pages()


def changes_by_clock(next_change):
    """`next_change()` gives the next moment public pages change with no edit (a
    scheduled article going live), or None: a page is not served from the cache past it."""
    CLOCK_CHANGES.append(next_change)


def next_change_by_clock():
    return min(filter(None, (next_change() for next_change in CLOCK_CHANGES)), default=None)


# This process's knowledge of the version, kept while no change is announced.
known_version = VersionWatch(belief_seconds=PublicPagesVersion.CACHE_SECONDS)


def current_version():
    """The public pages version as this process knows it (`pagecache.versions`): with
    Redis, told of every change, so asking costs nothing. The database's error is raised if
    it is down."""
    return known_version.current(read_version)


def read_version():
    """The cache's copy of the version, or else the database's, copied to the cache for
    a moment. A cache that failed to answer is not asked again to keep a copy: every call
    to a cache that is down may wait out its timeout, and readers would wait twice."""
    try:
        version = cache.get(PublicPagesVersion.CACHE_KEY)
    except Exception:
        logger.warning("Cache unavailable: version read from the database", exc_info=True)
        return PublicPagesVersion.current()
    if version is not None:
        return version
    version = PublicPagesVersion.current()
    try:
        cache.add(PublicPagesVersion.CACHE_KEY, version, timeout=PublicPagesVersion.CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable: version not copied", exc_info=True)
    return version
