"""Clinicians answer comments in the admin: public at once, the reader emailed if they asked."""

from unittest import mock

import pytest
from django.test import Client

from comments.models import Comment
from pagecache.models import PublicPagesVersion

from .comment_forms import add_reply, comment_bodies
from .factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def test_clinician_replies_on_the_comment_page_and_it_is_public_at_once(
    clinician_client, clinician, article
):
    comment = CommentFactory(article=article, body="Should I rest in bed?", approved=True)

    response = add_reply(clinician_client, comment, "Keep gently moving.", "Physiotherapist")

    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.status == Comment.Status.APPROVED
    assert reply.article == article
    assert reply.author == clinician
    assert reply.display_name == clinician.get_full_name()
    assert reply.moderated_by == clinician
    assert reply.moderated_at is not None
    html = Client().get(article.get_absolute_url()).content.decode()
    assert comment_bodies(html) == ["<p>Should I rest in bed?</p>", "<p>Keep gently moving.</p>"]
    reply_html = html.split('<ol class="comment-replies">')[1].split("</ol>")[0]
    assert '<span class="clinician-badge">Response from a clinician:</span>' in reply_html
    assert f"<bdi>{clinician.get_full_name()}</bdi></strong>, Physiotherapist" in reply_html


def test_a_clinician_replying_cannot_change_the_readers_comment(clinician_client):
    comment = CommentFactory(status=Comment.Status.PENDING, body="Mine")

    add_reply(
        clinician_client, comment, "An answer", changes={"status": "approved", "body": "Edited"}
    )

    comment.refresh_from_db()
    assert (comment.status, comment.body) == (Comment.Status.PENDING, "Mine")


def test_the_reader_who_asked_is_emailed_after_the_reply_is_committed(
    clinician_client, article, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        article=article,
        display_name="Sam",
        email="sam@example.com",
        notify_on_reply=True,
        approved=True,
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add_reply(clinician_client, comment, "Keep gently moving.")
        assert mailoutbox == []  # not before the reply is committed

    # One for the email; the others retire cached pages' copy of the public pages version.
    assert len([c for c in callbacks if c != PublicPagesVersion.forget_cached_copy]) == 1
    (email,) = mailoutbox
    assert email.to == ["sam@example.com"]
    assert email.subject == "Your comment on “Back muscle spasms” has an answer"
    assert f"http://testserver{article.get_absolute_url()}#comments" in email.body
    assert "Hello Sam" in email.body


@pytest.mark.parametrize(("email", "notify"), [("sam@example.com", False), ("", True), ("", False)])
def test_no_email_unless_the_reader_asked_and_left_an_address(
    clinician_client, mailoutbox, django_capture_on_commit_callbacks, email, notify
):
    comment = CommentFactory(email=email, notify_on_reply=notify, approved=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = add_reply(clinician_client, comment, "An answer")

    assert response.status_code == 302
    assert mailoutbox == []


def test_a_failing_mail_server_never_loses_a_reply(
    clinician_client, django_capture_on_commit_callbacks
):
    comment = CommentFactory(email="sam@example.com", notify_on_reply=True, approved=True)

    with (
        mock.patch("comments.notifications.send_mail", side_effect=OSError("down")) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = add_reply(clinician_client, comment, "An answer")

    send.assert_called_once()
    assert response.status_code == 302
    assert Comment.objects.get(parent=comment).status == Comment.Status.APPROVED
