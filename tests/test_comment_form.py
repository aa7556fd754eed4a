"""The comment form: what it offers and stores, and every refusal, with the reader's text kept."""

import re
import time

import pytest
from django.core import signing
from django.utils.html import escape

from comments.forms import TIMESTAMP_SALT
from comments.models import Comment
from comments.views import COMMENT_THANKS

from .comment_forms import comment_bodies, comment_data, page, post_comment, stamp
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

MODERATION_POLICY = (
    "A moderator reads every comment before it appears, and we do not publish personal "
    "medical details, advertising or anything unkind."
)


def assert_refused_with_text_kept(response, data, message, status=200):
    assert response.status_code == status
    html = response.content.decode()
    assert escape(message) in html
    assert f">\n{escape(data['body'])}</textarea>" in html
    if data["display_name"]:
        assert f'name="display_name" value="{escape(data["display_name"])}"' in html
    if data["email"]:
        assert f'name="email" value="{escape(data["email"])}"' in html
    ticked = re.search(r'<input type="checkbox" name="notify_on_reply"[^>]*>', html).group()
    assert (" checked" in ticked) == ("notify_on_reply" in data)
    assert not Comment.objects.exists()


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


# The form and a successful comment


def test_published_article_offers_the_comment_form_and_moderation_policy(client, article):
    html = page(client, article)

    form = html.split('<form method="post" action="')[1:]
    form = next(part for part in form if part.startswith(f"/articles/{article.slug}/comments/"))
    assert 'name="display_name"' in form
    assert '<input type="email" name="email"' in form
    assert "Email (optional)" in form
    assert "Never shown." in form
    assert '<input type="checkbox" name="notify_on_reply"' in form
    assert "Email me when a clinician or moderator answers" in form
    assert re.search(r'<textarea name="body"[^>]*maxlength="2000"', form)
    assert "Up to 2,000 characters." in form
    assert '<div class="comment-trap" aria-hidden="true">' in " ".join(form.split())
    assert 'name="started"' in form
    # The same bytes for every reader: guarded by where the browser says it comes from.
    assert 'name="csrfmiddlewaretoken"' not in form
    assert f'<p class="moderation-policy">{MODERATION_POLICY}</p>' in html
    assert "No comments yet." in html


def test_comment_is_stored_as_pending_and_the_reader_is_thanked(client, article):
    data = comment_data(
        display_name="Sam", email="sam@example.com", notify_on_reply=True, body="It helped."
    )

    response = post_comment(client, article, data)

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    comment = Comment.objects.get()
    assert comment.article == article
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reason == ""
    assert (comment.display_name, comment.email, comment.body) == (
        "Sam",
        "sam@example.com",
        "It helped.",
    )
    assert comment.notify_on_reply is True
    html = page(client, article)
    assert escape(COMMENT_THANKS) in html
    assert (
        COMMENT_THANKS == "Thank you — your comment will appear once a moderator has approved it."
    )
    # Pending: not shown until a moderator approves it.
    assert comment_bodies(html) == []
    # The thanks is shown once.
    assert escape(COMMENT_THANKS) not in page(client, article)


# Refusals: the reader's text always comes back, with the reason


# Values are callables where they must be made when the test runs (stamps age).
REFUSALS = {
    "honeypot filled": (
        {"website": "http://cheap-pills.example"},
        "We could not accept this comment. Please clear the box labelled “Leave this box "
        "empty” and send it again.",
    ),
    "too fast": ({"started": lambda: stamp(seconds_ago=1)}, "That was very quick."),
    "stamp missing": ({"started": ""}, "We could not accept the comment. Please send it again."),
    "tampered stamp": (
        {"started": lambda: stamp().replace(":", ":x", 1)},
        "We could not accept the comment. Please send it again.",
    ),
    "stamp signed with another salt": (
        {"started": lambda: signing.dumps(time.time() - 10, salt="another")},
        "We could not accept the comment. Please send it again.",
    ),
    "empty comment": ({"body": ""}, "Write your comment before sending it."),
    "empty name": ({"display_name": ""}, "Enter a name to show with your comment."),
    "name too long": ({"display_name": "N" * 81}, "Ensure this value has at most 80 characters"),
    "notify without email": (
        {"notify_on_reply": True, "email": ""},
        "Enter your email address so we can tell you, or untick the box.",
    ),
    "invalid email": (
        {"email": "sam@"},
        "Enter an email address like name@example.com, or leave it empty.",
    ),
}


