"""When a part fails: a production server with its database or cache unreachable.

Real processes, real failures: gunicorn with production settings, pointed at a port where
nothing listens.
"""

import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import signing

from articles.forms import TIMESTAMP_SALT

PROJECT_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
NOTHING_LISTENS = "127.0.0.1:9"  # the discard port; nothing runs there on these machines
SECRET_KEY = secrets.token_urlsafe(50)
CSRF = "a" * 32


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite site with demo content and collected static files."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput")
    return tmp_path


def start_server(env):
    port = free_port()
    process = subprocess.Popen(
        [str(GUNICORN), "spasmcms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.stdout.read().decode())


@pytest.fixture
def server(request, prepared):
    process, base = start_server(production_env(prepared, **request.param))
    yield base
    process.terminate()
    process.wait(timeout=10)


def fetch(url, data=None):
    request = urllib.request.Request(url, data=data)
    request.add_header("Cookie", f"csrftoken={CSRF}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def comment(body):
    stamp = signing.dumps(time.time() - 10, salt=TIMESTAMP_SALT, key=SECRET_KEY)
    form = {
        "csrfmiddlewaretoken": CSRF,
        "display_name": "Sam",
        "body": body,
        "started": stamp,
        "website": "",
    }
    return urllib.parse.urlencode(form).encode()


DATABASE_DOWN = {"DATABASE_URL": f"postgres://postgres@{NOTHING_LISTENS}/nothing"}
CACHE_DOWN = {"REDIS_URL": f"redis://{NOTHING_LISTENS}/0"}


@pytest.mark.parametrize("server", [DATABASE_DOWN], indirect=True)
def test_database_down_gives_a_calm_503_and_readyz_fails(server):
    status, html = fetch(f"{server}/articles/back-muscle-spasms/")

    assert status == 503
    assert "Sorry, we are having problems" in html
    assert "call 999" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert fetch(f"{server}/healthz")[0] == 200
    status, body = fetch(f"{server}/readyz")
    assert status == 503
    assert json.loads(body)["database"] == "unreachable"


@pytest.mark.parametrize("server", [DATABASE_DOWN], indirect=True)
def test_a_comment_sent_while_the_database_is_down_comes_back_intact(server):
    words = "My back <b>hurts</b> & I'd like advice.\nSecond line 😀"

    status, html = fetch(f"{server}/articles/back-muscle-spasms/comments/", comment(words))

    assert status == 503
    assert "Your comment was not saved" in html
    assert "My back &lt;b&gt;hurts&lt;/b&gt; &amp; I&#x27;d like advice.\nSecond line 😀" in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("server", [CACHE_DOWN], indirect=True)
def test_cache_down_the_site_keeps_serving_and_taking_comments(server, prepared):
    assert fetch(f"{server}/articles/back-muscle-spasms/")[0] == 200
    assert fetch(f"{server}/triage/")[0] == 200
    status, body = fetch(f"{server}/readyz")
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "database": "ok", "cache": "unreachable"}

    status, _ = fetch(f"{server}/articles/back-muscle-spasms/comments/", comment("Still here"))

    assert status == 200  # followed the redirect back to the article
    with sqlite3.connect(prepared / "site.sqlite3") as database:
        stored = database.execute(
            "SELECT status FROM articles_comment WHERE body = 'Still here'"
        ).fetchall()
    assert stored == [("pending",)]
