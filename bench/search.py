"""Search benchmark: p50/p99 of real-looking queries against the scale data set.

    .venv/bin/python bench/search.py                 # the bench database of bench/load.py
    .venv/bin/python bench/search.py --queries 400   # more queries

Runs in-process against DATABASE_URL (default: the database `bench/load.py --seed` fills,
10,000 articles on PostgreSQL), times the search results page through Django's test client
(view, search and template: everything but the network), and prints percentiles. Nothing
is left behind: the "searches that found nothing" counts it records are rolled back.

Not a test: it prints numbers to quote. Target: p99 < 50 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/spasmcms_bench"

# What readers type: symptoms in their own words, with typos, synonyms and search syntax.
READER_QUERIES = [
    "can't bend my back",
    "sciatica both legs",
    "back spasm",
    "back spams",
    "muscle cramp at night",
    "leg cramps",
    "slipped disc",
    "herniated disc pain",
    "lower back pain after lifting",
    "pain down my leg",
    "numb legs",
    "pins and needles in foot",
    "trapped nerve",
    "when to see a doctor",
    "painkillers for back pain",
    "heat or ice",
    "stretches for back",
    "sciatca",
    "physio exercises",
    '"back pain" -sciatica',
    "how long does a back spasm last",
    "can't sleep back pain",
    "sitting at a desk all day",
    "pregnant leg cramps",
    "is it serious",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--queries", type=int, default=200, help="Queries to time.")
    parser.add_argument("--seed", type=int, default=11, help="Random seed for the query mix.")
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_DEBUG", "1")  # the test client's host; timings unaffected
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmcms.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def query_mix(count, rng):
    """The readers' queries plus words and pairs drawn from the articles' own vocabulary."""
    from search.models import SearchWord

    vocabulary = list(SearchWord.objects.values_list("word", flat=True)[:20000])
    queries = list(READER_QUERIES)
    while len(queries) < count:
        words = rng.sample(vocabulary, k=rng.choice([1, 1, 2, 2, 3]))
        if rng.random() < 0.15:  # a typo: two letters swapped
            word = words[0]
            if len(word) > 4:
                i = rng.randrange(1, len(word) - 2)
                words[0] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        queries.append(" ".join(words))
    rng.shuffle(queries)
    return queries[:count]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connection, transaction
    from django.test import Client

    from articles.models import Article, Section

    rng = random.Random(args.seed)  # noqa: S311 (a repeatable query mix, not a secret)
    client = Client(HTTP_HOST="127.0.0.1")
    published = Article.objects.published().count()
    print(
        f"Database: {connection.vendor}, {published:,} published articles, "
        f"{Section.objects.count():,} sections"
    )
    queries = query_mix(args.queries, rng)
    timings, empty = [], 0
    with transaction.atomic():
        for query in READER_QUERIES[:5]:  # warm-up: connections, caches, plans
            client.get("/search/", {"q": query})
        for query in queries:
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{query!r} answered {response.status_code}")
            empty += "We did not find any articles" in response.content.decode()
        transaction.set_rollback(True)

    print(f"{len(queries)} queries, {empty} found nothing")
    print("| p50 ms | p90 ms | p99 ms | max ms | mean ms |")
    print("|---|---|---|---|---|")
    print(
        f"| {percentile(timings, 0.5):.1f} | {percentile(timings, 0.9):.1f} "
        f"| {percentile(timings, 0.99):.1f} | {max(timings):.1f} "
        f"| {statistics.mean(timings):.1f} |"
    )
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:5]
    print("Slowest: " + "; ".join(f"{query!r} {ms:.0f} ms" for ms, query in slowest))
    print("Target: p99 < 50 ms")


if __name__ == "__main__":
    main()
