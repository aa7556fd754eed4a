"""Many readers commenting at once, through a real server and real PostgreSQL transactions."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from background.models import BackgroundTask
from comments.models import Comment

from .background_tasks import run_background_tasks
from .factories import ArticleFactory, ModeratorFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrency is only meaningful on PostgreSQL (SQLite serialises every write); "
    "run with DATABASE_URL=postgres://... to include this test.",
)

COMMENTS = 200
THREADS = 8
REQUEST_TIMEOUT = 20  # seconds, for every request
TEST_TIMEOUT = 120  # seconds, for the whole run
LINK_TO_COMMENT = re.compile(r"/admin/comments/comment/(\d+)/change/")


class DoNotFollowRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 302, which we check


def hidden_value(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def reader(base_url, article_path, post_path, bodies, statuses, errors):
    """One reader's browser: its own cookies, a fresh form page before each comment."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), DoNotFollowRedirects()
    )
    try:
        for body in bodies:
            with opener.open(base_url + article_path, timeout=REQUEST_TIMEOUT) as response:
                html = response.read().decode()
            data = {
                "started": hidden_value(html, "started"),
                "display_name": "Concurrent reader",
                "email": "",
                "body": body,
                "website": "",
            }
            request = urllib.request.Request(
                base_url + post_path,
                data=urllib.parse.urlencode(data).encode(),
                # As a browser sends a form of this site's own (pagecache.csrf).
                headers={"Referer": base_url + article_path, "Sec-Fetch-Site": "same-origin"},
            )
            try:
                with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(repr(error))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_comments_from_8_readers_at_once_are_all_stored_once(live_server, settings, capsys):
    settings.COMMENTS_RATE_LIMIT = 10_000  # every reader comes from 127.0.0.1
    settings.COMMENTS_MIN_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    mail.outbox.clear()
    article = ArticleFactory()
    ModeratorFactory()
    bodies = [f"Concurrent comment {number:03d}" for number in range(COMMENTS)]
    statuses, errors = [], []
    threads = [
        threading.Thread(
            target=reader,
            args=(
                live_server.url,
                article.get_absolute_url(),
                reverse("comments:post", args=[article.slug]),
                bodies[number::THREADS],
                statuses,
                errors,
            ),
            daemon=True,
        )
        for number in range(THREADS)
    ]

    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, TEST_TIMEOUT - (time.perf_counter() - started)))
    elapsed = time.perf_counter() - started

    assert not any(thread.is_alive() for thread in threads), "readers still waiting"
    assert errors == []
    assert statuses == [302] * COMMENTS
    stored = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert len(stored) == COMMENTS
    assert sorted(stored) == bodies  # every comment exactly once
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.PENDING}
    # Each comment's moderator email was queued in the comment's own transaction, just once.
    assert mail.outbox == []
    queued = BackgroundTask.objects.filter(task_path="background.tasks.send_email")
    linked = [LINK_TO_COMMENT.search(task.args_kwargs["kwargs"]["body"])[1] for task in queued]
    assert sorted(map(int, linked)) == sorted(Comment.objects.values_list("pk", flat=True))
    assert run_background_tasks() == COMMENTS
    assert len(mail.outbox) == COMMENTS  # the worker sends them all
    with capsys.disabled():
        print(
            f"\n{COMMENTS} comments from {THREADS} threads (each a form GET and a POST) in "
            f"{elapsed:.2f} s: {COMMENTS / elapsed:.1f} comments/second"
        )
