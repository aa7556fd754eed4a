"""nginx in front of the app servers, with the config operators use (deploy/nginx.conf).

gunicorn's sync workers read each request themselves, so a handful of clients that send
half a request and wait can hold every worker. Through nginx they cannot: it holds those
connections, retries a reader's page on the other instance when one dies, and shows a calm
page with the help-line numbers when no instance answers in time.

Real processes: two gunicorn servers with production settings and Debian's nginx running
the deploy config, with only addresses, paths and one timeout changed. Skips when nginx
is not installed; `.ci/run` installs it and sets REQUIRE_NGINX=1 so it runs there.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .servers import PROJECT_DIR, free_port, manage, production_env, start_server, stop_server

pytestmark = pytest.mark.nginx

DEPLOY = PROJECT_DIR / "deploy"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@pytest.fixture(scope="module", autouse=True)
def nginx_installed():
    if NGINX is None:
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("REQUIRE_NGINX=1, but nginx is not installed (apt-get install nginx).")
        pytest.skip("nginx is not installed (apt-get install nginx); REQUIRE_NGINX=1 fails.")


def substitute(text, old, new):
    """Replace `old` exactly once: if the deploy config changed shape, say so loudly."""
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def render(directory, upstreams, port, read_timeout=None):
    """deploy/nginx.conf with this machine's addresses and paths, on plain HTTP.

    TLS is left out (no certificate here); everything else is the operators' config.
    """
    conf = (DEPLOY / "nginx.conf").read_text()
    conf = substitute(conf, "/var/cache/nginx/spasmcms ", f"{directory}/page-cache ")
    conf = substitute(conf, "server app1:8000 ", f"server {upstreams[0]} ")
    conf = substitute(conf, "server app2:8000 ", f"server {upstreams[1]} ")
    conf = substitute(conf, "listen 80;", f"listen 127.0.0.1:{free_port()};")
    conf = substitute(conf, "listen 443 ssl;", f"listen 127.0.0.1:{port};")
    conf = substitute(conf, "root /etc/nginx/spasmcms;", f"root {DEPLOY};")
    conf = re.sub(r"(?m)^\s*(http2|ssl_\w+)\s.*\n", "", conf)
    if read_timeout:
        conf = substitute(conf, "proxy_read_timeout 25s;", f"proxy_read_timeout {read_timeout};")
    return conf


def start_nginx(directory, upstreams, read_timeout=None):
    """nginx in the foreground running the rendered config, with everything it writes
    inside `directory`; returns the process and its base URL."""
    port = free_port()
    (directory / "spasmcms.conf").write_text(render(directory, upstreams, port, read_timeout))
    # A root master hands requests to workers running as `user`: this one, so they can
    # read the temp paths below. Without root the line is ignored.
    user = pwd.getpwuid(os.geteuid()).pw_name
    (directory / "nginx.conf").write_text(f"""
user {user};
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    gzip on;  # as Debian's own nginx.conf has it: the deploy config must turn it off
    gzip_types text/html text/plain application/json;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/spasmcms.conf;
}}
""")
    command = [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")]
    command += ["-e", str(directory / "error.log"), "-g", "daemon off;"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError((directory / "error.log").read_text())


def stop_nginx(process):
    process.terminate()
    process.wait(timeout=10)


def fetch(url, timeout=10, headers=None, data=None):
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            # A compressed page is given back as sent.
            encoded = "Content-Encoding" in response.headers
            return response.status, response.headers, body if encoded else body.decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def site(tmp_path):
    """Two one-worker app servers with production settings behind nginx."""
    env = production_env(tmp_path)
    one, one_url = start_server(env)
    two, two_url = start_server(env)
    upstreams = [one_url.removeprefix("http://"), two_url.removeprefix("http://")]
    proxy, base = start_nginx(tmp_path, upstreams)
    yield {"base": base, "instances": [one, two]}
    stop_nginx(proxy)
    for instance in (one, two):
        if instance.poll() is None:
            stop_server(instance)


@pytest.fixture
def hanging_upstream():
    """An address that takes connections and never answers, like a stuck instance."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes the handshake; nothing ever reads
        yield f"127.0.0.1:{listener.getsockname()[1]}"


def test_half_open_connections_do_not_hold_up_other_readers(site):
    # Six clients that send half a request line and wait: more than all the workers.
    address = ("127.0.0.1", int(site["base"].rsplit(":", 1)[1]))
    stalled = [socket.create_connection(address) for _ in range(6)]
    try:
        for connection in stalled:
            connection.sendall(b"GET /articles/ HT")
        started = time.monotonic()

        status, _, body = fetch(f"{site['base']}/healthz", timeout=1)

        assert status == 200, body
        assert time.monotonic() - started < 1
    finally:
        for connection in stalled:
            connection.close()


def test_readers_pages_still_load_when_one_instance_dies(site):
    assert fetch(f"{site['base']}/readyz")[0] == 200
    one = site["instances"][0]
    one.kill()
    one.wait(timeout=10)

    answers = [fetch(f"{site['base']}{path}")[0] for path in ["/healthz", "/readyz"] * 5]

    assert answers == [200] * 10


