"""Mail goes through the task worker: a mail server that refuses or hangs costs readers
nothing, and once it is back every notice arrives, exactly once, a possible emergency first.

Real processes and real failures, no mocks: gunicorn with production settings (two sync
workers, the deploy config), `manage.py db_worker` as operators run it, and on one loopback
port the mail server the app is given: at first nothing at all (connection refused) or a
server that takes the connection and never says a word, then aiosmtpd on that same port.
The servers use a SQLite file, or a fresh PostgreSQL database of their own when the run is on
PostgreSQL (DATABASE_URL).

The last test puts nginx (deploy/nginx.conf) in front of two app servers and kills one.
"""

import contextlib
import email
import email.policy
import json
import logging
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from comments.views import COMMENT_THANKS

from .servers import (
    GUNICORN,
    PROJECT_DIR,
    Visitor,
    changed,
    free_port,
    manage,
    production_env,
    signed_start_stamp,
)
from .test_nginx_in_front import NGINX, start_nginx, stop_nginx

ARTICLE = "/articles/back-muscle-spasms/"
COMMENTS = f"{ARTICLE}comments/#comment-form"
MODERATOR = "moderator@example.org"
CLINICIAN = "clinician@example.org"
RED_FLAG = "Since Tuesday my legs went numb and I can't control my bladder. Which stretches help?"
# The worker's retry policy, made quick: 0.2 s after the first failure, doubling, at most 1 s.
RETRY_DELAY = 0.2
RETRY_MAX_DELAY = 1.0
SMTP_TIMEOUT = 2  # seconds the worker waits on a mail server that says nothing
POLL_INTERVAL = 0.2  # the worker's --interval
WORKER = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
URGENT_PRIORITY = 50  # background.tasks.URGENT

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command

# One process instead of four: each start of Django costs over a second.
SET_UP = f"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo_content")
call_command("create_staff_user", "mo", "--role", "moderator", "--email", "{MODERATOR}")
call_command("create_staff_user", "cl", "--role", "clinician", "--email", "{CLINICIAN}")
"""


def wait_for(condition, timeout, what):
    """Poll `condition` until it returns something true, and return that; fail after
    `timeout` seconds saying `what` (a string, or a callable for one built late)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout} s: {what() if callable(what) else what}")
        time.sleep(0.05)


# Processes


