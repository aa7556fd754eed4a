"""Every job the site needs run on a schedule ships with a systemd timer in deploy/, each
timer starts a service that runs a management command that exists, and the task worker
ships as a service that is restarted when it stops."""

import configparser
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SCHEDULES = {
    "email_review_reminders": "Mon *-*-* 08:00:00",  # weekly
    "delete_old_feedback": "*-*-* 03:30:00",  # daily: notes are kept no longer than needed
    "publish_scheduled_drafts": "*-*-* *:*:00",  # every minute: go-live on the minute
    "delete_old_searches": "*-*-* 03:40:00",  # daily: readers' search words kept 90 days
    "delete_old_reports": "*-*-* 03:50:00",  # daily: reports of comments kept 30 days
    "prune_db_task_results": "*-*-* 04:00:00",  # daily: finished tasks hold email addresses
}
MANAGE_COMMAND = re.compile(r"\bmanage\.py (\w+)")


def unit(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def services():
    """{command: service file} for each shipped service."""
    found = {}
    for path in sorted(DEPLOY.glob("*.service")):
        command = MANAGE_COMMAND.search(unit(path)["Service"]["ExecStart"]).group(1)
        found[command] = path
    return found


@pytest.mark.parametrize("command", SCHEDULES)
def test_each_scheduled_job_has_a_timer_and_a_service(command):
    service = services().get(command)
    assert service is not None, f"no service in deploy/ runs {command}"
    timer = unit(service.with_suffix(".timer"))

    assert timer["Timer"]["OnCalendar"] == SCHEDULES[command]
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert unit(service)["Service"]["Type"] == "oneshot"
    assert unit(service)["Service"]["EnvironmentFile"] == "/etc/spasmcms/env"


def test_every_service_runs_a_command_that_exists():
    assert set(services()) <= set(get_commands())


def test_the_deploy_readme_lists_every_unit():
    listed = (DEPLOY / "README.md").read_text()

    for service in services().values():
        if service.with_suffix(".timer").exists():
            assert f"`{service.name}`, `.timer`" in listed
        else:
            assert f"`{service.name}`" in listed


def test_the_task_worker_runs_as_a_service_that_comes_back():
    worker = unit(services()["db_worker"])["Service"]

    assert "db_worker --no-reload" in worker["ExecStart"]
    assert worker["Type"] == "simple"
    assert worker["Restart"] == "always"
    assert worker["EnvironmentFile"] == "/etc/spasmcms/env"
    assert not (DEPLOY / "spasmcms-worker.timer").exists()
