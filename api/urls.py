"""The content API's addresses (version 1, under /api/v1/).

The answers that change only when public content changes are served from the page cache, as
anonymous pages are (precompressed, one copy per version of the public pages, retired by
any edit): a single article, the topics, and the lists by topic. A list by clinical code is
answered afresh (too many codes to keep a copy of each), as is the changes feed (its answer
moves with the clock).
"""

import functools
import re

from pagecache.pages import PAGE_NUMBER, public_page

from .schemas import SLUG_PATTERN
from .v1 import api

SLUG = SLUG_PATTERN.strip("^$")


def topic_slug(value):
    """A topic filter as the page cache keys it: a slug, or "-" (no topic has it: a 404)
    for anything else, so made-up values are one key."""
    if value is None:
        return None
    return value if re.fullmatch(SLUG, value) and len(value) <= 100 else "-"


def page_number(value):
    """A page number as the page cache keys it: a plain one (1 to 9999), else "0", which the
    view refuses with a 400; a list is never the first page under another name."""
    if value is None:
        return "1"
    return value if PAGE_NUMBER.fullmatch(value) else "0"


CACHED = {
    "article": public_page(),
    "topics": public_page(),
    "articles": public_page(
        {"topic": topic_slug, "page": page_number}, uncached_with=("code", "system")
    ),
}


def as_public_page(pattern):
    """The URL pattern, its view served from the page cache if it is one of CACHED. Each
    gets a view of its own: django-ninja's views are methods of one class, so a mark on one
    would be on all."""
    mark = CACHED.get(pattern.name)
    if mark is not None:
        view = pattern.callback

        @functools.wraps(view)
        def cached_view(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        pattern.callback = mark(cached_view)
    return pattern


patterns, _, app_name = api.urls  # "api-v1", the namespace its docs page reverses in
urlpatterns = [as_public_page(pattern) for pattern in patterns]
