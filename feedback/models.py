"""What readers tell us about a page, kept so that nobody can tell who said it.

Answers are only counted: a row per article per day holds two numbers. A “what was missing”
note is kept apart from the counts, with its article, its day and its moderation state and
nothing else: no address, session, browser, account or time of day that could lead back to
the reader. Nothing here is ever shown on a public page.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils import timezone

from governance.counters import count_one


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class DailyAnswerCountQuerySet(models.QuerySet):
    def since(self, day):
        return self.filter(date__gte=day)

    def totals(self):
        """Yes and No added up over the rows, 0 for none."""
        totals = self.aggregate(yes_total=Sum("yes", default=0), no_total=Sum("no", default=0))
        return {"yes": totals["yes_total"], "no": totals["no_total"]}

    def by_article(self):
        """One row per article: its id, title, and Yes and No totals; most No first."""
        return (
            self.values("article_id", "article__title")
            .annotate(yes_total=Sum("yes"), no_total=Sum("no"))
            .order_by("-no_total", "article__title")
        )


class DailyAnswerCount(models.Model):
    """How many readers answered Yes and No under one article on one day, and nothing else.

    Two numbers hold no personal data, so the rows are kept for clinicians to compare one
    review with the last.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(default=timezone.localdate)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)

    objects = DailyAnswerCountQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = "daily “was this page helpful?” count"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "date"], name="one_feedback_count_an_article_a_day"
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.yes} yes, {self.no} no"

    @classmethod
    def count(cls, article, answer):
        """Add one reader's answer to today's row (safe when many answer at once)."""
        count_one(cls, field=Answer(answer).value, article=article, date=timezone.localdate())


class MissingNoteQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=MissingNote.Status.APPROVED)

    def awaiting_moderation(self):
        return self.filter(status=MissingNote.Status.PENDING)

    def past_keeping(self, today=None):
        """Notes older than FEEDBACK_NOTES_KEEP_DAYS: readers were told they are not kept."""
        today = today or timezone.localdate()
        return self.filter(date__lt=today - datetime.timedelta(settings.FEEDBACK_NOTES_KEEP_DAYS))


class MissingNote(models.Model):
    """A reader's answer to “What was missing?”, held for a moderator.

    Readers may write anything, including their own name or symptoms, so a moderator reads
    every note before clinicians do, and none is ever public.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        APPROVED = "approved", "Approved for clinicians"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    # The day only: a time of day could be matched with a reader's visit in other logs.
    date = models.DateField(default=timezone.localdate, db_index=True)
    text = models.TextField("what was missing", max_length=500)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)

    objects = MissingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "“what was missing” note"
        permissions = [("moderate_missingnote", "Can approve or reject “what was missing” notes")]

    def __str__(self):
        # Never the reader's words: this is what the admin's lasting log keeps of a note.
        return f"Note {self.pk} of {self.date.isoformat()}"
