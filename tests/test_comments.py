"""Readers' comments: the form, its refusals, hostile text, spam, display, reports, closing.

Moderation in the admin and the emails about comments are in test_comment_moderation.py.
"""

import datetime
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from comments.forms import TIMESTAMP_SALT
from comments.models import Comment
from comments.views import COMMENT_THANKS

from .comment_forms import comment_bodies, comment_data, post_comment, report, stamp
from .factories import (
    ArticleFactory,
    BlockedWordFactory,
    ClinicianFactory,
    ClinicianReplyFactory,
    CommentFactory,
    ModeratorFactory,
)

pytestmark = pytest.mark.django_db

REPORT_THANKS = "Thank you for telling us. A moderator will check this comment."
MODERATION_POLICY = (
    "A moderator reads every comment before it appears, and we do not publish personal "
    "medical details, advertising or anything unkind."
)


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


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
    assert 'name="csrfmiddlewaretoken"' in form
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


def test_a_failing_mail_server_never_loses_the_comment(
    client, article, django_capture_on_commit_callbacks
):
    ModeratorFactory()

    with (
        mock.patch(
            "comments.notifications.send_mail", side_effect=OSError("mail server down")
        ) as send_mail,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = post_comment(client, article)

    assert len(callbacks) == 1
    send_mail.assert_called_once()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert Comment.objects.get().status == Comment.Status.PENDING


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


def test_a_refused_form_carries_a_fresh_stamp_so_it_can_be_sent_again(client, article):
    data = comment_data(started=stamp(seconds_ago=1))
    response = post_comment(client, article, data)
    resent = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)

    assert resent != data["started"]
    assert signing.loads(resent, salt=TIMESTAMP_SALT) == pytest.approx(time.time(), abs=5)


def test_an_email_address_too_long_to_store_is_refused_with_the_text_kept(client, article):
    email = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "example.com"])
    assert len(email) > 254
    data = comment_data(email=email, body="My long address")

    response = post_comment(client, article, data)

    assert_refused_with_text_kept(response, data, "Ensure this value has at most 254 characters")


# Hostile input: stored exactly, shown escaped

HOSTILE = {
    "script": '<script>alert("x")</script>',
    "entities": "&lt;b&gt;not bold&lt;/b&gt; &amp; &copy; &#60;",
    "right-to-left override": "Great advice \u202egpj.exe \u202dthanks",
    "emoji": "Heat 🔥 helped 💪🏽 my back 👍 🧘‍♀️",
    "sql": "'); DROP TABLE articles_comment;--",
    "html attributes": '<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">x</a>',
}


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


# Spam: stored for a moderator to check, the sender thanked as usual


def thanked(client, response, article):
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    return escape(COMMENT_THANKS) in page(client, article)


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


# Display


def test_only_approved_comments_not_hidden_by_reports_are_shown(client, article):
    CommentFactory(article=article, body="Approved one", approved=True)
    for status in [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM]:
        CommentFactory(article=article, body=f"A {status} one", status=status)
    CommentFactory(article=article, body="Reported one", hidden_by_reports=True, approved=True)
    CommentFactory(body="On another article", approved=True)

    html = page(client, article)

    assert comment_bodies(html) == ["<p>Approved one</p>"]


def test_comments_are_shown_oldest_first(client, article):
    newer = CommentFactory(article=article, body="Newer", approved=True)
    older = CommentFactory(article=article, body="Older", approved=True)
    Comment.objects.filter(pk=older.pk).update(created_at=newer.created_at - timezone.timedelta(1))

    assert comment_bodies(page(client, article)) == ["<p>Older</p>", "<p>Newer</p>"]


def test_comments_are_shown_twenty_a_page(client, article):
    for number in range(1, 26):
        CommentFactory(article=article, body=f"Comment {number}", approved=True)

    first = page(client, article)
    second = page(client, article, "?comments=2")

    assert comment_bodies(first) == [f"<p>Comment {n}</p>" for n in range(1, 21)]
    assert comment_bodies(second) == [f"<p>Comment {n}</p>" for n in range(21, 26)]
    assert '<a href="?comments=2#comments">Newer comments</a>' in first
    assert "Page 1 of 2" in first
    assert '<a href="?comments=1#comments">Older comments</a>' in second
    assert comment_bodies(page(client, article, "?comments=nonsense")) == comment_bodies(first)