class Processes:
    """Subprocesses, each in a process group of its own and logging to a file (a pipe no
    one reads would fill up and stop it). Leaving the block kills every one of them, and
    their children (gunicorn's workers), whatever happened."""

    def __init__(self, directory):
        self.directory = directory
        self.started = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for process in self.started:
            self.kill(process, signal.SIGTERM)
        for process in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
            self.kill(process)

    def start(self, name, command, env):
        with (self.directory / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.name = name
        self.started.append(process)
        return process

    def kill(self, process, sig=signal.SIGKILL):
        """Send `sig` to the process and everything it started; SIGKILL waits for it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        if sig == signal.SIGKILL:
            process.wait(timeout=10)

    def log(self, process, tail=5000):
        """The end of what the process wrote (`tail` characters), or all of it (None)."""
        text = (self.directory / f"{process.name}.log").read_text(errors="replace")
        return text[-tail:] if tail else text

    def gunicorn(self, name, env, workers):
        """gunicorn with the deploy config on a free port, not yet waited for."""
        port = free_port()
        command = [str(GUNICORN), "--config", "deploy/gunicorn.conf.py", "spasmcms.wsgi"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        process = self.start(name, command, env)
        process.base = f"http://127.0.0.1:{port}"
        return process

    def wait_until_serving(self, process):
        def serving():
            assert process.poll() is None, self.log(process)
            try:
                with urllib.request.urlopen(f"{process.base}/healthz", timeout=1):
                    return True
            except OSError:
                return False

        wait_for(serving, 30, lambda: self.log(process))


# The servers' database, read directly as a person at the sqlite3 or psql prompt would


@dataclass
class Task:
    status: str
    priority: int
    error: str  # the last error's class, kept while the task waits to be tried again
    said: str  # and the last line of its traceback
    attempts: int


class Database:
    def __init__(self, url):
        self.url = url

    def rows(self, sql, *params):
        if self.url.startswith("sqlite:///"):
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=10)) as database:
                return database.execute(sql, params).fetchall()
        with psycopg.connect(self.url, autocommit=True) as database:
            return database.execute(sql.replace("?", "%s"), params).fetchall()

    def comment(self, words):
        """(id, status, red-flag urgency) of the one comment with these words."""
        rows = self.rows(
            "SELECT id, status, red_flag_urgency FROM articles_comment WHERE body = ?", words
        )
        assert len(rows) == 1, f"{len(rows)} comments stored with the words {words!r}"
        return rows[0]

    def emails_about(self, comment_id):
        """The queued emails that link to this comment (staff emails carry its link)."""
        rows = self.rows(
            "SELECT status, priority, exception_class_path, traceback, CAST(worker_ids AS TEXT)"
            " FROM django_tasks_database_dbtaskresult"  # django-tasks-db's queue
            " WHERE CAST(args_kwargs AS TEXT) LIKE ?",
            f"%{change_path(comment_id)}%",
        )
        return [
            Task(
                status,
                priority,
                error,
                (said.strip().splitlines() or [""])[-1],
                len(json.loads(ids)),
            )
            for status, priority, error, said, ids in rows
        ]

    def the_email_about(self, comment_id):
        tasks = self.emails_about(comment_id)
        assert len(tasks) == 1, f"{len(tasks)} emails queued about comment {comment_id}"
        return tasks[0]


def change_path(comment_id):
    return f"/admin/comments/comment/{comment_id}/change/"


@contextlib.contextmanager
def database_for_servers(tmp_path):
    """A SQLite file, or on a PostgreSQL run a database of their own, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    server = connection.settings_dict
    address = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}"
    name = f"spasmcms_mail_worker_{secrets.token_hex(4)}"
    with psycopg.connect(f"{address}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{address}/{name}"
    finally:
        with psycopg.connect(f"{address}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# The mail server


@dataclass
class Mail:
    at: float  # time.monotonic() when it arrived
    to: list
    subject: str
    text: str


@dataclass
class Mailbox:
    """aiosmtpd's handler: keeps every message it is given, in order."""

    mails: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        self.mails.append(
            Mail(time.monotonic(), sorted(envelope.rcpt_tos), message["Subject"], text)
        )
        return "250 Message accepted for delivery"

    def about(self, comment_id):
        return [mail for mail in self.mails if change_path(comment_id) in mail.text]


class ListeningController(Controller):
    """aiosmtpd on a socket that already listens, so the port never closes in between."""

    def __init__(self, handler, listener):
        host, port = listener.getsockname()
        super().__init__(handler, hostname=host, port=port, server_hostname="localhost")
        self.listener = listener

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.listener)


class MailServer:
    """The mail server the app is given, on one loopback port: nothing (connections are
    refused), one that takes connections and never answers (`hang`), or aiosmtpd
    (`answer`)."""

    def __init__(self, port):
        self.port = port
        self.mailbox = Mailbox()
        self.listener = None
        self.holder = None
        self.stop_holding = threading.Event()
        self.held = []
        self.connected = threading.Event()  # someone is waiting on the hanging server
        self.controller = None

    def listen(self):
        if self.listener is None:
            self.listener = socket.socket()
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.port))
            self.listener.listen(16)
        return self.listener

    def hang(self):
        listener = self.listen()
        listener.settimeout(0.05)
        self.stop_holding.clear()

        def hold():
            while not self.stop_holding.is_set():
                try:
                    held, _ = listener.accept()
                except TimeoutError:
                    continue
                self.held.append(held)
                self.connected.set()

        self.holder = threading.Thread(target=hold, daemon=True)
        self.holder.start()

    def answer(self):
        """aiosmtpd on the same port; connections the hanging server holds are dropped
        only once it listens, so whoever tries next is answered."""
        listener = self.listen()
        self.end_hanging()
        self.controller = ListeningController(self.mailbox, listener)
        self.controller.start()
        self.drop_held()

    def end_hanging(self):
        if self.holder is not None:
            self.stop_holding.set()
            self.holder.join(timeout=5)
            self.holder = None

    def drop_held(self):
        for held in self.held:
            held.close()
        self.held.clear()

    def refuse(self):
        self.end_hanging()
        self.drop_held()
        if self.controller is not None:
            self.controller.stop()  # closes the listening socket
            self.controller = None
        elif self.listener is not None:
            self.listener.close()
        self.listener = None


# The site


@dataclass
class Site:
    base: str
    env: dict
    db: Database
    mail_port: int
    processes: Processes
    web: subprocess.Popen
    worker: subprocess.Popen


