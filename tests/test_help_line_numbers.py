"""The help-line numbers come only from settings: a deployment that sets its own finds no
other number on any page readers can reach."""

import re

import pytest
from django.core.management import call_command

from articles.models import Article, Topic

from .checker_forms import URL as CHECKER

pytestmark = pytest.mark.django_db

OTHER_NUMBERS = re.compile(r"(?<![\d.])(999|111)(?![\d])")


@pytest.fixture
def numbers_of_another_country(settings):
    settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER = "112", "116 117"
    call_command("load_demo_content", verbosity=0)


def reader_pages(client):
    urls = ["/", CHECKER, "/search/?q=cauda+equina", "/search/?q=numb+bum+cant+pee"]
    urls += [article.get_absolute_url() for article in Article.objects.all()]
    urls += [topic.get_absolute_url() for topic in Topic.objects.all()]
    for url in urls:
        yield url, client.get(url)
    yield "checker result", client.post(CHECKER, {"saddle_numbness": "yes"})
    yield "checker urgent result", client.post(CHECKER, {"fever": "yes"})
    yield "missing page", client.get("/articles/no-such-article/")


def test_no_page_gives_a_number_other_than_the_configured_ones(client, numbers_of_another_country):
    seen = 0
    for url, response in reader_pages(client):
        html = response.content.decode()
        # The words, not the tags: an address or a form's random token may hold any digits.
        words = re.sub(r"<[^>]*>", " ", html)
        assert not OTHER_NUMBERS.findall(words), url
        assert "_number}" not in html, url  # every placeholder filled in
        seen += "112" in words
    assert seen >= 8


def test_every_article_and_result_offers_the_configured_number_to_call(
    client, numbers_of_another_country
):
    for url, response in reader_pages(client):
        if response.status_code == 200:
            assert "112" in response.content.decode(), url
    result = client.post(CHECKER, {"saddle_numbness": "yes"}).content.decode()
    assert 'href="tel:112"' in result
