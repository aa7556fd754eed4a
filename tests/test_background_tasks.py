"""The task worker's queue: an email that failed on the network is tried again later, waiting
twice as long each time up to a cap, until it goes out or gives up; a task with a bug fails
at once. Moderators see the queue in the admin and can try a failed task again; nobody can
add, change or delete one there.

The mail servers are real ones on loopback (see `smtp_servers`), the worker is
django-tasks-db's own (see `background_tasks`).
"""

import html
import logging
import re
import time
from datetime import timedelta

import django.tasks
import pytest
from django.contrib.auth.models import Permission
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from background.models import BackgroundTask
from background.tasks import URGENT, queue_email

from .admin_forms import admin_url, change_url
from .background_tasks import run_background_tasks
from .factories import ClinicianFactory, EditorFactory, ModeratorFactory, UserFactory
from .smtp_servers import (
    GreylistEveryRecipient,
    RefuseEveryRecipient,
    accepting_smtp_server,
    refused_port,
    silent_smtp_server,
    smtp_mailers,
    smtp_settings,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:background_backgroundtask_changelist")
WORKER_SILENT = "the task worker may not be running"


@django.tasks.task()
def broken_task():
    """A task with a bug: it fails the same way however often it runs."""
    raise ValueError("a bug in the task")


@pytest.fixture
def mail_server_down(settings):
    """The SMTP backend points at a loopback port that refuses connections."""
    with refused_port() as port:
        settings.MAILERS = smtp_mailers(port)
        yield


@pytest.fixture
def moderator_client(client):
    client.force_login(ModeratorFactory())
    return client


def queue(subject="Subject", to=("moderator@example.org",)):
    """Queue an email; its task in the queue."""
    return BackgroundTask.objects.get(pk=queue_email(subject, "Body", list(to)).id)


def later_when_retries_are_due():
    """The clock moves on to when every task waiting to try again is due."""
    BackgroundTask.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def fail_until_it_gives_up(settings):
    """An email that failed once, with no attempt left: its task."""
    settings.TASK_MAX_ATTEMPTS = 1
    with refused_port() as port, smtp_settings(port):
        task = queue("Notice")
        assert run_background_tasks() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    return task


def fail_and_wait_to_try_again(settings):
    """An email that failed once and waits half a minute to try again: its task."""
    settings.TASK_RETRY_DELAY_SECONDS = 30
    with refused_port() as port, smtp_settings(port):
        task = queue("Notice")
        assert run_background_tasks() == 1
    task.refresh_from_db()
    assert task.retry_at > timezone.now() + timedelta(seconds=29)
    return task


# The retry policy


def test_an_email_that_failed_on_the_network_waits_twice_as_long_each_time_up_to_the_cap(
    settings, mail_server_down
):
    settings.TASK_RETRY_DELAY_SECONDS = 10
    settings.TASK_RETRY_MAX_DELAY_SECONDS = 35
    task = queue()

    for attempt, delay in enumerate([10, 20, 35, 35], start=1):  # 40 s is capped at 35
        before = timezone.now()
        assert run_background_tasks() == 1
        after = timezone.now()

        task.refresh_from_db()
        assert task.status == TaskResultStatus.READY
        assert task.attempts == attempt
        assert task.exception_class_path == "builtins.ConnectionRefusedError"
        assert task.last_error.startswith("ConnectionRefusedError: ")
        # The delay, with up to 10 % jitter so tasks that failed together spread out.
        assert before + timedelta(seconds=delay) <= task.run_after
        assert task.run_after <= after + timedelta(seconds=delay * 1.1)
        assert task.retry_at == task.run_after
        assert run_background_tasks() == 0  # not tried again before it is due
        later_when_retries_are_due()


def test_an_email_gives_up_after_task_max_attempts_and_stays_failed(
    settings, mail_server_down, caplog
):
    settings.TASK_MAX_ATTEMPTS = 3
    task = queue()

    with caplog.at_level(logging.WARNING, logger="background.retries"):
        for _ in range(3):
            assert run_background_tasks() == 1
            later_when_retries_are_due()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.attempts == 3
    assert task.retry_at is None
    assert task.last_error.startswith("ConnectionRefusedError: ")
    assert run_background_tasks() == 0
    assert caplog.text.count("trying again at") == 2
    assert f"Background task {task.id} gave up after 3 attempts" in caplog.text


def test_a_task_with_a_bug_fails_at_once_and_is_never_tried_again(caplog):
    broken = BackgroundTask.objects.get(pk=broken_task.enqueue().id)

    with caplog.at_level(logging.ERROR, logger="background.retries"):
        assert run_background_tasks() == 1

    broken.refresh_from_db()
    assert broken.status == TaskResultStatus.FAILED
    assert broken.attempts == 1
    assert broken.exception_class_path == "builtins.ValueError"
    assert broken.last_error == "ValueError: a bug in the task"
    assert broken.retry_at is None
    later_when_retries_are_due()
    assert run_background_tasks() == 0
    assert f"Background task {broken.id} failed and will not be retried" in caplog.text


def test_an_address_the_mail_server_refuses_for_good_is_not_tried_again():
    refusing = accepting_smtp_server(handler_class=RefuseEveryRecipient)
    with refusing as server, smtp_settings(server.port):
        task = queue(to=["no-such-reader@example.org"])
        assert run_background_tasks() == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED  # listed for staff, not retried for hours
    assert task.attempts == 1
    assert task.exception_class_path == "smtplib.SMTPRecipientsRefused"
    assert server.deliveries == []


def test_a_greylisting_mail_server_is_tried_again_later():
    greylisting = accepting_smtp_server(handler_class=GreylistEveryRecipient)
    with greylisting as server, smtp_settings(server.port):
        task = queue(to=["reader@example.org"])
        assert run_background_tasks() == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.retry_at is not None
    assert task.exception_class_path == "smtplib.SMTPRecipientsRefused"


def test_a_failed_tasks_log_line_names_no_address(caplog):
    refusing = accepting_smtp_server(handler_class=RefuseEveryRecipient)
    with caplog.at_level(logging.INFO), refusing as server, smtp_settings(server.port):
        task = queue(to=["no-such-reader@example.org"])
        assert run_background_tasks() == 1

    failed = [r for r in caplog.records if r.name == "django.tasks" and r.levelname == "ERROR"]
    assert failed and all(r.exc_info is None for r in failed)
    assert "(SMTPRecipientsRefused)" in failed[0].getMessage()
    ours = [r for r in caplog.records if r.name != "mail.log"]  # not the test server's own
    assert not any("no-such-reader" in logging.Formatter().format(r) for r in ours)
    task.refresh_from_db()
    assert "no-such-reader@example.org" in task.traceback  # kept for staff, in the admin


@django.tasks.task()
def stopped_task():
    """A task whose worker is told to stop a second time while it runs."""
    raise SystemExit(1)


def test_a_task_cut_short_by_stopping_the_worker_is_tried_again():
    task = BackgroundTask.objects.get(pk=stopped_task.enqueue().id)

    assert run_background_tasks() == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.retry_at is not None


def left_running_by_a_killed_worker(minutes_ago):
    task = queue("Left running")
    BackgroundTask.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=["killed-worker"],
    )
    return task


def test_a_task_left_running_by_a_killed_worker_is_sent_when_a_worker_next_starts_one(
    mailoutbox,
):
    stuck = left_running_by_a_killed_worker(minutes_ago=11)
    recent = left_running_by_a_killed_worker(minutes_ago=1)  # may still be sending
    assert set(BackgroundTask.objects.needing_attention()) == {stuck}
    queue("A new notice")

    assert run_background_tasks() == 2  # the new one, then the one put back in line

    assert [m.subject for m in mailoutbox] == ["A new notice", "Left running"]
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == TaskResultStatus.SUCCESSFUL
    assert recent.status == TaskResultStatus.RUNNING


def test_try_again_now_puts_back_a_task_left_running_and_starts_a_given_up_ones_tries_over(
    moderator_client, settings, mailoutbox
):
    gave_up = fail_until_it_gives_up(settings)
    settings.TASK_MAX_ATTEMPTS = 25
    stuck = left_running_by_a_killed_worker(minutes_ago=30)

    response = moderator_client.get(CHANGELIST)
    assert "Its worker stopped while running it" in response.content.decode()
    moderator_client.post(
        CHANGELIST, {"action": "try_again_now", "_selected_action": [stuck.pk, gave_up.pk]}
    )

    gave_up.refresh_from_db()
    assert (gave_up.status, gave_up.attempts) == (TaskResultStatus.READY, 0)
    assert run_background_tasks() == 2
    assert len(mailoutbox) == 2


