import logging

from django.core.cache import cache
from django.db import connection, models, transaction

from governance.counters import count_one

from .versions import announce_change

logger = logging.getLogger(__name__)


class PublicPagesVersion(models.Model):
    """One number that changes whenever anything readers can see changes.

    Cached public pages are stored under this number, so raising it retires every cached
    page at once, on every process and machine: the number lives in the database, in the
    same transaction as the edit, so no reader can see a new version before the new content.
    """

    SINGLETON = 1
    # Cached pages read the number from a copy in the cache, fetched with the page itself.
    # The copy is removed when the number is raised, and again once that commits; it lives
    # a second at most, which bounds how long a copy that missed its removal (cache briefly
    # down, or another process's memory cache when there is no Redis) holds an old number.
    CACHE_KEY = "public-pages-version"
    CACHE_SECONDS = 1

    number = models.BigIntegerField(default=0)

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_publicpagesversion"
        verbose_name = "public pages version"

    def __str__(self):
        return f"Public pages version {self.number}"

    @classmethod
    def current(cls):
        # Read whenever the cache has no copy, so in plain SQL: building the ORM query cost
        # more than running it.
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [cls.SINGLETON])  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def advance(cls):
        cls.forget_cached_copy()
        count_one(cls, field="number", pk=cls.SINGLETON)
        # After the update: outside a transaction this runs at once, and must not run
        # before the number has changed.
        transaction.on_commit(cls.announce_change)

    @classmethod
    def announce_change(cls):
        """Once the new number is in the database: the cache's copy goes, and the processes
        that keep the number are told (`pagecache.versions`). Told any sooner, they would
        read the old number again."""
        cls.forget_cached_copy()
        announce_change()

    @classmethod
    def forget_cached_copy(cls):
        try:
            cache.delete(cls.CACHE_KEY)
        except Exception:
            logger.warning(
                "Cache unavailable: old public pages version kept a second", exc_info=True
            )
