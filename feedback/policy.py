"""How readers' feedback is limited per client, as comments are.

The limit lives in the cache (Redis when configured, so every process shares it), keyed by
`governance.clients.client_key`: a hash, never the reader's address, and it is forgotten
when the window ends. Nothing about the client is stored with the feedback itself.
"""

import logging

from django.conf import settings
from django.core.cache import cache

from governance.clients import client_key

logger = logging.getLogger(__name__)


def feedback_rate_exceeded(request):
    """Count this answer or note against the client's limit; True once over the limit.

    With the cache down the limit is not enforced: one more count does no harm, and a note
    still waits for a moderator.
    """
    key = f"feedback-rate:{client_key(request)}"
    try:
        cache.add(key, 0, timeout=settings.FEEDBACK_RATE_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr: start a new window
            cache.set(key, 1, timeout=settings.FEEDBACK_RATE_WINDOW_SECONDS)
            count = 1
    except Exception:
        logger.warning("Cache unavailable: feedback rate limit not applied", exc_info=True)
        return False
    return count > settings.FEEDBACK_RATE_LIMIT
