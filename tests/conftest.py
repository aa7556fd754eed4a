import fcntl
import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import zlib
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from pagecache.kept import forget_everything_kept
from pagecache.middleware import local_pages

from .factories import ClinicianFactory
from .servers import PROJECT_DIR, manage, production_env

MODULE_SCOPED_FIXTURE = re.compile(r"""@pytest\.fixture\([^)]*scope=["']module["']""")


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unknown under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's `load` (the default for `-n`), with modules' shared fixtures kept.

    Tests go one by one to whichever worker is free, in the order pytest-django sorted them:
    each worker then runs its database tests before the transactional ones, which empty the
    database and with it the migrations' data (groups, checker questions) the others need.
    (`--dist loadfile` breaks that order.) But a module with a module-scoped fixture (a real
    server, a migrated site) goes to one worker as a whole, a run of its tests at a time as
    without xdist, so the fixture is set up once and never twice side by side. (The
    `xdist_group` mark would do that, but pytest-xdist 3.8 cannot rename tests as it needs
    to under pytest 9, so `--dist loadgroup` quietly groups nothing.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LoadKeepingModuleFixtures(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep pytest-django's order
            self.scopes = {}

        def schedule(self):
            if self.collection is None and self.registered_collections:
                collection = next(iter(self.registered_collections.values()))
                self.scopes = work_units(collection, config.rootpath)
            super().schedule()

        def _split_scope(self, nodeid):
            return self.scopes[nodeid]

    return LoadKeepingModuleFixtures(config, log)


def work_units(collection, rootpath):
    """{test id: its unit of work}: the test itself, or for a module with a module-scoped
    fixture, the run of that module's tests it is in."""
    shares_fixtures = {}
    units = {}
    previous_module, run = None, 0
    for nodeid in collection:
        module = nodeid.split("::", 1)[0]
        if module not in shares_fixtures:
            source = (rootpath / module).read_text(encoding="utf-8")
            shares_fixtures[module] = bool(MODULE_SCOPED_FIXTURE.search(source))
        if module != previous_module:
            previous_module, run = module, run + 1
        units[nodeid] = f"{module}#{run}" if shares_fixtures[module] else nodeid
    return units


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "database_independent: the same on any test database (its servers keep a SQLite "
        "file of their own, or it needs no database); .ci/run runs it on SQLite only",
    )
    config.addinivalue_line(
        "markers",
        "timing: times milliseconds by the wall clock, which tests running beside it on other "
        "workers would slow; `make test` runs it alone, after the others",
    )
    # Under pytest-xdist every worker's `fresh_cache` would empty the one Redis database
    # REDIS_URL names, in the middle of the other workers' tests.
    if os.environ.get("REDIS_URL") and config.getoption("dist", "no") != "no":
        raise pytest.UsageError(
            "REDIS_URL is set: the test processes would share its Redis, and each test "
            "empties the cache. Unset it, or run without workers (-n 0)."
        )


@pytest.fixture(autouse=True, scope="session")
def settings_for_tests():
    """Serve static files unhashed, so tests need no collectstatic run.

    test_static_files.py checks the real hashed, compressed storage on its own (on the
    files `collected_static` collects).
    """
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests create many users; a fast hasher keeps that cheap (never used outside tests).
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(STORAGES=storages, PASSWORD_HASHERS=fast_hashing):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits and report counts live in the cache: every test starts with it empty,
    and with no page or other value kept in this process's memory (a test's database is
    rolled back, so the next test's pages version may have the same number)."""
    cache.clear()
    local_pages.clear()
    forget_everything_kept()
    yield
    cache.clear()
    local_pages.clear()
    forget_everything_kept()


@pytest.fixture
def clinician(db):
    return ClinicianFactory()


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def second_clinician(db):
    """Another clinician, signed in on a client of their own (four eyes)."""
    other = Client()
    other.force_login(ClinicianFactory())
    return other


def collect_static(static_root):
    env = production_env(static_root, DJANGO_STATIC_ROOT=str(static_root))
    manage(env, "collectstatic", "--noinput")
    return static_root


def static_inputs_digest():
    """A digest of everything `collectstatic` reads: every file the static files finders
    list (none ignored), the settings module, and the code that hashes and compresses."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(f"{sys.version} zlib {zlib.ZLIB_RUNTIME_VERSION}\n".encode())
    for package in ("django", "whitenoise", "brotli"):
        digest.update(f"{package} {importlib.metadata.version(package)}\n".encode())
    digest.update((PROJECT_DIR / "spasmcms" / "settings.py").read_bytes())
    files = {}
    for finder in get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None) or ""
            files.setdefault(os.path.join(prefix, path), storage.path(path))
    for name, full_path in sorted(files.items()):
        digest.update(f"\0{name}\0".encode())
        digest.update(Path(full_path).read_bytes())
    return digest.hexdigest()[:20]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Production static files (hashed and compressed), collected once for every real server.

    Once a run, too, under pytest-xdist: its workers share one copy in the run's temporary
    folder, collected by the first worker that needs it while any other waits on a lock
    (collecting takes about 20 s of both CPUs). Nothing writes to it afterwards.

    With TEST_STATIC_CACHE naming a folder (`.ci/run` gives its SQLite and PostgreSQL runs
    one), the copy is kept there under a digest of everything `collectstatic` reads, and a
    later run uses it only if that digest is the same, that is if collecting again would
    write the same files.
    """
    cache = os.environ.get("TEST_STATIC_CACHE")
    if cache:
        shared, name = Path(cache), f"static-{static_inputs_digest()}"
        shared.mkdir(parents=True, exist_ok=True)
    elif "PYTEST_XDIST_WORKER" in os.environ:
        shared, name = tmp_path_factory.getbasetemp().parent, "static"  # the whole run's
    else:
        return collect_static(tmp_path_factory.mktemp("static"))
    static_root = shared / name
    collected = shared / f"{name}.collected"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not collected.exists():
            shutil.rmtree(static_root, ignore_errors=True)  # from a run that failed
            collect_static(static_root)
            collected.touch()
    return static_root
