"""Load test: SpasmCMS at scale under gunicorn with production settings, beside a static ceiling.

    .venv/bin/python bench/load.py --seed    # first run: create and fill the bench database
    .venv/bin/python bench/load.py           # later runs: measure again

1. Creates the bench database if it is missing and migrates it. With --seed it is filled by
   `bench/seed_scale.py` (10,000 articles, 1,000,000 comments) and the demo content (so the
   symptom checker has treatments to suggest).
2. Collects static files into a temporary STATIC_ROOT, starts gunicorn once with the page
   cache off and saves there, as plain files, the article with the most comments, its
   topic, the home page, the checker form, the result page of a checker POST, the content
   API's answers for that article and for the first page of articles, and the Infobutton
   service's answer for the spasms diagnosis (M62.830), each beside its brotli (quality 11)
   and gzip (level 9) copy: the static ceiling, the same page served by the same gunicorn +
   whitenoise stack as compressed as it can be, with no view, no database and no cache
   behind it. The POST is the form's own fields (no red flag, two
   weeks of pain) with no token and no cookie, sent as a browser sends it from the site's
   own page (`Origin` and `Sec-Fetch-Site: same-origin`, which `pagecache.csrf` checks).
3. Starts gunicorn (deploy/gunicorn.conf.py, production settings, plain HTTP on loopback)
   with the page cache on, records each page's size as the site sends it to a browser
   accepting brotli, and measures each page right after its ceiling: the article, its
   topic, the home page, the checker form, the checker POST (beside the result page), and
   the content API's article and list.
4. Starts it again with SPASMCMS_PAGE_CACHE_SECONDS=0. First the cold start: the first
   request to each of 200 published articles picked at random (the same ones every run),
   one at a time on a new connection each, before anything else has warmed the workers.
   Then, beside the article's and the home page's ceilings: the article with the most
   comments, every published article in turn (each request a different page), the home
   page, the content API's article and list, and the Infobutton lookup, each beside its own
   ceiling.
5. Prints a Markdown table (req/s, p50, p99, p99/p50, errors, ratio to the ceiling measured
   just before in the same server, target and whether it was met), the page sizes, the cold
   start, the workers' memory and the targets; servers are always stopped.

Every wrk request sends `Accept-Encoding: br, gzip`, as current browsers do: pages and
ceilings are measured as readers get them. Not a test: it prints numbers to quote. Needs
wrk, PostgreSQL and Redis. The database and gunicorn are in bench/stack.py, wrk's scripts in
bench/wrk.py, the table and the targets in bench/load_report.py.
"""

import argparse
import gzip
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli
import redis

if __name__ == "__main__":  # run as a script: the project root first on the path, for bench.*
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_report import Result, percentile, print_report, targets_text
from bench.stack import ROOT, Server, ensure_database, production_env, read_data_set
from bench.wrk import ACCEPT_ENCODING, LUA_DONE, LUA_WALK, lua_list, lua_post, run_wrk

PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/spasmcms_bench"
# A Redis database of the bench's own: it is emptied before each run.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CEILING_DIR = "bench-ceiling"
# The smallest files the site could send: what a build step would precompress them to.
CEILING_BROTLI_QUALITY = 11
CEILING_GZIP_LEVEL = 9
COLD_START_ARTICLES = 200
# Any fixed number: the same articles every run, so that runs compare.
COLD_START_SEED = 20240
CHECKER_PATH = "/triage/"
# The Infobutton lookup a health record makes for the demo spasms article's diagnosis.
INFOBUTTON_PATH = (
    "/connect/?mainSearchCriteria.v.c=M62.830&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
    "&knowledgeResponseType=application/json"
)
CHECKER_RESULT = "checker-result"  # the ceiling of the page a checker POST answers with


def main():
    args = parse_args()
    # Stopped by a signal, still stop the servers (the finally blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk).")
    database_name = urlsplit(args.database_url).path.lstrip("/")
    if args.fresh and "bench" not in database_name:
        sys.exit(f"--fresh drops the database; refusing for {database_name!r} (no 'bench').")

    with tempfile.TemporaryDirectory(prefix="spasmcms-bench-") as workdir:
        bench = Bench(args, Path(workdir))
        bench.prepare()
        bench.measure()
        print_report(bench)


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        epilog=targets_text(),
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to benchmark; created if missing.",
    )
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="Redis database for the cache, the bench's own: emptied before the run.",
    )
    parser.add_argument(
        "--seed",
        action="store_true",
        help="Fill the database with seed_scale and the demo content first (it must have no "
        "articles yet).",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="Drop and recreate the database before seeding (implies --seed; only for a "
        "database whose name contains 'bench').",
    )
    parser.add_argument("--articles", type=int, default=10_000, help="Articles to seed.")
    parser.add_argument("--comments", type=int, default=1_000_000, help="Comments to seed.")
    parser.add_argument("--duration", type=int, default=15, help="Seconds per measurement.")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up before each.")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections.")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (by default, deploy/gunicorn.conf.py's)."
    )
    args = parser.parse_args()
    args.seed = args.seed or args.fresh
    return args


