"""What search needs besides the articles: clinicians' synonyms, the words readers may
misspell, and an anonymous count of searches that found nothing."""

from django.db import models
from django.utils import timezone

from governance.counters import count_one

QUERY_KEPT_CHARACTERS = 200


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


class UnansweredSearch(models.Model):
    """How often a search found nothing, by the words searched for; nothing about who."""

    query = models.CharField(max_length=QUERY_KEPT_CHARACTERS, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_searched = models.DateField(default=timezone.localdate)

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_unansweredsearch"
        ordering = ["-count", "query"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"

    def __str__(self):
        return self.query

    @classmethod
    def record(cls, query):
        query = normalise(query)[:QUERY_KEPT_CHARACTERS]
        if not query:
            return
        count_one(cls, also={"last_searched": timezone.localdate()}, query=query)


def normalise(text):
    return " ".join(text.lower().split())
