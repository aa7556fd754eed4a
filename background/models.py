from django.db import models
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet, get_date_max


class BackgroundTaskQuerySet(DBTaskResultQuerySet):
    def needing_attention(self):
        """Tasks that gave up, and tasks waiting to try again after an error."""
        return self.filter(status=TaskResultStatus.FAILED) | self.filter(
            status=TaskResultStatus.READY
        ).exclude(exception_class_path="")

    def waiting_longer_than(self, age):
        """Tasks due for longer than `age` but not yet started: is a worker running?"""
        due_since = timezone.now() - age
        return self.filter(status=TaskResultStatus.READY).filter(
            models.Q(run_after=get_date_max(), enqueued_at__lt=due_since)
            | models.Q(run_after__lt=due_since)
        )

    def try_again_now(self):
        """Run at once the tasks that gave up or wait to try again after an error (e.g. the
        mail server is back); returns how many."""
        waiting_after_an_error = models.Q(
            status=TaskResultStatus.READY,
            run_after__gt=timezone.now(),
            run_after__lt=get_date_max(),
        ) & ~models.Q(exception_class_path="")
        return self.filter(
            models.Q(status=TaskResultStatus.FAILED) | waiting_after_an_error
        ).update(status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None)


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
