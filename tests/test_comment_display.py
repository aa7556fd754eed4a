"""Comments on the article page: which show, in what order, paged, with replies, in few queries."""

import pytest
from django.utils import timezone

from comments.models import Comment

from .comment_forms import comment_bodies, page, post_comment
from .factories import (
    ArticleFactory,
    ClinicianFactory,
    ClinicianReplyFactory,
    CommentFactory,
    ModeratorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


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


def test_each_threads_replies_are_shown_under_it_oldest_first(client, article):
    first = CommentFactory(article=article, body="First question", approved=True)
    second = CommentFactory(article=article, body="Second question", approved=True)
    later = ClinicianReplyFactory(parent=first, body="Later answer")
    earlier = ClinicianReplyFactory(parent=first, body="Earlier answer")
    Comment.objects.filter(pk=earlier.pk).update(
        created_at=later.created_at - timezone.timedelta(hours=1)
    )
    ClinicianReplyFactory(parent=second, body="Answer to the second")

    html = page(client, article)

    assert comment_bodies(html) == [
        "<p>First question</p>",
        "<p>Earlier answer</p>",
        "<p>Later answer</p>",
        "<p>Second question</p>",
        "<p>Answer to the second</p>",
    ]
    second_thread = html.split(f'id="comment-{second.pk}"')[1]
    assert "Earlier answer" not in second_thread


def test_a_clinician_with_no_name_on_their_account_is_shown_by_the_name_on_the_reply(
    client, article
):
    clinician = ClinicianFactory(first_name="", last_name="")
    question = CommentFactory(article=article, body="Should I rest?", approved=True)
    ClinicianReplyFactory(parent=question, author=clinician, display_name="Clinic team")

    html = page(client, article)

    assert "<strong><bdi>Clinic team</bdi></strong>" in html


def test_the_day_a_comment_was_sent_is_shown_in_the_sites_time_zone(client, article, settings):
    settings.TIME_ZONE = "Europe/London"
    comment = CommentFactory(article=article, approved=True)
    summer_night = timezone.datetime(2026, 6, 30, 23, 30, tzinfo=timezone.UTC)
    Comment.objects.filter(pk=comment.pk).update(created_at=summer_night)

    html = page(client, article)

    assert '<time datetime="2026-07-01T00:30:00+01:00">1 July 2026</time>' in html


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
    """The article, the red flags, the blocked words, the insert (in a savepoint), the
    moderators to tell and their email's task: the page itself is only built again when the
    comment is refused and must be shown with the reader's words."""
    ModeratorFactory()
    with django_assert_max_num_queries(8):
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
