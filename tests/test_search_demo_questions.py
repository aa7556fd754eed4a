"""The questions readers asked, on the demo articles: the right article and section first."""

import io

import pytest
from django.core.management import call_command

from articles.models import Section

from .search_helpers import correction, found, marked, results, search_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_content():
    call_command("load_demo_content", stdout=io.StringIO())


def test_cant_bend_my_back_finds_the_signs_of_a_back_spasm_section(client, demo_content):
    signs = Section.objects.get(article__slug="back-muscle-spasms", heading="Signs of a back spasm")

    first = found(client, "can't bend my back")[0]

    assert first["title"] == "Back muscle spasms"
    assert first["url"] == "/articles/back-muscle-spasms/"
    assert first["heading"] == "Signs of a back spasm"
    assert first["section_url"] == f"/articles/back-muscle-spasms/#{signs.anchor}"
    assert {word.lower() for word in marked(first["snippet"])} & {"bend", "bending"}
    # The link lands on that section of the article page.
    article_page = client.get("/articles/back-muscle-spasms/").content.decode()
    assert f'id="{signs.anchor}"' in article_page


@pytest.mark.parametrize(
    ("query", "first_url"),
    [
        ("sciatica both legs", "/articles/sciatica/"),
        ("leg cramps at night", "/articles/muscle-cramps/"),
    ],
)
def test_demo_questions_find_the_right_article_first(client, demo_content, query, first_url):
    assert found(client, query)[0]["url"] == first_url


def test_back_spams_is_corrected_to_back_spasms(client, demo_content):
    html = search_page(client, "back spams")

    assert correction(html) == "back spasms"
    assert results(html)[0]["url"] == "/articles/back-muscle-spasms/"
