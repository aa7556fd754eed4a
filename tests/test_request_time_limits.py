"""A slow database fails the request well inside gunicorn's 30 s worker timeout, instead of
holding the worker until gunicorn kills it and the reader sees a 502; a mail server that
never answers is given up on as soon, so the task worker sending the mail moves on (and
tries again later) instead of holding every other email back."""

import pytest
from django.db import connection

from .servers import manage, production_env
from .smtp_servers import silent_smtp_server


@pytest.mark.django_db
def test_postgresql_statements_have_a_time_limit_by_default():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite has no server-side limit")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10s"


# Runs `call` in a production-settings process and prints how long it took and how it ended,
# so the process's own start-up does not count against the limit.
TIMED = """
import time

started = time.monotonic()
try:
    {call}
    outcome = "finished"
except Exception as error:
    outcome = f"{{type(error).__name__}}: {{error}}"
print(f"{{time.monotonic() - started:.2f}} {{outcome}}")
"""


def timed(env, imports, call):
    result = manage(env, "shell", "-c", imports + TIMED.format(call=call), check=False)
    assert result.returncode == 0, result.stderr
    seconds, outcome = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return float(seconds), outcome


def database_url(settings_dict):
    credentials = settings_dict["USER"] + (
        f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    )
    host = settings_dict["HOST"] or "localhost"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


@pytest.mark.django_db
def test_postgresql_cancels_a_statement_that_runs_past_the_limit(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite has no server-side limit")
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        DATABASE_STATEMENT_TIMEOUT_MS="300",
    )

    seconds, outcome = timed(
        env,
        "from django.db import connection\n",
        "connection.cursor().execute('SELECT pg_sleep(3)')",
    )

    assert "canceling statement due to statement timeout" in outcome
    assert seconds < 2


def test_sending_mail_gives_up_on_a_mail_server_that_never_answers(tmp_path):
    with silent_smtp_server() as (port, accepted):
        env = production_env(
            tmp_path,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(port),
            SMTP_USE_TLS="0",
            SMTP_TIMEOUT_SECONDS="1",
        )
        seconds, outcome = timed(
            env,
            "from background.tasks import send_email\n",
            "send_email.call('Subject', 'Body', ['moderator@example.org'])",  # as the worker does
        )

        assert accepted, "the mail server was never reached"
    # An SMTP error, an OSError: the worker tries again later (test_background_tasks).
    assert outcome == "SMTPServerDisconnected: Connection unexpectedly closed: timed out", outcome
    assert 0.9 < seconds < 3  # the configured second, not the 10 s default
