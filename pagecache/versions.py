"""The public pages version as this process knows it, told of every change as it happens.

Every cached hit must know the current version. Reading it from Redis each time costs a
round trip, about half of what a hit costs. So each process subscribes to a Redis channel
on which every change is announced (`announce_change`, called once the raised number has
committed), reads the version once and believes it until told otherwise.
Looking for an announcement is a read from a socket already open, with no round trip. The
announcement goes out once the change has committed, and Redis writes it to every
subscriber as it answers the editor's process, so a request that starts after the edit's
response, on any instance, sees the change (a request already running may not).

The belief lapses after `PublicPagesVersion.CACHE_SECONDS` all the same, as the cache's
own copy of the number does: an announcement lost while Redis was unreachable keeps an old
number a second at most. If the subscription fails, the version is read on every hit (as without
this), and subscribing is tried again a few seconds later. Without Redis (each process's
memory cache) there is nothing to subscribe to, and reading the copy costs nothing.
"""

import logging
import os
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

CHANNEL = "public-pages-version-changed"
RESUBSCRIBE_SECONDS = 5
SUBSCRIBE_TIMEOUT = 0.5  # as long as any other call to the cache may take


def redis_client():
    """The cache's Redis client, or None if the cache is not Redis."""
    client = getattr(cache, "_cache", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def channel():
    """With the site's key prefix and Redis database: channels are shared by all of a
    Redis server's databases, and sites may share one."""
    client = redis_client()
    database = client.connection_pool.connection_kwargs.get("db", 0) if client else 0
    return f"{cache.make_key(CHANNEL)}:{database}"


def announce_change():
    client = redis_client()
    if client is None:
        return
    try:
        client.publish(channel(), b"1")
    except Exception:
        logger.warning("Cache unavailable: change not announced", exc_info=True)


class VersionWatch:
    """This process's belief about the version, kept while no change is announced."""

    def __init__(self, belief_seconds, client_factory=redis_client, channel_name=channel):
        self.belief_seconds = belief_seconds
        self.client_factory = client_factory
        self.channel_name = channel_name
        self.lock = threading.Lock()  # a threaded server shares one watch
        self.start_afresh()

    def start_afresh(self):
        self.pid = os.getpid()
        self.subscription = None
        self.subscribe_after = 0.0
        self.version = None
        self.believed_until = 0.0

    def current(self, read):
        """The version: as believed, or `read()` afresh (None: not known)."""
        with self.lock:
            if self.pid != os.getpid():
                # A forked worker: the parent's socket is not this process's to read.
                self.start_afresh()
            now = time.monotonic()
            self.subscribe(now)
            if self.version is not None and now < self.believed_until and self.unchanged():
                return self.version
            # Subscribed before reading: a change after this read is announced to us.
            self.version = None  # if reading fails, what was announced still counts
            version = read()
            if self.subscription is not None and version is not None:
                self.version = version
                self.believed_until = now + self.belief_seconds
            return version

    def subscribe(self, now):
        if self.subscription is not None or now < self.subscribe_after:
            return
        client = self.client_factory()
        if client is None:
            self.subscribe_after = float("inf")  # no Redis: nothing will ever be announced
            return
        try:
            subscription = client.pubsub()
            subscription.subscribe(self.channel_name())
            # Redis confirms at once; waiting for it here means any message later is news.
            confirmation = subscription.get_message(timeout=SUBSCRIBE_TIMEOUT)
            if confirmation is None or confirmation["type"] != "subscribe":
                subscription.close()
                raise ConnectionError(f"Redis did not confirm subscribing: {confirmation}")
            subscription.connection.register_connect_callback(self.reconnected)
        except Exception:
            logger.warning("Cache unavailable: version read on every request", exc_info=True)
            self.subscribe_after = now + RESUBSCRIBE_SECONDS
            return
        self.subscription = subscription
        self.version = None

    def reconnected(self, connection):
        """redis-py connected the subscription again by itself (Redis restarted, say):
        announcements may have been lost meanwhile."""
        self.version = None

    def unchanged(self):
        """True if nothing came on the subscription since the version was read, and it did
        not have to connect again. Every waiting message is read."""
        changed = False
        try:
            while self.subscription.get_message(timeout=0) is not None:
                changed = True
        except Exception:
            logger.warning("Cache unavailable: subscription to changes lost", exc_info=True)
            self.drop_subscription()
            return False
        return not changed and self.version is not None

    def drop_subscription(self):
        try:
            self.subscription.close()
        except Exception:  # already broken; nothing more to free
            logger.debug("Closing a broken subscription failed", exc_info=True)
        self.subscription = None
        self.version = None
        self.subscribe_after = time.monotonic() + RESUBSCRIBE_SECONDS
