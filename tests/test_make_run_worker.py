"""`make run` is one command that also runs the task worker: the Procfile it starts serves
the site and sends the mail queued in the database, and Ctrl-C stops both.

Its processes use a SQLite file of their own, as `make run` does, so this is the same on
any test database: `.ci/run` runs it in its SQLite pass only.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .servers import PROJECT_DIR, env_without_settings, free_port, manage

HONCHO = Path(sys.executable).with_name("honcho")
SUBJECT = "A comment is waiting for moderation: queued before the start"


@pytest.mark.database_independent
def test_make_run_starts_a_worker_beside_the_dev_server(tmp_path):
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert re.search(r"^\t\$\(BIN\)/honcho start --procfile Procfile\.dev\b", makefile, re.M)

    env = env_without_settings(
        DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}"
    )
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    queue = "from background.tasks import queue_email; queue_email({!r}, 'Approve.', ['m@x.org'])"
    manage(env, "shell", "--command", queue.format(SUBJECT))

    port = free_port()
    honcho = subprocess.Popen(
        [str(HONCHO), "start", "--procfile", "Procfile.dev", "--port", str(port), "--no-colour"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    reader = threading.Thread(target=lambda: output.extend(honcho.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 40
        served = sent = False
        while time.monotonic() < deadline and not (served and sent):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    served = True
            except OSError:
                pass
            # Printed by the worker, which the dev settings give the console mail backend.
            sent = any(re.search(rf"worker\.1\s*\| Subject: {SUBJECT}$", ln) for ln in output)
            time.sleep(0.2)
        assert served, "".join(output)
        assert sent, "".join(output)

        honcho.send_signal(signal.SIGINT)  # Ctrl-C
        honcho.wait(timeout=15)
        time.sleep(0.5)
        with pytest.raises(ProcessLookupError):  # neither server nor worker is left behind
            os.killpg(honcho.pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(honcho.pid, signal.SIGKILL)
    reader.join(timeout=5)