@pytest.mark.parametrize(("fields", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_comment_comes_back_with_the_readers_text_and_the_reason(
    client, article, fields, message
):
    typed = {
        "display_name": "Sam <O'Brien> & co",
        "email": "sam@example.com",
        "notify_on_reply": True,
        "body": 'My back "locked" <b>twice</b> & I\'m scared.\r\nWhat now? 😟',
    }
    typed.update({name: value() if callable(value) else value for name, value in fields.items()})
    data = comment_data(**typed)

    response = post_comment(client, article, data)

    assert_refused_with_text_kept(response, data, message)


def test_too_old_a_page_is_refused_with_the_text_kept(client, article, settings):
    data = comment_data(
        body="Typed yesterday <i>slowly</i>.",
        started=stamp(seconds_ago=settings.COMMENTS_MAX_AGE_SECONDS + 60),
    )

    response = post_comment(client, article, data)

    assert_refused_with_text_kept(
        response, data, "This page was open for a long time, so we could not accept the comment"
    )


def test_a_page_open_for_most_of_a_day_is_still_accepted(client, article, settings):
    data = comment_data(started=stamp(seconds_ago=settings.COMMENTS_MAX_AGE_SECONDS - 60))

    assert post_comment(client, article, data).status_code == 302
    assert Comment.objects.count() == 1


def test_a_refused_form_carries_a_fresh_stamp_so_it_can_be_sent_again(client, article):
    data = comment_data(started=stamp(seconds_ago=1))
    response = post_comment(client, article, data)
    resent = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)

    assert resent != data["started"]
    assert signing.loads(resent, salt=TIMESTAMP_SALT) == pytest.approx(time.time(), abs=5)


@pytest.mark.parametrize("length", [2001, 10_000])
def test_too_long_a_comment_is_refused_with_every_character_kept(client, article, length):
    body = ("Ünïcödé <b>&amp;</b> 'quoted' \"twice\"\n" * 400)[:length]
    data = comment_data(body=body)

    response = post_comment(client, article, data)

    assert_refused_with_text_kept(
        response,
        data,
        f"Your comment is {length} characters long. Please shorten it to 2,000 characters",
    )


def test_a_comment_of_exactly_2000_characters_is_accepted(client, article):
    body = "x" * 1999 + "!"

    assert post_comment(client, article, comment_data(body=body)).status_code == 302
    assert Comment.objects.get().body == body


def test_a_2000_character_comment_with_line_breaks_from_a_browser_is_accepted(client, article):
    paragraph = "a" * 199 + "\n"
    typed = paragraph * 10  # 2,000 characters in the browser's textarea
    sent = typed.replace("\n", "\r\n")  # how browsers submit a textarea's line breaks

    response = post_comment(client, article, comment_data(body=sent))

    assert "characters long" not in response.content.decode()
    assert response.status_code == 302


def test_a_comment_of_only_spaces_and_line_breaks_is_refused_as_empty(client, article):
    data = comment_data(body="   \r\n\t  \r\n ")

    response = post_comment(client, article, data)

    assert_refused_with_text_kept(response, data, "Write your comment before sending it.")


def test_an_email_address_too_long_to_store_is_refused_with_the_text_kept(client, article):
    email = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "example.com"])
    assert len(email) > 254
    data = comment_data(email=email, body="My long address")

    response = post_comment(client, article, data)

    assert_refused_with_text_kept(response, data, "Ensure this value has at most 254 characters")
