"""No reader's address in what gunicorn writes: a real server, fed bad requests, logs none.

A reader's address beside the page they read says who looked up what; the request log
leaves it out, and gunicorn's own messages ("Invalid request from ip=...") must too.

The server keeps a SQLite file of its own and the other tests need no database, so they are
the same on any test database: `.ci/run` runs them in its SQLite pass only.
"""

import io
import ipaddress
import logging
import re
import socket
import urllib.parse

import pytest
from gunicorn.config import Config

from spasmcms.gunicorn_logging import AddressFreeLogger, redact_addresses

from .servers import manage, production_env, server_output, start_server, stop_server

pytestmark = pytest.mark.database_independent

READER = "203.0.113.9"
IPV4 = re.compile(r"(?<!\d)(?:\d{1,3}\.){3}\d{1,3}(?!\d)")
COLON_TOKEN = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")


def addresses_in(line):
    """Every IPv4 or IPv6 address written anywhere in `line`."""
    found = set(IPV4.findall(line))
    for token in COLON_TOKEN.findall(line):
        # "::1", "[::1]:8000" (the brackets are not in the token), "::1:" ending a phrase
        for candidate in {token, token.strip(":."), token.rsplit(":", 1)[0]}:
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            found.add(candidate)
    return found


def request(base, raw):
    """Send `raw` bytes as they are and read the answer until the server closes."""
    address = urllib.parse.urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def get(path, *headers):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


BAD_AND_GOOD_REQUESTS = [
    (b"NONSENSE\r\n\r\n", "400"),  # an invalid request line
    (
        get("/", f"X-Forwarded-For: {READER}", "X-Padding: " + "a" * 9000),
        "431",
    ),  # headers too large
    (b"GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n", "400"),  # not ours
    (b"GET / HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n", "400"),  # malformed
    (b"GET / HTTP/7.7\r\nHost: 127.0.0.1\r\n\r\n", "400"),  # an invalid HTTP version
    (b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "400"),  # a control character
    (get("/", f"X-Forwarded-For: {READER}", f"Forwarded: for={READER}"), "200"),
    (get("/healthz"), "200"),
]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite site, so the normal request gets a real page."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    return tmp_path


# As deployed; and with gunicorn's access log on and every debug message it has.
AS_DEPLOYED = {}
ACCESS_LOG_AND_DEBUG = {"GUNICORN_CMD_ARGS": "--access-logfile -", "GUNICORN_LOG_LEVEL": "debug"}


@pytest.mark.parametrize(
    "server_env", [AS_DEPLOYED, ACCESS_LOG_AND_DEBUG], ids=["deployed", "verbose"]
)
def test_gunicorn_writes_no_address_for_bad_or_good_requests(
    prepared, collected_static, server_env
):
    env = production_env(prepared, DJANGO_STATIC_ROOT=str(collected_static), **server_env)
    process, base = start_server(env)
    try:
        statuses = [request(base, raw) for raw, _ in BAD_AND_GOOD_REQUESTS]
    finally:
        stop_server(process)
    output = server_output(process)

    assert [status.split()[1] for status in statuses] == [s for _, s in BAD_AND_GOOD_REQUESTS]
    # The server did write about these requests: the test looks at real lines.
    assert output.count("Invalid request from") >= 4, output
    assert '"path": "/", "status": 200' in output, output
    if server_env is ACCESS_LOG_AND_DEBUG:
        assert '"GET / HTTP/1.1" 200' in output, output
    with_an_address = [
        line
        for line in output.splitlines()
        if "127.0.0.1" in line or READER in line or addresses_in(line)
    ]
    assert with_an_address == [], "\n".join(with_an_address)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Invalid request from ip=127.0.0.1: Invalid HTTP Version: 'HTTP/7.7'",
            "Invalid request from ip=<address>: Invalid HTTP Version: 'HTTP/7.7'",
        ),
        ("Invalid request from ip=::1: bad", "Invalid request from ip=<address>: bad"),
        ("Listening at: http://[::1]:8000 (41)", "Listening at: http://<address>:8000 (41)"),
        ("connection from ::1 closed", "connection from <address> closed"),
        ("peer 2001:db8:85a3::8a2e:370:7334 left", "peer <address> left"),
        ("peer fe80::1%eth0 and ::ffff:192.0.2.1", "peer <address> and <address>"),
        ("('198.51.100.23', 51234) sent nothing.", "('<address>', 51234) sent nothing."),
        (f"X-Forwarded-For: {READER}, 10.0.0.1", "X-Forwarded-For: <address>"),
        ("('X-FORWARDED-FOR', 'reader-laptop')", "('X-FORWARDED-FOR', '<address>')"),
        ("Forwarded: for=_hidden;proto=https", "Forwarded: <address>"),
    ],
)
def test_addresses_are_taken_out_of_a_message(message, expected):
    assert redact_addresses(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "[2026-03-01 12:34:56 +0000] [41] [INFO] Booting worker with pid: 41",
        "Starting gunicorn 27.0.1",
        "Worker exiting (pid: 41)",
    ],
)
def test_messages_without_an_address_are_left_as_they_are(message):
    assert redact_addresses(message) == message


@pytest.fixture
def gunicorn_log():
    """gunicorn's logger as the deploy config sets it up, its error log written to a string."""
    log = AddressFreeLogger(Config())
    log.written = io.StringIO()
    for handler in log.error_log.handlers:
        handler.setStream(log.written)
    yield log
    for logger in (log.error_log, log.access_log):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for log_filter in list(logger.filters):
            logger.removeFilter(log_filter)


def test_a_traceback_gunicorn_logs_holds_no_address(gunicorn_log):
    try:
        raise ConnectionResetError(f"reset by {READER} via 2001:db8::5")
    except ConnectionResetError:
        gunicorn_log.exception("Error handling request from %s", "[::1]:8000")

    written = gunicorn_log.written.getvalue()
    assert "Traceback (most recent call last)" in written
    assert "ConnectionResetError: reset by <address> via <address>" in written
    assert "Error handling request from <address>:8000" in written
    assert READER not in written and not addresses_in(written)


def test_the_filter_is_added_once_however_often_gunicorn_reloads(gunicorn_log):
    gunicorn_log.setup(gunicorn_log.cfg)

    assert len(gunicorn_log.error_log.filters) == 1
    assert logging.getLogger("gunicorn.error") is gunicorn_log.error_log
