"""What operators rely on: health endpoints, request logs without personal data, headers."""

import json
import logging

import pytest
from django.urls import reverse

from governance.clients import client_address

pytestmark = pytest.mark.django_db


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_each_request_is_one_json_log_line_without_personal_data(client, caplog):
    caplog.set_level(logging.INFO, logger="spasmcms.requests")

    client.post(
        reverse("triage:checker") + "?q=private+words",
        {"saddle_numbness": "yes", "duration_weeks": "3"},
        REMOTE_ADDR="203.0.113.7",
    )

    lines = [record.getMessage() for record in caplog.records if record.name == "spasmcms.requests"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert set(entry) == {"method", "path", "status", "duration_ms"}
    assert entry["method"] == "POST" and entry["path"] == "/triage/"
    assert entry["status"] == 200 and entry["duration_ms"] >= 0
    for secret in ["203.0.113.7", "private", "saddle", "yes"]:
        assert secret not in lines[0]


def test_pages_turn_off_browser_features_they_do_not_use(client):
    policy = client.get("/").headers["Permissions-Policy"]

    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in policy


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "203.0.113.66, 198.51.100.1", "198.51.100.1"),  # a forged left part is ignored
        (2, "198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.2"),  # fewer hops than promised: fall back
    ],
)
def test_the_readers_address_is_found_behind_trusted_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]  # where this deployment's proxies connect from
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected
