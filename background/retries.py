"""Failed background tasks are tried again later, waiting longer each time.

The task worker (django-tasks-db's `db_worker`) marks a task that raised as failed and sends
`task_finished`. A task that failed on the network or a server (an `OSError`: a refused or
dropped connection, a timeout, a temporary SMTP error) is put back in the queue to run
after a delay that doubles with each attempt, up to `TASK_RETRY_MAX_DELAY_SECONDS`. It
keeps its last error, so staff can see why it is waiting, until it succeeds. After
`TASK_MAX_ATTEMPTS`, or at once for any other error (a bug, or a mail server refusing for
good with a 5xx reply, would fail the same way again), it stays failed, listed in the admin
with its error and a "Try again now" action. A task left "running" by a worker that was
killed is put back in line by the next task any worker starts.
"""

import logging
import random
import smtplib
import sys
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import BackgroundTask
from .tasks import URGENT, send_email

SEND_EMAIL = send_email.module_path

logger = logging.getLogger(__name__)


# An urgent task (a possible emergency in a comment) waits at most this long between tries,
# and keeps trying for as long as the others do.
URGENT_RETRY_MAX_DELAY_SECONDS = 300


def scheduled_delay(attempts, urgent=False):
    """Seconds to wait after the `attempts`-th failure: doubling, capped."""
    cap = settings.TASK_RETRY_MAX_DELAY_SECONDS
    if urgent:
        cap = min(cap, URGENT_RETRY_MAX_DELAY_SECONDS)
    return min(settings.TASK_RETRY_DELAY_SECONDS * 2 ** (attempts - 1), cap)


def retry_delay(attempts, urgent=False):
    """The scheduled delay with a little jitter, so tasks that failed together do not all
    hit a recovering server together."""
    return scheduled_delay(attempts, urgent) * random.uniform(1.0, 1.1)  # noqa: S311


def retrying_for():
    """How long tasks are tried: TASK_MAX_ATTEMPTS tries on the normal schedule (about 19
    hours by default)."""
    tries = range(1, settings.TASK_MAX_ATTEMPTS)
    return timedelta(seconds=sum(scheduled_delay(attempts) for attempts in tries))


def gives_up(task_result, urgent):
    if urgent:
        return timezone.now() - task_result.enqueued_at >= retrying_for()
    return task_result.attempts >= settings.TASK_MAX_ATTEMPTS


def is_worth_retrying(exception):
    """A failure of the network or of a server, which may pass, or the worker being stopped
    mid-task; not a refusal the mail server means for good (5xx), nor a bug."""
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        # Greylisting (450) and full mailboxes (452) pass; unknown addresses (550) do not.
        return any(code < 500 for code, _ in exception.recipients.values())
    if isinstance(exception, smtplib.SMTPResponseException) and exception.smtp_code >= 500:
        return False
    return isinstance(exception, OSError | SystemExit | KeyboardInterrupt)


@receiver(task_started)
def requeue_tasks_whose_worker_stopped(sender, task_result, **kwargs):
    """Whenever a worker starts a task, put back any task another worker stopped running
    long ago (it was killed mid-send): no email is left marked "running" for ever."""
    try:
        if count := BackgroundTask.objects.requeue_stuck():
            logger.warning("Put %d background task(s) whose worker stopped back in line", count)
    except DatabaseError:
        logger.exception("Could not look for background tasks whose worker stopped")


def bring_forward_waiting_emails():
    """An email just went out, so the mail server is back: every email waiting to try again
    is due now, and the worker takes them most urgent first (not in the order their
    back-offs happen to end)."""
    BackgroundTask.objects.filter(task_path=SEND_EMAIL).bring_forward_retries()


@receiver(task_finished)
def try_again_later(sender, task_result, **kwargs):
    db_result = getattr(task_result, "db_result", None)
    if db_result is None:
        return
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        if db_result.task_path == SEND_EMAIL:
            try:
                bring_forward_waiting_emails()
            except DatabaseError:
                logger.exception("Could not bring forward the emails waiting to try again")
        return
    if task_result.status != TaskResultStatus.FAILED:
        return
    attempts = task_result.attempts
    urgent = db_result.priority >= URGENT
    # The worker sends the signal while handling the task's exception.
    if not is_worth_retrying(sys.exc_info()[1]):
        logger.error("Background task %s failed and will not be retried", task_result.id)
        return
    if gives_up(task_result, urgent):
        logger.error("Background task %s gave up after %d attempts", task_result.id, attempts)
        return
    run_after = timezone.now() + timedelta(seconds=retry_delay(attempts, urgent))
    try:
        DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=run_after, finished_at=None
        )
    except DatabaseError:
        # The worker carries on; the task stays failed, listed for staff to try again.
        logger.exception("Could not put background task %s back in line", task_result.id)
        return
    logger.warning(
        "Background task %s failed (attempt %d of %d); trying again at %s",
        task_result.id,
        attempts,
        settings.TASK_MAX_ATTEMPTS,
        run_after.isoformat(timespec="seconds"),
    )
