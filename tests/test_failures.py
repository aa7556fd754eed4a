"""When a part fails: a production server with its database or cache unreachable.

Real processes, real failures: gunicorn with production settings, pointed at a port where
nothing listens.

The servers keep a SQLite file of their own (or reach no database at all), so these tests
are the same on any test database: `.ci/run` runs them in its SQLite pass only.
"""

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .servers import manage, production_env, signed_start_stamp, start_server, stop_server

pytestmark = pytest.mark.database_independent

NOTHING_LISTENS = "127.0.0.1:9"  # the discard port; nothing runs there on these machines


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite site with demo content."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    return tmp_path


@pytest.fixture
def server(request, prepared, collected_static):
    static = {"DJANGO_STATIC_ROOT": str(collected_static)}
    process, base = start_server(production_env(prepared, **static, **request.param))
    yield base
    stop_server(process)


def fetch(url, data=None):
    request = urllib.request.Request(url, data=data)
    if data is not None:
        # As a browser sends a form of this site's own (pagecache.csrf).
        request.add_header("Sec-Fetch-Site", "same-origin")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def comment(body):
    form = {
        "display_name": "Sam",
        "body": body,
        "started": signed_start_stamp(),
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
    # Sent again as it was: a public form, which needs no token (pagecache.csrf).
    assert 'name="csrfmiddlewaretoken"' not in html


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