def test_line_breaks_are_kept(client, article):
    CommentFactory(article=article, body="First line\nSecond line\n\nNew paragraph", approved=True)

    (body,) = comment_bodies(page(client, article))

    assert body == "<p>First line<br>Second line</p>\n\n<p>New paragraph</p>"


def test_name_is_isolated_and_email_never_shown(client, article):
    CommentFactory(
        article=article, display_name="\u202eSam", email="sam.private@example.com", approved=True
    )

    html = page(client, article)

    assert "<strong><bdi>\u202eSam</bdi></strong>" in html
    assert "sam.private" not in html


def test_clinicians_reply_is_shown_under_the_comment_with_name_and_role(client, article):
    clinician = ClinicianFactory(first_name="Priya", last_name="Shah")
    question = CommentFactory(article=article, body="Should I rest?", approved=True)
    CommentFactory(article=article, body="Later comment", approved=True)
    ClinicianReplyFactory(
        parent=question,
        author=clinician,
        author_role="Physiotherapist",
        body="Keep gently moving.",
    )

    html = page(client, article)

    assert comment_bodies(html) == [
        "<p>Should I rest?</p>",
        "<p>Keep gently moving.</p>",
        "<p>Later comment</p>",
    ]
    thread = html.split(f'id="comment-{question.pk}"')[1].split("Later comment")[0]
    reply = thread.split('<ol class="comment-replies">')[1]
    assert '<span class="clinician-badge">Response from a clinician:</span>' in reply
    assert "<strong><bdi>Priya Shah</bdi></strong>, Physiotherapist" in reply
    assert "Report this comment" not in reply


def test_replies_that_are_not_approved_are_not_shown(client, article):
    question = CommentFactory(article=article, body="Should I rest?", approved=True)
    ClinicianReplyFactory(parent=question, body="Draft answer", status=Comment.Status.PENDING)

    html = page(client, article)

    assert comment_bodies(html) == ["<p>Should I rest?</p>"]
    assert "Response from a clinician" not in html


# Query counts


def build_comments(article, count, replies):
    """`count` approved comments, the first `replies` of them answered by a clinician."""
    comments = Comment.objects.bulk_create(
        CommentFactory.build(
            article=article, body=f"Comment {number}\nwith two lines", approved=True
        )
        for number in range(count)
    )
    clinicians = [ClinicianFactory(), ClinicianFactory()]
    Comment.objects.bulk_create(
        ClinicianReplyFactory.build(
            parent=comment, author=clinicians[number % 2], body=f"Answer {number}"
        )
        for number, comment in enumerate(comments[:replies])
    )
    return comments


def test_an_accepted_comment_costs_a_few_queries_not_a_whole_article_page(
    client, article, django_assert_max_num_queries
):
    """The article, the blocked words and the insert: the page itself is only built again
    when the comment is refused and must be shown with the reader's words."""
    with django_assert_max_num_queries(5):
        response = post_comment(client, article)

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.parametrize(("count", "replies"), [(0, 0), (20, 5), (500, 40)])
def test_article_page_query_count_is_constant_whatever_the_comments(
    client, article, django_assert_max_num_queries, count, replies
):
    build_comments(article, count, replies)

    with django_assert_max_num_queries(11):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert len(comment_bodies(html)) == min(count, 20) + min(replies, 20)


def test_later_comment_pages_keep_the_same_query_bound(
    client, article, django_assert_max_num_queries
):
    build_comments(article, 500, 40)

    with django_assert_max_num_queries(11):
        response = client.get(article.get_absolute_url() + "?comments=2")

    assert response.status_code == 200
    assert len(comment_bodies(response.content.decode())) == 20 + 20


# Reports


def test_report_redirects_with_thanks_and_counts(client, article):
    comment = CommentFactory(article=article, approved=True)

    response = report(client, comment)

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert escape(REPORT_THANKS) in page(client, article)
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert comment.hidden_by_reports is False


