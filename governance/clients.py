"""Who is asking, without knowing who they are.

Comment rate limits and report counts know a client only by a keyed hash of its address
(`client_key`), which cannot be reversed without the site's secret key. The admin sign-in
lockout (django-axes) is given the address itself by `client_address`: axes keeps it with
each failed sign-in, which is what lets it pause one address and not everybody.
"""

import functools
import ipaddress
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
    one our own first proxy saw; anything further left could be forged by the client. The
    header is believed only when the request came from one of TRUSTED_PROXIES and every
    hop walked through on the way is one of them too. Otherwise anyone reaching the app
    directly could name a new address on every try and walk past the sign-in lockout and
    the comment rate limit, so the connection's own address is used instead.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    if not _is_trusted_proxy(remote):
        _warn_once("a request came from an address not in TRUSTED_PROXIES")
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if len(forwarded) < proxies:
        _warn_once("X-Forwarded-For had fewer entries than TRUSTED_PROXY_COUNT")
        return remote
    hops = forwarded[len(forwarded) - proxies + 1 :]
    if not all(_is_trusted_proxy(hop) for hop in hops):
        _warn_once("X-Forwarded-For named a hop not in TRUSTED_PROXIES")
        return remote
    reader = forwarded[-proxies]
    if _parse_address(reader) is None:
        _warn_once("X-Forwarded-For held something that is not an address")
        return remote
    return reader


def trusted_networks(entries):
    """TRUSTED_PROXIES as networks; a single address is a network of one.

    Raises ValueError for an entry that is neither, which the system check reports at
    start-up.
    """
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


@functools.lru_cache(maxsize=4)
def _networks(entries):
    networks = []
    for entry in entries:
        try:
            networks.extend(trusted_networks([entry]))
        except ValueError:
            continue  # reported by the system check; trusting nothing is the safe side
    return tuple(networks)


def _parse_address(text):
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted_proxy(text):
    if text == "":
        # gunicorn bound to a Unix socket has no peer address: only a local proxy can
        # reach it, so it is the proxy.
        return True
    address = _parse_address(text)
    if address is None:
        return False
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return any(address.version == net.version and address in net for net in networks)


# Said once per process and never with an address in it: the logs must not hold readers'
# addresses, and one line is enough to tell an operator the proxy setup is wrong.
_warned_about = set()


def _warn_once(problem):
    if problem in _warned_about:
        return
    _warned_about.add(problem)
    logger.warning(
        "TRUSTED_PROXY_COUNT is %s but %s; X-Forwarded-For was ignored for it. Check "
        "TRUSTED_PROXY_COUNT and TRUSTED_PROXIES against the proxies really in front.",
        settings.TRUSTED_PROXY_COUNT,
        problem,
    )


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
