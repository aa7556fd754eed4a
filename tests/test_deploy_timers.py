"""Every job the site needs run on a schedule ships with a systemd timer in deploy/, and
each timer starts a service that runs a management command that exists."""

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
        assert f"`{service.name}`, `.timer`" in listed
