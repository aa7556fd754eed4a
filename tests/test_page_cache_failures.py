"""Pages are still served when the cache or the database fails; health checks never wait."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError
from django.urls import reverse

from articles.models import Article
from pagecache.models import PublicPagesVersion
from pagecache.pages import read_version

from .comment_forms import page
from .factories import ArticleFactory
from .page_cache_helpers import save

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def test_pages_are_still_served_when_the_cache_is_unreachable(client, settings, caplog):
    article = ArticleFactory(title="Muscle cramps")
    # Switched after conftest's fresh_cache cleared the working cache; the settings fixture
    # is torn down first, so fresh_cache clears the working cache again, not the dead one.
    settings.CACHES = DEAD_REDIS
    assert isinstance(caches["default"], RedisCache)

    first = page(client, article)
    second = page(client, article)

    assert "<h1>Muscle cramps</h1>" in first
    assert "<h1>Muscle cramps</h1>" in second
    assert "Cache unavailable" in caplog.text


def test_a_database_error_while_rendering_falls_back_to_the_normal_path(client, monkeypatch):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    save(article, title="Leg cramps")  # the next view renders

    def database_down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(Article.objects, "next_change_by_clock", database_down)

    assert "<h1>Leg cramps</h1>" in page(client, article)


def test_health_checks_never_wait_on_the_cache(client, settings, caplog):
    settings.CACHES = DEAD_REDIS

    assert client.get(reverse("healthz")).status_code == 200
    assert "Cache unavailable" not in caplog.text


def test_a_cache_that_failed_to_give_the_version_is_not_asked_to_keep_it(settings, caplog):
    """Every call to a cache that is down may wait out its timeout: once per reading."""
    settings.CACHES = DEAD_REDIS

    assert read_version() == PublicPagesVersion.current()

    warnings = [
        record.getMessage() for record in caplog.records if record.name == "pagecache.pages"
    ]
    assert warnings == ["Cache unavailable: version read from the database"]