class Bench:
    def __init__(self, args, workdir):
        self.args, self.workdir = args, workdir
        self.static_root = workdir / "static"
        self.env = production_env(args, self.static_root)
        self.results = []
        self.servers = {}
        self.timings = {}
        self.cold_start = ""

    # Preparation

    def prepare(self):
        started = time.monotonic()
        created = ensure_database(self.args.database_url, drop_first=self.args.fresh)
        self.manage("migrate", "--noinput", "--verbosity", "0")
        if self.args.seed:
            seeding = time.monotonic()
            self.run_script(
                "bench/seed_scale.py",
                f"--articles={self.args.articles}",
                f"--comments={self.args.comments}",
            )
            self.manage("load_demo_content")
            self.timings["seeding"] = time.monotonic() - seeding
        elif created or not read_data_set(self.args.database_url)["articles"]:
            sys.exit("The bench database has no articles: run with --seed first.")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.data = read_data_set(self.args.database_url)
        if not self.data["busiest_topic"]:
            sys.exit(f"The busiest article ({self.data['busiest'][0]}) has no topic.")
        redis.Redis.from_url(self.args.redis_url).flushdb()
        self.save_ceilings()
        self.timings["set-up"] = time.monotonic() - started - self.timings.get("seeding", 0)

    def manage(self, *command):
        self.run_script("manage.py", *command)

    def run_script(self, script, *arguments):
        print(f"$ {script} {' '.join(arguments)}", file=sys.stderr, flush=True)
        # Seeding a million comments and migrating them take longer than a request may.
        env = {**self.env, "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
        subprocess.run(  # noqa: S603 (fixed command)
            [PYTHON, script, *arguments], cwd=ROOT, env=env, check=True
        )

    def save_ceilings(self):
        """Save each page as served (cache off) into STATIC_ROOT, and check every request
        the bench will make gets a 200 before measuring anything."""
        env = {**self.env, "SPASMCMS_PAGE_CACHE_SECONDS": "0"}
        (self.static_root / CEILING_DIR).mkdir()
        self.pages = {
            "article": f"/articles/{self.data['busiest'][0]}/",
            "topic": f"/topics/{self.data['busiest_topic']}/",
            "home": "/",
            "checker": CHECKER_PATH,
            "api-article": f"/api/v1/articles/{self.data['busiest'][0]}",
            "api-list": "/api/v1/articles",
            "infobutton": INFOBUTTON_PATH,
        }
        self.sizes = {}
        with Server(env, self.workdir / "snapshot.log") as server:
            for name, path in self.pages.items():
                status, _, body = server.get(path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}, not 200")
                self.save_ceiling(name, body)
            self.checker_form = checker_form(server)
            self.save_ceiling(CHECKER_RESULT, self.post_checker(server)[1])

    def save_ceiling(self, name, body):
        """The page as a static file, beside the smallest brotli and gzip copies of it
        (whitenoise sends the smallest the request accepts)."""
        path = self.static_root / CEILING_DIR / f"{name}.html"
        path.write_bytes(body)
        copies = {
            "br": brotli.compress(body, quality=CEILING_BROTLI_QUALITY),
            "gzip": gzip.compress(body, compresslevel=CEILING_GZIP_LEVEL, mtime=0),
        }
        path.with_name(path.name + ".br").write_bytes(copies["br"])
        path.with_name(path.name + ".gz").write_bytes(copies["gzip"])
        self.sizes[name] = {
            "identity": len(body),
            "ceiling br": len(copies["br"]),
            "ceiling gzip": len(copies["gzip"]),
        }

    def post_checker(self, server, accept_encoding="identity"):
        """The checker POST as a browser sends it from the form: (headers, body as sent).
        It must give a result page, not a 403 or the form again."""
        status, headers, body = server.request(
            "POST",
            CHECKER_PATH,
            body=self.checker_form,
            headers=from_the_site(server) | {"Accept-Encoding": accept_encoding},
        )
        page = brotli.decompress(body) if headers.get("Content-Encoding") == "br" else body
        if status != 200 or b"data-disposition=" not in page:
            raise RuntimeError(f"The checker POST answered {status} without a result")
        return headers, body

    # Measurement

    def measure(self):
        started = time.monotonic()
        self.load_before = os.getloadavg()[0]
        with Server(self.env, self.workdir / "cached.log") as server:
            self.check_page_cache(server, expect_on=True)
            self.check_ceilings(server)
            self.record_wire_sizes(server)
            for name, label in [
                ("article", "article page, cached (most comments)"),
                ("topic", "topic page, cached (the article's topic)"),
                ("home", "home page, cached"),
                ("checker", f"checker form, cached, GET {CHECKER_PATH}"),
                ("api-article", "content API article, cached (most comments)"),
                ("api-list", "content API list, cached, first page"),
            ]:
                ceiling = self.run_ceiling(server, name)
                self.run(server, name, label, self.pages[name], ceiling=ceiling)
            self.run(
                server,
                "checker-post",
                "checker POST (answers → result page)",
                CHECKER_PATH,
                script=lua_post(self.checker_form, from_the_site(server)),
                ceiling=self.run_ceiling(server, CHECKER_RESULT),
            )
            self.servers["page cache on"] = server

        uncached = {**self.env, "SPASMCMS_PAGE_CACHE_SECONDS": "0"}
        with Server(uncached, self.workdir / "uncached.log") as server:
            # Before anything else has warmed the workers.
            self.measure_cold_start(server)
            self.check_page_cache(server, expect_on=False)
            self.check_ceilings(server)
            ceiling = self.run_ceiling(server, "article")
            comment_count = self.data["busiest"][1]
            self.run(
                server,
                "uncached-article",
                f"article page, uncached, most comments ({comment_count:,})",
                self.pages["article"],
                ceiling=ceiling,
            )
            walk = LUA_WALK.replace("{threads}", str(self.args.threads)).replace(
                "{paths}", lua_list(f"/articles/{slug}/" for slug in self.data["slugs"])
            )
            self.run(
                server,
                "uncached-walk",
                f"article page, uncached, {self.data['articles']:,} articles in turn",
                "/",
                script=walk,
                ceiling=ceiling,
            )
            ceiling = self.run_ceiling(server, "home")
            self.run(server, "uncached-home", "home page, uncached", "/", ceiling=ceiling)
            for name, label in [
                ("api-article", "content API article, uncached (most comments)"),
                ("api-list", "content API list, uncached, first page"),
                ("infobutton", "Infobutton lookup, M62.830 as JSON"),
            ]:
                ceiling = self.run_ceiling(server, name)
                self.run(server, f"uncached-{name}", label, self.pages[name], ceiling=ceiling)
            self.servers["page cache off"] = server
        self.timings["measurement"] = time.monotonic() - started
        self.load_after = os.getloadavg()[0]

    def ceiling_url(self, name):
        return f"/static/{CEILING_DIR}/{name}.html"

    def check_page_cache(self, server, expect_on):
        """The page cache answers with an ETag; make sure the server is the one intended."""
        server.get(self.pages["article"])
        status, headers, _ = server.get(self.pages["article"])
        if status != 200 or ("ETag" in headers) != expect_on:
            raise RuntimeError(
                f"Page cache expected {'on' if expect_on else 'off'}, got status {status} "
                f"with{'' if 'ETag' in headers else 'out'} an ETag."
            )

    def check_ceilings(self, server):
        """wrk's Accept-Encoding must get each ceiling's brotli copy: whitenoise found it."""
        for name, size in self.sizes.items():
            url = self.ceiling_url(name)
            status, headers, body = server.get(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
            encoding = headers.get("Content-Encoding")
            if status != 200 or encoding != "br" or len(body) != size["ceiling br"]:
                raise RuntimeError(
                    f"GET {url} answered {status}, {len(body):,} B as {encoding or 'identity'}"
                    f", not the {size['ceiling br']:,} B brotli copy"
                )

    def record_wire_sizes(self, server):
        """Each page as the site sends it to a browser accepting brotli."""
        answers = {
            name: server.get(path, headers={"Accept-Encoding": "br"})
            for name, path in self.pages.items()
        }
        answers[CHECKER_RESULT] = (200, *self.post_checker(server, accept_encoding="br"))
        for name, (status, headers, body) in answers.items():
            if status != 200:
                raise RuntimeError(f"{name} answered {status}, not 200")
            vary = {value.strip().lower() for value in headers.get("Vary", "").split(",")}
            self.sizes[name] |= {
                "wire": len(body),
                "encoding": headers.get("Content-Encoding"),
                "vary": "accept-encoding" in vary,
            }

    def measure_cold_start(self, server):
        """The first request to each of COLD_START_ARTICLES random articles, one at a time
        from one client: what readers wait for after a deploy or a worker restart."""
        rng = random.Random(COLD_START_SEED)  # noqa: S311 (a sample of pages, not secrets)
        slugs = rng.sample(self.data["slugs"], min(COLD_START_ARTICLES, len(self.data["slugs"])))
        milliseconds, errors = [], {}
        started = time.monotonic()
        for slug in slugs:
            sent = time.perf_counter()
            status, _, _ = server.get(
                f"/articles/{slug}/", headers={"Accept-Encoding": ACCEPT_ENCODING}
            )
            milliseconds.append((time.perf_counter() - sent) * 1000)
            if status != 200:
                errors["status"] = errors.get("status", 0) + 1
        elapsed = time.monotonic() - started
        server.memory.sample(server.process.pid)
        result = Result(
            key="cold-start",
            page=f"article page, uncached, cold start: {len(slugs)} articles, one at a time",
            requests=len(slugs),
            requests_per_second=len(slugs) / elapsed,
            p50_ms=percentile(milliseconds, 0.5),
            p99_ms=percentile(milliseconds, 0.99),
            errors=errors,
            clients=1,
        )
        self.results.append(result)
        slowest = max(range(len(slugs)), key=milliseconds.__getitem__)
        self.cold_start = (
            f"Cold start: right after the uncached server started, the first request to each "
            f"of {len(slugs)} published articles picked at random (seed {COLD_START_SEED}), "
            f"one at a time from one client, each on a new connection: p50 "
            f"{result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, mean "
            f"{sum(milliseconds) / len(slugs):.1f} ms, {result.requests_per_second:,.0f} "
            f"req/s; the very first {milliseconds[0]:.0f} ms, the slowest "
            f"{milliseconds[slowest]:.0f} ms (/articles/{slugs[slowest]}/); "
            f"{result.error_count} errors."
        )
        print(f"  {self.cold_start}", file=sys.stderr, flush=True)

    def run_ceiling(self, server, name):
        return self.run(
            server,
            f"ceiling-{name}",
            f"static ceiling: {name.replace('-', ' ')} page",
            self.ceiling_url(name),
        )

    def run(self, server, key, page, path, script="", ceiling=None):
        """Measure one row, on its own: the page is fetched once first (so a cached page is
        measured from the cache, not from 16 readers missing it at once), and the requests
        wrk leaves queued are answered before the next row starts."""
        script_path = self.workdir / "script.lua"
        script_path.write_text(script + LUA_DONE)
        if not script:
            server.get(path)
        self.wrk(server, path, script_path, self.args.warmup)
        server.wait_until_idle()
        workers_before = len(server.memory.peak)
        requests, per_second, p50_ms, p99_ms, errors = self.wrk(
            server, path, script_path, self.args.duration
        )
        result = Result(
            key=key,
            page=page,
            requests=requests,
            requests_per_second=per_second,
            p50_ms=p50_ms,
            p99_ms=p99_ms,
            errors=errors,
            ceiling=ceiling,
            clients=self.args.connections,
        )
        result.worker_restarts = len(server.memory.peak) - workers_before
        result.drain_seconds = server.wait_until_idle()
        print(
            f"  {page}: {result.requests_per_second:,.0f} req/s, p99 "
            f"{result.latency(result.p99_ms)}, {result.error_count} errors, "
            f"{result.worker_restarts} worker restarts, {result.drain_seconds:.1f} s to drain",
            file=sys.stderr,
            flush=True,
        )
        self.results.append(result)
        return result

    def wrk(self, server, path, script_path, seconds):
        return run_wrk(server, path, script_path, seconds, self.args.threads, self.args.connections)


class FormInputs(HTMLParser):
    """The inputs of the symptom checker's form: (name, type, value) for each."""

    def __init__(self):
        super().__init__()
        self.in_checker = False
        self.inputs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_checker = "triage-form" in (attrs.get("class") or "")
        elif tag == "input" and self.in_checker and attrs.get("name"):
            self.inputs.append((attrs["name"], attrs.get("type", "text"), attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_checker = False


def checker_form(server):
    """The body of a valid checker POST (no red flags, two weeks of pain), from the fields
    of the form as the page renders it: the form is the same for everyone, with no token."""
    status, _, body = server.get(CHECKER_PATH)
    if status != 200:
        raise RuntimeError(f"GET {CHECKER_PATH} answered {status}, not 200")
    parser = FormInputs()
    parser.feed(body.decode())
    answers = {}
    for name, kind, value in parser.inputs:
        if kind == "hidden":
            answers[name] = value
        elif kind == "radio":
            answers[name] = "no"
        elif kind == "number":
            answers[name] = "2"
    if not answers:
        raise RuntimeError(f"GET {CHECKER_PATH} has no checker form")
    return urlencode(answers)


def from_the_site(server):
    """The headers of a form POST a browser sends from one of the site's own pages: public
    forms need no token or cookie, only these (`pagecache.csrf`)."""
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://{server.host}",
        "Sec-Fetch-Site": "same-origin",
    }


if __name__ == "__main__":
    main()
