"""Two app servers behind one load balancer share PostgreSQL and Redis, and so must agree.

Two real gunicorn processes with production settings: a reader's comment rate limit counted
on one is enforced on the other, and a clinician's edit through one is on the other's
(cached) pages at once. Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, or the usual
port on this machine); `.ci/run` provides both and sets REQUIRE_REDIS=1 so that a missing
Redis fails the run instead of skipping.

The servers' database is named after the test database, which pytest-xdist makes one per
worker. The two tests share the module's servers and one Redis database, so under xdist
they run on one worker (tests/conftest.py keeps a module with a module-scoped fixture
together).
"""

import os
import re

import psycopg
import pytest
import redis
from django.db import connection

from .servers import (
    Visitor,
    changed,
    manage,
    production_env,
    signed_start_stamp,
    start_server,
    stop_server,
)

ARTICLE = "/articles/back-muscle-spasms/"
COMMENTS = f"{ARTICLE}comments/#comment-form"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
RATE_LIMIT = 2


def redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def site(tmp_path_factory, collected_static):
    if connection.vendor != "postgresql":
        pytest.skip("Two instances share PostgreSQL; run with DATABASE_URL=postgres://...")
    if not redis_answers():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1, but Redis does not answer at {REDIS_URL}.")
        pytest.skip(f"Two instances share Redis, which does not answer at {REDIS_URL}.")

    server = connection.settings_dict
    address = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}"
    database = f"{server['NAME']}_two_instances"  # test_..._gw0_two_instances under xdist
    with psycopg.connect(f"{address}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    redis.Redis.from_url(REDIS_URL).flushdb()

    tmp_path = tmp_path_factory.mktemp("two-instances")
    env = production_env(
        tmp_path,
        DATABASE_URL=f"{address}/{database}",
        REDIS_URL=REDIS_URL,
        SPASMCMS_COMMENTS_RATE_LIMIT=str(RATE_LIMIT),
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    created = manage(env, "create_staff_user", "alex", "--role", "clinician").stdout
    password = re.search(r"Password \(shown once\): (\S+)", created).group(1)

    one, one_url = start_server(env)
    two, two_url = start_server(env)
    yield {"one": one_url, "two": two_url, "password": password}
    stop_server(one)
    stop_server(two)
    with psycopg.connect(f"{address}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def fresh_limits(site):
    redis.Redis.from_url(REDIS_URL).flushdb()


def comment_form(reader, words):
    fields = reader.form(ARTICLE, action=COMMENTS)
    return changed(fields, display_name="Sam", body=words, started=signed_start_stamp())


def test_a_rate_limit_counted_on_one_instance_is_enforced_on_the_other(site, fresh_limits):
    reader = Visitor(site["one"])
    for number in range(RATE_LIMIT):
        status, _ = reader.request(COMMENTS, comment_form(reader, f"Comment {number}"))
        assert status == 302

    words = "One more, sent to the other server"
    status, html = reader.request(COMMENTS, comment_form(reader, words), base=site["two"])

    assert status == 429
    assert "You have sent several comments in a short time" in html
    assert words in html


def test_a_clinician_edit_through_one_instance_shows_on_the_other_at_once(site, fresh_limits):
    reader = Visitor(site["two"])
    for _ in range(2):  # the second visit is served from the shared page cache
        status, html = reader.request(ARTICLE)
        assert status == 200
    assert "<h1>Back muscle spasms</h1>" in html

    clinician = Visitor(site["one"])
    login = clinician.form("/admin/login/", id="login-form")
    status, _ = clinician.request(
        "/admin/login/", changed(login, username="alex", password=site["password"])
    )
    assert status == 302
    status, changelist = clinician.request("/admin/articles/article/")
    link = r'href="(/admin/articles/article/\d+/change/)[^"]*">Back muscle spasms<'
    change_page = re.search(link, changelist)
    fields = clinician.form(change_page.group(1), id="article_form")
    new_title = "Back spasms: what helps and when to get help"
    status, _ = clinician.request(change_page.group(1), changed(fields, title=new_title))
    assert status == 302

    status, html = reader.request(ARTICLE)

    assert status == 200
    assert new_title in html
