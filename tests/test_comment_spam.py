"""Spam defences: many links or a blocked word go quietly to spam; a rate limit stops floods."""

import pytest
from django.utils.html import escape

from comments.models import Comment
from comments.views import COMMENT_THANKS

from .comment_forms import comment_data, page, post_comment
from .factories import ArticleFactory, BlockedWordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def thanked(client, response, article):
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    return escape(COMMENT_THANKS) in page(client, article)


# Links


def test_more_than_two_links_go_to_spam_with_the_same_thanks(client, article):
    body = "Buy at http://a.example, http://b.example and http://c.example today"

    response = post_comment(client, article, comment_data(body=body))

    assert thanked(client, response, article)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reason == "More than 2 links"
    assert comment.body == body


def test_two_links_are_not_spam(client, article):
    post_comment(
        client, article, comment_data(body="See https://nhs.example and http://nice.example")
    )

    assert Comment.objects.get().status == Comment.Status.PENDING


def test_two_links_with_www_are_not_spam(client, article):
    body = "See https://www.nhs.uk/conditions/back-pain/ and https://www.nice.org.uk/ng59"

    post_comment(client, article, comment_data(body=body))

    assert Comment.objects.get().status == Comment.Status.PENDING


# Blocked words


@pytest.mark.parametrize(
    "text", ["Try our LOAN offer", "loan!", "A Loan, today", "Best\tloan", "(loan)"]
)
def test_a_blocked_word_in_any_capitals_sends_the_comment_to_spam(client, article, text):
    BlockedWordFactory(word="Loan")

    response = post_comment(client, article, comment_data(body=text))

    assert thanked(client, response, article)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reason == "Contains the blocked word “Loan”"


def test_a_blocked_word_in_the_name_sends_the_comment_to_spam(client, article):
    BlockedWordFactory(word="casino")

    post_comment(client, article, comment_data(display_name="Casino Royale"))

    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_blocked_phrase_sends_the_comment_to_spam(client, article):
    BlockedWordFactory(word="miracle cure")

    post_comment(client, article, comment_data(body="This Miracle Cure fixed me."))

    assert Comment.objects.get().spam_reason == "Contains the blocked word “miracle cure”"


@pytest.mark.parametrize("text", ["Loans are not the point", "Sloane Square", "payloan"])
def test_a_blocked_word_inside_another_word_is_not_spam(client, article, text):
    BlockedWordFactory(word="loan")

    post_comment(client, article, comment_data(body=text))

    assert Comment.objects.get().status == Comment.Status.PENDING


# Rate limit


def test_rate_limit_refuses_with_429_and_keeps_the_text(client, article, settings):
    for number in range(settings.COMMENTS_RATE_LIMIT):
        response = post_comment(client, article, comment_data(body=f"Comment {number}"))
        assert response.status_code == 302
    data = comment_data(body="One more <em>important</em> thing & then I'm done.")

    response = post_comment(client, article, data)

    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent several comments in a short time" in html
    assert f">\n{escape(data['body'])}</textarea>" in html
    assert Comment.objects.count() == settings.COMMENTS_RATE_LIMIT
    assert not Comment.objects.filter(body=data["body"]).exists()


def test_rate_limit_is_per_client(client, article, settings):
    for number in range(settings.COMMENTS_RATE_LIMIT):
        post_comment(client, article, comment_data(body=f"Comment {number}"))

    response = post_comment(client, article, comment_data(), REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert Comment.objects.count() == settings.COMMENTS_RATE_LIMIT + 1


def test_refused_forms_do_not_count_against_the_rate_limit(client, article, settings):
    for _ in range(settings.COMMENTS_RATE_LIMIT + 2):
        post_comment(client, article, comment_data(body=""))

    assert post_comment(client, article).status_code == 302
