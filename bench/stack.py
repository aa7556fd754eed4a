"""The stack under test: the bench's PostgreSQL database, and gunicorn with production
settings, started and stopped by bench/load.py, with its workers' memory sampled as it runs.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Environment variables that would change the server under test; the bench sets its own.
SERVER_SETTINGS = ("DJANGO_", "SPASMCMS_", "GUNICORN_", "WEB_CONCURRENCY", "DATABASE_", "REDIS_")


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
        # wrk is one client: the content API's rate limit is still counted on every
        # request, as in production, but never reached.
        SPASMCMS_API_RATE_LIMIT=str(10**12),
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


def read_data_set(database_url):
    """Sizes, the published article with the most comments and its topic, and every
    published slug."""
    with psycopg.connect(database_url) as connection:
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
        busiest = busiest or (slugs[0] if slugs else None, 0)
        # The first of its topics by name, as the article page lists them.
        topic = connection.execute(
            "SELECT t.slug FROM articles_topic t "
            "JOIN articles_article_topics at ON at.topic_id = t.id "
            "JOIN articles_article a ON a.id = at.article_id "
            "WHERE a.slug = %s ORDER BY t.name, t.slug LIMIT 1",
            [busiest[0]],
        ).fetchone()
    return {
        "articles": len(slugs),
        "comments": comments,
        "slugs": slugs,
        "busiest": busiest,
        "busiest_topic": topic[0] if topic else None,
    }


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
