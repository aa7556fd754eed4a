"""The deployment image holds every app the site runs, and compose runs the task worker
beside the app instances, from the same image and settings."""

import re
from pathlib import Path

from django.apps import apps

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT_DIR / "deploy"


def project_apps():
    """The installed apps whose code lives in this repository."""
    return sorted(
        config.name for config in apps.get_app_configs() if Path(config.path).parent == PROJECT_DIR
    )


def test_the_image_copies_every_app_of_the_project():
    dockerfile = (DEPLOY / "Dockerfile").read_text()

    for app in [*project_apps(), "spasmcms", "templates"]:
        assert re.search(rf"^COPY {app} \./{app}$", dockerfile, re.MULTILINE), app


def test_compose_runs_the_task_worker_with_the_apps_settings():
    compose = (DEPLOY / "compose.yaml").read_text()
    worker = re.search(r"^  worker:\n((?:    .*\n|\n)+)", compose, re.MULTILINE)

    assert worker, "no worker service in compose.yaml"
    assert "<<: *app\n" in worker.group(1)
    assert "command: python manage.py db_worker --no-reload" in worker.group(1)
    assert "migrate: { condition: service_completed_successfully }" in worker.group(1)
