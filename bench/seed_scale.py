"""Seed a scale data set for benchmarks: thousands of published articles, a million comments.

Run it with the project's settings, as the benchmarks do:

    python bench/seed_scale.py --articles 10000 --comments 1000000

It is not a management command of any app, so production never ships it.

Everything it creates is named so it can never collide with, or be mistaken for, real or
demo content: articles are `scale-00001`, `scale-00002`, …, and the topics, treatments and
reviewing clinician it adds start with `scale-` too. Existing rows are never changed.

Rows are streamed, never all held in memory: COPY on PostgreSQL (several times faster than
INSERT for a million rows), bulk_create in batches elsewhere. Neither sends signals, so at the
end the public pages version is advanced once (retiring every cached page) and the search
vectors and vocabulary, the "Related articles" lists and the counts of comments shown are
built.

The rows' content (titles, sections, references, comments) comes from bench/scale_content.py.
"""

import itertools
import os
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import django

if __name__ == "__main__":  # run as a script: Django is set up before any model import
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmcms.settings")
    django.setup()

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleTreatment, Reference, Section, Topic, Treatment
from bench.scale_content import CLINICIAN, SLUG_PREFIX, TOPICS, TREATMENTS, ScaleContent
from comments.models import Comment, recount_threads
from pagecache.pages import retire_cached_pages
from search import index as search_index

SCALE_SLUG = re.compile(rf"^{SLUG_PREFIX}(\d+)$")
BATCH_SIZE = 5_000
# One comment in this many is a clinician's reply to a reader's comment.
REPLY_EVERY = 25


class Progress:
    """One line, redrawn in place: rows done, percent and rows per second.

    `stream` is a command's OutputWrapper (self.stderr).
    """

    REDRAW_SECONDS = 0.2
    # Reading the clock for each of a million rows would cost more than the drawing.
    ROWS_BETWEEN_CLOCK_READINGS = 1000

    def __init__(self, label, total, stream):
        self.label, self.total, self.stream = label, total, stream
        self.done = 0
        self.next_clock_reading = self.ROWS_BETWEEN_CLOCK_READINGS
        self.started = self.last_drawn = time.monotonic()
        self.draw()

    def advance(self, rows=1):
        self.done += rows
        if self.done < self.next_clock_reading:
            return
        self.next_clock_reading = self.done + self.ROWS_BETWEEN_CLOCK_READINGS
        now = time.monotonic()
        if now - self.last_drawn >= self.REDRAW_SECONDS:
            self.last_drawn = now
            self.draw()

    def finish(self):
        self.draw()
        self.stream.write("\n")

    def draw(self):
        elapsed = max(time.monotonic() - self.started, 1e-9)
        percent = 100 * self.done / self.total if self.total else 100
        self.stream.write(
            f"\r  {self.label:<19} {self.done:>9,} / {self.total:,}  {percent:5.1f}%  "
            f"{self.done / elapsed:>9,.0f} rows/s",
            ending="",
        )
        self.stream.flush()


