"""Hostile text in a comment is stored exactly, shown escaped, and never made a link."""

import re

import pytest
from django.utils.html import escape

from comments.models import Comment

from .comment_forms import comment_bodies, comment_data, page, post_comment
from .factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

HOSTILE = {
    "script": '<script>alert("x")</script>',
    "entities": "&lt;b&gt;not bold&lt;/b&gt; &amp; &copy; &#60;",
    "right-to-left override": "Great advice \u202egpj.exe \u202dthanks",
    "emoji": "Heat 🔥 helped 💪🏽 my back 👍 🧘‍♀️",
    "sql": "'); DROP TABLE articles_comment;--",
    "html attributes": '<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">x</a>',
}


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_stored_exactly(client, article, text):
    name = text[:80]

    response = post_comment(client, article, comment_data(display_name=name, body=text))

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == text
    assert comment.display_name == name
    assert comment.status == Comment.Status.PENDING
    assert Comment.objects.count() == 1  # the SQL fragment did nothing


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_shown_escaped_once_approved(client, article, text):
    post_comment(client, article, comment_data(display_name=text[:80], body=text))
    Comment.objects.update(status=Comment.Status.APPROVED)

    html = page(client, article)

    assert comment_bodies(html) == [f"<p>{escape(text)}</p>"]
    assert f"<strong><bdi>{escape(text[:80])}</bdi></strong>" in html
    assert 'alert("x")</script>' not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html


def test_links_in_approved_comments_are_plain_text(client, article):
    CommentFactory(
        article=article,
        body="Read https://nhs.example/back and www.nice.example/ng59 first.",
        approved=True,
    )

    html = page(client, article)

    (body,) = comment_bodies(html)
    assert "https://nhs.example/back" in body
    assert "www.nice.example/ng59" in body
    assert "<a " not in body
    for link in re.findall(r"<a [^>]*>", html.split('id="comments"')[1]):
        assert 'href="https://nhs.example' not in link
        assert "nice.example" not in link


def test_nul_characters_are_removed_and_the_rest_stored(client, article):
    response = post_comment(
        client, article, comment_data(display_name="Sa\x00m", body="before\x00after\x00")
    )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.display_name, comment.body) == ("Sam", "beforeafter")


def test_a_comment_of_only_nul_characters_is_refused_as_empty(client, article):
    response = post_comment(client, article, comment_data(body="\x00\x00"))

    assert response.status_code == 200
    assert "Write your comment before sending it." in response.content.decode()
    assert not Comment.objects.exists()
