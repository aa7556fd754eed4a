"""What other apps tell the page cache: which views are public pages, when something
public changed, which form fields belong to one reader, and when pages change by the clock.

Registrations are made in an app's `ready()`, before the first request.
"""

from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token

from .models import PublicPagesVersion

# Hidden form fields whose value is made for each reader: name -> maker(request) -> str.
PER_READER_FIELDS = {"csrfmiddlewaretoken": get_token}
# Functions returning the next moment public pages change with no edit (or None).
CLOCK_CHANGES = []


def public_page(query_parameters=()):
    """Let anonymous readers of this view be served from the page cache.

    Only addresses with no query string, or with just `query_parameters`, are cached: any
    other query is rendered afresh, so made-up addresses cannot fill the cache.
    """

    def decorator(view):
        view.page_cache_query_parameters = frozenset(query_parameters)
        return view

    return decorator


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


def per_reader_field(name, maker):
    """A hidden field `name` on public pages whose value is `maker(request)` per reader:
    cut out before a page is stored, filled in afresh for each reader served."""
    PER_READER_FIELDS[name] = maker


def changes_by_clock(next_change):
    """`next_change()` gives the next moment public pages change with no edit (a
    scheduled article going live), or None: a page is not served from the cache past it."""
    CLOCK_CHANGES.append(next_change)


def next_change_by_clock():
    return min(filter(None, (next_change() for next_change in CLOCK_CHANGES)), default=None)
