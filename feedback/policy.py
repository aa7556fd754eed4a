"""How readers' feedback is limited per client, as comments are (see
`governance.clients.over_rate_limit`: a keyed hash in the cache, never the reader's
address, forgotten when the window ends). Nothing about the client is stored with the
feedback itself."""

from django.conf import settings

from governance.clients import over_rate_limit


def feedback_rate_exceeded(request):
    """Count this answer or note against the client's limit; True once over the limit."""
    return over_rate_limit(
        request, "feedback", settings.FEEDBACK_RATE_LIMIT, settings.FEEDBACK_RATE_WINDOW_SECONDS
    )