@pytest.fixture(scope="module")
def site(tmp_path_factory, collected_static):
    """gunicorn and the task worker on one migrated demo site, with a moderator and a
    clinician who have email addresses."""
    tmp_path = tmp_path_factory.mktemp("mail-worker")
    mail_port = free_port()
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(database_for_servers(tmp_path))
        env = production_env(
            tmp_path,
            DATABASE_URL=database_url,
            DJANGO_STATIC_ROOT=str(collected_static),
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(mail_port),
            SMTP_USE_TLS="0",
            SMTP_TIMEOUT_SECONDS=str(SMTP_TIMEOUT),
            SPASMCMS_TASK_RETRY_DELAY=str(RETRY_DELAY),
            SPASMCMS_TASK_RETRY_MAX_DELAY=str(RETRY_MAX_DELAY),
            SPASMCMS_COMMENTS_RATE_LIMIT="100",  # every reader here comes from 127.0.0.1
        )
        manage(env, "shell", "-c", SET_UP)
        processes = stack.enter_context(Processes(tmp_path))
        web = processes.gunicorn("web", env, workers=2)
        worker = processes.start(
            "worker",
            [*WORKER, "--interval", str(POLL_INTERVAL)],
            env,
        )
        processes.wait_until_serving(web)
        warm_up(web.base)
        yield Site(web.base, env, Database(database_url), mail_port, processes, web, worker)


