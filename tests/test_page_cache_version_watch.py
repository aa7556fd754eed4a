"""Each process believes the public pages version until a change is announced on Redis.

A cached hit then reads nothing from Redis; the next request after an edit, in any
process, reads the new number. Real Redis (REDIS_URL, or the usual port on this machine);
`.ci/run` sets REQUIRE_REDIS=1 so that a missing Redis fails rather than skips.
"""

import os
import time
import uuid

import pytest
import redis

from pagecache.versions import VersionWatch

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
NOTHING_LISTENS = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@pytest.fixture(scope="module")
def client():
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1, but Redis does not answer at {REDIS_URL}.")
        pytest.skip(f"The version watch needs Redis, which does not answer at {REDIS_URL}.")
    return connection


class Reads:
    """The version as the cache would give it, counting how often it is asked."""

    def __init__(self):
        self.version, self.count = 1, 0

    def __call__(self):
        self.count += 1
        return self.version


@pytest.fixture
def watch_on(client):
    """Watches subscribed on a channel of their own, each having read the version once:
    (watch, its reads, announce)."""
    watches = []

    def subscribed(belief_seconds=60):
        name = f"test-version-{uuid.uuid4().hex}"
        watch = VersionWatch(
            belief_seconds, client_factory=lambda: client, channel_name=lambda: name
        )
        watches.append(watch)
        reads = Reads()
        watch.current(reads)
        assert reads.count == 1
        return watch, reads, lambda: client.publish(name, b"1")

    yield subscribed
    for watch in watches:
        if watch.subscription is not None:
            watch.drop_subscription()


@pytest.fixture
def watched(watch_on):
    return watch_on()


def until_settled(watch, reads):
    """Calls until one reads nothing (a subscription that reconnected is confirmed again
    a moment later, which counts as a change once)."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        before = reads.count
        watch.current(reads)
        if reads.count == before:
            return
        time.sleep(0.01)
    raise AssertionError("never believed the version")


def test_with_no_change_announced_hits_read_nothing(watched):
    watch, reads, _ = watched
    before = reads.count

    versions = [watch.current(reads) for _ in range(1_000)]

    assert versions == [1] * 1_000
    assert reads.count == before


def test_the_request_after_an_announced_change_reads_the_new_version(watched):
    watch, reads, announce = watched
    reads.version = 2

    assert announce() == 1  # one subscriber: this watch
    # Delivered with the answer to the publisher, but a moment apart on a busy machine; a
    # request on another instance comes a network round trip later at the soonest.
    assert watch.subscription.connection.can_read(timeout=1)

    assert watch.current(reads) == 2
    assert watch.current(reads) == 2
    assert reads.count == 1 + 1  # on subscribing, and once after the change


def test_the_version_is_believed_for_a_limited_time_even_with_no_announcement(watch_on):
    watch, reads, _ = watch_on(belief_seconds=0.2)
    reads.version = 2  # changed while the announcement was lost (Redis briefly away)

    assert watch.current(reads) == 1
    time.sleep(0.3)
    assert watch.current(reads) == 2


def test_a_subscription_that_reconnected_reads_again_as_announcements_may_be_lost(watched):
    watch, reads, _ = watched
    watch.subscription.connection.disconnect()  # as when Redis restarts
    reads.version = 2  # changed while it was away

    until_settled(watch, reads)

    assert watch.current(reads) == 2


def test_with_redis_unreachable_every_request_reads_and_none_fails():
    unreachable = redis.Redis.from_url(NOTHING_LISTENS, socket_connect_timeout=0.2)
    watch = VersionWatch(belief_seconds=60, client_factory=lambda: unreachable)
    reads = Reads()

    assert [watch.current(reads) for _ in range(3)] == [1, 1, 1]
    assert reads.count == 3


def test_without_redis_every_request_reads_the_cache_copy():
    watch = VersionWatch(belief_seconds=60, client_factory=lambda: None)
    reads = Reads()

    for _ in range(3):
        watch.current(reads)

    assert reads.count == 3
