"""The content API fuzzed against its own OpenAPI schema: whatever schemathesis sends to
each operation (a bounded number of examples, in process), no answer is a server error and
every answer matches the schema: its status code, content type, headers and body."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .factories import ClinicalCodeFactory, TopicFactory, live_article

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def connection_kept():
    """The test's database connection stays open across the requests, as Django's own test
    client keeps it: the app would close it at each request's end, and with it the test's
    transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def articles(db, settings, connection_kept):
    settings.API_RATE_LIMIT = 100_000  # the fuzzer is one busy client
    for slug in ("back-muscle-spasms", "sciatica"):
        article = live_article(slug=slug)
        article.topics.add(TopicFactory(slug="back-pain"))
        ClinicalCodeFactory(article=article, code="M62.830")


def test_the_schema_is_valid_openapi():
    raw = schema.raw_schema
    assert raw["openapi"].startswith("3.")
    assert set(raw["paths"]) >= {
        "/api/v1/articles",
        "/api/v1/articles/{slug}",
        "/api/v1/topics",
        "/api/v1/changes",
    }
    schema.validate()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_no_request_gets_a_server_error_or_an_answer_the_schema_does_not_describe(case, articles):
    # Uncompressed, to read the bodies. A string the schema allows may still be no code of
    # its system ("0000" is no ICD-10-CM code): its 400, which the schema documents, is
    # right, so schema-valid data is not required to be accepted.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