def warm_up(base):
    """A new gunicorn worker's first comments take a few hundred ms more (the database
    connection, templates, the red-flag phrases): send each worker some first, two at a
    time, so that the timings below are about mail and nothing else. Comments with three
    links go to the spam queue, and no one is emailed about those."""
    reader = Visitor(base)
    links = " ".join(f"https://{name}.example/" for name in ("one", "two", "three"))
    spam = comment_form(reader, f"Warming up: {links}")
    statuses = []

    def spam_comment():
        statuses.append(reader.request(COMMENTS, spam)[0])

    for _ in range(3):
        pair = [threading.Thread(target=spam_comment) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(timeout=20)
    assert statuses == [302] * 6


@pytest.fixture
def smtp(site):
    """The site's mail server, refusing connections to begin with. Afterwards the worker
    and gunicorn must still be running, and neither may have met a locked database."""
    server = MailServer(site.mail_port)
    yield server
    server.refuse()
    for process in (site.worker, site.web):
        assert process.poll() is None, f"{process.name} died:\n{site.processes.log(process)}"
        assert "is locked" not in site.processes.log(process, tail=None)
    assert "Traceback" not in site.processes.log(site.web, tail=None)


def comment_form(reader, words, name="Sam"):
    """The comment form as the reader's browser has it, filled in after a while."""
    fields = reader.form(ARTICLE, action=COMMENTS)
    return changed(fields, display_name=name, body=words, started=signed_start_stamp())


def timed(call, *args):
    started = time.monotonic()
    result = call(*args)
    return result, time.monotonic() - started


def post_comment(site, words, name="Sam"):
    """A reader sends a comment and reads the page it leads to; returns that page and the
    seconds the POST took."""
    reader = Visitor(site.base)
    form = comment_form(reader, words, name)
    (status, html), took = timed(reader.request, COMMENTS, form)
    assert status == 302, html[:1000]
    status, html = reader.request(ARTICLE)
    assert status == 200
    assert COMMENT_THANKS in html
    return html, took


def waiting_after_an_error(task):
    return task.status == "READY" and task.error != ""


# The tests


def test_a_notice_waits_while_the_mail_server_refuses_and_arrives_once_it_is_back(site, smtp):
    words = "Heat packs helped my back a lot, and so did short walks."

    _, took = post_comment(site, words)

    print(f"\nPOST with the mail server refusing: {took * 1000:.0f} ms")
    assert took < 1
    comment_id, status, _ = site.db.comment(words)
    assert status == "pending"
    # The worker tried, failed, and put the notice back to wait: tried again, not lost.
    task = wait_for(
        lambda: (
            (task := site.db.the_email_about(comment_id)).attempts >= 2
            and waiting_after_an_error(task)
            and task
        ),
        10,
        lambda: f"the notice was not retried: {site.db.emails_about(comment_id)}",
    )
    assert task.error == "builtins.ConnectionRefusedError"

    back = time.monotonic()
    smtp.answer()

    wait_for(
        lambda: site.db.the_email_about(comment_id).status == "SUCCESSFUL",
        10,
        lambda: f"not sent: {site.db.emails_about(comment_id)}",
    )
    time.sleep(2 * POLL_INTERVAL)  # a second copy would be on its way by now
    (mail,) = smtp.mailbox.about(comment_id)
    print(f"notice arrived {mail.at - back:.2f} s after the mail server came back")
    assert mail.at - back < 3
    assert mail.to == [MODERATOR]
    assert mail.subject == "A comment is waiting for moderation: Back muscle spasms"
    assert f"{site.base}{change_path(comment_id)}" in mail.text
    assert "Heat packs" not in mail.text and "short walks" not in mail.text


def test_a_hanging_mail_server_holds_up_no_reader_and_loses_no_notice(site, smtp):
    smtp.hang()
    words = [f"Reader {number}: a warm bath before bed eases my back." for number in range(4)]
    readers = [Visitor(site.base) for _ in words]
    forms = [comment_form(reader, text) for reader, text in zip(readers, words, strict=True)]
    together = threading.Barrier(len(readers) + 1)
    answers = {}

    def post(number):
        together.wait(timeout=10)
        answers[number] = timed(readers[number].request, COMMENTS, forms[number])

    def health():
        together.wait(timeout=10)
        answers["healthz"] = timed(Visitor(site.base).request, "/healthz")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(readers))]
    threads.append(threading.Thread(target=health))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    took = [round(answers[number][1] * 1000) for number in range(len(readers))]
    print(f"\nPOSTs at once, mail server hanging: {took} ms")
    for number in range(len(readers)):
        (status, html), took = answers[number]
        assert status == 302, html[:1000]
        assert took < 1
    (status, _), took = answers["healthz"]
    assert status == 200 and took < 1
    ids = [site.db.comment(text)[0] for text in words]
    # The worker is stuck on the silent server until SMTP_TIMEOUT, then gives up on that
    # attempt and tries again later; the site answers at once meanwhile.
    wait_for(smtp.connected.is_set, 5, "the worker never tried the mail server")
    (status, _), took = timed(Visitor(site.base).request, "/healthz")
    assert status == 200 and took < 1
    wait_for(
        lambda: any(
            waiting_after_an_error(task) and task.said.endswith("timed out")
            for task in map(site.db.the_email_about, ids)
        ),
        SMTP_TIMEOUT + 5,
        lambda: f"no attempt timed out: {[site.db.emails_about(i) for i in ids]}",
    )
    assert all(site.db.the_email_about(i).status in ("READY", "RUNNING") for i in ids)

    back = time.monotonic()
    smtp.answer()

    wait_for(
        lambda: all(site.db.the_email_about(i).status == "SUCCESSFUL" for i in ids),
        15,
        lambda: f"not all sent: {[site.db.emails_about(i) for i in ids]}",
    )
    time.sleep(2 * POLL_INTERVAL)
    mails = [smtp.mailbox.about(i) for i in ids]
    assert [len(found) for found in mails] == [1, 1, 1, 1]  # none lost, none twice
    print(f"all four arrived {max(m.at for (m,) in mails) - back:.2f} s after it answered")
    assert all(mail.to == [MODERATOR] for (mail,) in mails)


