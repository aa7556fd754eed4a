"""Who is asking, without knowing who they are.

Comment rate limits and report counts know a client only by a keyed hash of its address
(`client_key`), which cannot be reversed without the site's secret key. The admin sign-in
lockout (django-axes) is given the address itself by `client_address`: axes keeps it with
each failed sign-in, which is what lets it pause one address and not everybody.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

# Changing it would reset every client's comment limit and report record at once.
CLIENT_HASH_SALT = "articles.antispam.client"


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
    return salted_hmac(CLIENT_HASH_SALT, address, algorithm="sha256").hexdigest()[:32]


def over_rate_limit(request, what, limit, window_seconds):
    """Count one more `what` (e.g. "comment") from this client; True once over `limit`
    within `window_seconds`.

    The count lives in the cache (Redis when configured, so every process shares it) under
    the client's keyed hash, and is forgotten when the window ends. With the cache down the
    limit is not enforced: what the reader sent still waits for a moderator, so losing
    their words would be worse than letting one more through.
    """
    key = f"{what}-rate:{client_key(request)}"
    try:
        cache.add(key, 0, timeout=window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr: start a new window
            cache.set(key, 1, timeout=window_seconds)
            count = 1
    except Exception:
        logger.warning("Cache unavailable: %s rate limit not applied", what, exc_info=True)
        return False
    return count > limit
