"""X-Forwarded-For is believed only when it really came through our own proxies.

A client that reaches the app directly and names a new address in the header on every try
must still be paused at the admin sign-in and stopped by the comment rate limit.
"""

import logging

import pytest
from django.core import checks
from django.test import Client

from governance import clients
from governance.checks import check_trusted_proxies
from governance.clients import client_address

from .comment_forms import comment_data, post_comment
from .factories import ArticleFactory, ClinicianFactory
from .sign_in import sign_in, signed_in

pytestmark = pytest.mark.django_db

OUTSIDER = "198.51.100.7"
PROXY = "127.0.0.1"
PASSWORD = "a-long-test-password"


def forged(number):
    return f"203.0.113.{number % 250 + 1}"


@pytest.fixture(autouse=True)
def one_proxy_on_this_machine(settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    monkeypatch.setattr(clients, "_warned_about", set())


def test_a_forged_header_from_outside_is_ignored(rf):
    request = rf.get("/", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=forged(1))

    assert client_address(request) == OUTSIDER


def test_behind_the_proxy_the_address_it_appended_is_the_readers(rf):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged(1)}, {OUTSIDER}")

    assert client_address(request) == OUTSIDER


def test_an_ipv4_proxy_seen_on_a_dual_stack_socket_is_still_trusted(rf):
    request = rf.get("/", REMOTE_ADDR="::ffff:127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDER)

    assert client_address(request) == OUTSIDER


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.1, 10.0.0.9", "198.51.100.1"),  # both hops are ours
        ("198.51.100.1, 203.0.113.9", "10.0.0.2"),  # a hop that is not ours: fall back
        ("10.0.0.9", "10.0.0.2"),  # fewer entries than proxies: fall back
        ("not-an-address, 10.0.0.9", "10.0.0.2"),
    ],
)
def test_every_hop_walked_through_must_be_a_trusted_proxy(rf, settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_the_comment_rate_limit_trips_whatever_address_is_forged(settings):
    article = ArticleFactory(title="Back muscle spasms")
    client = Client(REMOTE_ADDR=OUTSIDER)
    for number in range(settings.COMMENTS_RATE_LIMIT):
        response = post_comment(
            client,
            article,
            comment_data(body=f"Comment {number}"),
            HTTP_X_FORWARDED_FOR=forged(number),
        )
        assert response.status_code == 302

    response = post_comment(
        client, article, comment_data(body="One more"), HTTP_X_FORWARDED_FOR=forged(99)
    )

    assert response.status_code == 429


def test_the_sign_in_lockout_holds_whatever_address_is_forged(settings):
    ClinicianFactory(username="alex")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client = Client(REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=forged(number))
        response = sign_in(client, "alex", "not-the-password")

    assert response.status_code == 429
    fresh = Client(REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=forged(99))
    refused = sign_in(fresh, "alex", PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(refused)


def test_behind_the_proxy_the_lockout_is_per_reader(settings):
    ClinicianFactory(username="alex")

    def via_proxy(address):
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(via_proxy(OUTSIDER), "alex", "not-the-password")

    assert sign_in(via_proxy(OUTSIDER), "alex", PASSWORD).status_code == 429
    assert signed_in(sign_in(via_proxy("192.0.2.10"), "alex", PASSWORD))


def test_an_untrusted_sender_is_reported_once_and_without_its_address(rf, caplog):
    caplog.set_level(logging.WARNING, logger="governance.clients")
    for number in range(3):
        client_address(rf.get("/", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=forged(number)))

    (record,) = caplog.records
    message = record.getMessage()
    assert "TRUSTED_PROXIES" in message
    assert OUTSIDER not in message
    assert "203.0.113." not in message


def test_too_few_forwarded_entries_is_reported_without_an_address(rf, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 2
    caplog.set_level(logging.WARNING, logger="governance.clients")

    client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OUTSIDER))

    (record,) = caplog.records
    message = record.getMessage()
    assert "fewer entries" in message
    assert OUTSIDER not in message
    assert PROXY not in message


def test_no_warning_when_the_proxy_is_where_it_should_be(rf, caplog):
    caplog.set_level(logging.WARNING, logger="governance.clients")

    client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OUTSIDER))

    assert caplog.records == []


def test_with_no_proxy_configured_nothing_is_checked_or_logged(rf, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 0
    caplog.set_level(logging.WARNING, logger="governance.clients")

    request = rf.get("/", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=forged(1))

    assert client_address(request) == OUTSIDER
    assert caplog.records == []


def test_start_up_check_refuses_a_proxy_count_with_no_proxies(settings):
    settings.TRUSTED_PROXIES = []

    assert [error.id for error in check_trusted_proxies(None)] == ["governance.E002"]


def test_start_up_check_refuses_an_entry_that_is_not_an_address(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "nginx"]

    (error,) = check_trusted_proxies(None)
    assert error.id == "governance.E003"
    assert error.level == checks.ERROR


def test_start_up_check_passes_the_default():
    assert check_trusted_proxies(None) == []


def test_behind_a_proxy_on_a_unix_socket_the_readers_address_is_used(rf, settings):
    """gunicorn bound to a Unix socket gives no peer address: only a local proxy can
    connect to it, so its X-Forwarded-For is believed."""
    settings.TRUSTED_PROXY_COUNT = 1

    first = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert client_address(first) == "203.0.113.5"
    assert client_address(second) == "198.51.100.7"
