import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from .factories import ClinicianFactory
from .servers import manage, production_env


@pytest.fixture(autouse=True, scope="session")
def settings_for_tests():
    """Serve static files unhashed, so tests need no collectstatic run.

    test_static_files.py checks the real hashed, compressed storage on its own.
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
    """Rate limits and report counts live in the cache: every test starts with it empty."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Production static files (hashed and compressed), collected once for every real server."""
    static_root = tmp_path_factory.mktemp("static")
    env = production_env(static_root, DJANGO_STATIC_ROOT=str(static_root))
    manage(env, "collectstatic", "--noinput")
    return static_root
