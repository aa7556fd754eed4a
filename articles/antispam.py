"""Per-client limits kept in the cache (Redis when configured, so every process shares them).

A client is known only by a keyed hash of its IP address: the raw address is never stored,
and the hash cannot be reversed without the site's secret key.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def client_key(request):
    address = request.META.get("REMOTE_ADDR", "")
    return salted_hmac("articles.antispam.client", address, algorithm="sha256").hexdigest()[:32]


def comment_rate_exceeded(request):
    """Count this comment against the client's limit; True once over the limit."""
    key = f"comment-rate:{client_key(request)}"
    cache.add(key, 0, timeout=settings.COMMENTS_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr: start a new window
        cache.set(key, 1, timeout=settings.COMMENTS_RATE_WINDOW_SECONDS)
        count = 1
    return count > settings.COMMENTS_RATE_LIMIT


def first_report_from_client(request, comment):
    """True the first time a client reports a comment (within a day), False after that."""
    key = f"comment-report:{comment.pk}:{client_key(request)}"
    return cache.add(key, 1, timeout=24 * 3600)
