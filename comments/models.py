"""Readers' comments, held for a moderator before anyone else sees them.

On a health site a published comment can hurt someone, so every comment starts as pending
(or spam), and only a moderator's approval makes it public.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dates import MONTHS
from django.utils.functional import cached_property

from articles.models import Article
from governance.roles import staff_name
from pagecache.pages import retire_cached_pages

from .compiled import CompiledQuery

# Readers' reports are kept this long, or until a moderator decides on the comment.
REPORTS_KEEP_DAYS = 30


def reporter_hash(comment_id, client):
    """One reporting client of one comment, as stored: a keyed hash of the two together.

    The same reader reporting two comments leaves two unrelated values, so the stored
    reports cannot be joined up into what one person reported.
    """
    keyed = salted_hmac("comments.report", f"{comment_id}:{client}", algorithm="sha256")
    return keyed.hexdigest()[:32]


class BlockedWord(models.Model):
    """A word or phrase that sends a comment straight to the spam queue."""

    word = models.CharField(
        max_length=100,
        unique=True,
        help_text="A word or short phrase. Comments containing it (any capitals) go straight "
        "to the spam queue for a moderator to check.",
    )

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_blockedword"
        ordering = ["word"]

    def __str__(self):
        return self.word


# The fields that decide whether a comment is one of the threads shown under an article.
THREAD_FIELDS = {"status", "hidden_by_reports", "parent", "parent_id", "article", "article_id"}


def recount_threads(article_ids):
    """Store how many comment threads readers see under each of these articles, in
    `Article.comment_thread_count`, for the comments pager.

    Counted afresh rather than added to, so no path (a moderator's decision, readers'
    reports, an update of many comments) can leave a count off for good. The articles' rows
    are locked first: two moderators deciding on one article's comments at once then count
    one after the other, the second seeing the first's decision.
    """
    article_ids = sorted({pk for pk in article_ids if pk is not None})
    if not article_ids:
        return
    articles = Article.objects.filter(pk__in=article_ids)
    shown = (
        Comment.objects.visible()
        .filter(article=OuterRef("pk"), parent=None)
        .order_by()
        .values("article")
        .annotate(threads=Count("pk"))
        .values("threads")
    )
    with transaction.atomic():
        list(articles.select_for_update().order_by("pk").values_list("pk", flat=True))
        articles.update(comment_thread_count=Coalesce(Subquery(shown), 0))


# What readers see of each comment under an article. Read as plain rows, not model
# instances: building a page's twenty comments and their authors as instances took more
# than half of the comment list's render.
SHOWN_FIELDS = (
    "pk",
    "parent_id",
    "display_name",
    "body",
    "created_at",
    "author_id",
    "author_role",
    "author__first_name",
    "author__last_name",
)


@dataclass
class ShownComment:
    """A visible comment as it is shown under its article, with its visible replies."""

    pk: int
    name: str  # a clinician's reply shows their own name, a reader's comment the one given
    body: str
    sent_at: datetime.datetime  # in the site's time zone: the `<time datetime>` holds it
    is_clinician_reply: bool
    author_role: str
    report_url: str
    replies: list = field(default_factory=list)

    @classmethod
    def from_row(cls, row, report_url):
        is_clinician_reply = row["author_id"] is not None
        full_name = f"{row['author__first_name'] or ''} {row['author__last_name'] or ''}".strip()
        return cls(
            pk=row["pk"],
            name=(is_clinician_reply and full_name) or row["display_name"],
            body=row["body"],
            sent_at=timezone.localtime(row["created_at"]),
            is_clinician_reply=is_clinician_reply,
            author_role=row["author_role"],
            report_url=report_url.format(pk=row["pk"]),
        )

    @property
    def day_sent(self):
        """The day it was sent as readers read it, e.g. "3 March 2026": what the date filter
        gives for "j F Y", written out because the filter, called for every comment of a
        page, cost each render of it about a millisecond."""
        return f"{self.sent_at.day} {MONTHS[self.sent_at.month]} {self.sent_at.year}"


def shown_threads(thread_rows):
    """`ShownComment`s for these rows of threads (`SHOWN_FIELDS`), oldest first, each with
    its visible replies, oldest first: one query more for all the replies."""
    # The report button's address, reversed once for the page rather than for each comment.
    before, _, after = reverse("comments:report", args=[0]).rpartition("/0/")
    report_url = f"{before}/{{pk}}/{after}"
    threads = [ShownComment.from_row(row, report_url) for row in thread_rows]
    if threads:
        by_pk = {thread.pk: thread for thread in threads}
        for row in REPLIES.rows(list(by_pk)):
            by_pk[row["parent_id"]].replies.append(ShownComment.from_row(row, report_url))
    return threads


class ThreadPaginator(Paginator):
    """An article's visible comment threads (`ShownComment`s), oldest first, in pages of
    `per_page`.

    The number of threads is the one stored on the article (`recount_threads`): counting a
    popular article's hundred thousand comments on every render of its page would cost more
    than the rest of the page.
    """

    def __init__(self, article, per_page):
        super().__init__(ThreadRows(article.pk), per_page)
        self.article = article

    @cached_property
    def count(self):
        return self.article.comment_thread_count

    def _get_page(self, thread_rows, number, paginator):
        threads = shown_threads(thread_rows) if self.count else []
        return super()._get_page(threads, number, paginator)


class ThreadRows:
    """An article's visible threads as rows (`SHOWN_FIELDS`), oldest first, read a page at a
    time (`rows[20:40]`, a generator) by the compiled query `THREAD_PAGE`."""

    def __init__(self, article_id):
        self.article_id = article_id

    def __getitem__(self, page):
        """The page's rows, read when first iterated: an article with no comments shown
        (`ThreadPaginator.count`) never reads them."""
        yield from THREAD_PAGE.rows(
            [self.article_id], limit=page.stop - page.start, offset=page.start
        )


# The two queries of every article page's comments, compiled once (see compiled.py).
THREAD_PAGE = CompiledQuery(
    lambda article_id: (
        Comment.objects.filter(article_id=article_id, parent=None)
        .visible()
        .order_by("created_at", "pk")
        .values(*SHOWN_FIELDS)
    ),
    paged=True,
)
REPLIES = CompiledQuery(
    lambda *thread_ids: (
        Comment.objects.visible()
        .filter(parent_id__in=thread_ids)
        .order_by("created_at", "pk")
        .values(*SHOWN_FIELDS)
    )
)


class CommentQuerySet(models.QuerySet):
    def update(self, **changes):
        """QuerySet.update(), keeping the articles' thread counts: an update sends no signal."""
        if not THREAD_FIELDS & changes.keys():
            return super().update(**changes)
        with transaction.atomic():
            articles = set(self.order_by().values_list("article_id", flat=True).distinct())
            updated = super().update(**changes)
            moved_to = changes.get("article_id", changes.get("article"))
            recount_threads([*articles, getattr(moved_to, "pk", moved_to)])
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        """QuerySet.bulk_create(), keeping the articles' thread counts: it sends no signal."""
        created = super().bulk_create(objs, *args, **kwargs)
        recount_threads(comment.article_id for comment in created if comment.is_shown_thread)
        return created

    def visible(self):
        """What readers see: approved, and not hidden by readers' reports."""
        return self.filter(status=Comment.Status.APPROVED, hidden_by_reports=False)

    def awaiting_moderation(self):
        return self.filter(
            models.Q(status=Comment.Status.PENDING) | models.Q(hidden_by_reports=True)
        )


