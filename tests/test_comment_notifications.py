"""Moderators are emailed about each new comment. The email is queued in the same transaction
as the comment, so it exists exactly when the comment does, and the task worker sends it; a
mail server that is down loses no comment, and the email goes out once it is back."""

import logging

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from background.models import BackgroundTask
from comments.models import Comment
from comments.views import COMMENT_THANKS

from .admin_forms import change_url
from .background_tasks import run_background_tasks
from .comment_forms import comment_data, post_comment
from .factories import (
    ArticleFactory,
    BlockedWordFactory,
    ClinicianFactory,
    ModeratorFactory,
    UserFactory,
)
from .smtp_servers import accepting_smtp_server, refused_port, smtp_mailers

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    """Raised to roll a transaction back."""


@pytest.fixture
def moderator():
    return ModeratorFactory(first_name="Morgan", last_name="Lee")


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def test_moderators_with_an_email_are_emailed_by_the_worker_once_the_comment_is_stored(
    client, article, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    ModeratorFactory(email="")
    ModeratorFactory(email="gone@example.org", is_active=False)
    ClinicianFactory(email="clinician@example.org")
    UserFactory(email="reader@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, comment_data(display_name="Sam"))

    assert mailoutbox == []  # neither in the request nor at its commit: queued
    assert BackgroundTask.objects.get().status == TaskResultStatus.READY
    assert run_background_tasks() == 1
    (email,) = mailoutbox
    comment = Comment.objects.get()
    assert email.to == [moderator.email]
    assert email.subject == "A comment is waiting for moderation: Back muscle spasms"
    assert f"http://testserver{change_url(comment)}" in email.body
    assert "Sam commented on “Back muscle spasms”" in email.body
    assert run_background_tasks() == 0  # sent once


def test_the_email_is_stored_with_the_comment_so_a_rolled_back_comment_leaves_none(
    client, article, moderator, mailoutbox
):
    with pytest.raises(RolledBack), transaction.atomic():
        post_comment(client, article)
        assert (Comment.objects.count(), BackgroundTask.objects.count()) == (1, 1)
        raise RolledBack

    assert not Comment.objects.exists()
    assert not BackgroundTask.objects.exists()
    assert run_background_tasks() == 0
    assert mailoutbox == []


def test_every_moderator_is_emailed(client, article, mailoutbox):
    moderators = ModeratorFactory.create_batch(3)

    post_comment(client, article)
    run_background_tasks()

    (email,) = mailoutbox
    assert sorted(email.to) == sorted(m.email for m in moderators)


def test_with_no_moderator_to_tell_no_email_is_queued(client, article):
    ModeratorFactory(email="")

    post_comment(client, article)

    assert Comment.objects.get().status == Comment.Status.PENDING
    assert not BackgroundTask.objects.exists()


@pytest.mark.parametrize(
    "body", ["http://a.example http://b.example http://c.example", "Win at the casino"]
)
def test_spam_sends_no_email_to_moderators(client, article, moderator, mailoutbox, body):
    BlockedWordFactory(word="casino")

    response = post_comment(client, article, comment_data(body=body))

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert not BackgroundTask.objects.exists()
    assert run_background_tasks() == 0
    assert mailoutbox == []


def test_refused_comments_send_no_email(client, article, moderator, mailoutbox):
    post_comment(client, article, comment_data(body=""))

    assert not BackgroundTask.objects.exists()
    assert run_background_tasks() == 0
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_server_that_is_down_loses_no_comment_and_gets_the_email_once_it_is_back(
    client, settings, caplog
):
    """No test transaction here: the comment and its email commit in the view's own
    transaction, as in production."""
    article = ArticleFactory(title="Back muscle spasms")
    moderator = ModeratorFactory()

    with refused_port() as port:
        settings.MAILERS = smtp_mailers(port)
        response = post_comment(client, article)

        assert response.status_code == 302
        assert response["Location"] == f"{article.get_absolute_url()}#comments"
        assert COMMENT_THANKS in client.get(article.get_absolute_url()).content.decode()
        with caplog.at_level(logging.WARNING, logger="background.retries"):
            assert run_background_tasks() == 1
        assert "failed (attempt 1 of" in caplog.text
        task = BackgroundTask.objects.get()
        assert task.status == TaskResultStatus.READY
        assert task.last_error.startswith("ConnectionRefusedError: ")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING

    with accepting_smtp_server(port) as server:
        BackgroundTask.objects.update(run_after=timezone.now())  # the retry falls due
        assert run_background_tasks() == 1

    (delivery,) = server.deliveries
    assert delivery.recipients == [moderator.email]
    assert delivery.message["Subject"] == "A comment is waiting for moderation: Back muscle spasms"
    assert f"http://testserver{change_url(comment)}" in delivery.message.get_content()
    assert BackgroundTask.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert Comment.objects.get().status == Comment.Status.PENDING
