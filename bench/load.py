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

Not a test: it prints numbers to quote. Needs wrk, PostgreSQL and Redis.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import mean
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/spasmcms_bench"
# A Redis database of the bench's own: it is emptied before each run.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CEILING_DIR = "bench-ceiling"
# Long enough that slow pages are measured rather than counted as errors.
WRK_TIMEOUT = "10s"
# Environment variables that would change the server under test; the bench sets its own.
SERVER_SETTINGS = ("DJANGO_", "SPASMCMS_", "GUNICORN_", "WEB_CONCURRENCY", "DATABASE_", "REDIS_")

TARGET_CACHED_RATIO = 0.7
TARGET_UNCACHED_P99_MS = 50
TARGET_WORKER_MB = 150

# Each wrk script ends with this, so results are read from one exact line, not from prose.
LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# Each thread walks the list from its own starting point, one page after another.
LUA_WALK = """
local paths = {paths}
local threads_set_up = 0
setup = function(thread)
  thread:set("start", threads_set_up * math.floor(#paths / {threads}))
  threads_set_up = threads_set_up + 1
end
local position = 0
init = function(args) position = start or 0 end
request = function()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
"""
LUA_POST = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = {cookie}
"""


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
        bench.report()


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


@dataclass
class Result:
    page: str
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: dict
    ceiling: "Result | None" = None
    worker_restarts: int = 0
    drain_seconds: float = 0

    @property
    def error_count(self):
        return sum(self.errors.values())

    def latency(self, milliseconds):
        # With no request answered, wrk reports 0 ms: say so rather than print a fast page.
        return f"{milliseconds:.1f} ms" if self.requests else "none answered"

    @property
    def ratio(self):
        if self.ceiling is None:
            return "1.00"
        if not self.ceiling.requests_per_second:
            return "n/a"
        return f"{self.requests_per_second / self.ceiling.requests_per_second:.2f}"


@dataclass
class Memory:
    """Per-worker memory of one server, in kB: at the end, and the peak seen during runs."""

    peak: dict = field(default_factory=dict)  # pid -> {"rss", "pss", "uss"}
    final: dict = field(default_factory=dict)

    def sample(self, master_pid):
        workers = {pid: memory_of(pid) for pid in worker_pids(master_pid)}
        for pid, usage in workers.items():
            if usage is None:
                continue
            peak = self.peak.setdefault(pid, usage)
            self.peak[pid] = {kind: max(peak[kind], usage[kind]) for kind in usage}
        return {pid: usage for pid, usage in workers.items() if usage is not None}


class Server:
    """gunicorn in a process group of its own, stopped (the whole group) however a run ends."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, log_path
        self.memory = Memory()

    def __enter__(self):
        port = free_port()
        self.host = f"127.0.0.1:{port}"
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (fixed command)
            [GUNICORN, "--config", "deploy/gunicorn.conf.py", "spasmcms.wsgi"],
            cwd=ROOT,
            env={**self.env, "GUNICORN_BIND": self.host},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        try:
            self.memory.final = self.memory.sample(self.process.pid)
        finally:
            self.stop()

    def wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{self.log_tail()}")

    def wait_until_idle(self, seconds=300):
        """Wait for the requests still queued when wrk stopped: a sync worker answers every
        accepted request, even one whose client has gone. Returns the seconds waited."""
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, timeout=seconds)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
        finally:
            connection.close()
        return time.monotonic() - started

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Any worker still alive after its master has gone goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def log_tail(self, lines=30):
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def errors_logged(self, lines=20):
        """The server's own error lines (tracebacks, gunicorn warnings): no request logs and
        no gunicorn [INFO] lines."""
        text = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in text if '"status"' not in line and "[INFO]" not in line][-lines:]

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def request(self, method, path, body=None, headers=None):
        """One request, redirects not followed: (status, headers, body bytes)."""
        connection = http.client.HTTPConnection(self.host, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


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
        elif created or not self.read_data_set()["articles"]:
            sys.exit("The bench database has no articles: run with --seed first.")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.data = self.read_data_set()
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

    def read_data_set(self):
        """Sizes, the published article with the most comments, and every published slug."""
        with psycopg.connect(self.args.database_url) as connection:
            # md5 of the slug: a shuffled order, the same on every run.
            slugs = [
                slug
                for (slug,) in connection.execute(
                    "SELECT slug FROM articles_article "
                    "WHERE status = 'published' AND published_at <= now() ORDER BY md5(slug)"
                )
            ]
            comments = connection.execute(
                "SELECT count(*) FROM articles_comment WHERE status = 'approved'"
            ).fetchone()[0]
            busiest = connection.execute(
                "SELECT a.slug, count(*) FROM articles_comment c "
                "JOIN articles_article a ON a.id = c.article_id "
                "WHERE c.status = 'approved' AND a.status = 'published' "
                "AND a.published_at <= now() "
                "GROUP BY a.slug ORDER BY count(*) DESC, a.slug LIMIT 1"
            ).fetchone()
        return {
            "articles": len(slugs),
            "comments": comments,
            "slugs": slugs,
            "busiest": busiest or (slugs[0] if slugs else None, 0),
        }

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
        """Run wrk, sampling the workers' memory meanwhile.

        Returns requests, requests per second, p50 and p99 in ms, and errors by kind.
        """
        args = self.args
        wrk = subprocess.Popen(  # noqa: S603 (fixed command)
            [
                shutil.which("wrk"),
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{seconds}s",
                f"-T{WRK_TIMEOUT}",
                "--latency",
                f"-s{script_path}",
                f"http://{server.host}{path}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        while wrk.poll() is None:
            server.memory.sample(server.process.pid)
            time.sleep(0.5)
        output = wrk.stdout.read()
        match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
        if wrk.returncode != 0 or not match:
            raise RuntimeError(f"wrk failed ({wrk.returncode}):\n{output}")
        requests, duration_us, p50_us, p99_us, *errors = (float(v) for v in match[1].split())
        kinds = ["connect", "read", "write", "status", "timeout"]
        return (
            int(requests),
            requests / (duration_us / 1e6),
            p50_us / 1000,
            p99_us / 1000,
            {kind: int(count) for kind, count in zip(kinds, errors, strict=True) if count},
        )

    # Report

    def report(self):
        args, data = self.args, self.data
        print()
        print(
            f"SpasmCMS load test: {data['articles']:,} published articles, "
            f"{data['comments']:,} approved comments; wrk {args.threads} threads, "
            f"{args.connections} connections, {args.duration} s per row after "
            f"{args.warmup} s warm-up; gunicorn deploy/gunicorn.conf.py, "
            f"{len(self.servers['page cache on'].memory.final)} sync workers; "
            f"{os.cpu_count()} CPUs, load average {self.load_before:.1f} before the runs, "
            f"{self.load_after:.1f} after."
        )
        print()
        print("| page | req/s | p50 ms | p99 ms | errors | ratio to static ceiling |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for result in self.results:
            errors = str(result.error_count)
            if result.errors:
                errors += " (" + ", ".join(f"{k} {v}" for k, v in result.errors.items()) + ")"
            print(
                f"| {result.page} | {result.requests_per_second:,.0f} | "
                f"{result.latency(result.p50_ms).removesuffix(' ms')} | "
                f"{result.latency(result.p99_ms).removesuffix(' ms')} | {errors} | "
                f"{result.ratio} |"
            )
        print()
        notes = {
            "Workers restarted by gunicorn's max_requests during": [
                f"{r.page} ({r.worker_restarts})" for r in self.results if r.worker_restarts
            ],
            "Still answering queued requests after wrk stopped": [
                f"{r.page} ({r.drain_seconds:.0f} s)" for r in self.results if r.drain_seconds > 1
            ],
        }
        for note, pages in notes.items():
            if pages:
                print(f"{note}: {', '.join(pages)}.")
        sizes = ", ".join(f"{name} {size / 1024:,.0f} kB" for name, size in self.sizes.items())
        print(f"Page sizes (each ceiling serves the same bytes): {sizes}.")
        print(f"Article measured: {self.pages['article']} ({data['busiest'][1]:,} comments).")
        print()
        for name, server in self.servers.items():
            print(memory_line(name, server.memory))
        print()
        self.print_targets()
        print()
        print(
            "Timings: "
            + ", ".join(f"{name} {seconds:,.0f} s" for name, seconds in self.timings.items())
        )
        if any(result.error_count for result in self.results):
            for name, server in self.servers.items():
                print(f"\nLast error lines from the server ({name}):")
                print("\n".join(server.errors_logged()) or "(none)")

    def print_targets(self):
        by_page = {result.page: result for result in self.results}
        cached = by_page["article page, cached (most comments)"]
        uncached = [r for r in self.results if r.page.startswith("article page, uncached")]
        errors = sum(result.error_count for result in self.results)
        peak_mb = max(
            usage["rss"] / 1024
            for server in self.servers.values()
            for usage in server.memory.peak.values()
        )
        lines = [
            (
                f"cached article page ≥ {TARGET_CACHED_RATIO} of the static ceiling",
                cached.ratio,
                cached.ratio != "n/a" and float(cached.ratio) >= TARGET_CACHED_RATIO,
            ),
            *(
                (
                    f"{result.page}: p99 < {TARGET_UNCACHED_P99_MS} ms",
                    result.latency(result.p99_ms),
                    result.requests > 0 and result.p99_ms < TARGET_UNCACHED_P99_MS,
                )
                for result in uncached
            ),
            ("zero errors", str(errors), errors == 0),
            (
                f"memory per worker < {TARGET_WORKER_MB} MB (peak RSS)",
                f"{peak_mb:.0f} MB",
                peak_mb < TARGET_WORKER_MB,
            ),
        ]
        print("| target | measured | met |")
        print("| --- | ---: | --- |")
        for target, measured, met in lines:
            print(f"| {target} | {measured} | {'yes' if met else '**no**'} |")


def memory_line(name, memory):
    def megabytes(usages, kind, summary):
        return summary(usage[kind] for usage in usages) / 1024

    final, peak = list(memory.final.values()), list(memory.peak.values())
    return (
        f"Memory per worker, {name}: after the runs ({len(final)} workers) RSS "
        f"{megabytes(final, 'rss', mean):.0f} MB mean / {megabytes(final, 'rss', max):.0f} max, "
        f"PSS {megabytes(final, 'pss', mean):.0f} MB, USS {megabytes(final, 'uss', mean):.0f} MB "
        f"mean; peak while loaded RSS {megabytes(peak, 'rss', max):.0f} MB, USS "
        f"{megabytes(peak, 'uss', max):.0f} MB; {len(peak)} worker processes seen "
        "(max_requests restarts them)."
    )


def production_env(args, static_root):
    """The server's environment: production settings, plain HTTP on loopback."""
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(SERVER_SETTINGS)
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Only loopback HTTP: no TLS in front, so no redirect to https.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    return env


def ensure_database(url, drop_first=False):
    """Create the database if it is missing (dropping it first if asked); True if created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if drop_first:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


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


def lua_list(strings):
    # JSON strings of plain ASCII are valid Lua strings.
    return "{" + ",\n".join(json.dumps(value) for value in strings) + "}"


def worker_pids(master_pid):
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces; the parent pid is the 2nd field after it.
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == master_pid:
            pids.append(int(stat.parent.name))
    return pids


def memory_of(pid):
    """RSS, PSS and USS (private pages only) of a process in kB, or None if it has gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return None
    values = {}
    for line in lines:
        name, _, amount = line.partition(":")
        values[name] = int(amount.split()[0])
    return {
        "rss": values["Rss"],
        "pss": values["Pss"],
        "uss": values["Private_Clean"] + values["Private_Dirty"],
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