def test_the_same_client_reporting_twice_counts_once(client, article):
    comment = CommentFactory(article=article, approved=True)

    report(client, comment)
    second = report(client, comment)

    assert second.status_code == 302
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_enough_reports_hide_a_comment_until_a_moderator_approves_it_again(
    client, article, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    comment = CommentFactory(article=article, body="Rude words", approved=True)
    CommentFactory(article=article, body="Kind words", approved=True)

    for number in range(2):
        report(client, comment, address=f"198.51.100.{number}")
    assert comment_bodies(page(client, article)) == ["<p>Rude words</p>", "<p>Kind words</p>"]
    report(client, comment, address="198.51.100.99")

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (3, True)
    assert comment_bodies(page(client, article)) == ["<p>Kind words</p>"]

    comment.moderate(Comment.Status.APPROVED, ModeratorFactory())

    comment.refresh_from_db()
    assert (comment.report_count, comment.hidden_by_reports) == (0, False)
    assert comment_bodies(page(client, article)) == ["<p>Rude words</p>", "<p>Kind words</p>"]


@pytest.mark.parametrize(
    "kind", ["pending", "rejected", "spam", "hidden by reports", "on a draft", "missing"]
)
def test_reporting_a_comment_readers_cannot_see_is_404(client, kind):
    comment = {
        "pending": lambda: CommentFactory(status=Comment.Status.PENDING),
        "rejected": lambda: CommentFactory(status=Comment.Status.REJECTED),
        "spam": lambda: CommentFactory(status=Comment.Status.SPAM),
        "hidden by reports": lambda: CommentFactory(
            hidden_by_reports=True, report_count=3, approved=True
        ),
        "on a draft": lambda: CommentFactory(
            article__status=Article.Status.DRAFT, article__published_at=None
        ),
        "missing": lambda: Comment(pk=999_999),
    }[kind]()
    count = comment.report_count

    assert report(client, comment).status_code == 404
    if comment.pk != 999_999:
        comment.refresh_from_db()
        assert comment.report_count == count


def test_reporting_needs_a_post(client):
    comment = CommentFactory(approved=True)

    response = client.get(reverse("comments:report", args=[comment.pk]))

    assert response.status_code == 405


# Closing


def test_closed_article_says_so_and_has_no_form(client):
    article = ArticleFactory(comments_open=False)
    CommentFactory(article=article, body="Earlier comment", approved=True)

    html = page(client, article)

    assert "Comments are closed for this article." in html
    assert 'name="body"' not in html
    assert comment_bodies(html) == ["<p>Earlier comment</p>"]


def test_posting_to_a_closed_article_is_refused(client):
    article = ArticleFactory(comments_open=False)

    response = post_comment(client, article)

    assert response.status_code == 403
    assert "Comments are closed for this article." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("days_ago", "open_"), [(1, True), (364, True), (366, False)])
def test_comments_close_by_themselves_after_a_set_number_of_days(client, settings, days_ago, open_):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 365
    article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=days_ago))

    html = page(client, article)
    response = post_comment(client, article)

    assert ("Comments are closed for this article." in html) is not open_
    assert ('name="body"' in html) is open_
    assert response.status_code == (302 if open_ else 403)
    assert Comment.objects.exists() is open_


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_comments_on_unpublished_articles_are_404(client, kind):
    if kind == "draft":
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    else:
        article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))

    response = post_comment(client, article)

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_posting_needs_a_post(client, article):
    response = client.get(reverse("comments:post", args=[article.slug]))

    assert response.status_code == 405


# Privacy


def test_the_readers_ip_address_is_never_stored(client, article):
    address = "203.0.113.9"
    post_comment(client, article, comment_data(body="From my phone"), REMOTE_ADDR=address)
    comment = Comment.objects.get()
    comment.moderate(Comment.Status.APPROVED, ModeratorFactory())
    report(client, comment, address=address)
    post_comment(client, article, comment_data(body=""), REMOTE_ADDR=address)  # refused

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found += [(table, row) for row in cursor.fetchall() if address in repr(row)]

    assert Comment.objects.get().report_count == 1
    assert found == []
