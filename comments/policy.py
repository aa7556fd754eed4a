"""Per-client limits kept in the cache (Redis when configured, so every process shares them).

A client is known only by a keyed hash of its IP address: the raw address is never stored,
and the hash cannot be reversed without the site's secret key.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def client_address(request):
    """The reader's address, looking past the proxies this deployment says it has.

    With TRUSTED_PROXY_COUNT = N, the Nth address from the right of X-Forwarded-For is the
    one our own first proxy saw; anything further left could be forged by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request):
    address = client_address(request)
    return salted_hmac("articles.antispam.client", address, algorithm="sha256").hexdigest()[:32]


def comment_rate_exceeded(request):
    """Count this comment against the client's limit; True once over the limit.

    With the cache down the limit is not enforced: a comment still waits for a moderator,
    so losing a reader's words would be worse than letting one more through.
    """
    key = f"comment-rate:{client_key(request)}"
    try:
        cache.add(key, 0, timeout=settings.COMMENTS_RATE_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr: start a new window
            cache.set(key, 1, timeout=settings.COMMENTS_RATE_WINDOW_SECONDS)
            count = 1
    except Exception:
        logger.warning("Cache unavailable: comment rate limit not applied", exc_info=True)
        return False
    return count > settings.COMMENTS_RATE_LIMIT


def first_report_from_client(request, comment):
    """True the first time a client reports a comment (within a day), False after that."""
    key = f"comment-report:{comment.pk}:{client_key(request)}"
    try:
        return cache.add(key, 1, timeout=24 * 3600)
    except Exception:
        logger.warning("Cache unavailable: report counted without de-duplication", exc_info=True)
        return True