def test_an_urgent_email_waits_at_most_five_minutes_between_tries_and_tries_as_long(
    settings, mail_server_down
):
    settings.TASK_RETRY_DELAY_SECONDS = 120
    settings.TASK_MAX_ATTEMPTS = 3  # routine email: tries for 120 + 240 s in all
    task = BackgroundTask.objects.get(
        pk=queue_email("Possible emergency", "Read it.", ["m@example.org"], urgent=True).id
    )

    for attempt, delay in enumerate([120, 240, 300, 300], start=1):
        before = timezone.now()
        assert run_background_tasks() == 1
        task.refresh_from_db()
        assert task.status == TaskResultStatus.READY, attempt  # past the routine 3 tries
        assert before + timedelta(seconds=delay) <= task.run_after
        later_when_retries_are_due()

    BackgroundTask.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=361)
    )
    assert run_background_tasks() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED  # as long as the routine ones, then no more


def test_once_an_email_goes_out_the_others_waiting_are_due_and_the_urgent_one_goes_first(
    settings,
):
    settings.TASK_RETRY_DELAY_SECONDS = 600
    with refused_port() as port, smtp_settings(port):
        routine = queue("Routine")
        urgent = queue_email("Possible emergency", "Read it.", ["m@example.org"], urgent=True)
        assert run_background_tasks() == 2  # both wait ten minutes now
    with accepting_smtp_server(port) as server, smtp_settings(port):
        queue("A new notice")
        assert run_background_tasks() == 3

    assert [d.message["Subject"] for d in server.deliveries] == [
        "A new notice",
        "Possible emergency",
        "Routine",
    ]
    routine.refresh_from_db()
    assert routine.status == BackgroundTask.objects.get(pk=urgent.id).status == "SUCCESSFUL"


def test_an_email_goes_out_once_the_server_is_back_and_its_error_is_then_cleared():
    with refused_port() as port, smtp_settings(port):
        task = queue(to=["moderator@example.org", "clinician@example.org"])
        for _ in range(2):
            assert run_background_tasks() == 1
            later_when_retries_are_due()
        task.refresh_from_db()
        assert task.exception_class_path == "builtins.ConnectionRefusedError"

    with accepting_smtp_server(port) as server, smtp_settings(port):
        assert run_background_tasks() == 1

    (delivery,) = server.deliveries
    assert delivery.recipients == ["moderator@example.org", "clinician@example.org"]
    assert delivery.message["Subject"] == "Subject"
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.attempts == 3
    assert (task.exception_class_path, task.traceback, task.last_error) == ("", "", "")
    assert task.retry_at is None
    assert run_background_tasks() == 0  # sent once


def test_a_mail_server_that_never_answers_is_given_up_on_after_the_smtp_timeout():
    with silent_smtp_server() as (port, accepted), smtp_settings(port, timeout=0.5):
        task = queue()
        started = time.monotonic()
        assert run_background_tasks() == 1
        seconds = time.monotonic() - started

    assert accepted, "the mail server was never reached"
    assert 0.4 < seconds < 2  # the half second set, then the worker moves on
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY  # a timeout is tried again later
    assert (
        task.last_error
        == "smtplib.SMTPServerDisconnected: Connection unexpectedly closed: timed out"
    )


def test_urgent_emails_go_ahead_of_routine_ones_queued_before_them(mailoutbox):
    queue("Routine")
    queue_email("Urgent", "Body", ["clinician@example.org"], urgent=True)

    assert run_background_tasks() == 2

    assert [message.subject for message in mailoutbox] == ["Urgent", "Routine"]
    assert BackgroundTask.objects.get(priority=URGENT).description == "Email to 1 person: “Urgent”"


def test_an_email_to_nobody_is_not_queued():
    assert queue_email("Subject", "Body", []) is None
    assert not BackgroundTask.objects.exists()


# What staff see in the admin


