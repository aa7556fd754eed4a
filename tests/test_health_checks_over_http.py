"""Health checks answer over plain HTTP while every other page still moves to HTTPS.

A load balancer or orchestrator probes an instance directly over HTTP; a 301 to HTTPS reads
to it as a failed check and takes a healthy instance out of service.

The production server keeps a SQLite file of its own, so its test is the same on any test
database: `.ci/run` runs it in its SQLite pass only.
"""

import urllib.error
import urllib.request

import pytest
from django.test import override_settings

from .servers import NoRedirects, production_env, start_server, stop_server

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_over_http_when_https_is_enforced(client, path):
    # SecurityMiddleware reads its settings when the client first builds the middleware,
    # which happens inside this block.
    with override_settings(SECURE_SSL_REDIRECT=True, DEBUG=False):
        response = client.get(path)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/", "/healthz/", "/healthzz", "/admin/readyz"])
def test_other_addresses_still_move_to_https(client, path):
    with override_settings(SECURE_SSL_REDIRECT=True, DEBUG=False):
        response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{path}"


def fetch_without_redirects(url):
    opener = urllib.request.build_opener(NoRedirects())
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.database_independent
def test_production_server_answers_health_checks_over_http(tmp_path, collected_static):
    env = production_env(
        tmp_path, DJANGO_SECURE_SSL_REDIRECT="1", DJANGO_STATIC_ROOT=str(collected_static)
    )
    process, base = start_server(env)  # waits for /healthz to answer over HTTP
    try:
        assert fetch_without_redirects(f"{base}/healthz")[0] == 200
        assert fetch_without_redirects(f"{base}/readyz")[0] == 200
        status, headers = fetch_without_redirects(f"{base}/")
        assert status == 301
        assert headers["Location"] == f"https://127.0.0.1:{base.rsplit(':', 1)[1]}/"
    finally:
        stop_server(process)
