"""Failed background tasks are tried again later, waiting longer each time.

The task worker (django-tasks-db's `db_worker`) marks a task that raised as failed and sends
`task_finished`. A task that failed on the network or a server (an `OSError`: a refused or
dropped connection, a timeout, a temporary SMTP error) is put back in the queue to run
after a delay that doubles with each attempt, up to `TASK_RETRY_MAX_DELAY_SECONDS`. It
keeps its last error, so staff can see why it is waiting, until it succeeds. After
`TASK_MAX_ATTEMPTS`, or at once for any other error (a bug, or a mail server refusing for
good with a 5xx reply, would fail the same way again), it stays failed, listed in the admin
with its error and a "Try again now" action.
"""

import logging
import random
import smtplib
import sys
from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def retry_delay(attempts):
    """Seconds to wait after the `attempts`-th failure: doubling, capped, with a little
    jitter so tasks that failed together do not all hit a recovering server together."""
    delay = settings.TASK_RETRY_DELAY_SECONDS * 2 ** (attempts - 1)
    delay = min(delay, settings.TASK_RETRY_MAX_DELAY_SECONDS)
    return delay * random.uniform(1.0, 1.1)  # noqa: S311 (not a secret)


def is_worth_retrying(exception):
    """A failure of the network or of a server, which may pass; not a refusal the mail
    server means for good (a 5xx reply, every recipient refused), nor a bug."""
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exception, smtplib.SMTPResponseException) and exception.smtp_code >= 500:
        return False
    return isinstance(exception, OSError)


@receiver(task_finished)
def try_again_later(sender, task_result, **kwargs):
    db_result = getattr(task_result, "db_result", None)
    if db_result is None or task_result.status != TaskResultStatus.FAILED:
        return
    attempts = task_result.attempts
    # The worker sends the signal while handling the task's exception.
    if not is_worth_retrying(sys.exc_info()[1]):
        logger.error("Background task %s failed and will not be retried", task_result.id)
        return
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        logger.error("Background task %s gave up after %d attempts", task_result.id, attempts)
        return
    run_after = timezone.now() + timedelta(seconds=retry_delay(attempts))
    DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    logger.warning(
        "Background task %s failed (attempt %d of %d); trying again at %s",
        task_result.id,
        attempts,
        settings.TASK_MAX_ATTEMPTS,
        run_after.isoformat(timespec="seconds"),
    )
