"""Clinicians answer comments in the admin: public at once, the reader emailed if they asked
(queued with the reply and sent by the task worker, even if the mail server was down)."""

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone

from background.models import BackgroundTask
from comments.models import Comment

from .background_tasks import run_background_tasks
from .comment_forms import add_reply, comment_bodies
from .factories import ArticleFactory, CommentFactory
from .smtp_servers import accepting_smtp_server, refused_port, smtp_mailers

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    """Raised to roll a transaction back."""


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


def test_the_reader_who_asked_is_emailed_by_the_worker_once_the_reply_is_stored(
    clinician_client, article, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        article=article,
        display_name="Sam",
        email="sam@example.com",
        notify_on_reply=True,
        approved=True,
    )

    with django_capture_on_commit_callbacks(execute=True):
        add_reply(clinician_client, comment, "Keep gently moving.")

    assert mailoutbox == []  # neither in the request nor at its commit: queued
    assert BackgroundTask.objects.get().status == TaskResultStatus.READY
    assert run_background_tasks() == 1
    (email,) = mailoutbox
    assert email.to == ["sam@example.com"]
    assert email.subject == "Your comment on “Back muscle spasms” has an answer"
    assert f"http://testserver{article.get_absolute_url()}#comments" in email.body
    assert "Hello Sam" in email.body


def test_the_email_is_stored_with_the_reply_so_a_rolled_back_reply_leaves_none(
    clinician_client, mailoutbox
):
    comment = CommentFactory(email="sam@example.com", notify_on_reply=True, approved=True)

    with pytest.raises(RolledBack), transaction.atomic():
        add_reply(clinician_client, comment, "An answer")
        assert (comment.replies.count(), BackgroundTask.objects.count()) == (1, 1)
        raise RolledBack

    assert not comment.replies.exists()
    assert not BackgroundTask.objects.exists()
    assert run_background_tasks() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(("email", "notify"), [("sam@example.com", False), ("", True), ("", False)])
def test_no_email_unless_the_reader_asked_and_left_an_address(
    clinician_client, mailoutbox, email, notify
):
    comment = CommentFactory(email=email, notify_on_reply=notify, approved=True)

    response = add_reply(clinician_client, comment, "An answer")

    assert response.status_code == 302
    assert not BackgroundTask.objects.exists()
    assert run_background_tasks() == 0
    assert mailoutbox == []


def test_a_mail_server_that_is_down_loses_no_reply_and_the_reader_is_emailed_once_it_is_back(
    clinician_client, settings
):
    comment = CommentFactory(email="sam@example.com", notify_on_reply=True, approved=True)

    with refused_port() as port:
        settings.MAILERS = smtp_mailers(port)
        response = add_reply(clinician_client, comment, "An answer")

        assert response.status_code == 302
        assert run_background_tasks() == 1
        assert BackgroundTask.objects.get().status == TaskResultStatus.READY  # to try again
        assert Comment.objects.get(parent=comment).status == Comment.Status.APPROVED

    with accepting_smtp_server(port) as server:
        BackgroundTask.objects.update(run_after=timezone.now())  # the retry falls due
        assert run_background_tasks() == 1

    (delivery,) = server.deliveries
    assert delivery.recipients == ["sam@example.com"]
    assert delivery.message["Subject"] == f"Your comment on “{comment.article.title}” has an answer"
    assert Comment.objects.get(parent=comment).status == Comment.Status.APPROVED