def test_a_page_no_instance_answers_in_time_gets_the_calm_page(tmp_path, hanging_upstream):
    proxy, base = start_nginx(tmp_path, [hanging_upstream] * 2, read_timeout="1s")
    try:
        status, headers, html = fetch(f"{base}/articles/back-muscle-spasms/")
    finally:
        stop_nginx(proxy)

    assert status == 504
    assert "Sorry, the site is not answering" in html
    assert 'call <a href="tel:999">999</a> in an emergency' in html
    assert '<a href="tel:111">111</a> for urgent advice' in html
    assert headers["Cache-Control"] == "no-store"
    assert "Gateway Time-out" not in html  # nginx's own page


# The shared cache of anonymous pages (proxy_cache), used when the app allows it

ARTICLE = "/articles/back-muscle-spasms/"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A migrated SQLite site with demo content, shared by the cache tests."""
    directory = tmp_path_factory.mktemp("nginx-cache")
    env = production_env(directory)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    return directory / "site.sqlite3"


def cached_site(tmp_path, demo_database, collected_static, shared_seconds):
    env = production_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{demo_database}",
        DJANGO_STATIC_ROOT=str(collected_static),
        SPASMCMS_PAGE_CACHE_SHARED_SECONDS=str(shared_seconds),
    )
    servers = [start_server(env) for _ in range(2)]
    upstreams = [url.removeprefix("http://") for _, url in servers]
    proxy, base = start_nginx(tmp_path, upstreams)
    return base, [proxy, *(process for process, _ in servers)]


@pytest.fixture
def sharing_site(tmp_path, demo_database, collected_static):
    """The site behind nginx, allowing a shared cache to keep anonymous pages for 60 s."""
    base, processes = cached_site(tmp_path, demo_database, collected_static, 60)
    yield base
    stop_nginx(processes[0])
    for process in processes[1:]:
        stop_server(process)


def cache_status(headers):
    return headers.get("X-Cache-Status")


def test_with_shared_seconds_set_nginx_answers_repeat_readers_itself(sharing_site):
    accepts_brotli = {"Accept-Encoding": "br"}
    first = fetch(f"{sharing_site}{ARTICLE}", headers=accepts_brotli)
    again = fetch(f"{sharing_site}{ARTICLE}", headers=accepts_brotli)

    assert (first[0], cache_status(first[1])) == (200, "MISS")
    assert (again[0], cache_status(again[1])) == (200, "HIT")
    assert again[1]["Content-Encoding"] == "br"
    assert again[1]["Cache-Control"] == "public, max-age=0, s-maxage=60"
    # Each encoding is kept apart (the page's Vary): a browser without brotli gets its own.
    plain = fetch(f"{sharing_site}{ARTICLE}")
    assert cache_status(plain[1]) == "MISS"
    assert "Content-Encoding" not in plain[1]
    assert "Back muscle spasms" in plain[2]


def test_staff_and_readers_with_a_message_are_never_answered_from_the_shared_cache(
    sharing_site,
):
    fetch(f"{sharing_site}{ARTICLE}")  # now kept for anonymous readers

    for cookie in ("sessionid=abcdefghijklmnopqrstuvwxyz012345", "messages=thanks"):
        status, headers, _ = fetch(f"{sharing_site}{ARTICLE}", headers={"Cookie": cookie})
        assert (status, cache_status(headers)) == (200, "BYPASS"), cookie
    # What they were sent was not kept: the next anonymous reader still gets the shared copy
    # stored before, not one rendered for them.
    assert cache_status(fetch(f"{sharing_site}{ARTICLE}")[1]) == "HIT"


def test_a_post_is_never_answered_from_the_shared_cache(sharing_site):
    fetch(f"{sharing_site}{ARTICLE}")  # now kept for anonymous readers

    status, headers, _ = fetch(
        f"{sharing_site}{ARTICLE}", headers={"Sec-Fetch-Site": "same-origin"}, data=b"a=b"
    )

    assert status == 403  # the app answered it: no page's form posts there
    assert cache_status(headers) is None  # nginx did not even look in its cache
    assert "private" in headers["Cache-Control"]


def test_by_default_nginx_keeps_no_page(tmp_path, demo_database, collected_static):
    base, processes = cached_site(tmp_path, demo_database, collected_static, 0)
    try:
        answers = [fetch(f"{base}{ARTICLE}") for _ in range(2)]
    finally:
        stop_nginx(processes[0])
        for process in processes[1:]:
            stop_server(process)

    assert [cache_status(headers) for _, headers, _ in answers] == ["MISS", "MISS"]
    assert answers[1][1]["Cache-Control"] == "public, max-age=0, s-maxage=0"


def test_nginx_leaves_pages_the_app_did_not_compress_uncompressed(sharing_site):
    """The sign-in page holds a CSRF token: compressed, BREACH could read it."""
    status, headers, html = fetch(
        f"{sharing_site}/admin/login/", headers={"Accept-Encoding": "gzip"}
    )

    assert status == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Content-Encoding" not in headers
