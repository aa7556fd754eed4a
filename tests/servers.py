"""Real production servers for tests: gunicorn processes with production settings."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

from django.core import signing

from comments.forms import TIMESTAMP_SALT

PROJECT_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = secrets.token_urlsafe(50)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_without_settings(**overrides):
    """This process's environment less the settings the test run was given (DJANGO_*,
    DATABASE_URL), plus `overrides`: a subprocess then sees only the settings it is told."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(overrides)
    return env


def production_env(tmp_path, **overrides):
    """Production settings (debug off) on plain HTTP over loopback, SQLite unless overridden.

    Static files are expected in `tmp_path`/static unless DJANGO_STATIC_ROOT says otherwise
    (the `collected_static` fixture collects them once per run).
    """
    env = env_without_settings()
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
    )
    env.update(overrides)
    return env


def manage(env, *args, check=True):
    """Run `manage.py *args` in a subprocess with `env`; by default a failure raises, and
    `check=False` returns it for the test to look at (output is captured as text)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=check,
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_server(env):
    """A one-worker gunicorn with the production config on a free port; returns the
    process and its base URL."""
    port = free_port()
    command = [str(GUNICORN), "--config", "deploy/gunicorn.conf.py", "spasmcms.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]  # override the config
    # Into a file, not a pipe: a pipe nobody reads fills up (64 kB of warnings while the
    # cache is down, say) and the server then hangs on its next log line.
    output = tempfile.TemporaryFile()  # noqa: SIM115 (read after the server stops)
    process = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    process.output = output
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise AssertionError(server_output(process))


def stop_server(process):
    process.terminate()
    process.wait(timeout=10)


def server_output(process):
    """What a server from `start_server` has written so far."""
    process.output.seek(0)
    return process.output.read().decode(errors="replace")


def signed_start_stamp(seconds_ago=10):
    """The comment form's signed time stamp, as a reader who took a while to write has it."""
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT, key=SECRET_KEY)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class LoopbackIsSecure(DefaultCookiePolicy):
    """Send Secure cookies over plain HTTP: these servers are on loopback, as browsers allow."""

    def return_ok_secure(self, cookie, request):
        return True


class Visitor:
    """A person with a browser's cookie jar; redirects are returned, not followed."""

    def __init__(self, base):
        self.base = base
        self.cookies = CookieJar(policy=LoopbackIsSecure())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def request(self, path, data=None, base=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(f"{base or self.base}{path}", data=body)
        if body is not None:
            request.add_header("Referer", f"{base or self.base}{path}")
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form(self, path, base=None, **form_attributes):
        """GET a page and return one form's fields as a browser would send them.

        The form is the one whose attributes include `form_attributes` (id=..., action=...).
        """
        status, html = self.request(path, base=base)
        assert status == 200, (status, html[:500])
        return form_fields(html, **form_attributes)


class FormFields(HTMLParser):
    """The successful controls of one form: what a browser sends when it is submitted."""

    def __init__(self, form_attributes):
        super().__init__(convert_charrefs=True)
        self.form_attributes = form_attributes
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = all(attrs.get(k) == v for k, v in self.form_attributes.items())
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            ticked = attrs.get("type") in ("checkbox", "radio")
            if ticked and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if ticked else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            # Browsers drop the one newline that follows <textarea>, as Django writes one.
            self.fields.append((name, value.removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_fields(html, **form_attributes):
    parser = FormFields(form_attributes)
    parser.feed(html)
    assert parser.fields, f"no form with {form_attributes} on the page"
    return parser.fields


def changed(fields, **changes):
    """The same form data with some single-valued fields changed."""
    return [(name, changes.get(name, value)) for name, value in fields]
