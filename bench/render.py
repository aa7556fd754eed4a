"""Render benchmark: what one uncached render of each public page costs in one process.

    .venv/bin/python bench/render.py                 # the bench database of bench/load.py
    .venv/bin/python bench/render.py --renders 100   # more renders per page
    .venv/bin/python bench/render.py --profile       # where the busiest article's time goes

Runs in-process against DATABASE_URL (default: the database `bench/load.py --seed` fills,
10,000 articles and 1,000,000 comments on PostgreSQL) with production settings: debug off,
so the cached template loader is on, the page cache off (SPASMCMS_PAGE_CACHE_SECONDS=0) so
every request renders its page, and no Redis (each process's own memory cache). Each page
goes through Django's test client, the whole middleware stack but no network.

For each page it prints the median and 90th percentile milliseconds per render, the queries
per render, and where the median render's time went: waiting on SQL, the template's own
work (not counting the SQL it runs) and the rest (view, middleware, client). The machine's
load average is printed beside: on a shared machine compare numbers from the same run.
Nothing is left behind: the symptom checker's anonymous counts are rolled back. The
checker's result reads its suggested reading once per public pages version, as in
production (triage.views.reading_for_results): the warm-up reads it, the timed POSTs reuse it.

Not a test: it prints numbers to quote. Target: the busiest article at most 12 ms.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/spasmcms_bench"
HOST = "127.0.0.1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--renders", type=int, default=50, help="Renders timed per page.")
    parser.add_argument(
        "--in-turn", type=int, default=200, help="Different articles rendered once each."
    )
    parser.add_argument(
        "--profile", action="store_true", help="Profile the busiest article's renders."
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="Print the busiest article's queries."
    )
    return parser.parse_args()


def setup_django(database_url, static_root):
    """Production settings, with the page cache off and static files collected apart."""
    for name in ("DJANGO_DEBUG", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        DATABASE_URL=database_url,
        # A fresh key each run, as bench/stack.py does: nothing signed outlives the run.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        SPASMCMS_PAGE_CACHE_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmcms.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    # The manifest the {% static %} tag reads in production.
    call_command("collectstatic", interactive=False, verbosity=0)


class Timings:
    """Time spent in SQL, and in templates apart from their SQL, during one render."""

    def __init__(self):
        self.sql = self.template = 0.0
        self.queries = 0
        self.rendering = False
        self.sql_in_template = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            self.queries += 1
            if self.rendering:
                self.sql_in_template += spent


@contextmanager
def timed_templates(timings):
    """Count the outermost template render (a view's `render()`) towards `timings`."""
    from django.template.backends.django import Template

    original = Template.render

    def render(template, *args, **kwargs):
        if timings.rendering:
            return original(template, *args, **kwargs)
        timings.rendering = True
        started = time.perf_counter()
        try:
            return original(template, *args, **kwargs)
        finally:
            timings.template += time.perf_counter() - started
            timings.rendering = False

    Template.render = render
    try:
        yield
    finally:
        Template.render = original


def measure(name, requests, renders=None):
    """Run `requests()` (an iterable of callables making one request each) and print a row."""
    from django.db import connection

    totals, rows = [], []
    for make_request in requests:
        timings = Timings()
        with connection.execute_wrapper(timings), timed_templates(timings):
            started = time.perf_counter()
            response = make_request()
            total = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{name}: status {response.status_code}")
        template_own = timings.template - timings.sql_in_template
        totals.append(total)
        rows.append((total, timings.queries, timings.sql, template_own))
    median_row = sorted(rows)[len(rows) // 2]
    total, queries, sql, template_own = median_row
    print(
        f"| {name} | {len(totals)} | {statistics.median(totals) * 1000:.1f} "
        f"| {percentile(totals, 0.9) * 1000:.1f} | {queries} | {sql * 1000:.1f} "
        f"| {template_own * 1000:.1f} | {(total - sql - template_own) * 1000:.1f} |"
    )


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def show_queries(client, path):
    """Each query of one render of `path`, with its time (the median of five renders)."""
    from django.db import connection

    renders = []
    for _ in range(5):
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - started, sql))

        with connection.execute_wrapper(record):
            client.get(path)
        renders.append(queries)
    print()
    for position, (_, sql) in enumerate(renders[0]):
        times = [render[position][0] * 1000 for render in renders]
        print(f"{statistics.median(times):6.2f} ms  {sql[:300]}")


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def checker_answers():
    """Every question answered no (and two weeks of pain): the self-care result, the one
    that also suggests treatments and further reading."""
    from triage.engine import AnswerKind
    from triage.models import Question

    return {
        question.slug: "2" if question.as_rule().kind == AnswerKind.WEEKS else "no"
        for question in Question.objects.asked()
    }


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as static_root:
        setup_django(args.database_url, static_root)
        run(args)


def run(args):
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article, Topic
    from bench.stack import read_data_set

    client = Client(HTTP_HOST=HOST)
    data = read_data_set(args.database_url)
    busiest_slug, busiest_comments = data["busiest"]
    busiest = f"/articles/{busiest_slug}/"
    # The busiest article's largest topic.
    topic = (
        Topic.objects.filter(pk__in=Topic.objects.filter(articles__slug=busiest_slug))
        .annotate(size=Count("articles"))
        .order_by("-size", "slug")
        .first()
    )
    in_turn = [f"/articles/{slug}/" for slug in data["slugs"][: args.in_turn]]
    checker = reverse("triage:checker")
    answers = checker_answers()

    def checker_result():
        with transaction.atomic():
            response = client.post(checker, answers, headers={"sec-fetch-site": "same-origin"})
            transaction.set_rollback(True)
        if b"data-disposition" not in response.content:
            sys.exit("The checker answered with its form, not a result")
        return response

    print(
        f"Database: {connection.vendor}, {data['articles']:,} published articles, "
        f"{data['comments']:,} approved comments; busiest article {busiest_slug} "
        f"({busiest_comments:,} approved comments), {Article.objects.count():,} articles in all"
    )
    print(f"Load average before: {load_average()} ({os.cpu_count()} CPUs)")
    for _ in range(3):  # warm-up: connection, compiled templates, query plans
        client.get(busiest)
        client.get("/")
        checker_result()
    print()
    print("| page | renders | median ms | p90 ms | queries | SQL ms | template ms | rest ms |")
    print("|---|---|---|---|---|---|---|---|")
    repeat = range(args.renders)
    measure("busiest article", [lambda: client.get(busiest) for _ in repeat])
    measure(
        "busiest article, comments page 2",
        [lambda: client.get(busiest, {"comments": "2"}) for _ in repeat],
    )
    measure(
        "articles in turn",
        [lambda path=path: client.get(path) for path in in_turn],
    )
    measure("home page", [lambda: client.get("/") for _ in repeat])
    measure("home page 2", [lambda: client.get("/", {"page": "2"}) for _ in repeat])
    if topic is not None:
        measure(
            f"topic {topic.slug} ({topic.size:,} articles)",
            [lambda: client.get(topic.get_absolute_url()) for _ in repeat],
        )
    measure("checker POST result", [checker_result for _ in repeat])
    print()
    print(f"Load average after: {load_average()}")
    print("Target: busiest article at most 12 ms per render")

    if args.show_queries:
        show_queries(client, busiest)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in repeat:
            client.get(busiest)
        profile.disable()
        stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