def rows(response):
    """The changelist's rows, each the text of its cells after the checkbox."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [html.unescape(strip_tags(cell)).strip() for cell in cells[1:]]
        for cells in (
            re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
        )
    ]


def warnings_on(response):
    return [
        str(message) for message in response.context["messages"] if message.level_tag == "warning"
    ]


@pytest.fixture
def a_task_in_every_state(mailoutbox):
    """Tasks done, given up after a bug, waiting to try again and waiting to run, by name;
    queued in that order, a second apart."""
    tasks = {"done": queue("Done")}
    assert run_background_tasks() == 1
    tasks["bug"] = BackgroundTask.objects.get(pk=broken_task.enqueue().id)
    assert run_background_tasks() == 1
    with refused_port() as port, smtp_settings(port):
        tasks["retrying"] = queue("Retrying", to=["a@example.org", "b@example.org"])
        assert run_background_tasks() == 1
    tasks["waiting"] = queue("Waiting")
    for age, task in enumerate(reversed(tasks.values()), start=1):
        BackgroundTask.objects.filter(pk=task.pk).update(
            enqueued_at=timezone.now() - timedelta(seconds=age)
        )
    return {name: BackgroundTask.objects.get(pk=task.pk) for name, task in tasks.items()}


def test_moderators_see_each_task_with_its_state_and_last_error(
    moderator_client, a_task_in_every_state
):
    retrying = a_task_in_every_state["retrying"]

    response = moderator_client.get(CHANGELIST)

    assert response.status_code == 200
    retry_at = timezone.localtime(retrying.retry_at)
    assert [row[:4] for row in rows(response)] == [
        ["Email to 1 person: “Waiting”", "Waiting to run", "0", "—"],
        [
            "Email to 2 people: “Retrying”",
            f"Failed; trying again at {retry_at:%H:%M:%S on %d %b}",
            "1",
            retrying.last_error,
        ],
        ["broken_task", "Gave up after 1 attempt", "1", "ValueError: a bug in the task"],
        ["Email to 1 person: “Done”", "Done", "1", "—"],
    ]
    assert retrying.last_error.startswith("ConnectionRefusedError: ")
    assert warnings_on(response) == []


@pytest.mark.parametrize(
    ("state", "listed"),
    [
        ("problems", ["retrying", "bug"]),
        ("failed", ["bug"]),
        ("waiting", ["waiting", "retrying"]),
        ("done", ["done"]),
    ],
)
def test_the_state_filter_picks_out_the_tasks_in_that_state(
    moderator_client, a_task_in_every_state, state, listed
):
    response = moderator_client.get(CHANGELIST, {"state": state})

    assert list(response.context["cl"].result_list) == [
        a_task_in_every_state[name] for name in listed
    ]


def test_a_tasks_page_shows_its_whole_error_for_reading_only(moderator_client, settings):
    task = fail_until_it_gives_up(settings)

    response = moderator_client.get(change_url(task))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<pre class='task-traceback'>Traceback (most recent call last):" in page
    assert html.escape(task.last_error) in page
    assert 'name="_save"' not in page


@pytest.mark.parametrize(
    "failed_email",
    [fail_until_it_gives_up, fail_and_wait_to_try_again],
    ids=["gave-up", "waiting-to-try-again"],
)
def test_try_again_now_has_the_worker_send_a_failed_email_at_once(
    moderator_client, settings, failed_email
):
    task = failed_email(settings)

    response = moderator_client.post(
        CHANGELIST, {"action": "try_again_now", "_selected_action": [task.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["1 task will be tried again shortly."]
    assert BackgroundTask.objects.ready().filter(pk=task.pk).exists()  # due now
    with accepting_smtp_server() as server, smtp_settings(server.port):
        assert run_background_tasks() == 1
    (delivery,) = server.deliveries
    assert delivery.recipients == ["moderator@example.org"]
    assert delivery.message["Subject"] == "Notice"
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.last_error == ""


def test_try_again_now_leaves_tasks_that_had_not_failed_alone(moderator_client, mailoutbox):
    done = queue("Done")
    run_background_tasks()
    waiting = queue("Waiting")

    response = moderator_client.post(
        CHANGELIST,
        {"action": "try_again_now", "_selected_action": [done.pk, waiting.pk]},
        follow=True,
    )

    assert warnings_on(response) == ["None of the selected tasks had failed: nothing to try again."]
    assert BackgroundTask.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
    assert run_background_tasks() == 1  # the waiting one, once
    assert [message.subject for message in mailoutbox] == ["Done", "Waiting"]


def test_staff_who_may_only_view_the_queue_are_not_offered_try_again_now(client, settings):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_backgroundtask"))
    client.force_login(viewer)
    task = fail_until_it_gives_up(settings)

    response = client.get(CHANGELIST)
    client.post(CHANGELIST, {"action": "try_again_now", "_selected_action": [task.pk]})

    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action to offer
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


@pytest.mark.parametrize("staff", [EditorFactory, ClinicianFactory], ids=["editor", "clinician"])
def test_editors_and_clinicians_cannot_see_the_queue(client, staff):
    client.force_login(staff())
    task = queue()

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(task)).status_code == 403
    assert CHANGELIST not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize(
    "person",
    [ModeratorFactory, lambda: UserFactory(is_staff=True, is_superuser=True)],
    ids=["moderator", "superuser"],
)
def test_nobody_can_add_change_or_delete_a_task_not_even_a_superuser(client, person, settings):
    client.force_login(person())
    task = fail_until_it_gives_up(settings)

    response = client.get(CHANGELIST)
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in choices
    assert "try_again_now" in choices
    assert client.get(reverse("admin:background_backgroundtask_add")).status_code == 403
    assert client.post(change_url(task), {"status": "SUCCESSFUL"}).status_code == 403
    assert client.get(admin_url(task, "delete")).status_code == 403
    assert client.post(admin_url(task, "delete"), {"post": "yes"}).status_code == 403
    assert BackgroundTask.objects.get(pk=task.pk).status == TaskResultStatus.FAILED


def task_aged(minutes, **fields):
    """An email queued `minutes` ago, with its task's fields then set to `fields`."""
    task = queue()
    fields.setdefault("enqueued_at", timezone.now() - timedelta(minutes=minutes))
    BackgroundTask.objects.filter(pk=task.pk).update(**fields)
    return task


