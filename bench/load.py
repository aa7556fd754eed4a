"""Load test: SpasmCMS at scale under gunicorn with production settings, beside a static ceiling.

    .venv/bin/python bench/load.py --seed    # first run: create and fill the bench database
    .venv/bin/python bench/load.py           # later runs: measure again

1. Creates the bench database if it is missing and migrates it. With --seed it is filled by
   `bench/seed_scale.py` (10,000 articles, 1,000,000 comments) and the demo content (so the
   symptom checker has treatments to suggest).
2. Collects static files into a temporary STATIC_ROOT, starts gunicorn once with the page
   cache off and saves the article, home and checker pages there as plain files: the
   static ceiling, the same bytes served by the same gunicorn + whitenoise stack with no
   view, no database and no cache behind them.
3. Starts gunicorn (deploy/gunicorn.conf.py, production settings, plain HTTP on loopback)
   with the page cache on and measures each page beside its ceiling: the article with the
   most comments, the home page, the checker form and a checker POST with a real CSRF token.
4. Starts it again with SPASMCMS_PAGE_CACHE_SECONDS=0 and measures uncached pages: the
   article with the most comments, and every published article in turn (each request a
   different page), and the home page.
5. Prints a Markdown table, the workers' memory and the targets; servers are always stopped.

Not a test: it prints numbers to quote. Needs wrk, PostgreSQL and Redis. The database and
gunicorn are in bench/stack.py, wrk's scripts in bench/wrk.py, the table in bench/load_report.py.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import redis

if __name__ == "__main__":  # run as a script: the project root first on the path, for bench.*
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_report import Result, print_report
from bench.stack import ROOT, Server, ensure_database, production_env, read_data_set
from bench.wrk import LUA_DONE, LUA_POST, LUA_WALK, lua_list, run_wrk

PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/spasmcms_bench"
# A Redis database of the bench's own: it is emptied before each run.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CEILING_DIR = "bench-ceiling"


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
        epilog="Targets: cached article page ≥ 0.7 of the static ceiling; uncached article "
        "page p99 < 50 ms at 16 connections with 10,000 articles and 1,000,000 comments; "
        "zero errors; under 150 MB per worker.",
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
        redis.Redis.from_url(self.args.redis_url).flushdb()
        self.save_ceilings()
        self.timings["set-up"] = time.monotonic() - started - self.timings.get("seeding", 0)

    def manage(self, *command):
        self.run_script("manage.py", *command)

    def run_script(self, script, *arguments):
        print(f"$ {script} {' '.join(arguments)}", file=sys.stderr, flush=True)
        subprocess.run(  # noqa: S603 (fixed command)
            [PYTHON, script, *arguments], cwd=ROOT, env=self.env, check=True
        )

    def save_ceilings(self):
        """Save each page as served (cache off) into STATIC_ROOT, and check every request
        the bench will make gets a 200 before measuring anything."""
        env = {**self.env, "SPASMCMS_PAGE_CACHE_SECONDS": "0"}
        ceiling_dir = self.static_root / CEILING_DIR
        ceiling_dir.mkdir()
        self.pages = {
            "article": f"/articles/{self.data['busiest'][0]}/",
            "home": "/",
            "checker": "/triage/",
        }
        self.sizes = {}
        with Server(env, self.workdir / "snapshot.log") as server:
            for name, path in self.pages.items():
                status, _, body = server.get(path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}, not 200")
                (ceiling_dir / f"{name}.html").write_bytes(body)
                self.sizes[name] = len(body)
            self.checker_post = checker_submission(server)

    # Measurement

    def measure(self):
        started = time.monotonic()
        self.load_before = os.getloadavg()[0]
        with Server(self.env, self.workdir / "cached.log") as server:
            self.check_page_cache(server, expect_on=True)
            for name, label in [
                ("article", "article page, cached (most comments)"),
                ("home", "home page, cached"),
                ("checker", "checker form, GET /triage/"),
            ]:
                ceiling = self.run(server, f"static ceiling: {name} page", self.ceiling_url(name))
                self.run(server, label, self.pages[name], ceiling=ceiling)
                if name == "checker":
                    self.run(
                        server,
                        "checker POST (answers → result page)",
                        "/triage/",
                        script=LUA_POST.format(**self.checker_post),
                        ceiling=ceiling,
                    )
            self.servers["page cache on"] = server

        uncached = {**self.env, "SPASMCMS_PAGE_CACHE_SECONDS": "0"}
        with Server(uncached, self.workdir / "uncached.log") as server:
            self.check_page_cache(server, expect_on=False)
            ceiling = self.run(server, "static ceiling: article page", self.ceiling_url("article"))
            comment_count = self.data["busiest"][1]
            self.run(
                server,
                f"article page, uncached, most comments ({comment_count:,})",
                self.pages["article"],
                ceiling=ceiling,
            )
            walk = LUA_WALK.replace("{threads}", str(self.args.threads)).replace(
                "{paths}", lua_list(f"/articles/{slug}/" for slug in self.data["slugs"])
            )
            self.run(
                server,
                f"article page, uncached, {self.data['articles']:,} articles in turn",
                "/",
                script=walk,
                ceiling=ceiling,
            )
            ceiling = self.run(server, "static ceiling: home page", self.ceiling_url("home"))
            self.run(server, "home page, uncached", "/", ceiling=ceiling)
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

    def run(self, server, page, path, script="", ceiling=None):
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
        result = Result(page, *self.wrk(server, path, script_path, self.args.duration), ceiling)
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


def checker_submission(server):
    """A valid checker POST (no red flags, two weeks of pain) and the CSRF cookie it needs.

    Checked once by hand: it must give a result page, not a 403 or the form again.
    """
    status, headers, body = server.get("/triage/")
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    if status != 200 or "csrftoken" not in cookies:
        raise RuntimeError(f"GET /triage/ answered {status} without a CSRF cookie")
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
    if "csrfmiddlewaretoken" not in answers:
        raise RuntimeError("The checker form has no csrfmiddlewaretoken")
    form = urlencode(answers)
    cookie = f"csrftoken={cookies['csrftoken'].value}"
    status, _, page = server.request(
        "POST",
        "/triage/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    if status != 200 or b"data-disposition=" not in page:
        raise RuntimeError(f"The checker POST answered {status} without a result")
    return {"body": json.dumps(form), "cookie": json.dumps(cookie)}


if __name__ == "__main__":
    main()
