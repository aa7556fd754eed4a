"""Public pages as anonymous readers get them, the cache entries they are served from, and
edits made through the models, as the admin makes them."""

from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from pagecache.middleware import cache_key


def home(client):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    return response.content.decode()


def stored_page(article):
    """The cache entry anonymous readers of the article are served from, or None."""
    request = RequestFactory().get(article.get_absolute_url())
    return cache.get(cache_key(request))


def save(instance, **fields):
    """Change some fields and save, so the model's signals see an edit."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
