"""Moderators are emailed about each new comment once it is committed; a mail failure loses none."""

import logging
import smtplib
from unittest import mock

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from comments.models import Comment
from comments.views import COMMENT_THANKS
from pagecache.models import PublicPagesVersion

from .admin_forms import change_url
from .comment_forms import comment_data, post_comment
from .factories import (
    ArticleFactory,
    BlockedWordFactory,
    ClinicianFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("mail server down")


@pytest.fixture
def moderator():
    return ModeratorFactory(first_name="Morgan", last_name="Lee")


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def test_moderators_with_an_email_are_emailed_once_the_comment_is_committed(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    ModeratorFactory(email="")
    ModeratorFactory(email="gone@example.org", is_active=False)
    ClinicianFactory(email="clinician@example.org")
    UserFactory(email="reader@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_comment(client, article, comment_data(display_name="Sam"))
        assert mailoutbox == []  # not before the comment is committed

    # One for the email; the others retire cached pages' copy of the public pages version.
    assert len([c for c in callbacks if c != PublicPagesVersion.forget_cached_copy]) == 1
    (email,) = mailoutbox
    comment = Comment.objects.get()
    assert email.to == [moderator.email]
    assert email.subject == "A comment is waiting for moderation: Back muscle spasms"
    assert f"http://testserver{change_url(comment)}" in email.body
    assert "Sam commented on “Back muscle spasms”" in email.body


def test_every_moderator_is_emailed(
    client, article, mailoutbox, django_capture_on_commit_callbacks
):
    moderators = ModeratorFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article)

    (email,) = mailoutbox
    assert sorted(email.to) == sorted(m.email for m in moderators)


@pytest.mark.parametrize(
    "body", ["http://a.example http://b.example http://c.example", "Win at the casino"]
)
def test_spam_sends_no_email_to_moderators(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks, body
):
    BlockedWordFactory(word="casino")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, article, comment_data(body=body))

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert mailoutbox == []


def test_refused_comments_send_no_email(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, comment_data(body=""))

    assert mailoutbox == []


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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_broken_mailer_after_a_real_commit_keeps_the_comment_and_the_redirect(
    client, settings, caplog
):
    """No test transaction here: the email runs at the view's own commit, as in production."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailBackend"}}
    article = ArticleFactory()
    ModeratorFactory()

    with caplog.at_level(logging.ERROR):
        response = post_comment(client, article)

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "mail server down" in caplog.text
    assert COMMENT_THANKS in client.get(article.get_absolute_url()).content.decode()
