"""Values worked out from public content, kept in this process for one public pages version.

Some of what a page shows is the same for many pages and changes only when readers' content
does: the care card of a topic, the symptom checker's questions. Every such change raises
the public pages version (`pages.retire_cached_pages`), so a value worked out once per
version is exactly as fresh as a cached page holding it: a change reaches every process as
soon as it knows the new version (at once with Redis, else within a second). A change made
behind the site's back (SQL typed into a database shell raises no version) is picked up
after `KEPT_SECONDS`, the page cache's default lifetime, as a cached page's would be.
"""

import threading
from time import monotonic

from .pages import current_version

KEPT_SECONDS = 60

# Every keeper, so that tests can forget what each holds: a test's database is rolled
# back, and the next test's pages version may have the same number.
KEEPERS = []


class KeptPerVersion:
    """`build(key)` worked out once per public pages version for each key (at most
    `max_kept` keys; others are worked out on every call)."""

    def __init__(self, build, max_kept=256):
        self.build = build
        self.max_kept = max_kept
        self.lock = threading.Lock()  # a threaded server shares one memory
        self.clear()
        KEEPERS.append(self)

    def clear(self):
        self.version = None
        self.values = {}
        self.kept_until = 0.0

    def get(self, key=()):
        version = current_version()
        now = monotonic()
        with self.lock:
            if version != self.version or now >= self.kept_until:
                self.clear()
                self.version = version
                self.kept_until = now + KEPT_SECONDS
            if key in self.values:
                return self.values[key]
        # Worked out after the version was read: a change that committed since is in the
        # value already, and one committing later raises the version again.
        value = self.build(key)
        with self.lock:
            if version == self.version and len(self.values) < self.max_kept:
                self.values[key] = value
        return value


def forget_everything_kept():
    for keeper in KEEPERS:
        with keeper.lock:
            keeper.clear()