def test_a_red_flag_alert_waits_for_no_one_and_goes_out_first(site, smtp):
    """Priority orders the emails that are due together: the worker takes the most urgent
    of them. Here the routine notices are due (or being tried) when the server answers, and
    the alert goes first. (Each email waits out its own back-off after a failure, though:
    with a server that refuses, an alert that failed last waits longer than routine
    notices that failed before it, and priority does not help it then.)"""
    # Routine comments first, while the mail server refuses: their notices wait.
    routine = [f"Routine {number}: stretching in the morning helps me." for number in range(2)]
    for words in routine:
        post_comment(site, words)
    routine_ids = [site.db.comment(words)[0] for words in routine]
    wait_for(
        lambda: all(waiting_after_an_error(site.db.the_email_about(i)) for i in routine_ids),
        10,
        "the routine notices were not tried",
    )
    # Now the server takes connections and never answers: the worker is stuck on a
    # routine notice when the red-flag comment comes in.
    smtp.hang()
    wait_for(smtp.connected.is_set, 5, "the worker never tried the hanging mail server")
    stuck_since = time.monotonic()

    html, took = post_comment(site, RED_FLAG, name="Jo")

    print(f"\nred-flag POST, mail server hanging: {took * 1000:.0f} ms")
    assert took < 1
    assert 'class="red-flag-advice red-flag-emergency" role="alert"' in html
    assert "Call 999 now or go to the emergency department" in html
    assert 'href="tel:999">Call 999</a>' in html
    assert "Do not wait for an answer to your comment." in html
    assert html.index("red-flag-advice") < html.index(COMMENT_THANKS)
    alert_id, status, urgency = site.db.comment(RED_FLAG)
    assert (status, urgency) == ("pending", 2)  # Comment.RedFlagUrgency.EMERGENCY
    alert = site.db.the_email_about(alert_id)
    assert (alert.status, alert.priority) == ("READY", URGENT_PRIORITY)
    # The worker's attempt on the routine notice must still be hanging, or this test
    # would not show which email goes first once the server answers.
    assert time.monotonic() - stuck_since < SMTP_TIMEOUT - 0.5, "too slow to test the order"

    back = time.monotonic()
    smtp.answer()

    every_id = [alert_id, *routine_ids]
    wait_for(
        lambda: all(site.db.the_email_about(i).status == "SUCCESSFUL" for i in every_id),
        15,
        lambda: f"not all sent: {[site.db.emails_about(i) for i in every_id]}",
    )
    time.sleep(2 * POLL_INTERVAL)
    assert [len(smtp.mailbox.about(i)) for i in every_id] == [1, 1, 1]
    ours = [mail for i in every_id for mail in smtp.mailbox.about(i)]
    first = min(ours, key=lambda mail: mail.at)
    print(f"red-flag alert arrived {first.at - back:.2f} s after the mail server answered")
    assert change_path(alert_id) in first.text, [mail.subject for mail in ours]
    assert first.to == [CLINICIAN, MODERATOR]
    assert first.subject == "Possible emergency in a comment waiting for moderation"
    assert f"{site.base}{change_path(alert_id)}" in first.text
    for reader_words in ("legs went numb", "control my bladder", "stretches"):
        assert reader_words not in first.text


# A killed instance behind nginx


@pytest.fixture
def nginx_or_skip():
    """As in test_nginx_in_front: skip without nginx, unless REQUIRE_NGINX=1 (CI)."""
    if NGINX is None:
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("REQUIRE_NGINX=1, but nginx is not installed (apt-get install nginx).")
        pytest.skip("nginx is not installed (apt-get install nginx); REQUIRE_NGINX=1 fails.")


@pytest.fixture
def behind_nginx(nginx_or_skip, site, tmp_path):
    """Two one-worker app servers on the site's database, with deploy/nginx.conf in front."""
    with Processes(tmp_path) as processes:
        instances = [processes.gunicorn(name, site.env, workers=1) for name in ("one", "two")]
        for instance in instances:
            processes.wait_until_serving(instance)
        upstreams = [instance.base.removeprefix("http://") for instance in instances]
        proxy, base = start_nginx(tmp_path, upstreams)
        try:
            yield base, processes, instances
        finally:
            stop_nginx(proxy)


def refuses(base):
    host, port = base.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.nginx
def test_a_killed_instance_does_not_lose_a_comment(behind_nginx, site, tmp_path):
    base, processes, (one, _) = behind_nginx
    words = [f"Posted as an app server died, number {number}." for number in range(2)]
    readers = [Visitor(base) for _ in words]
    # The readers loaded the page while both instances ran.
    forms = [comment_form(reader, text) for reader, text in zip(readers, words, strict=True)]

    processes.kill(one)  # the master and its worker, as when the instance's machine dies
    # Its worker's listening socket goes only once the kernel has torn that process down:
    # until then connections are still taken, and then reset (a POST caught so is not
    # passed on, see deploy/nginx.conf). Once it is gone, nothing listens there.
    wait_for(lambda: refuses(one.base), 5, "the killed instance still takes connections")

    for reader, form, text in zip(readers, forms, words, strict=True):
        status, html = reader.request(COMMENTS, form)
        assert status == 302, html[:1000]
        status, html = reader.request(ARTICLE)
        assert status == 200
        assert COMMENT_THANKS in html
        assert site.db.comment(text)[1] == "pending"  # stored, and exactly once
    # nginx did meet the dead instance, and passed the request on to the other.
    assert (
        "Connection refused) while connecting to upstream" in (tmp_path / "error.log").read_text()
    )
