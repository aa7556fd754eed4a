"""What search needs besides the articles: clinicians' synonyms, the words readers may
misspell, and an anonymous count of searches that found nothing, kept only for words
several readers searched for."""

import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from governance.clients import client_key

from .text import STOP_WORDS, WORD

QUERY_KEPT_CHARACTERS = 200
HASH_CHARACTERS = 32
# Changing either forgets today's candidates: counting starts again from no readers.
READER_HASH_SALT = "search.unanswered.reader"
QUERY_HASH_SALT = "search.unanswered.query"


class SearchSynonym(models.Model):
    """Two ways of saying the same thing: a search for either finds both."""

    phrase = models.CharField(
        max_length=100, help_text="A word or phrase readers use, for example “slipped disc”."
    )
    same_as = models.CharField(
        max_length=100,
        help_text="What our articles may call it instead, for example “herniated disc”. "
        "Works both ways.",
    )

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_searchsynonym"
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["phrase", "same_as"], name="unique_synonym_pair")
        ]

    def __str__(self):
        return f"{self.phrase} ↔ {self.same_as}"

    def save(self, *args, **kwargs):
        self.phrase = normalise(self.phrase)
        self.same_as = normalise(self.same_as)
        super().save(*args, **kwargs)


class SearchWord(models.Model):
    """A word used in published articles: what a misspelt search word is corrected to."""

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_searchword"

    def __str__(self):
        return self.word


class UnansweredSearchQuerySet(models.QuerySet):
    def past_keeping(self, today=None):
        """Entries nobody has searched for in SEARCH_LOG_KEEP_DAYS: no longer news."""
        today = today or timezone.localdate()
        return self.filter(
            last_searched__lt=today - datetime.timedelta(days=settings.SEARCH_LOG_KEEP_DAYS)
        )

    def beyond_cap(self):
        """All but the SEARCH_LOG_MAX_ROWS most recently searched entries."""
        kept = self.order_by("-last_searched", "-count", "-pk").values("pk")[
            settings.SEARCH_LOG_MAX_ROWS :
        ]
        return self.filter(pk__in=kept)


class UnansweredSearch(models.Model):
    """How many readers searched for words that found nothing; nothing about who.

    Readers often search for their own symptoms, so the words one person typed are never
    kept: an entry appears only once SEARCH_LOG_MIN_READERS different readers searched for
    the same words on one day (counted in UnansweredSearchCandidate, by keyed hashes only).
    From then on each reader adds one a day, however often they search.
    """

    query = models.CharField(max_length=QUERY_KEPT_CHARACTERS, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_searched = models.DateField(default=timezone.localdate)

    objects = UnansweredSearchQuerySet.as_manager()

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_unansweredsearch"
        ordering = ["-count", "query"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"

    def __str__(self):
        return self.query

    @classmethod
    def record(cls, query, request=None):
        """Count a search that found nothing, by the reader who made it (`request`).

        Without a request there is no reader to count, so nothing is kept. A search of only
        common words ("how do i") says nothing about what our articles are missing.
        """
        query = normalise(query)[:QUERY_KEPT_CHARACTERS]
        if request is None or not any(word not in STOP_WORDS for word in WORD.findall(query)):
            return
        today = timezone.localdate()
        candidate = UnansweredSearchCandidate.add(query, client_key(request), today)
        if candidate is None:  # counted for these words today already, or past their share
            return
        if cls.objects.filter(query=query).update(count=F("count") + 1, last_searched=today):
            return
        readers = candidate.readers_today()
        if readers < settings.SEARCH_LOG_MIN_READERS:
            return
        try:
            with transaction.atomic():
                cls.objects.create(query=query, count=readers, last_searched=today)
        except IntegrityError:  # another reader's search listed it a moment ago
            cls.objects.filter(query=query).update(count=F("count") + 1, last_searched=today)
            return
        cls.objects.beyond_cap().delete()


class UnansweredSearchCandidateQuerySet(models.QuerySet):
    def expired(self, today=None):
        """Candidates from before yesterday: a day's readers are counted only that day."""
        today = today or timezone.localdate()
        return self.filter(day__lt=today - datetime.timedelta(days=1))


class UnansweredSearchCandidate(models.Model):
    """One reader's search that found nothing, on one day, before the words may be kept.

    Only keyed hashes are stored, never the words or the reader: the words and the reader's
    client key are each hashed with a salt made of the day and the site's secret key, so the
    same reader or words cannot be linked from one day to the next, and neither can be read
    back without the secret. Rows go after a day or two (`expired`), and at most
    SEARCH_LOG_MAX_CANDIDATES are kept, the oldest dropped, whatever a stranger sends.
    """

    day = models.DateField(default=timezone.localdate)
    query_hash = models.CharField(max_length=HASH_CHARACTERS)
    reader_hash = models.CharField(max_length=HASH_CHARACTERS)

    objects = UnansweredSearchCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "search waiting for more readers"
        verbose_name_plural = "searches waiting for more readers"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query_hash", "reader_hash"], name="one_reader_a_day_per_search"
            )
        ]
        indexes = [models.Index(fields=["day", "reader_hash"], name="search_candidate_reader")]

    def __str__(self):
        return f"{self.day}: {self.query_hash[:8]}…"

    @classmethod
    def add(cls, query, reader_key, day):
        """This reader's search for `query` on `day`; None if they are counted already.

        A reader adds at most SEARCH_LOG_READER_DAILY_LIMIT candidates a day, so one
        client sending random words fills a few rows, not thousands.
        """
        reader_hash = daily_hash(READER_HASH_SALT, reader_key, day)
        if (
            cls.objects.filter(day=day, reader_hash=reader_hash).count()
            >= settings.SEARCH_LOG_READER_DAILY_LIMIT
        ):
            return None
        try:
            with transaction.atomic():
                candidate = cls.objects.create(
                    day=day,
                    query_hash=daily_hash(QUERY_HASH_SALT, query, day),
                    reader_hash=reader_hash,
                )
        except IntegrityError:
            return None
        # Ids only grow, so this keeps at most the cap's newest rows without counting them.
        cls.objects.filter(
            Q(pk__lte=candidate.pk - settings.SEARCH_LOG_MAX_CANDIDATES)
            | Q(day__lt=day - datetime.timedelta(days=1))
        ).delete()
        return candidate

    def readers_today(self):
        return type(self).objects.filter(day=self.day, query_hash=self.query_hash).count()


def daily_hash(salt, value, day):
    """A keyed hash of `value` that changes every day and cannot be undone without SECRET_KEY."""
    key_salt = f"{salt}:{day.isoformat()}"
    return salted_hmac(key_salt, value, algorithm="sha256").hexdigest()[:HASH_CHARACTERS]


def normalise(text):
    return " ".join(text.lower().split())
