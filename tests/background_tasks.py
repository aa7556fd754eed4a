"""Run the task worker's queue inside a test, as `manage.py db_worker` would.

django-tasks-db's own worker runs each task (sending the same signals, so the retry policy
applies); only its polling loop is left out, as that closes database connections between
tasks, which a test's transaction cannot survive.
"""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_ID = "test-worker"


def run_background_tasks():
    """Run every task that is due, in the worker's order; returns how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while (task := DBTaskResult.objects.ready().first()) is not None:
        task.claim(WORKER_ID)
        worker.run_task(task)
        ran += 1
    return ran