def minutes_from_now(minutes):
    return timezone.now() + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("make_task", "warned"),
    [
        pytest.param(lambda: task_aged(0), False, id="just-queued"),
        pytest.param(lambda: task_aged(4), False, id="queued-4-minutes-ago"),
        pytest.param(lambda: task_aged(6), True, id="queued-6-minutes-ago"),
        pytest.param(
            lambda: task_aged(
                60, run_after=minutes_from_now(1), exception_class_path="smtplib.SMTPException"
            ),
            False,
            id="retry-due-in-a-minute",
        ),
        pytest.param(
            lambda: task_aged(
                60, run_after=minutes_from_now(-6), exception_class_path="smtplib.SMTPException"
            ),
            True,
            id="retry-due-6-minutes-ago",
        ),
        pytest.param(
            lambda: task_aged(60, status=TaskResultStatus.RUNNING), False, id="running-for-an-hour"
        ),
        pytest.param(
            lambda: task_aged(60, status=TaskResultStatus.SUCCESSFUL), False, id="done-long-ago"
        ),
        pytest.param(
            lambda: task_aged(60, status=TaskResultStatus.FAILED), False, id="gave-up-long-ago"
        ),
    ],
)
def test_the_worker_may_not_be_running_warning_is_only_for_a_task_due_over_5_minutes_ago(
    moderator_client, make_task, warned
):
    make_task()

    response = moderator_client.get(CHANGELIST)

    assert any(WORKER_SILENT in warning for warning in warnings_on(response)) == warned


def test_a_task_just_tried_again_does_not_warn_that_the_worker_may_not_be_running(
    moderator_client, settings
):
    task = fail_until_it_gives_up(settings)
    BackgroundTask.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(hours=19)  # gave up after a day of retries
    )

    response = moderator_client.post(
        CHANGELIST, {"action": "try_again_now", "_selected_action": [task.pk]}, follow=True
    )

    assert BackgroundTask.objects.get(pk=task.pk).status == TaskResultStatus.READY
    assert not any(WORKER_SILENT in warning for warning in warnings_on(response))