@contextmanager
def timestamps_as_given(model):
    """Let bulk_create keep the times given: auto_now(_add) would stamp every row "now"."""
    stamped = [
        (field, field.auto_now, field.auto_now_add)
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for field, _, _ in stamped:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in stamped:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = (
        "Seed a scale data set for benchmarks: published articles named scale-00001, "
        "scale-00002, … with sections, treatments, references and topics, and approved "
        "comments spread over them Zipf-like (a few articles get most). Refuses to run on a "
        "database that already has articles unless --append is given; existing articles, "
        "demo or real, are never changed either way."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=10_000, help="Articles to add (default 10,000)."
        )
        parser.add_argument(
            "--comments",
            type=int,
            default=1_000_000,
            help="Approved comments to spread over the new articles (default 1,000,000), "
            f"one in {REPLY_EVERY} of them a clinician's reply.",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already has articles, numbering the new ones after "
            "any existing scale articles.",
        )

    def handle(self, *args, articles, comments, append, **options):
        if articles < 1 or comments < 0:
            raise CommandError("Give at least one article and zero or more comments.")
        if Article.objects.exists() and not append:
            raise CommandError(
                "The database already has articles. Seed an empty database, or pass --append "
                "to add scale articles beside them (existing articles are never changed)."
            )
        started = time.monotonic()
        self.content = ScaleContent(now=timezone.now())
        self.written = {}
        with transaction.atomic():
            self.seed(self.first_free_number(), articles, comments)
            retire_cached_pages()
            # Bulk rows send no signals: build their search vectors and vocabulary here, and
            # the stored "Related articles" lists, topics' first publish times, page parts
            # and counts of comments shown.
            search_index.update_vectors()
            search_index.remember_words()
            Article.objects.all().refresh_related_reading()
            Topic.objects.all().refresh_readable_from()
            Article.objects.all().refresh_page_parts()
            recount_threads(Article.objects.values_list("pk", flat=True))
        if connection.vendor == "postgresql":
            self.analyse()
        summary = ", ".join(f"{count:,} {label}" for label, count in self.written.items())
        self.stdout.write(f"Seeded {summary} in {time.monotonic() - started:.1f} s.")

    def first_free_number(self):
        slugs = Article.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        numbers = (int(match[1]) for slug in slugs.iterator() if (match := SCALE_SLUG.match(slug)))
        return max(numbers, default=0) + 1

    def seed(self, first_number, article_count, comment_count):
        reviewer = self.clinician()
        topics = self.scale_rows(Topic, [{"name": name} for name in TOPICS])
        treatments = self.scale_rows(
            Treatment,
            [
                {
                    "name": name,
                    "category": category,
                    "summary": summary,
                    "cautions": cautions,
                    "order": position * 10,
                }
                for position, (name, category, summary, cautions) in enumerate(TREATMENTS, 1)
            ],
        )
        plans = [
            self.content.plan(number)
            for number in range(first_number, first_number + article_count)
        ]

        last_article_before = Article.objects.aggregate(last=Max("pk"))["last"] or 0
        self.write_rows(
            "articles",
            Article,
            (self.content.article_row(plan, reviewer) for plan in plans),
            len(plans),
        )
        new_articles = Article.objects.filter(
            pk__gt=last_article_before, slug__startswith=SLUG_PREFIX
        )
        pks = dict(new_articles.values_list("slug", "pk"))
        articles = [(pks[plan.slug], plan) for plan in plans]

        self.write_rows(
            "sections",
            Section,
            (row for pk, plan in articles for row in self.content.section_rows(pk, plan)),
            sum(len(plan.sections) for plan in plans),
        )
        self.write_rows(
            "treatment links",
            ArticleTreatment,
            (
                {"article_id": pk, "treatment_id": treatments[slug], "order": position * 10}
                for pk, plan in articles
                for position, slug in enumerate(plan.treatment_slugs, 1)
            ),
            sum(len(plan.treatment_slugs) for plan in plans),
        )
        self.write_rows(
            "references",
            Reference,
            (row for pk, plan in articles for row in self.content.reference_rows(pk, plan)),
            sum(plan.reference_count for plan in plans),
        )
        self.write_rows(
            "topic links",
            Article.topics.through,
            (
                {"article_id": pk, "topic_id": topics[slug]}
                for pk, plan in articles
                for slug in plan.topic_slugs
            ),
            sum(len(plan.topic_slugs) for plan in plans),
        )

        reply_count = comment_count // REPLY_EVERY
        reader_count = comment_count - reply_count
        last_comment_before = Comment.objects.aggregate(last=Max("pk"))["last"] or 0
        self.write_rows(
            "readers' comments",
            Comment,
            self.content.reader_comment_rows(articles, reader_count),
            reader_count,
        )
        if reply_count:
            parents = self.comments_to_answer(last_comment_before, reader_count, reply_count)
            self.write_rows(
                "clinicians' replies",
                Comment,
                self.content.reply_rows(parents, reviewer),
                len(parents),
            )

    def clinician(self):
        """The clinician who signs off the scale articles and replies to comments.

        Inactive, with no usable password: the account exists only to be named on pages.
        """
        user, created = get_user_model().objects.get_or_create(
            username=CLINICIAN["username"],
            defaults={
                "first_name": CLINICIAN["first_name"],
                "last_name": CLINICIAN["last_name"],
                "is_staff": True,
                "is_active": False,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def scale_rows(self, model, items):
        """Get or create each item under a `scale-` slug; returns {slug: pk}."""
        pks = {}
        for item in items:
            slug = f"{SLUG_PREFIX}{slugify(item['name'])}"
            pks[slug] = model.objects.get_or_create(slug=slug, defaults=item)[0].pk
        return pks

    def comments_to_answer(self, last_pk_before, reader_count, reply_count):
        """Every n-th new reader's comment, evenly spread: (pk, article pk, created at)."""
        every = max(reader_count // reply_count, 1)
        return list(
            Comment.objects.filter(pk__gt=last_pk_before, parent=None)
            .alias(position=F("pk") % every)
            .filter(position=0)
            .order_by("pk")
            .values_list("pk", "article_id", "created_at")[:reply_count]
        )

    def write_rows(self, label, model, rows, total):
        """Stream rows (dicts of column values) into the model's table, counting them."""
        progress = Progress(label, total, self.stderr)
        if connection.vendor == "postgresql":
            self.copy_rows(model, rows, progress)
        else:
            with timestamps_as_given(model):
                for batch in itertools.batched(rows, BATCH_SIZE):
                    model.objects.bulk_create([model(**row) for row in batch])
                    progress.advance(len(batch))
        progress.finish()
        self.written[label] = progress.done

    @staticmethod
    def copy_rows(model, rows, progress):
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        defaults = {field.attname: field.get_default() for field in fields}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row.get(name, default) for name, default in defaults.items()])
                progress.advance()

    def analyse(self):
        """Vacuum and analyse the filled tables, as autovacuum would soon: the planner needs
        the new row counts, and index-only scans need the visibility map."""
        models = [Article, Section, ArticleTreatment, Reference, Article.topics.through, Comment]
        # VACUUM cannot run inside a transaction (as when called from a test): analyse only.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


if __name__ == "__main__":
    # As manage.py would run it: a refusal is one line on stderr and exit status 1.
    Command().run_from_argv([sys.argv[0], "seed_scale", *sys.argv[1:]])