class CommentReportQuerySet(models.QuerySet):
    def past_keeping(self, today=None):
        """Reports older than REPORTS_KEEP_DAYS."""
        today = today or timezone.localdate()
        return self.filter(reported_on__lt=today - datetime.timedelta(REPORTS_KEEP_DAYS))


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    class RedFlagUrgency(models.IntegerChoices):
        """How urgent a red flag the comment seemed to mention; higher sorts first."""

        NONE = 0, "No red flag"
        URGENT = 1, "Possible urgent problem"
        EMERGENCY = 2, "Possible emergency"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment this one answers (clinicians' replies).",
    )
    display_name = models.CharField("name", max_length=80)
    email = models.EmailField(
        blank=True,
        help_text="Never shown. Used only to tell the reader their comment was answered.",
    )
    notify_on_reply = models.BooleanField("tell me when it is answered", default=False)
    body = models.TextField("comment", max_length=2000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    spam_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the comment went to the spam queue."
    )
    red_flag_urgency = models.PositiveSmallIntegerField(
        "red flag",
        choices=RedFlagUrgency,
        default=RedFlagUrgency.NONE,
        # Both red-flag fields have a database default too: code from before them, still
        # serving during a deploy, inserts comments without them.
        db_default=RedFlagUrgency.NONE,
        help_text="Found when the comment was sent: it seems to mention a warning sign. "
        "The reader was shown the advice for it at once.",
    )
    red_flag_note = models.CharField(
        "warning signs found",
        max_length=500,
        blank=True,
        default="",
        db_default="",
        help_text="The warning signs the comment seems to mention, in the red flags' words.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comment_replies",
        help_text="Set for clinicians' replies: their name is shown with the reply.",
    )
    author_role = models.CharField(
        "role",
        max_length=100,
        blank=True,
        help_text="Shown with a clinician's reply, e.g. “Physiotherapist”.",
    )
    report_count = models.PositiveIntegerField("reports", default=0)
    hidden_by_reports = models.BooleanField(
        "hidden after reports",
        default=False,
        help_text="Readers reported it often enough to hide it until a moderator decides.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderated_comments",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        # Kept from the articles app: old and new code share the database during a deploy.
        db_table = "articles_comment"
        ordering = ["-created_at"]
        permissions = [("moderate_comment", "Can approve, reject or mark comments as spam")]
        indexes = [
            # An article's visible threads, oldest first: the page's comment query. Without
            # it, at a million comments PostgreSQL walks every comment's date to find them.
            models.Index(
                fields=["article", "created_at", "id"],
                condition=models.Q(status="approved", hidden_by_reports=False, parent=None),
                name="comment_visible_thread_idx",
            )
        ]

    def __str__(self):
        return f"{self.display_name}: {self.body[:60]}"

    @property
    def is_shown_thread(self):
        """Shown to readers as a thread of its own (replies are shown in theirs)."""
        return (
            self.status == Comment.Status.APPROVED
            and not self.hidden_by_reports
            and self.parent_id is None
        )

    @property
    def red_flag_mark(self):
        """The warning for moderators, e.g. “⚠ Possible emergency: numbness …”, or ""."""
        if not self.red_flag_urgency:
            return ""
        note = self.red_flag_note or self.get_red_flag_urgency_display().lower()
        return f"⚠ {note[:1].upper()}{note[1:]}"

    def moderate(self, status, moderator):
        """Record a moderator's decision; it also settles readers' reports."""
        self.status = status
        self.moderated_by = moderator
        self.moderated_at = timezone.now()
        # A decision settles any reports: the comment no longer waits for a moderator, and
        # readers who reported it before may report it again.
        self.hidden_by_reports = False
        self.report_count = 0
        with transaction.atomic():
            self.save()
            self.reports.all().delete()

    def reply(self, clinician, body, role=""):
        """A clinician's answer under this comment: public at once, under their own name."""
        name = staff_name(clinician)
        return Comment.objects.create(
            article_id=self.article_id,
            parent=self,
            author=clinician,
            author_role=role,
            display_name=name[: Comment._meta.get_field("display_name").max_length],
            body=body,
            status=Comment.Status.APPROVED,
            moderated_by=clinician,
            moderated_at=timezone.now(),
        )

    def report(self, client):
        """Count one client's report; enough of them hide the comment until moderated.

        `client` is `governance.clients.client_key`, never an address. A client counts once
        per comment however often it sends a report: the database's unique constraint
        decides, so one reader cannot hide a comment even when the cache is down. Returns
        False if this client had already reported the comment.
        """
        with transaction.atomic():
            # The comment's row is locked first, as a moderator's decision and the clean-up
            # of old reports lock it, so the count always matches the stored reports.
            count, hidden = (
                Comment.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("report_count", "hidden_by_reports")
                .get()
            )
            try:
                with transaction.atomic():
                    CommentReport.objects.create(
                        comment_id=self.pk, client=reporter_hash(self.pk, client)
                    )
            except IntegrityError:
                return False
            count += 1
            hides = count >= settings.COMMENTS_REPORTS_TO_HIDE and not hidden
            reported = Comment.objects.filter(pk=self.pk)
            if hides:
                reported.update(report_count=count, hidden_by_reports=True)
                retire_cached_pages()  # an update() sends no signal
            else:
                reported.update(report_count=count)
        self.report_count, self.hidden_by_reports = count, hidden or hides
        return True


# Comments whose old reports are forgotten in one statement (`CommentReport.delete_old`).
DELETE_OLD_BATCH = 5_000


class CommentReport(models.Model):
    """One client's report of one comment, kept until a moderator decides on the comment.

    The client is known only by a keyed hash of it and the comment (`reporter_hash`), so
    one reader's reports of different comments cannot be linked, and the day only is kept:
    a time of day could be matched with a reader's visit in other logs.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    client = models.CharField(
        max_length=32, help_text="A keyed hash of the reporting client and the comment."
    )
    reported_on = models.DateField(default=timezone.localdate, db_index=True)

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "client"], name="one_report_a_client")
        ]

    def __str__(self):
        return f"Report of comment {self.comment_id} on {self.reported_on}"

    @classmethod
    def delete_old(cls, today=None):
        """Forget reports past their keeping time; the number deleted.

        Each comment's count drops with its reports, so a comment a few readers reported
        long ago starts afresh. Reports of a comment hidden by them stay for the moderator.
        """
        old = cls.objects.past_keeping(today)
        with transaction.atomic():
            comments = list(
                Comment.objects.select_for_update()
                .filter(pk__in=old.values("comment_id"), hidden_by_reports=False)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            deleted = 0
            # In batches: a statement holds at most 65,535 values bound on the server.
            for start in range(0, len(comments), DELETE_OLD_BATCH):
                batch = comments[start : start + DELETE_OLD_BATCH]
                old_of_batch = old.filter(comment_id__in=batch)
                old_count = (
                    old_of_batch.filter(comment_id=OuterRef("pk"))
                    .order_by()
                    .values("comment_id")
                    .annotate(reports=Count("pk"))
                    .values("reports")
                )
                Comment.objects.filter(pk__in=batch).update(
                    report_count=Greatest(F("report_count") - Subquery(old_count), Value(0))
                )
                deleted += old_of_batch.delete()[0]
        return deleted
