"""The admin's home page tells moderators when emails are not getting out: tasks that
failed (each tried again later) and a queue no worker seems to be taking from."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.tasks import queue_email
from governance.roles import CLINICIAN, EDITOR, MODERATOR

from .factories import signed_in_as

pytestmark = pytest.mark.django_db

HEADING = "Emails not sent yet"


def home_page(client):
    return client.get(reverse("admin:index")).content.decode()


def failing_email():
    result = queue_email("A comment is waiting", "Approve it here.", ["mod@example.org"])
    DBTaskResult.objects.filter(pk=result.id).update(
        exception_class_path="ConnectionRefusedError",
        traceback="ConnectionRefusedError: [Errno 111] Connection refused",
        run_after=timezone.now() + datetime.timedelta(minutes=1),
        worker_ids=["worker-1"],
    )


def test_a_moderator_is_told_of_emails_that_failed(client):
    signed_in_as(client, MODERATOR)
    failing_email()

    page = home_page(client)

    assert HEADING in page
    assert "<strong>1</strong> background task</a> needs a look" in page
    assert f"{reverse('admin:background_backgroundtask_changelist')}?state=problems" in page
    assert "worker may not be running" not in page


def test_a_queue_no_worker_takes_from_is_noticed_after_five_minutes(client):
    signed_in_as(client, MODERATOR)
    result = queue_email("A comment is waiting", "Approve it here.", ["mod@example.org"])

    assert HEADING not in home_page(client)  # just queued: a worker has not had its turn

    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    page = home_page(client)
    assert HEADING in page
    assert "the task worker may not be running" in page


def test_all_well_shows_nothing(client):
    signed_in_as(client, MODERATOR)
    queue_email("Sent", "Done.", ["mod@example.org"])
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=timezone.now())

    assert HEADING not in home_page(client)


@pytest.mark.parametrize("role", [EDITOR, CLINICIAN])
def test_roles_without_the_queue_are_not_told(client, role):
    signed_in_as(client, role)
    failing_email()

    assert HEADING not in home_page(client)
