from datetime import timedelta

from django.db import models
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet, get_date_max

# A task still marked running this long after it started lost its worker (killed mid-send,
# host restarted): a send gives up within a few SMTP timeouts, far sooner.
STUCK_AFTER = timedelta(minutes=10)


class BackgroundTaskQuerySet(DBTaskResultQuerySet):
    def stuck(self):
        """Tasks whose worker stopped while running them."""
        return self.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - STUCK_AFTER
        )

    def needing_attention(self):
        """Tasks that gave up, tasks waiting to try again after an error, and tasks whose
        worker stopped while running them."""
        return (
            self.filter(status=TaskResultStatus.FAILED)
            | self.filter(status=TaskResultStatus.READY).exclude(exception_class_path="")
            | self.stuck()
        )

    def waiting_longer_than(self, age):
        """Tasks due for longer than `age` but not yet started: is a worker running?"""
        due_since = timezone.now() - age
        return self.filter(status=TaskResultStatus.READY).filter(
            models.Q(run_after=get_date_max(), enqueued_at__lt=due_since)
            | models.Q(run_after__lt=due_since)
        )

    def requeue_stuck(self):
        """Put tasks whose worker stopped while running them back in the queue; how many.

        Sending mail twice is the lesser harm: the worker may have been killed after the
        mail server took the message but before it was marked done.
        """
        return self.stuck().update(status=TaskResultStatus.READY, run_after=timezone.now())

    def try_again_now(self):
        """Run at once the tasks that gave up (their tries start over), wait to try again
        after an error (e.g. the mail server is back), or lost their worker; how many."""
        now = timezone.now()
        gave_up = self.filter(status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=now, finished_at=None, worker_ids=[]
        )
        return gave_up + self.bring_forward_retries() + self.requeue_stuck()

    def bring_forward_retries(self):
        """Make the tasks waiting out a back-off after an error due now; how many."""
        now = timezone.now()
        return (
            self.filter(
                status=TaskResultStatus.READY, run_after__gt=now, run_after__lt=get_date_max()
            )
            .exclude(exception_class_path="")
            .update(run_after=now)
        )


class BackgroundTask(DBTaskResult):
    """The task worker's queue (django-tasks-db's table), as staff see it."""

    objects = BackgroundTaskQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "background task"
        ordering = ["-enqueued_at"]
        permissions = [("retry_backgroundtask", "Can try a failed background task again")]

    @property
    def attempts(self):
        return len(self.worker_ids)

    @property
    def is_stuck(self):
        return (
            self.status == TaskResultStatus.RUNNING
            and self.started_at is not None
            and self.started_at < timezone.now() - STUCK_AFTER
        )

    @property
    def retry_at(self):
        """When a task waiting after an error will be tried again, else None."""
        if self.status == TaskResultStatus.READY and self.exception_class_path:
            return None if self.run_after == get_date_max() else self.run_after
        return None

    @property
    def last_error(self):
        """The last error's type and message, in one line ("" if none)."""
        if not self.exception_class_path:
            return ""
        last_line = self.traceback.strip().splitlines()[-1] if self.traceback.strip() else ""
        return last_line or self.exception_class_path.rsplit(".", 1)[-1]

    @property
    def description(self):
        kwargs = self.args_kwargs.get("kwargs", {})
        if self.task_path.endswith(".send_email"):
            count = len(kwargs.get("to", []))
            people = "1 person" if count == 1 else f"{count} people"
            return f"Email to {people}: “{kwargs.get('subject', '')}”"
        return self.task_name
