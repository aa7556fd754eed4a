"""A “what was missing?” note sent while the database is down comes back to its writer.

Real processes, real failures, as for comments: gunicorn with production settings, its
database pointed at a port where nothing listens.

The server reaches no database (and was set up on a SQLite file of its own), so these tests
are the same on any test database: `.ci/run` runs them in its SQLite pass only.
"""

import urllib.error
import urllib.parse
import urllib.request

import pytest

from .servers import form_fields, manage, production_env, start_server, stop_server

pytestmark = pytest.mark.database_independent

NOTHING_LISTENS = "127.0.0.1:9"  # the discard port; nothing runs there on these machines
DATABASE_DOWN = {"DATABASE_URL": f"postgres://postgres@{NOTHING_LISTENS}/nothing"}
CSRF = "a" * 32
NOTE_PATH = "/articles/back-muscle-spasms/feedback/missing/"
NOTE = "\nNothing on <b>night</b> pain & what I'd do.\nSecond line 😀  "


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite site with demo content (never reached once the server starts)."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    return tmp_path


@pytest.fixture(scope="module")
def server(prepared, collected_static):
    static = {"DJANGO_STATIC_ROOT": str(collected_static)}
    process, base = start_server(production_env(prepared, **static, **DATABASE_DOWN))
    yield base
    stop_server(process)


def post(url, form, staff_session=None):
    """A form sent as a browser sends it from this site; a signed-in clinician's (the
    admin's forms) also carries Django's token."""
    if staff_session:
        form = {"csrfmiddlewaretoken": CSRF, **form}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode())
    request.add_header("Sec-Fetch-Site", "same-origin")
    if staff_session:
        request.add_header("Cookie", f"csrftoken={CSRF}; sessionid={staff_session}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_a_note_sent_while_the_database_is_down_comes_back_intact(server):
    status, headers, html = post(f"{server}{NOTE_PATH}", {"text": NOTE})

    assert status == 503
    assert "Your note was not saved" in html
    assert "Your comment was not saved" not in html
    # Every character as the reader wrote it, once the browser has read the textarea.
    assert dict(form_fields(html, action=NOTE_PATH))["text"] == NOTE
    assert "&lt;b&gt;night&lt;/b&gt; pain &amp; what I&#x27;d do." in html
    # Sent again as it was: a public form, which needs no token (pagecache.csrf).
    assert 'name="csrfmiddlewaretoken"' not in html
    assert "no-store" in headers["Cache-Control"]


def test_the_emergency_numbers_come_before_the_kept_note(server):
    _, _, html = post(f"{server}{NOTE_PATH}", {"text": "I can't feel my legs"})

    help_now = html.index("If you need medical help now, call 999 in an emergency, or 111")
    assert help_now < html.index("Your note was not saved")


def test_a_blank_note_brings_no_form_to_send_again(server):
    status, _, html = post(f"{server}{NOTE_PATH}", {"text": "  \n "})

    assert status == 503
    assert "Your note was not saved" not in html
    assert "<textarea" not in html


def test_text_from_another_form_is_not_taken_for_a_note(server):
    # A clinician editing a symptom-checker question (a signed-in session, so the admin
    # meets the unreachable database): its `text` is the question, not a reader's note.
    question = "Have you lost feeling between your legs?"
    status, _, html = post(
        f"{server}/admin/triage/question/add/",
        {"text": question, "slug": "saddle_numbness"},
        staff_session="abcdefghijklmnopqrstuvwxyz012345",
    )

    assert status == 503
    assert "Sorry, we are having problems" in html
    assert "Your note was not saved" not in html
    assert question not in html
