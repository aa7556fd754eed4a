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
vectors and vocabulary are built.
"""

import datetime
import itertools
import os
import random
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
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

from articles.markdown import render_markdown
from articles.models import (
    Article,
    ArticleTreatment,
    Reference,
    Section,
    Topic,
    Treatment,
    add_months,
)
from comments.models import Comment
from pagecache.pages import retire_cached_pages
from search import index as search_index

SLUG_PREFIX = "scale-"
SCALE_SLUG = re.compile(rf"^{SLUG_PREFIX}(\d+)$")
BATCH_SIZE = 5_000
# Fixed, so every run builds the same data set and benchmark runs compare like with like.
RANDOM_SEED = 1
# Comments per article follow Zipf's law (the k-th most discussed article gets 1/k of the
# busiest one's share), so the busiest article is a realistic worst case for its page.
ZIPF_EXPONENT = 1.0
# One comment in this many is a clinician's reply to a reader's comment.
REPLY_EVERY = 25
PUBLISHED_WITHIN_DAYS = 5 * 365

BODY_AREAS = [
    "back",
    "lower back",
    "neck",
    "shoulder",
    "calf",
    "thigh",
    "hamstring",
    "foot",
    "hand",
    "jaw",
    "hip",
    "stomach",
]
PROBLEMS = ["muscle spasms", "cramps", "stiffness", "pain", "twitching", "muscle strain"]
SITUATIONS = [
    "",
    "at night",
    "after exercise",
    "in pregnancy",
    "in older adults",
    "at work",
    "when sitting",
    "in children",
    "in hot weather",
    "after an injury",
]
STANDFIRSTS = [
    "What {subject} feels like, what usually causes it, what you can do yourself and when "
    "to get help.",
    "Most cases of {subject} get better on their own within a few weeks. Here is what "
    "helps, and the signs that mean you should get help.",
    "A clinician-checked guide to {subject}: common causes, simple treatments and when to "
    "see a GP or physiotherapist.",
]
SENTENCES = [
    "This is common and usually not a sign of anything serious.",
    "It often starts suddenly and can last from a few seconds to several minutes.",
    "Most people find it eases within a few days to a few weeks.",
    "Being tired, short of fluids or sitting still for a long time makes it more likely.",
    "Gentle movement usually helps more than resting completely.",
    "A warm bath or a heat pack can relax tight muscles.",
    "Some medicines list it as a side effect, so ask a pharmacist to check yours.",
    "Keep a short diary of when it happens: it helps you and your clinician spot a pattern.",
    "Stretch slowly, without bouncing, and hold each stretch for 20 to 30 seconds.",
    "Try to keep up your usual activities as much as the pain allows.",
    "Sleep, regular meals and enough fluids all help muscles recover.",
    "If it keeps coming back, a physiotherapist can suggest exercises that suit you.",
]
SELF_CARE_POINTS = [
    "stretch gently several times a day",
    "use a heat pack for 15 minutes at a time",
    "drink enough fluids, especially in hot weather",
    "take short walks rather than resting in bed",
    "change position often when sitting",
    "ask a pharmacist about pain relief",
]
URGENT_SIGNS = [
    "you have numbness around your bottom or genitals",
    "you cannot control when you pee or poo",
    "you have a high temperature and feel very unwell",
    "the pain started after a serious fall or accident",
    "the pain is getting worse quickly despite rest",
    "your leg or arm feels weak or numb",
]
Kind = Section.Kind
# Every article has the first five sections; some of the others are added at random.
CORE_SECTIONS = [
    ("What it feels like", Kind.NORMAL),
    ("Common causes", Kind.NORMAL),
    ("Things you can try at home", Kind.NORMAL),
    ("Treatments that can help", Kind.TREATMENTS),
    ("When to get help urgently", Kind.URGENT_ADVICE),
]
EXTRA_SECTIONS = [
    ("Alternative treatments and the evidence", Kind.ALTERNATIVE_TREATMENTS),
    ("Preventing it coming back", Kind.NORMAL),
    ("Living with it day to day", Kind.NORMAL),
    ("Questions to ask your GP", Kind.NORMAL),
]
BODY_VARIANTS = 3
TOPICS = [
    "Back and neck",
    "Arms and hands",
    "Legs and feet",
    "Cramps and spasms",
    "Sport and exercise",
    "Pregnancy",
    "Older adults",
    "Work and posture",
]
# name, category, summary, cautions
TREATMENTS = [
    ("Gentle stretching", "self_care", "Slow stretches that ease tight muscles.", ""),
    ("Heat packs", "self_care", "Warmth that relaxes muscles in spasm.", "Never on numb skin."),
    ("Staying active", "self_care", "Keeping up everyday movement.", ""),
    ("Paracetamol", "medicine", "A pain reliever for mild to moderate pain.", "Max 8 a day."),
    ("Ibuprofen gel", "medicine", "An anti-inflammatory rubbed on the skin.", "Not on cuts."),
    ("Physiotherapy", "therapy", "Exercises and advice from a physiotherapist.", ""),
    ("Massage therapy", "therapy", "Hands-on treatment of tight muscles.", ""),
    ("Acupuncture", "alternative", "Fine needles placed in the skin.", "Not if pregnant."),
    ("Magnesium supplements", "alternative", "Tablets sold for cramps.", "Can upset the gut."),
]
PUBLISHERS = ["NHS", "NICE", "Chartered Society of Physiotherapy", "Versus Arthritis", "BMJ"]
REFERENCE_TITLES = [
    "{Subject}: assessment and management",
    "{Subject}: information for patients",
    "Exercise for {subject}: a systematic review",
    "Clinical knowledge summary: {subject}",
]
READER_NAMES = [
    "Sam",
    "Priya K",
    "Tom from Leeds",
    "Margaret",
    "Dev",
    "Aisha",
    "Runner2020",
    "Chris P",
    "Helen",
    "Grandad Bill",
    "Nadia",
    "Oliver",
]
READER_SENTENCES = [
    "Thank you, this explained my {area} problems better than anything I had read.",
    "The stretches in this article really helped me.",
    "I get this most nights and never knew what caused it.",
    "My physio recommended the same exercises and they made a real difference.",
    "Does anyone else find it worse in cold weather?",
    "I found heat helped more than ice.",
    "It took about three weeks to settle for me.",
    "Useful to know when to worry and when not to.",
    "My GP said much the same, but this was clearer.",
    "I started drinking more water and it happens less often now.",
]
CLINICIAN_REPLIES = [
    "Thank you for sharing this. If it keeps coming back, it is worth seeing a "
    "physiotherapist, who can suggest exercises that suit you.",
    "Glad the article helped. If anything on the urgent list applies, please get help "
    "straight away.",
    "Thanks for your question. Cold can make muscles tighter, so warming up first may help.",
]
CLINICIAN = {
    "username": f"{SLUG_PREFIX}clinician",
    "first_name": "Jo",
    "last_name": "Okafor",
    "role": "Physiotherapist",
}


@dataclass
class ArticlePlan:
    """What one scale article is about; enough to write its rows, small enough for 10,000s."""

    number: int
    area: str
    problem: str
    situation: str
    published_at: datetime.datetime
    sections: list
    treatment_slugs: list
    reference_count: int
    topic_slugs: list

    @property
    def slug(self):
        return f"{SLUG_PREFIX}{self.number:05d}"

    @property
    def subject(self):
        return " ".join(filter(None, [self.area, self.problem, self.situation]))


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
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 (sample content, not secrets)
        self.now = timezone.now()
        self.written = {}
        with transaction.atomic():
            self.seed(self.first_free_number(), articles, comments)
            retire_cached_pages()
            # Bulk rows send no signals: build their search vectors and vocabulary here.
            search_index.update_vectors()
            search_index.remember_words()
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
        plans = [self.plan(number) for number in range(first_number, first_number + article_count)]

        last_article_before = Article.objects.aggregate(last=Max("pk"))["last"] or 0
        self.write_rows(
            "articles", Article, (self.article_row(plan, reviewer) for plan in plans), len(plans)
        )
        new_articles = Article.objects.filter(
            pk__gt=last_article_before, slug__startswith=SLUG_PREFIX
        )
        pks = dict(new_articles.values_list("slug", "pk"))
        articles = [(pks[plan.slug], plan) for plan in plans]

        self.write_rows(
            "sections",
            Section,
            (row for pk, plan in articles for row in self.section_rows(pk, plan)),
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
            (row for pk, plan in articles for row in self.reference_rows(pk, plan)),
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
            self.reader_comment_rows(articles, reader_count),
            reader_count,
        )
        if reply_count:
            parents = self.comments_to_answer(last_comment_before, reader_count, reply_count)
            self.write_rows(
                "clinicians' replies", Comment, self.reply_rows(parents, reviewer), len(parents)
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

    def plan(self, number):
        rng = self.rng
        extras = rng.sample(EXTRA_SECTIONS, rng.randint(0, len(EXTRA_SECTIONS)))
        sections = [
            (heading, kind, rng.randrange(BODY_VARIANTS))
            for heading, kind in CORE_SECTIONS + sorted(extras, key=EXTRA_SECTIONS.index)
        ]
        treatment_slugs = [f"{SLUG_PREFIX}{slugify(item[0])}" for item in TREATMENTS]
        return ArticlePlan(
            number=number,
            area=rng.choice(BODY_AREAS),
            problem=rng.choice(PROBLEMS),
            situation=rng.choice(SITUATIONS),
            published_at=self.now - datetime.timedelta(days=rng.uniform(1, PUBLISHED_WITHIN_DAYS)),
            sections=sections,
            treatment_slugs=rng.sample(treatment_slugs, rng.randint(2, 5)),
            reference_count=rng.randint(2, 4),
            topic_slugs=rng.sample([f"{SLUG_PREFIX}{slugify(name)}" for name in TOPICS], 2)[
                : rng.randint(1, 2)
            ],
        )

    def article_row(self, plan, reviewer):
        reviewed_after = datetime.timedelta(days=self.rng.randint(0, 90))
        last_reviewed = min((plan.published_at + reviewed_after).date(), self.now.date())
        return {
            "title": plan.subject[0].upper() + plan.subject[1:],
            "slug": plan.slug,
            "standfirst": self.rng.choice(STANDFIRSTS).format(subject=plan.subject),
            "status": Article.Status.PUBLISHED,
            "published_at": plan.published_at,
            "updated_at": plan.published_at,
            "last_reviewed": last_reviewed,
            # Reviewed on time, so no article carries an "overdue" notice it would not have.
            "next_review_due": add_months(self.now.date(), self.rng.randint(1, 12)),
            "reviewed_by_id": reviewer.pk,
            "comments_open": True,
        }

    def section_rows(self, article_pk, plan):
        for position, (heading, kind, variant) in enumerate(plan.sections, 1):
            body, body_html = self.section_text(kind, variant)
            yield {
                "article_id": article_pk,
                "order": position * 10,
                "heading": heading,
                "anchor": slugify(heading),
                "kind": kind,
                "body": body,
                "body_html": body_html,
            }

    @staticmethod
    @cache
    def section_text(kind, variant):
        """A few fixed bodies (text and HTML) per kind of section: Markdown is rendered once
        for each, not once for each of tens of thousands of sections."""
        rng = random.Random(f"{kind}-{variant}")  # noqa: S311 (sample content, not secrets)
        if kind == Kind.URGENT_ADVICE:
            signs = rng.sample(URGENT_SIGNS, 4)
            paragraphs = ["Get help straight away if:", "\n".join(f"- {sign}" for sign in signs)]
        else:
            paragraphs = [" ".join(rng.sample(SENTENCES, 3)) for _ in range(2)]
            if kind == Kind.NORMAL and variant:
                points = rng.sample(SELF_CARE_POINTS, 3)
                paragraphs.append("\n".join(f"- {point}" for point in points))
        body = "\n\n".join(paragraphs)
        return body, render_markdown(body)

    def reference_rows(self, article_pk, plan):
        templates = self.rng.sample(REFERENCE_TITLES, plan.reference_count)
        for position, template in enumerate(templates, 1):
            title = template.replace("{Subject}", plan.subject.capitalize()).replace(
                "{subject}", plan.subject
            )
            yield {
                "article_id": article_pk,
                "title": title,
                "publisher": self.rng.choice(PUBLISHERS),
                "url": f"https://www.example.org/guidance/{slugify(title)}",
                "accessed": plan.published_at.date(),
                "order": position * 10,
            }

    def reader_comment_rows(self, articles, count):
        """Approved readers' comments, each on a Zipf-chosen article, after it was published."""
        ranked = [(pk, plan.published_at, plan.area) for pk, plan in articles]
        self.rng.shuffle(ranked)
        cum_weights = list(
            itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(ranked) + 1))
        )
        rng, now = self.rng, self.now
        remaining = count
        while remaining:
            batch = rng.choices(ranked, cum_weights=cum_weights, k=min(BATCH_SIZE, remaining))
            remaining -= len(batch)
            for article_pk, published_at, area in batch:
                created_at = published_at + (now - published_at) * rng.random()
                sentences = rng.sample(READER_SENTENCES, rng.randint(1, 3))
                yield {
                    "article_id": article_pk,
                    "display_name": rng.choice(READER_NAMES),
                    "body": " ".join(sentences).format(area=area),
                    "status": Comment.Status.APPROVED,
                    "created_at": created_at,
                    "moderated_at": min(created_at + datetime.timedelta(hours=2), now),
                }

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

    def reply_rows(self, parents, clinician):
        name = f"{CLINICIAN['first_name']} {CLINICIAN['last_name']}"
        for parent_pk, article_pk, asked_at in parents:
            created_at = min(asked_at + datetime.timedelta(hours=self.rng.randint(1, 72)), self.now)
            yield {
                "article_id": article_pk,
                "parent_id": parent_pk,
                "display_name": name,
                "body": self.rng.choice(CLINICIAN_REPLIES),
                "status": Comment.Status.APPROVED,
                "author_id": clinician.pk,
                "author_role": CLINICIAN["role"],
                "created_at": created_at,
                "moderated_at": created_at,
            }

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
